/** Sharing: the presenting sub-group's sheet (read only for the others) and the remarks on it, for,
 * against or as suggestions. The 3-minute speaking time is the board's main timer. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { REMARK_KINDS, SHEET_FIELDS, presentingSubgroup, remarksByKind, sheetTitle, spotlightSheet } from '../method.js';
import { MAX_NOTE_TEXT, isFacilitatorRole, isProjector } from '../store.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {import('../store.js').You} You */
/** @typedef {import('../method.js').Sheet} Sheet */
/** @typedef {{state: State, you: You}} Context */

/**
 * A sheet to read: title, presenting sub-group and the eight fields as a description list.
 * @param {HTMLElement} el
 * @param {{headingLevel?: 2|3, fold?: boolean}} [options] `fold`: the fields behind a disclosure (a phone
 *   shows the sheet's title and the remark box first)
 */
export function mountSheetView(el, options = {}) {
  el.classList.add('sheet-view');
  const headingId = uid('sheet-view-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h(`h${options.headingLevel ?? 3}`, { id: headingId, class: 'sheet-view__title', 'data-testid': 'sheet-view-title' });
  const presenter = h('p', { class: 'sheet-view__presenter', 'data-testid': 'sheet-view-presenter' });
  const list = h('dl', { class: 'sheet-view__fields', 'data-testid': 'sheet-view' });
  const rows = SHEET_FIELDS.map((field) => {
    const dd = h('dd', { class: 'sheet-view__value', 'data-testid': `sheet-view-${field}` });
    list.append(h('div', { class: 'sheet-view__row', 'data-field': field }, h('dt', { class: 'sheet-view__label', i18n: `method.sheet.fields.${field}` }), dd));
    return { field, dd };
  });
  const foldSummary = h('summary', { class: 'sheet-view__summary', 'data-testid': 'sheet-view-more' });
  el.append(heading, presenter, options.fold ? h('details', { class: 'sheet-view__more' }, foldSummary, list) : list);

  /**
   * @param {State} state
   * @param {Sheet} sheet
   */
  function update(state, sheet) {
    setText(heading, t('method.sheet.title', { title: sheetTitle(state, sheet) }));
    const group = presentingSubgroup(state, sheet);
    setHidden(presenter, !group);
    setText(presenter, group ? t('method.sharing.presenter', { name: group.name }) : '');
    let filled = 0;
    for (const { field, dd } of rows) {
      const text = sheet.fields?.[field]?.text ?? '';
      if (text.trim()) filled += 1;
      setText(dd, text || t('method.sharing.field_empty'));
      dd.classList.toggle('sheet-view__value--empty', !text);
    }
    setText(foldSummary, t('phone.sheet_fields', { filled, count: SHEET_FIELDS.length }));
  }
  return { update };
}

/**
 * Emits `add-remark` {sheet_id, kind, text}.
 * @param {HTMLElement} el a <section>
 */
export function mountSharing(el) {
  el.classList.add('sharing');
  el.dataset.testid = 'sharing';
  const headingId = uid('sharing-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'sharing__heading', i18n: 'method.sharing.heading' });
  const waiting = h('p', { class: 'sharing__waiting', 'data-testid': 'sharing-waiting', i18n: 'method.sharing.waiting' });
  const pickId = uid('sharing-pick');
  const pick = /** @type {HTMLSelectElement} */ (h('select', { id: pickId, 'data-testid': 'sharing-pick' }));
  const pickField = h('div', { class: 'field sharing__pick', hidden: true }, h('label', { for: pickId, class: 'field__label', i18n: 'method.sharing.pick' }), pick);
  const sheetBox = h('div', { class: 'sharing__sheet card' });
  const sheetView = mountSheetView(sheetBox, { fold: true });

  // --- remarks form ---
  const kindName = uid('remark-kind');
  const kindInputs = REMARK_KINDS.map((kind, i) => {
    const id = uid(`remark-${kind}`);
    const input = /** @type {HTMLInputElement} */ (h('input', { type: 'radio', name: kindName, id, value: kind, 'data-testid': `remark-kind-${kind}`, checked: i === 0 }));
    return { kind, input, wrap: h('span', { class: 'sharing__kind' }, input, h('label', { for: id, i18n: `method.sharing.kinds.${kind}` })) };
  });
  const kinds = h('fieldset', { class: 'sharing__kinds' }, h('legend', { i18n: 'method.sharing.kind_legend' }), ...kindInputs.map((k) => k.wrap));
  const textId = uid('remark-text');
  const errorId = uid('remark-error');
  const text = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: textId, rows: 3, maxlength: MAX_NOTE_TEXT, 'data-testid': 'remark-text', 'aria-describedby': errorId }));
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'remark-submit', i18n: 'method.sharing.submit' });
  const form = h(
    'form',
    { class: 'sharing__form', novalidate: true },
    h('h3', { class: 'sharing__form-heading', i18n: 'method.sharing.form_heading' }),
    // The box to write in first, its kind next to the button that sends it: on a phone the box is on
    // the first screen, under the sheet's title.
    h('div', { class: 'field' }, h('label', { for: textId, class: 'field__label', i18n: 'method.sharing.text_label' }), text, error),
    kinds,
    submit,
  );

  // --- remarks, per kind ---
  const columns = REMARK_KINDS.map((kind) => {
    const title = h('h3', { class: 'sharing__remarks-title' });
    const list = h('ul', { class: 'sharing__remarks-list', 'data-testid': `remarks-${kind}` });
    return { kind, title, list, box: h('div', { class: `sharing__remarks sharing__remarks--${kind}` }, title, list) };
  });
  const remarks = h('div', { class: 'sharing__columns' }, ...columns.map((c) => c.box));
  const body = h('div', { class: 'sharing__body' }, sheetBox, form, remarks);
  el.append(heading, waiting, pickField, body);

  /** @type {string|null} */
  let sheetId = null;
  /** @type {Context|null} */
  let last = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!sheetId || !isEnabled(submit)) return;
    const value = text.value.trim();
    if (!value) {
      setHidden(error, false);
      setText(error, t('method.sharing.text_missing'));
      setAttr(text, 'aria-invalid', 'true');
      text.focus();
      return;
    }
    setHidden(error, true);
    setAttr(text, 'aria-invalid', null);
    const kind = kindInputs.find((k) => k.input.checked)?.kind ?? 'suggestion';
    /** @type {{sheet_id: string, kind: string, text: string, result?: Promise<unknown>}} */
    const detail = { sheet_id: sheetId, kind, text: value };
    emit(form, 'add-remark', detail);
    text.value = '';
    detail.result?.catch(() => {
      if (!text.value) text.value = value; // not lost
    });
  });
  pick.addEventListener('change', () => {
    if (last) update(last);
  });

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const { state, you } = ctx;
    const visible = state.board.phase === 'sharing' && !isProjector(you) && Object.keys(state.sheets ?? {}).length > 0;
    setHidden(el, !visible);
    if (!visible) return;
    const spotlit = spotlightSheet(state);
    const all = /** @type {Sheet[]} */ (Object.values(state.sheets ?? {}));
    // Without a presenting sub-group, people may still comment: they pick the sheet.
    setHidden(waiting, Boolean(spotlit));
    setHidden(pickField, Boolean(spotlit));
    if (!spotlit) {
      const wanted = all.map((s) => `${s.id}\u0000${sheetTitle(state, s)}`).join('\u0001');
      if (pick.dataset.options !== wanted) {
        const previous = pick.value;
        pick.replaceChildren(...all.map((s) => h('option', { value: s.id, text: sheetTitle(state, s) })));
        if (all.some((s) => s.id === previous)) pick.value = previous;
        pick.dataset.options = wanted;
      }
    }
    const sheet = spotlit ?? all.find((s) => s.id === pick.value) ?? all[0] ?? null;
    sheetId = sheet?.id ?? null;
    setHidden(body, !sheet);
    if (!sheet) return;
    sheetView.update(state, sheet);
    sheetBox.classList.toggle('sharing__sheet--spotlight', Boolean(spotlit));
    const canRemark = !state.board.locked || isFacilitatorRole(you.role);
    setEnabled(submit, canRemark);
    text.readOnly = !canRemark;
    const byKind = remarksByKind(state, sheet.id);
    for (const column of columns) {
      const items = byKind[column.kind];
      setText(column.title, t(`method.sharing.kinds_count.${column.kind}`, { count: items.length }));
      reconcile(
        column.list,
        items,
        (r) => r.id,
        () => h('li', { class: 'sharing__remark', 'data-testid': 'remark' }),
        (li, r) => {
          const name = r.author ? state.participants[r.author]?.name : null;
          setText(li, name ? t('method.sharing.remark_by', { text: r.text, name }) : r.text);
        },
      );
    }
  }
  return { update };
}
