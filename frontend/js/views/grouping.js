/** Convergence: grouping similar notes. Groups are labelled areas listing their notes; a note joins a
 * group by dragging it there (pointer), or without a mouse: "Sélectionner" on notes, then "Nouveau
 * groupe…" or "Ajouter au groupe". Groups can be renamed, notes taken out, and groups get dots too. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { MAX_GROUP_TITLE, canGroup, groupNotes, groupsInOrder, ungroupedNotes } from '../method.js';
import { selection } from '../selection.js';
import { canVote, isProjector, seesTallies, votesLeft } from '../store.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {import('../store.js').You} You */
/** @typedef {import('../store.js').Note} Note */
/** @typedef {import('../method.js').Group} Group */
/** @typedef {{state: State, you: You}} Context */

const DRAG_TYPE = 'application/x-atelier-note';
const SHOWN_PHASES = ['convergence', 'sharing', 'conclusion'];

/**
 * Emits `create-group` {title, note_ids}, `add-to-group` {group_id, note_id}, `remove-from-group`
 * {note_id}, `rename-group` {group_id, title}, `add-vote` / `remove-vote` {group_id}.
 * @param {HTMLElement} el a <section>
 */
export function mountGrouping(el) {
  el.classList.add('grouping');
  el.dataset.testid = 'grouping';
  const headingId = uid('grouping-heading');
  const hintId = uid('grouping-hint');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'grouping__heading', tabindex: '-1', i18n: 'method.grouping.heading' });
  const hint = h('p', { id: hintId, class: 'grouping__hint', i18n: 'method.grouping.hint' });

  // --- toolbar: what is selected, and what to do with it ------------------------------------------
  const count = h('p', { class: 'grouping__count', 'data-testid': 'selection-count' });
  const clear = h('button', { type: 'button', class: 'button button--small button--quiet', 'data-testid': 'selection-clear', i18n: 'method.grouping.clear' });
  const titleId = uid('group-title');
  const titleErrorId = uid('group-title-error');
  const titleInput = /** @type {HTMLInputElement} */ (
    h('input', { id: titleId, type: 'text', maxlength: MAX_GROUP_TITLE, autocomplete: 'off', 'data-testid': 'group-title', 'aria-describedby': titleErrorId })
  );
  const titleError = h('p', { id: titleErrorId, class: 'field__error', hidden: true });
  const createButton = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'group-create', i18n: 'method.grouping.create' });
  const createForm = h(
    'form',
    { class: 'grouping__form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: titleId, class: 'field__label', i18n: 'method.grouping.title_label' }), titleInput, titleError),
    createButton,
  );
  const targetId = uid('group-target');
  const target = /** @type {HTMLSelectElement} */ (h('select', { id: targetId, 'data-testid': 'group-target' }));
  const addButton = h('button', { type: 'submit', class: 'button', 'data-testid': 'group-add', i18n: 'method.grouping.add' });
  const addForm = h(
    'form',
    { class: 'grouping__form', novalidate: true, hidden: true },
    h('div', { class: 'field' }, h('label', { for: targetId, class: 'field__label', i18n: 'method.grouping.target_label' }), target),
    addButton,
  );
  const toolbar = h(
    'div',
    { class: 'grouping__toolbar', role: 'group', i18nAttrs: { 'aria-label': 'method.grouping.toolbar' } },
    h('div', { class: 'grouping__selection' }, count, clear),
    createForm,
    addForm,
  );

  // --- the groups and the notes in no group -----------------------------------------------------
  const groupsList = h('ul', { class: 'grouping__groups', role: 'list', i18nAttrs: { 'aria-label': 'method.grouping.groups_label' } });
  const noGroups = h('p', { class: 'grouping__empty', i18n: 'method.grouping.no_groups' });
  const newDrop = h('p', { class: 'grouping__drop grouping__drop--new', 'data-drop': 'new', i18n: 'method.grouping.drop_new' });
  const poolHeadingId = uid('grouping-pool');
  const poolHeading = h('h3', { id: poolHeadingId, class: 'grouping__pool-heading' });
  // It scrolls inside itself: keyboards must be able to reach it to scroll it (its chips may have no button).
  const pool = h('ul', { class: 'grouping__pool-list', role: 'list', tabindex: '0', 'aria-labelledby': poolHeadingId });
  const poolBox = h('div', { class: 'grouping__pool', 'data-drop': 'pool', 'data-testid': 'ungrouped' }, poolHeading, pool);
  el.append(heading, hint, toolbar, noGroups, groupsList, newDrop, poolBox);

  /** @type {Context|null} */
  let last = null;
  let editable = false;

  // --- selection ----------------------------------------------------------------------------------
  /** @returns {string[]} selected notes that still exist */
  function selectedIds() {
    const notes = last?.state.notes ?? {};
    return selection.ids().filter((id) => notes[id]);
  }

  clear.addEventListener('click', () => {
    if (isEnabled(clear)) selection.clear();
  });

  /** @param {string|null} message */
  function titleProblem(message) {
    setHidden(titleError, !message);
    setText(titleError, message ?? '');
    setAttr(titleInput, 'aria-invalid', message ? 'true' : null);
  }

  /** @param {string[]} noteIds @param {string} [title] */
  function createGroup(noteIds, title) {
    if (!last || noteIds.length === 0) return null;
    const name = (title ?? '').trim() || t('method.grouping.default_title', { count: groupsInOrder(last.state).length + 1 });
    /** @type {{title: string, note_ids: string[], result?: Promise<unknown>}} */
    const detail = { title: name, note_ids: noteIds };
    emit(el, 'create-group', detail);
    return detail.result ?? null;
  }

  createForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editable || !isEnabled(createButton)) return;
    const ids = selectedIds();
    if (ids.length === 0) return;
    const title = titleInput.value.trim();
    if (!title) {
      titleProblem(t('method.grouping.title_missing'));
      titleInput.focus();
      return;
    }
    titleProblem(null);
    createGroup(ids, title)?.then(() => {
      titleInput.value = '';
      selection.clear();
    }, () => {});
  });
  titleInput.addEventListener('input', () => {
    if (titleInput.value.trim()) titleProblem(null);
  });

  addForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!editable || !isEnabled(addButton) || !last) return;
    const groupId = target.value;
    const group = last.state.groups?.[groupId];
    if (!group) return;
    const ids = selectedIds().filter((id) => !group.note_ids.includes(id));
    const results = ids.map((noteId) => {
      /** @type {{group_id: string, note_id: string, result?: Promise<unknown>}} */
      const detail = { group_id: groupId, note_id: noteId };
      emit(el, 'add-to-group', detail);
      return detail.result;
    });
    Promise.all(results).then(() => selection.clear(), () => {});
  });

  // --- drag and drop (pointer); the keyboard path above does everything this does ---------------
  /** @param {DragEvent} event */
  function dropZone(event) {
    return /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (event.target).closest?.('[data-drop]') ?? null);
  }
  el.addEventListener('dragstart', (event) => {
    const chip = /** @type {HTMLElement|null} */ (/** @type {HTMLElement} */ (event.target).closest?.('.chip'));
    if (!chip || !editable || !event.dataTransfer) return;
    event.dataTransfer.setData(DRAG_TYPE, chip.dataset.key ?? '');
    event.dataTransfer.setData('text/plain', chip.querySelector('.chip__text')?.textContent ?? '');
    event.dataTransfer.effectAllowed = 'move';
    chip.classList.add('chip--dragging');
    el.classList.add('grouping--dragging');
  });
  el.addEventListener('dragend', (event) => {
    /** @type {HTMLElement} */ (event.target).classList?.remove('chip--dragging');
    el.classList.remove('grouping--dragging');
    for (const zone of el.querySelectorAll('.is-drop-target')) zone.classList.remove('is-drop-target');
  });
  el.addEventListener('dragover', (event) => {
    const zone = dropZone(event);
    if (!zone || !editable || !event.dataTransfer?.types.includes(DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'move';
    zone.classList.add('is-drop-target');
  });
  el.addEventListener('dragleave', (event) => {
    const zone = dropZone(event);
    if (zone && !zone.contains(/** @type {Node|null} */ (event.relatedTarget))) zone.classList.remove('is-drop-target');
  });
  el.addEventListener('drop', (event) => {
    const zone = dropZone(event);
    if (!zone || !editable || !last || !event.dataTransfer) return;
    event.preventDefault();
    zone.classList.remove('is-drop-target');
    const noteId = event.dataTransfer.getData(DRAG_TYPE);
    const note = last.state.notes[noteId];
    if (!note) return;
    const kind = zone.dataset.drop;
    if (kind === 'group') {
      const groupId = zone.dataset.key ?? '';
      if (note.group !== groupId) emit(el, 'add-to-group', { group_id: groupId, note_id: noteId });
    } else if (kind === 'pool') {
      if (note.group) emit(el, 'remove-from-group', { note_id: noteId });
    } else if (kind === 'new') {
      createGroup([noteId], titleInput.value)?.then(() => {
        titleInput.value = '';
      }, () => {});
    }
  });

  // --- one note, as a chip (in a group or in the pool) -------------------------------------------
  /** @param {'group'|'pool'} where */
  function createChip(where) {
    const textId = uid('chip-text');
    const text = h('span', { class: 'chip__text', id: textId });
    const select = h('button', { type: 'button', class: 'button button--small chip__select', 'aria-pressed': 'false', 'aria-describedby': textId, 'data-testid': 'chip-select', i18n: 'method.note.select' });
    const remove = where === 'group'
      ? h('button', { type: 'button', class: 'button button--small button--quiet chip__remove', 'aria-describedby': textId, 'data-testid': 'group-remove-note', i18n: 'method.grouping.remove' })
      : null;
    const chip = h('li', { class: 'chip', 'data-testid': where === 'group' ? 'group-note' : 'ungrouped-note' }, text, h('span', { class: 'chip__actions' }, select, remove));
    select.addEventListener('click', () => {
      if (isEnabled(select) && chip.dataset.key) selection.toggle(chip.dataset.key);
    });
    remove?.addEventListener('click', () => {
      if (remove && isEnabled(remove) && chip.dataset.key) emit(el, 'remove-from-group', { note_id: chip.dataset.key });
    });
    /** @type {any} */ (chip).refs = { text, select, remove };
    return chip;
  }

  /**
   * @param {HTMLElement} chip
   * @param {Note} note
   */
  function updateChip(chip, note) {
    const { text, select, remove } = /** @type {any} */ (chip).refs;
    setText(text, note.text);
    // A note looks the same wherever it shows: its colour, and the id tests and styles find it by.
    setAttr(chip, 'data-note-id', note.id);
    setAttr(chip, 'data-color', note.color);
    setAttr(chip, 'draggable', editable ? 'true' : null);
    setHidden(select, !editable);
    setAttr(select, 'aria-pressed', String(selection.has(note.id)));
    chip.classList.toggle('chip--selected', editable && selection.has(note.id));
    if (remove) setHidden(remove, !editable);
  }

  // --- one group ---------------------------------------------------------------------------------
  function createGroupEl() {
    const titleElId = uid('group-name');
    const title = h('h3', { class: 'group__title', id: titleElId, tabindex: '-1', 'data-testid': 'group-name' });
    const size = h('p', { class: 'group__size' });
    const notes = h('ul', { class: 'group__notes', role: 'list', 'aria-labelledby': titleElId });
    const tallyCount = h('span', { class: 'note__tally-count', 'data-testid': 'group-tally' });
    const tallyLabel = h('span');
    const tally = h('p', { class: 'group__tally', hidden: true }, tallyCount, ' ', tallyLabel);
    const mine = h('p', { class: 'group__mine', 'data-testid': 'group-my-votes' });
    const voteRemove = h('button', { type: 'button', class: 'button button--small', 'aria-describedby': titleElId, 'data-testid': 'group-vote-remove' }, h('span', { i18n: 'note.vote_minus' }), ' ', h('span', { i18n: 'note.vote_word' }));
    const voteAdd = h('button', { type: 'button', class: 'button button--small', 'aria-describedby': titleElId, 'data-testid': 'group-vote-add' }, h('span', { i18n: 'note.vote_plus' }), ' ', h('span', { i18n: 'note.vote_word' }));
    const votes = h('div', { class: 'group__votes', hidden: true }, mine, voteRemove, voteAdd);
    const renameId = uid('group-rename');
    const renameInput = /** @type {HTMLInputElement} */ (h('input', { id: renameId, type: 'text', maxlength: MAX_GROUP_TITLE, autocomplete: 'off', 'data-testid': 'group-rename-input' }));
    const renameSave = h('button', { type: 'submit', class: 'button button--small', 'data-testid': 'group-rename-save', i18n: 'method.grouping.rename_save' });
    const renameForm = h(
      'form',
      { class: 'group__rename-form', novalidate: true },
      h('label', { for: renameId, class: 'field__label', i18n: 'method.grouping.rename_label' }),
      renameInput,
      renameSave,
    );
    const rename = /** @type {HTMLDetailsElement} */ (
      h('details', { class: 'group__rename' }, h('summary', { class: 'group__rename-summary', 'data-testid': 'group-rename', i18n: 'method.grouping.rename' }), renameForm)
    );
    const groupEl = h('li', { class: 'group', 'data-drop': 'group', 'data-testid': 'group' }, h('div', { class: 'group__head' }, title, size), tally, votes, notes, rename);
    rename.addEventListener('toggle', () => {
      // The draft is filled when the form opens, never while someone types in it.
      if (rename.open && last) {
        renameInput.value = last.state.groups?.[groupEl.dataset.key ?? '']?.title ?? '';
        renameInput.focus();
      }
    });
    renameForm.addEventListener('submit', (event) => {
      event.preventDefault();
      const value = renameInput.value.trim();
      const groupId = groupEl.dataset.key ?? '';
      if (!value || !editable) return;
      /** @type {{group_id: string, title: string, result?: Promise<unknown>}} */
      const detail = { group_id: groupId, title: value };
      emit(el, 'rename-group', detail);
      detail.result?.then(() => {
        rename.open = false;
        title.focus();
      }, () => {});
    });
    voteAdd.addEventListener('click', () => {
      if (isEnabled(voteAdd)) emit(el, 'add-vote', { group_id: groupEl.dataset.key });
    });
    voteRemove.addEventListener('click', () => {
      if (isEnabled(voteRemove)) emit(el, 'remove-vote', { group_id: groupEl.dataset.key });
    });
    /** @type {any} */ (groupEl).refs = { title, size, notes, tally, tallyCount, tallyLabel, votes, mine, voteAdd, voteRemove, rename };
    return groupEl;
  }

  /**
   * @param {HTMLElement} groupEl
   * @param {Group} group
   */
  function updateGroupEl(groupEl, group) {
    if (!last) return;
    const { state, you } = last;
    const r = /** @type {any} */ (groupEl).refs;
    setText(r.title, group.title);
    const members = groupNotes(state, group);
    setText(r.size, t('method.grouping.size', { count: members.length }));
    reconcile(r.notes, members, (n) => n.id, () => createChip('group'), updateChip);
    const tally = state.votes[group.id] ?? 0;
    const showTally = seesTallies(state, you) && (state.board.votes_revealed || state.board.phase === 'convergence' || tally > 0);
    setHidden(r.tally, !showTally);
    setText(r.tallyCount, String(tally));
    setAttr(r.tallyCount, 'data-count', String(tally));
    setText(r.tallyLabel, t('note.tally', { count: tally }));
    const voting = canVote(state, you);
    const myVotes = state.my_votes[group.id] ?? 0;
    setHidden(r.votes, !voting);
    setText(r.mine, t('note.my_votes', { count: myVotes }));
    setEnabled(r.voteAdd, voting && votesLeft(state) > 0);
    setEnabled(r.voteRemove, voting && myVotes > 0);
    setHidden(r.rename, !editable);
    if (!editable && r.rename.open) r.rename.open = false;
    groupEl.classList.toggle('group--spotlight', state.board.spotlight?.kind === 'group' && state.board.spotlight.id === group.id);
    setAttr(groupEl, 'data-drop', editable ? 'group' : null);
  }

  function render() {
    if (!last) return;
    const { state, you } = last;
    const groups = groupsInOrder(state);
    const visible = !isProjector(you) && (SHOWN_PHASES.includes(state.board.phase) && (state.board.phase === 'convergence' || groups.length > 0));
    setHidden(el, !visible);
    if (!visible) return;
    editable = canGroup(state, you);
    const focused = /** @type {HTMLElement|null} */ (document.activeElement);
    const focusInside = focused && el.contains(focused) ? focused : null;
    selection.prune((id) => Boolean(state.notes[id]));

    setHidden(toolbar, !editable);
    setHidden(hint, !editable);
    setHidden(newDrop, !editable);
    const n = selectedIds().length;
    setText(count, t('method.grouping.selected', { count: n }));
    setEnabled(clear, n > 0);
    setEnabled(createButton, n > 0);
    setHidden(addForm, groups.length === 0);
    setEnabled(addButton, n > 0);
    // The target list: kept as it is while the person has it open or focused.
    const wanted = groups.map((g) => `${g.id}\u0000${g.title}`).join('\u0001');
    if (target.dataset.options !== wanted) {
      const previous = target.value;
      target.replaceChildren(...groups.map((g) => h('option', { value: g.id, text: g.title })));
      if (groups.some((g) => g.id === previous)) target.value = previous;
      target.dataset.options = wanted;
    }

    setHidden(noGroups, groups.length > 0);
    reconcile(groupsList, groups, (g) => g.id, createGroupEl, updateGroupEl);
    const loose = ungroupedNotes(state);
    setText(poolHeading, t('method.grouping.ungrouped', { count: loose.length }));
    setHidden(poolBox, !editable && loose.length === 0);
    setAttr(poolBox, 'data-drop', editable ? 'pool' : null);
    reconcile(pool, loose, (n) => n.id, () => createChip('pool'), updateChip);
    // A chip that moved (into or out of a group) is a new element: keep the keyboard in the section.
    if (focusInside && !focusInside.isConnected) heading.focus();
  }

  const unsubscribe = selection.subscribe(render);
  return {
    /** @param {Context} ctx */
    update(ctx) {
      last = ctx;
      render();
    },
    stop: unsubscribe,
  };
}
