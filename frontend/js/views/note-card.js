/** One note card: text, author, tally, vote buttons, edit and delete; updated in place, never rebuilt.
 * Its text comes first; what one can do with it sits in a footer below, apart from the text. */

import { emit, h, isEnabled, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { MAX_PRESENTED, canGroup, canPresent, presentedCount } from '../method.js';
import { selection } from '../selection.js';
import { MAX_NOTE_TEXT, canEditNote, canMoveNote, canVote, seesTallies, votesLeft } from '../store.js';
import { personaById } from '../templates.js';
import { mountColorPicker } from './color-picker.js';

/** @typedef {import('../store.js').Note} Note */
/**
 * @typedef {Object} CardContext
 * @property {Note} note
 * @property {string} authorName
 * @property {boolean} mine
 * @property {boolean} canEdit
 * @property {boolean} canMove
 * @property {boolean} canVote
 * @property {boolean} showTally
 * @property {number} tally
 * @property {number} myVotes
 * @property {number} votesLeft
 * @property {string} personaName name of the persona the note was written as ('' if none)
 * @property {string} question the question the note answers ('' if none)
 * @property {string} groupTitle title of the note's group ('' if none)
 * @property {boolean} canPresent
 * @property {number} presentedCount the author's presented notes
 * @property {boolean} canGroup
 * @property {boolean} selected
 * @property {boolean} spotlit
 * @property {boolean} [compact] projector: the wall is crowded, cards show three lines
 */

const CONFIRM_MS = 5_000;
// On the wall a card shows this many lines of its text; longer notes get a "read it all" toggle.
// Whether a note is long is estimated from its text, never measured: 18 characters a line is fewer
// than a wall card holds even in capitals, so a clamped note always gets its toggle.
export const WALL_LINES = 6;
const CHARS_PER_LINE = 18;

// A projector card holds six lines of 17 characters or more once words wrap (notes-canvas.css):
// longer notes end in an ellipsis at a word's end there, and are read whole in the spotlight.
const PROJECTOR_CHARS = 80;
const PROJECTOR_CHARS_COMPACT = 40; // three lines, when the projector's wall is crowded

/**
 * The text cut at a word's end to at most `max` characters, with an ellipsis when cut (pure).
 * @param {string} text
 * @param {number} max
 */
export function shortened(text, max) {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:.!?-]+$/, '')}…`;
}

/**
 * How many lines a note's text takes on a wall card, at most (pure: no DOM).
 * @param {string} text
 */
export function estimatedLines(text) {
  return text.split('\n').reduce((sum, line) => sum + Math.max(1, Math.ceil(line.length / CHARS_PER_LINE)), 0);
}

/**
 * Actions emitted (bubbling): `add-vote` {note_id}, `remove-vote` {note_id}, `edit-note` {id, text,
 * color, result?}, `delete-note` {id}.
 * @param {{mode: 'canvas'|'wall'|'projector', moveHintId?: string}} options
 * @returns {HTMLElement & {noteCard: {update: (ctx: CardContext) => void, isEditing: () => boolean}}}
 */
export function mountNoteCard({ mode, moveHintId }) {
  const el = /** @type {any} */ (h('article', { class: `note note--${mode}`, 'data-testid': 'note' }));
  const textId = uid('note-text');

  const author = h('span', { class: 'note__author', 'data-testid': 'note-author' });
  const forName = h('span', { class: 'note__for', 'data-testid': 'note-for-name' });
  const colorName = h('span', { class: 'visually-hidden' });
  const privacy = h('span', { class: 'note__private', 'data-testid': 'note-private', hidden: true });
  const persona = h('span', { class: 'note__persona', 'data-testid': 'note-persona', hidden: true });
  const meta = h('p', { class: 'note__meta' }, author, ' ', forName, colorName, ' ', privacy, ' ', persona);
  const text = h('p', { class: 'note__text', id: textId, 'data-testid': 'note-body' });
  // The question a note answers is its section's heading on the wall and the projector; on the free
  // wall (no sections) it stays for screen readers only, so that no card repeats it in print.
  const question = h('p', { class: 'note__question visually-hidden', 'data-testid': 'note-question', hidden: true });
  // Wall cards clamp long text; this toggle shows it whole (and says so to screen readers).
  const more = h('button', { type: 'button', class: 'button button--small button--quiet note__more', 'data-testid': 'note-more', 'aria-expanded': 'false', 'aria-controls': textId, hidden: true });
  const groupTag = h('p', { class: 'note__group', 'data-testid': 'note-group', hidden: true });
  const presentedTag = h('p', { class: 'note__presented', 'data-testid': 'note-presented', i18n: 'method.note.presented', hidden: true });
  // "Je présente cette idée" (own notes, at most 3) and "Sélectionner" (grouping without dragging):
  // both are toggle buttons whose name stays the same, the state is in aria-pressed.
  const presentButton = h('button', { type: 'button', class: 'button button--small note__present', 'data-testid': 'note-present', 'aria-pressed': 'false' });
  const selectButton = h('button', { type: 'button', class: 'button button--small note__select', 'data-testid': 'note-select', 'aria-describedby': textId, 'aria-pressed': 'false', i18n: 'method.note.select' });
  const presentCountId = uid('note-present-count');
  const presentCount = h('span', { id: presentCountId, class: 'note__present-count', 'data-testid': 'note-present-count' });
  const methodActions = h('div', { class: 'note__method', hidden: true }, presentButton, presentCount, selectButton);
  presentButton.append(h('span', { i18n: 'method.note.present' }));
  // The count says why the button cannot be used once three ideas are presented, before it is pressed.
  presentButton.setAttribute('aria-describedby', `${textId} ${presentCountId}`);

  const tallyCount = h('span', { class: 'note__tally-count', 'data-testid': 'tally' });
  const tallyLabel = h('span', { class: 'note__tally-label' });
  const tally = h('p', { class: 'note__tally', hidden: true }, tallyCount, ' ', tallyLabel);

  // "− gommette" / "+ gommette": on the wall only the sign shows (cards are small), the word stays in
  // the accessible name, which therefore always contains the visible label (WCAG 2.5.3).
  const voteButton = (/** @type {string} */ testid, /** @type {string} */ signKey) =>
    h(
      'button',
      { type: 'button', class: 'button button--small note__vote', 'data-testid': testid, 'aria-describedby': textId },
      h('span', { class: 'note__vote-sign', i18n: signKey }),
      ' ',
      h('span', { class: 'note__vote-word', i18n: 'note.vote_word' }),
    );
  const voteRemove = voteButton('vote-remove', 'note.vote_minus');
  const voteAdd = voteButton('vote-add', 'note.vote_plus');
  const mine = h('p', { class: 'note__mine', 'data-testid': 'my-votes' });
  const votes = h('div', { class: 'note__votes', hidden: true }, mine, h('div', { class: 'note__vote-buttons' }, voteRemove, voteAdd));

  const editButton = h('button', { type: 'button', class: 'button button--small button--quiet', 'data-testid': 'note-edit', 'aria-describedby': textId, i18n: 'note.edit' });
  const deleteButton = h('button', { type: 'button', class: 'button button--small button--quiet button--danger', 'data-testid': 'note-delete', 'aria-describedby': textId });
  const actions = h('div', { class: 'note__actions', hidden: true }, editButton, deleteButton);

  // The edit form exists only while editing, so a remote update never touches a draft.
  /** @type {{form: HTMLFormElement, textarea: HTMLTextAreaElement, colors: any}|null} */
  let editor = null;
  let confirming = false;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let confirmTimer = null;
  /** @type {CardContext|null} */
  let last = null;

  // Everything one can do with a note sits below its text, never beside it.
  const footer = h('div', { class: 'note__footer' }, tally, votes, methodActions, actions);
  el.append(meta, question, text, more, groupTag, presentedTag, footer);
  let open = false;
  more.addEventListener('click', () => {
    open = !open;
    renderMore();
  });
  function renderMore() {
    setAttr(more, 'aria-expanded', String(open));
    setText(more, t(open ? 'wall.less' : 'wall.more'));
    el.classList.toggle('note--open', open);
  }

  function openEditor() {
    if (editor || !last) return;
    const textareaId = uid('note-edit');
    const textarea = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { id: textareaId, rows: 4, maxlength: MAX_NOTE_TEXT, class: 'note__edit-text', 'data-testid': 'note-edit-text' })
    );
    textarea.value = last.note.text;
    const colors = mountColorPicker({ testidPrefix: 'note-edit-color' });
    colors.colorPicker.set(last.note.color);
    const save = h('button', { type: 'submit', class: 'button button--small button--primary', 'data-testid': 'note-edit-save', i18n: 'note.save' });
    const cancel = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'note-edit-cancel', i18n: 'note.cancel' });
    const form = /** @type {HTMLFormElement} */ (
      h(
        'form',
        { class: 'note__edit', novalidate: true },
        h('label', { for: textareaId, class: 'field__label', i18n: 'note.edit_label' }),
        textarea,
        colors,
        h('div', { class: 'note__edit-actions' }, save, cancel),
      )
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      saveEdit();
    });
    textarea.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        saveEdit();
      } else if (event.key === 'Escape') {
        event.preventDefault();
        closeEditor(true);
      }
    });
    cancel.addEventListener('click', () => closeEditor(true));
    editor = { form, textarea, colors };
    text.hidden = true;
    actions.hidden = true;
    el.insertBefore(form, footer);
    el.classList.add('note--editing');
    textarea.focus();
  }

  /** @param {boolean} restoreFocus */
  function closeEditor(restoreFocus) {
    if (!editor) return;
    const hadFocus = editor.form.contains(document.activeElement);
    editor.form.remove();
    editor = null;
    el.classList.remove('note--editing');
    text.hidden = false;
    if (last) render(last);
    if (restoreFocus || hadFocus) (actions.hidden ? el : editButton).focus();
  }

  function saveEdit() {
    if (!editor || !last) return;
    const value = editor.textarea.value.trim();
    if (!value) {
      editor.textarea.setAttribute('aria-invalid', 'true');
      editor.textarea.focus();
      return;
    }
    /** @type {{id: string, text: string|null, color: string|null, result?: Promise<unknown>}} */
    const detail = {
      id: last.note.id,
      text: value !== last.note.text ? value : null,
      color: editor.colors.colorPicker.value() !== last.note.color ? editor.colors.colorPicker.value() : null,
    };
    if (detail.text === null && detail.color === null) {
      closeEditor(true);
      return;
    }
    emit(el, 'edit-note', detail);
    closeEditor(true);
  }

  function resetConfirm() {
    confirming = false;
    clearTimeout(confirmTimer ?? undefined);
    confirmTimer = null;
    setText(deleteButton, t('note.delete'));
    deleteButton.classList.remove('button--confirm');
  }

  editButton.addEventListener('click', () => {
    if (isEnabled(editButton)) openEditor();
  });
  // Two steps, without a modal dialog: the first press asks, the second (within 5 s) deletes.
  deleteButton.addEventListener('click', () => {
    if (!last || !isEnabled(deleteButton)) return;
    if (!confirming) {
      confirming = true;
      setText(deleteButton, t('note.delete_confirm'));
      deleteButton.classList.add('button--confirm');
      confirmTimer = setTimeout(resetConfirm, CONFIRM_MS);
      return;
    }
    resetConfirm();
    emit(el, 'delete-note', { id: last.note.id });
  });
  deleteButton.addEventListener('blur', () => {
    if (confirming) resetConfirm();
  });
  voteAdd.addEventListener('click', () => {
    if (last && isEnabled(voteAdd)) emit(el, 'add-vote', { note_id: last.note.id });
  });
  voteRemove.addEventListener('click', () => {
    if (last && isEnabled(voteRemove)) emit(el, 'remove-vote', { note_id: last.note.id });
  });
  presentButton.addEventListener('click', () => {
    if (last && isEnabled(presentButton)) emit(el, 'present-note', { id: last.note.id });
  });
  selectButton.addEventListener('click', () => {
    if (!last || !isEnabled(selectButton)) return;
    selection.toggle(last.note.id);
    // Said at once, whether or not the page re-renders on a selection change.
    setAttr(selectButton, 'aria-pressed', String(selection.has(last.note.id)));
    el.classList.toggle('note--selected', selection.has(last.note.id));
  });

  /** @param {CardContext} ctx */
  function render(ctx) {
    const { note } = ctx;
    const dragging = el.classList.contains('note--dragging');
    const className = `note note--${mode} note--${note.color}${ctx.mine ? ' note--mine' : ''}${editor ? ' note--editing' : ''}${dragging ? ' note--dragging' : ''}${ctx.spotlit ? ' note--spotlight' : ''}${ctx.selected ? ' note--selected' : ''}${open ? ' note--open' : ''}`;
    if (el.className !== className) el.className = className;
    setAttr(el, 'data-note-id', note.id);
    // The card itself answers to its note's key too (the spotlight and tests find it so), even where
    // a list item around it is the keyed child.
    setAttr(el, 'data-key', note.id);
    setAttr(el, 'data-color', note.color);
    setAttr(el, 'data-movable', String(mode === 'canvas' && ctx.canMove));

    let label = t('note.label', { name: ctx.authorName });
    if (ctx.mine) label = t('note.label_mine');
    else if (note.for) label = t('note.label_for', { name: note.for, author: ctx.authorName });
    else if (note.author === null) label = t('note.label_anonymous');
    setAttr(el, 'aria-label', label);
    if (mode === 'canvas' && ctx.canMove) {
      setAttr(el, 'tabindex', '0');
      setAttr(el, 'aria-describedby', moveHintId ? `${textId} ${moveHintId}` : textId);
    } else {
      setAttr(el, 'tabindex', null);
      setAttr(el, 'aria-describedby', null);
    }

    setText(author, ctx.mine ? t('note.you') : ctx.authorName);
    setText(forName, note.for ? t('note.for', { name: note.for }) : '');
    setHidden(forName, !note.for);
    setText(colorName, ` (${t('note.color', { color: t(`colors.${note.color}`) })})`);
    setHidden(privacy, !note.private);
    // Said in full on the card (a tooltip is out of reach of keyboards and touch).
    setText(privacy, t('method.note.private'));
    setText(text, mode === 'projector' ? shortened(note.text, ctx.compact ? PROJECTOR_CHARS_COMPACT : PROJECTOR_CHARS) : note.text);
    setHidden(persona, !ctx.personaName);
    setText(persona, ctx.personaName ? t('method.note.persona', { name: ctx.personaName }) : '');
    setHidden(question, mode !== 'canvas' || !ctx.question);
    setText(question, ctx.question ? t('method.note.question', { text: ctx.question }) : '');
    const long = mode === 'wall' && estimatedLines(note.text) > WALL_LINES;
    if (!long && open) open = false;
    setHidden(more, !long || !!editor);
    if (long) renderMore();
    // On the wall and the projector the group is the section's heading.
    setHidden(groupTag, mode !== 'canvas' || !ctx.groupTitle);
    setText(groupTag, ctx.groupTitle ? t('method.note.group', { title: ctx.groupTitle }) : '');
    setHidden(presentButton, !ctx.canPresent);
    setAttr(presentButton, 'aria-pressed', String(note.presented === true));
    setHidden(presentCount, !ctx.canPresent);
    const full = ctx.canPresent && note.presented !== true && ctx.presentedCount >= MAX_PRESENTED;
    setEnabled(presentButton, !full);
    presentCount.classList.toggle('note__present-count--full', full);
    setText(presentCount, full ? t('phone.present_limit', { max: MAX_PRESENTED }) : t('method.note.present_count', { count: ctx.presentedCount, max: MAX_PRESENTED }));
    setHidden(presentedTag, ctx.canPresent || note.presented !== true);
    setHidden(selectButton, !ctx.canGroup);
    setAttr(selectButton, 'aria-pressed', String(ctx.selected));
    setHidden(methodActions, !ctx.canPresent && !ctx.canGroup);

    setHidden(tally, !ctx.showTally);
    setText(tallyCount, String(ctx.tally));
    setAttr(tallyCount, 'data-count', String(ctx.tally));
    setText(tallyLabel, t('note.tally', { count: ctx.tally }));

    setHidden(votes, !ctx.canVote);
    setText(mine, t('note.my_votes', { count: ctx.myVotes }));
    setEnabled(voteAdd, ctx.canVote && ctx.votesLeft > 0);
    setEnabled(voteRemove, ctx.canVote && ctx.myVotes > 0);

    setHidden(actions, !ctx.canEdit || !!editor);
    setEnabled(editButton, ctx.canEdit);
    setEnabled(deleteButton, ctx.canEdit);
    if (!confirming) setText(deleteButton, t('note.delete'));
    // An open editor stays open even if the right to edit was lost meanwhile: the draft is the
    // user's, and saving will tell them why it cannot be kept.
  }

  /** @type {string|null} */
  let renderedLanguage = null;
  el.noteCard = {
    /** @param {CardContext} ctx */
    update(ctx) {
      // Most events touch one note: skip the others (the fold keeps unchanged notes identical),
      // so a wall of hundreds of notes updates in a few milliseconds.
      const same = last !== null && renderedLanguage === currentLanguage() &&
        /** @type {(keyof CardContext)[]} */ (Object.keys(ctx)).every((key) => ctx[key] === /** @type {CardContext} */ (last)[key]);
      last = ctx;
      if (same) return;
      renderedLanguage = currentLanguage();
      render(ctx);
    },
    isEditing: () => editor !== null,
  };
  return el;
}

/**
 * What a card shows for this viewer, from the state.
 * @param {import('../store.js').State} state
 * @param {import('../store.js').You} you
 * @param {Note} note
 * @returns {CardContext}
 */
export function cardContext(state, you, note) {
  const projector = you.view === 'projector';
  const tally = state.votes[note.id] ?? 0;
  // "0 dots" on every note outside the vote is noise: tallies show during convergence, once
  // revealed, or when a note has dots.
  const showTally = seesTallies(state, you) && (state.board.votes_revealed || state.board.phase === 'convergence' || tally > 0);
  return {
    note,
    authorName: note.author === null ? t('note.anonymous') : (state.participants[note.author]?.name ?? t('note.unknown_author')),
    mine: !projector && note.author === you.id,
    canEdit: canEditNote(state, you, note),
    canMove: canMoveNote(state, you, note),
    canVote: canVote(state, you),
    showTally,
    tally,
    myVotes: state.my_votes[note.id] ?? 0,
    votesLeft: votesLeft(state),
    personaName: note.persona ? (personaById(note.persona)?.name ?? '') : '',
    question: note.question ?? '',
    groupTitle: (note.group && state.groups?.[note.group]?.title) || '',
    canPresent: canPresent(state, you, note),
    presentedCount: note.author ? presentedCount(state, note.author) : 0,
    canGroup: canGroup(state, you),
    selected: canGroup(state, you) && selection.has(note.id),
    spotlit: state.board.spotlight?.kind === 'note' && state.board.spotlight.id === note.id,
  };
}
