/** Action sheets, co-edited live: eight labelled fields saved when the writer pauses (or leaves the
 * field), others' edits shown as they arrive, and never a lost text: a concurrent edit of the field
 * I am writing opens a conflict panel with both versions until I choose. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import {
  MAX_FIELD_TEXT, SHEET_FIELDS, SHEET_PHASES, canEditSheet, fieldChange, filledCount, isDirty, normalizeText,
  sheetOwners, sheetTitle, sheetsToEdit,
} from '../method.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {import('../store.js').You} You */
/** @typedef {import('../method.js').Sheet} Sheet */
/** @typedef {import('../method.js').SheetField} SheetField */
/** @typedef {{state: State, you: You}} Context */

export const SAVE_DELAY_MS = 600;
const EMPTY_FIELD = { text: '', version: 0, by: null };

/**
 * @param {State} state
 * @param {You} you
 * @param {string|null} id
 */
function editorName(state, you, id) {
  if (!id) return '';
  if (id === you.id) return t('method.sheet.by_you');
  return state.participants[id]?.name ?? t('note.unknown_author');
}

/**
 * One field of one sheet: its text area, who wrote it last, whether my text is saved, and the
 * conflict panel. Emits `edit-sheet` {sheet_id, field, text, base_version} (the page puts the
 * command's promise in `result`; a conflict resolves to `{conflict: true}`) and `announce` {text}.
 * @param {string} sheetId
 * @param {string} field
 */
function mountField(sheetId, field) {
  const areaId = uid(`sheet-${field}`);
  const statusId = uid('sheet-status');
  const conflictHeadingId = uid('sheet-conflict');
  const label = h('label', { for: areaId, class: 'field__label sheet-field__label', i18n: `method.sheet.fields.${field}` });
  const area = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: areaId, rows: field === 'name' ? 1 : 3, maxlength: MAX_FIELD_TEXT, class: 'sheet-field__text', 'data-testid': `sheet-${field}`, 'aria-describedby': statusId })
  );
  const by = h('span', { class: 'sheet-field__by', 'data-testid': 'sheet-field-by' });
  const sync = h('span', { class: 'sheet-field__sync', 'data-testid': 'sheet-field-sync' });
  const status = h('p', { id: statusId, class: 'sheet-field__status' }, by, ' ', sync);

  const conflictTitle = h('h4', { id: conflictHeadingId, class: 'sheet-conflict__title', 'data-testid': 'sheet-conflict-title' });
  const theirs = h('p', { class: 'sheet-conflict__text', 'data-testid': 'sheet-conflict-theirs' });
  const mine = h('p', { class: 'sheet-conflict__text', 'data-testid': 'sheet-conflict-mine' });
  const keepMine = h('button', { type: 'button', class: 'button button--primary button--small', 'data-testid': 'sheet-keep-mine', i18n: 'method.sheet.keep_mine' });
  const takeTheirs = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'sheet-take-theirs', i18n: 'method.sheet.take_theirs' });
  const conflict = h(
    'div',
    { class: 'sheet-conflict', role: 'group', 'aria-labelledby': conflictHeadingId, 'data-testid': 'sheet-conflict', hidden: true },
    conflictTitle,
    h('p', { class: 'sheet-conflict__hint', i18n: 'method.sheet.conflict_hint' }),
    h('div', { class: 'sheet-conflict__versions' },
      h('div', { class: 'sheet-conflict__version' }, h('h5', { class: 'sheet-conflict__label', i18n: 'method.sheet.theirs' }), theirs),
      h('div', { class: 'sheet-conflict__version' }, h('h5', { class: 'sheet-conflict__label', i18n: 'method.sheet.mine' }), mine)),
    h('div', { class: 'sheet-conflict__actions' }, keepMine, takeTheirs),
  );
  const root = h('div', { class: 'sheet-field', 'data-field': field, 'data-testid': `sheet-field-${field}` }, label, area, status, conflict);

  /** @type {Context|null} */
  let last = null;
  /** @type {import('../method.js').FieldDraft} */
  const local = { base: 0, baseText: '', draft: '', lastSent: null };
  let started = false;
  let editable = false;
  let pending = false;
  let again = false;
  /** @type {SheetField|null} the other person's version while in conflict */
  let conflictWith = null;
  /** @type {ReturnType<typeof setTimeout>|null} */
  let timer = null;
  /** @type {'saved'|'dirty'|'pending'|'conflict'|'error'} */
  let syncState = 'saved';

  /** @returns {SheetField} */
  function remote() {
    return last?.state.sheets?.[sheetId]?.fields?.[field] ?? EMPTY_FIELD;
  }

  function renderStatus() {
    if (!last) return;
    const r = remote();
    setText(by, r.by ? t('method.sheet.last_by', { name: editorName(last.state, last.you, r.by) }) : '');
    if (conflictWith) syncState = 'conflict';
    else if (pending) syncState = 'pending';
    else if (syncState !== 'error') syncState = isDirty(local) ? 'dirty' : 'saved';
    root.dataset.sync = syncState;
    // While my last text is on its way, the choice waits for the server's answer.
    setEnabled(keepMine, editable && !pending);
    setEnabled(takeTheirs, !pending);
    const showSync = editable && (syncState !== 'saved' || local.lastSent !== null);
    setText(sync, showSync ? t(`method.sheet.sync.${syncState}`) : '');
  }

  function renderConflict() {
    setHidden(conflict, !conflictWith);
    root.classList.toggle('sheet-field--conflict', Boolean(conflictWith));
    setAttr(area, 'aria-invalid', conflictWith ? 'true' : null);
    setAttr(area, 'aria-describedby', conflictWith ? `${statusId} ${conflictHeadingId}` : statusId);
    if (!conflictWith || !last) return;
    const name = editorName(last.state, last.you, conflictWith.by);
    setText(conflictTitle, t('method.sheet.conflict_title', { name }));
    setText(theirs, conflictWith.text || t('method.sheet.empty_version'));
    setText(mine, area.value || t('method.sheet.empty_version'));
  }

  /** @param {SheetField} r */
  function enterConflict(r) {
    clearTimeout(timer ?? undefined);
    timer = null;
    const first = !conflictWith;
    conflictWith = { ...r };
    renderConflict();
    renderStatus();
    if (first && last) {
      const name = editorName(last.state, last.you, r.by);
      emit(root, 'announce', { text: t('method.sheet.announce_conflict', { name, field: t(`method.sheet.fields.${field}`) }) });
    }
  }

  /** @param {SheetField} r adopt the server's version as the new base */
  function adopt(r) {
    local.base = r.version;
    local.baseText = r.text;
  }

  function leaveConflict() {
    conflictWith = null;
    renderConflict();
  }

  /** @param {string} text @param {number} baseVersion */
  function send(text, baseVersion) {
    if (!last) return;
    pending = true;
    local.lastSent = text;
    syncState = 'pending';
    /** @type {{sheet_id: string, field: string, text: string, base_version: number, result?: Promise<any>}} */
    const detail = { sheet_id: sheetId, field, text, base_version: baseVersion };
    emit(root, 'edit-sheet', detail);
    renderStatus();
    if (!detail.result) {
      pending = false;
      return;
    }
    detail.result.then(
      (answer) => {
        pending = false;
        if (answer?.conflict) {
          enterConflict(remote());
        } else {
          // Accepted as version baseVersion + 1 (the event may already have moved the base).
          if (local.base <= baseVersion) adopt({ text, version: baseVersion + 1, by: last?.you.id ?? null });
          if (conflictWith) leaveConflict();
          syncState = 'saved';
        }
        renderStatus();
        if (again && !conflictWith) {
          again = false;
          flush();
        }
      },
      () => {
        pending = false;
        again = false;
        syncState = 'error';
        renderStatus();
      },
    );
  }

  /** Save now, if there is something to save and nothing in the way. */
  function flush() {
    clearTimeout(timer ?? undefined);
    timer = null;
    if (!editable || conflictWith) return;
    local.draft = area.value;
    if (pending) {
      again = true;
      return;
    }
    if (!isDirty(local)) {
      renderStatus();
      return;
    }
    send(area.value, local.base);
  }

  area.addEventListener('input', () => {
    local.draft = area.value;
    if (syncState === 'error') syncState = 'dirty';
    if (conflictWith) {
      renderConflict();
      return;
    }
    renderStatus();
    clearTimeout(timer ?? undefined);
    timer = setTimeout(flush, SAVE_DELAY_MS);
  });
  area.addEventListener('blur', () => flush());

  keepMine.addEventListener('click', () => {
    if (!conflictWith || !isEnabled(keepMine) || pending) return;
    local.draft = area.value;
    // Based on the version I have now seen: the server accepts it unless yet another edit came in.
    send(area.value, remote().version);
  });
  takeTheirs.addEventListener('click', () => {
    if (!conflictWith || !isEnabled(takeTheirs) || pending) return;
    const r = remote();
    area.value = r.text;
    local.draft = r.text;
    adopt(r);
    local.lastSent = null;
    leaveConflict();
    renderStatus();
    area.focus();
  });

  return {
    root,
    /**
     * @param {Context} ctx
     * @param {boolean} canEdit
     */
    update(ctx, canEdit) {
      last = ctx;
      editable = canEdit;
      area.readOnly = !canEdit;
      const r = remote();
      if (!started) {
        started = true;
        area.value = r.text;
        local.draft = r.text;
        adopt(r);
      } else if (conflictWith) {
        // Still choosing: follow their latest text; if they now say what I say, nothing to choose.
        local.draft = area.value;
        if (normalizeText(r.text) === normalizeText(area.value)) {
          adopt(r);
          leaveConflict();
        } else {
          conflictWith = { ...r };
        }
      } else {
        local.draft = area.value;
        const change = fieldChange(local, r, ctx.you.id);
        if (change === 'own' || change === 'same') {
          adopt(r);
        } else if (change === 'replace') {
          // Someone else's edit, and nothing of mine unsaved: show it live (keeping my caret).
          const focused = document.activeElement === area;
          const start = area.selectionStart;
          const end = area.selectionEnd;
          area.value = r.text;
          local.draft = r.text;
          adopt(r);
          if (focused) area.setSelectionRange(Math.min(start, r.text.length), Math.min(end, r.text.length));
        } else if (change === 'conflict') {
          enterConflict(r);
        }
      }
      renderConflict();
      renderStatus();
    },
    /** Send what is unsaved (the page is being left, or the sheet hidden). */
    flush,
  };
}

/**
 * One action sheet: title, owners, completeness, source notes and the eight fields.
 * @param {string} sheetId
 */
function mountSheet(sheetId) {
  const headingId = uid('sheet-heading');
  const progressLabelId = uid('sheet-progress');
  const heading = h('h3', { id: headingId, class: 'sheet__title', 'data-testid': 'sheet-title' });
  const owners = h('p', { class: 'sheet__owners', 'data-testid': 'sheet-owners' });
  const progressText = h('span', { id: progressLabelId, 'data-testid': 'sheet-completeness' });
  const progress = /** @type {HTMLProgressElement} */ (h('progress', { max: SHEET_FIELDS.length, value: 0, 'aria-labelledby': progressLabelId, 'data-testid': 'sheet-progress' }));
  const readonly = h('p', { class: 'sheet__readonly', 'data-testid': 'sheet-readonly', hidden: true });
  // The notes it came from fold away: the fields to write are what a phone shows first.
  const sourcesLabel = h('summary', { class: 'sheet__label' });
  const sources = h('ul', { class: 'sheet__sources', 'data-testid': 'sheet-sources' });
  const sourcesBox = h('details', { class: 'sheet__sources-box', hidden: true }, sourcesLabel, sources);
  const fields = SHEET_FIELDS.map((field) => mountField(sheetId, field));
  const fieldsBox = h('div', { class: 'sheet__fields' }, ...fields.map((f) => f.root));
  const root = h(
    'article',
    { class: 'sheet', 'aria-labelledby': headingId, 'data-testid': 'sheet' },
    heading,
    owners,
    h('p', { class: 'sheet__progress' }, progressText, ' ', progress),
    readonly,
    sourcesBox,
    fieldsBox,
  );

  return {
    root,
    /**
     * @param {Context} ctx
     * @param {Sheet} sheet
     */
    update(ctx, sheet) {
      const { state, you } = ctx;
      setText(heading, t('method.sheet.title', { title: sheetTitle(state, sheet) }));
      const holders = sheetOwners(state, sheet);
      setHidden(owners, holders.length === 0);
      setText(owners, holders.length ? t('method.sheet.owners', { names: holders.map((g) => g.name).join(', ') }) : '');
      const filled = filledCount(sheet);
      setText(progressText, t('method.sheet.completeness', { count: filled, max: SHEET_FIELDS.length }));
      progress.value = filled;
      const canEdit = canEditSheet(state, you, sheet);
      setHidden(readonly, canEdit);
      setText(readonly, SHEET_PHASES.includes(state.board.phase) ? t('method.sheet.readonly') : t('method.sheet.readonly_phase'));
      const notes = sheet.source_note_ids.map((id) => state.notes[id]).filter((n) => n !== undefined);
      setHidden(sourcesBox, notes.length === 0);
      setText(sourcesLabel, t('method.sheet.sources', { count: notes.length }));
      reconcile(sources, notes, (n) => n.id, () => h('li', { class: 'sheet__source' }), (li, n) => setText(li, n.text));
      root.classList.toggle('sheet--spotlight', state.board.spotlight?.kind === 'sheet' && state.board.spotlight.id === sheet.id);
      for (const field of fields) field.update(ctx, canEdit);
    },
    flush() {
      for (const field of fields) field.flush();
    },
  };
}

/**
 * The action sheets this viewer works on (their sub-group's, or all when no sub-group holds them;
 * facilitators see all).
 * @param {HTMLElement} el a <section>
 */
export function mountSheetEditor(el) {
  el.classList.add('sheets');
  el.dataset.testid = 'sheets';
  const headingId = uid('sheets-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'sheets__heading', i18n: 'method.sheet.heading' });
  const hint = h('p', { class: 'sheets__hint', i18n: 'method.sheet.hint' });
  const list = h('div', { class: 'sheets__list' });
  // The fields come first (a phone shows the first one at once); how co-editing works, after them.
  el.append(heading, list, hint);
  /** @type {Map<string, ReturnType<typeof mountSheet>>} */
  const sheets = new Map();

  /** @param {Context} ctx */
  function update(ctx) {
    const { state, you } = ctx;
    const mine = SHEET_PHASES.includes(state.board.phase) ? sheetsToEdit(state, you) : [];
    setHidden(el, mine.length === 0);
    reconcile(
      list,
      mine,
      (sheet) => sheet.id,
      (sheet) => {
        const view = mountSheet(sheet.id);
        sheets.set(sheet.id, view);
        return view.root;
      },
      (_root, sheet) => sheets.get(sheet.id)?.update(ctx, sheet),
    );
    for (const id of [...sheets.keys()]) if (!state.sheets?.[id] || !mine.some((s) => s.id === id)) sheets.delete(id);
  }
  // Leaving the page: what was typed in the last 600 ms still goes.
  window.addEventListener('pagehide', () => {
    for (const view of sheets.values()) view.flush();
  });
  return { update };
}
