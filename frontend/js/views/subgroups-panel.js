/** Sub-groups: split the room into k sub-groups (at random, by hand, or by choice), assign people and
 * solutions, and follow each sub-group on a dashboard (members online, its action sheet's progress,
 * last edit, remarks); in sharing, give each one the floor for three minutes. */

import { emit, h, hasFocus, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { SHEET_FIELD_COUNT, changedFields, participantsOnly, remarkCounts, sheetCompleteness, subgroupOf, subgroupsInOrder } from '../panel.js';
import { button, field, integerIn, section, spotlightButton, updateSpotlightButton } from './panel-parts.js';
import { confirmTwice } from './solutions-panel.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, you: import('../store.js').You, online: Set<string>, templates: any}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

export const SHEET_FIELDS = ['name', 'objectives', 'description', 'lead', 'partners', 'targets', 'means', 'indicators'];
const MODES = ['random', 'manual', 'choice'];

/**
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountSubgroupsPanel(el, { announcer }) {
  el.classList.add('card');
  section(el, 'panel.subgroups.heading', 'subgroups');
  const intro = h('p', { class: 'field__hint', i18n: 'panel.subgroups.intro' });

  // Split.
  const countErrorId = uid('split-error');
  const count = /** @type {HTMLInputElement} */ (h('input', { id: uid('split-count'), type: 'number', min: 1, max: 12, step: 1, inputmode: 'numeric', 'aria-describedby': countErrorId, 'data-testid': 'subgroups-count' }));
  const countError = h('p', { id: countErrorId, class: 'field__error', hidden: true });
  const modeHint = h('p', { id: uid('split-mode-hint'), class: 'field__hint' });
  const mode = /** @type {HTMLSelectElement} */ (h('select', { id: uid('split-mode'), 'data-testid': 'subgroups-mode' }));
  for (const m of MODES) mode.append(h('option', { value: m, i18n: `panel.subgroups.mode_${m}` }));
  const split = button('panel.subgroups.split', 'subgroups-split', 'button--primary');
  const splitState = h('p', { class: 'panel-state', 'data-testid': 'subgroups-state' });
  const splitBox = h(
    'fieldset',
    { class: 'subgroups__split' },
    h('legend', { i18n: 'panel.subgroups.split_legend' }),
    h('div', { class: 'subgroups__split-fields' }, field('panel.subgroups.count_label', count), field('panel.subgroups.mode_label', mode, modeHint)),
    countError,
    split,
  );

  // Assignment.
  const assignHeading = h('h3', { class: 'panel-subheading', i18n: 'panel.subgroups.assign_heading' });
  const assignHint = h('p', { class: 'field__hint', i18n: 'panel.subgroups.assign_hint' });
  const assign = h('ul', { class: 'panel-list subgroups__assign', role: 'list', 'data-testid': 'subgroups-assign' });
  const assignBox = h('div', { hidden: true }, assignHeading, assignHint, assign);

  // Dashboard.
  const dashHeading = h('h3', { class: 'panel-subheading', i18n: 'panel.subgroups.dashboard' });
  const dashboard = h('ul', { class: 'subgroups__dashboard', role: 'list', 'data-testid': 'subgroups-dashboard' });
  const dashBox = h('div', { hidden: true }, dashHeading, dashboard);

  // Once sub-groups exist, their dashboard (and each one's "present" button) comes before splitting again.
  el.append(intro, splitState, dashBox, splitBox, assignBox);

  /** @type {Context|null} */
  let last = null;
  let countDirty = false;
  count.addEventListener('input', () => {
    countDirty = true;
  });
  const showModeHint = () => setText(modeHint, t(`panel.subgroups.mode_${mode.value}_hint`));
  mode.addEventListener('change', showModeHint);

  /** Replacing existing sub-groups loses their membership: the button then asks to confirm. */
  function doSplit() {
    const value = integerIn(count.value, 1, 12);
    if (value === null) {
      setHidden(countError, false);
      setText(countError, t('panel.subgroups.count_invalid'));
      count.setAttribute('aria-invalid', 'true');
      count.focus();
      return;
    }
    setHidden(countError, true);
    count.removeAttribute('aria-invalid');
    /** @type {{count: number, mode: string, result?: Promise<unknown>}} */
    const detail = { count: value, mode: mode.value };
    emit(el, 'split-subgroups', detail);
    detail.result?.then(() => {
      countDirty = false;
      announcer.announce(t('panel.subgroups.split_done', { count: value }));
    }, () => {});
  }
  // With no sub-groups yet there is nothing to lose: one press is enough.
  confirmTwice(split, 'panel.subgroups.split_confirm', doSplit, () => Object.keys(last?.state.subgroups ?? {}).length > 0);

  assign.addEventListener('click', (event) => {
    const apply = /** @type {HTMLElement} */ (event.target).closest('button[data-action="assign"]');
    const item = apply?.closest('li');
    if (!apply || !item || !isEnabled(apply)) return;
    const select = /** @type {HTMLSelectElement} */ (item.querySelector('select'));
    /** @type {{participant_id: string, subgroup_id: string, result?: Promise<unknown>}} */
    const detail = { participant_id: item.dataset.key ?? '', subgroup_id: select.value };
    emit(el, 'assign-subgroup', detail);
    const name = last?.state.participants[detail.participant_id]?.name ?? '';
    const group = last?.state.subgroups?.[select.value]?.name ?? '';
    detail.result?.then(() => {
      item.dataset.dirty = 'false';
      announcer.announce(t('panel.subgroups.assigned', { name, group }));
    }, () => {});
  });
  assign.addEventListener('change', (event) => {
    const item = /** @type {HTMLElement} */ (event.target).closest('li');
    if (!item || !last) return;
    item.dataset.dirty = 'true';
    const select = /** @type {HTMLSelectElement} */ (item.querySelector('select'));
    setEnabled(/** @type {HTMLElement} */ (item.querySelector('button')), select.value !== '' && select.value !== (subgroupOf(last.state).get(item.dataset.key ?? '') ?? ''));
  });

  dashboard.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target).closest('button[data-action]');
    const card = target?.closest('li[data-key]');
    if (!target || !card || !isEnabled(target) || !last) return;
    const subgroupId = /** @type {HTMLElement} */ (card).dataset.key ?? '';
    const action = /** @type {HTMLElement} */ (target).dataset.action;
    if (action === 'set-solution') {
      const select = /** @type {HTMLSelectElement} */ (card.querySelector('select'));
      if (!select.value) return;
      /** @type {{subgroup_id: string, solution_id: string, result?: Promise<unknown>}} */
      const detail = { subgroup_id: subgroupId, solution_id: select.value };
      emit(el, 'set-subgroup-solution', detail);
      detail.result?.then(() => {
        /** @type {HTMLElement} */ (card).dataset.dirty = 'false';
        announcer.announce(t('panel.subgroups.solution_set'));
      }, () => {});
    } else if (action === 'present') {
      emit(el, 'present-subgroup', { subgroup_id: subgroupId, seconds: groupSeconds(last) });
    }
  });
  dashboard.addEventListener('change', (event) => {
    const card = /** @type {HTMLElement} */ (event.target).closest('li[data-key]');
    if (card) /** @type {HTMLElement} */ (card).dataset.dirty = 'true';
  });

  /** @param {Context} ctx */
  function groupSeconds(ctx) {
    const sharing = ctx.templates?.agenda?.find((/** @type {any} */ p) => p.id === 'sharing');
    return (sharing?.group_minutes ?? 3) * 60;
  }

  /** @type {Map<string, any>} the sheets as last seen, to notice edits */
  let seenSheets = new Map();
  /** @type {Map<string, {at: number, by: string|null, field: string}>} */
  const lastEdit = new Map();

  /** @param {Context} ctx */
  function update(ctx) {
    const first = last === null;
    last = ctx;
    const { state, online } = ctx;
    const spotlight = state.board.spotlight;
    const subgroups = subgroupsInOrder(state);
    const solutions = Object.values(state.solutions ?? {});
    const people = participantsOnly(state);
    const membership = subgroupOf(state);

    // Notice sheet edits made while this panel is open ("dernière modification il y a 2 min").
    const now = Date.now();
    /** @type {Map<string, any>} */
    const sheets = new Map(Object.entries(state.sheets ?? {}));
    if (!first) {
      for (const [id, sheet] of sheets) {
        const changed = changedFields(seenSheets.get(id), sheet);
        if (changed.length > 0) lastEdit.set(id, { at: now, by: changed[changed.length - 1].by, field: changed[changed.length - 1].field });
      }
    }
    seenSheets = sheets;

    if (!countDirty && !hasFocus(count)) count.value = String(subgroups.length || Math.max(1, solutions.length || (state.board.settings?.solutions_target ?? 3)));
    if (!hasFocus(mode) && state.subgroup_mode && MODES.includes(state.subgroup_mode) && subgroups.length > 0 && mode.value !== state.subgroup_mode && !countDirty) mode.value = state.subgroup_mode;
    showModeHint();
    setText(
      splitState,
      subgroups.length === 0
        ? t('panel.subgroups.none')
        : t('panel.subgroups.state', { count: subgroups.length, mode: t(`panel.subgroups.mode_${state.subgroup_mode ?? 'manual'}`), assigned: people.filter((p) => membership.has(p.id)).length, people: people.length }),
    );

    setHidden(assignBox, subgroups.length === 0);
    setHidden(dashBox, subgroups.length === 0);

    reconcile(
      assign,
      subgroups.length === 0 ? [] : people,
      (p) => p.id,
      () => {
        const id = uid('assign-select');
        const label = h('label', { for: id, class: 'subgroups__assign-name' }, h('span', { class: 'panel-dot', 'aria-hidden': 'true' }), h('span', {}));
        const select = h('select', { id, 'data-testid': 'assign-select' });
        const apply = h('button', { type: 'button', class: 'button button--small', 'data-action': 'assign', 'data-testid': 'assign-apply' });
        return h('li', { class: 'panel-list__item subgroups__assign-row', 'data-testid': 'assign-row', 'data-dirty': 'false' }, label, select, apply);
      },
      (li, p) => {
        const [label, select, apply] = /** @type {[HTMLElement, HTMLSelectElement, HTMLElement]} */ ([...li.children]);
        const [dot, name] = /** @type {HTMLElement[]} */ ([...label.children]);
        dot.dataset.online = String(online.has(p.id));
        setText(name, t('panel.subgroups.assign_label', { name: p.name }));
        const current = membership.get(p.id) ?? '';
        const values = ['', ...subgroups.map((g) => g.id)];
        if ([...select.options].map((o) => o.value).join('|') !== values.join('|')) {
          select.replaceChildren(...values.map((v) => h('option', { value: v })));
          li.dataset.dirty = 'false';
        }
        [...select.options].forEach((o, i) => setText(o, i === 0 ? t('panel.subgroups.unassigned') : t('panel.subgroups.name', { name: subgroups[i - 1].name })));
        if (li.dataset.dirty !== 'true' && !hasFocus(select)) select.value = current;
        if (select.value === current) li.dataset.dirty = 'false';
        li.dataset.subgroup = current;
        setText(apply, t('panel.subgroups.assign'));
        setAttr(apply, 'aria-label', t('panel.subgroups.assign_button_label', { name: p.name }));
        setEnabled(apply, select.value !== '' && select.value !== current);
      },
    );

    reconcile(
      dashboard,
      subgroups,
      (g) => g.id,
      (g) => {
        const selectId = uid('subgroup-solution');
        const heading = h('h4', { class: 'subgroups__card-heading' });
        const members = h('ul', { class: 'subgroups__members', role: 'list', 'data-testid': 'subgroup-members' });
        const solution = h('p', { class: 'subgroups__solution', 'data-testid': 'subgroup-solution' });
        const select = h('select', { id: selectId, 'data-testid': 'subgroup-solution-select' });
        const setSolution = h('button', { type: 'button', class: 'button button--small', 'data-action': 'set-solution', 'data-testid': 'subgroup-solution-apply' });
        const solutionField = h('div', { class: 'subgroups__solution-field' }, h('label', { for: selectId, class: 'field__label' }), h('div', { class: 'panel-row' }, select, setSolution));
        const sheetText = h('p', { class: 'subgroups__sheet', id: uid('sheet-progress') });
        const progress = h('progress', { max: SHEET_FIELD_COUNT, value: 0, class: 'subgroups__progress', 'data-testid': 'subgroup-progress' });
        const edited = h('p', { class: 'panel-muted subgroups__edited', 'data-testid': 'subgroup-last-edit' });
        const remarks = h('p', { class: 'panel-muted', 'data-testid': 'remarks-count' });
        const sheetDetails = h('details', { class: 'subgroups__sheet-details' }, h('summary', {}), h('dl', { class: 'subgroups__fields' }));
        const present = h('button', { type: 'button', class: 'button button--small button--primary', 'data-action': 'present', 'data-testid': 'subgroup-present' });
        const spotGroup = spotlightButton('subgroup', g.id, 'panel.spotlight.button_subgroup');
        const spotSheet = spotlightButton('sheet', '', 'panel.spotlight.button_sheet');
        progress.setAttribute('aria-labelledby', sheetText.id);
        return h(
          'li',
          { class: 'subgroups__card', 'data-testid': 'subgroup-card', 'data-dirty': 'false' },
          heading,
          members,
          solution,
          solutionField,
          sheetText,
          progress,
          edited,
          remarks,
          sheetDetails,
          h('div', { class: 'panel-row' }, present, spotGroup, spotSheet),
        );
      },
      (li, g) => {
        const [heading, members, solutionText, solutionField, sheetText, progressEl, edited, remarks, sheetDetails, buttons] = /** @type {HTMLElement[]} */ ([...li.children]);
        const progress = /** @type {HTMLProgressElement} */ (progressEl);
        const groupName = t('panel.subgroups.name', { name: g.name });
        setText(heading, groupName);
        reconcile(
          members,
          g.members.map((id) => ({ id, name: state.participants[id]?.name ?? t('note.unknown_author') })),
          (m) => m.id,
          () => h('li', { class: 'subgroups__member' }, h('span', { class: 'panel-dot', 'aria-hidden': 'true' }), h('span', {})),
          (m, member) => {
            const [dot, name] = /** @type {HTMLElement[]} */ ([...m.children]);
            const on = online.has(member.id);
            dot.dataset.online = String(on);
            setText(name, t(on ? 'panel.subgroups.member_online' : 'panel.subgroups.member_offline', { name: member.name }));
          },
        );
        if (g.members.length === 0) {
          if (!members.querySelector('.subgroups__nobody')) members.append(h('li', { class: 'subgroups__nobody', i18n: 'panel.subgroups.nobody' }));
        } else members.querySelector('.subgroups__nobody')?.remove();

        const solution = g.solution_id ? state.solutions?.[g.solution_id] : null;
        setText(solutionText, solution ? t('panel.subgroups.solution', { title: solution.title }) : t('panel.subgroups.no_solution'));
        const [label, row] = /** @type {HTMLElement[]} */ ([...solutionField.children]);
        const [select, setSolution] = /** @type {[HTMLSelectElement, HTMLElement]} */ ([...row.children]);
        setText(label, t(solution ? 'panel.subgroups.change_solution' : 'panel.subgroups.choose_solution'));
        const values = ['', ...solutions.map((s) => s.id)];
        if ([...select.options].map((o) => o.value).join('|') !== values.join('|')) {
          select.replaceChildren(...values.map((v) => h('option', { value: v })));
          li.dataset.dirty = 'false';
        }
        [...select.options].forEach((o, i) => setText(o, i === 0 ? t('panel.subgroups.pick_solution') : solutions[i - 1].title));
        if (li.dataset.dirty !== 'true' && !hasFocus(select)) select.value = g.solution_id ?? '';
        setHidden(solutionField, solutions.length === 0);
        setText(setSolution, t('panel.subgroups.set_solution'));
        setAttr(setSolution, 'aria-label', t('panel.subgroups.set_solution_label', { name: groupName }));
        setEnabled(setSolution, select.value !== '' && select.value !== (g.solution_id ?? ''));

        const sheet = solution ? state.sheets?.[solution.sheet_id] : null;
        const filled = sheetCompleteness(sheet);
        setHidden(sheetText, !sheet);
        setHidden(progress, !sheet);
        setText(sheetText, t('panel.subgroups.sheet_progress', { filled, total: SHEET_FIELD_COUNT }));
        progress.value = filled;
        progress.dataset.filled = String(filled);
        const edit = sheet ? lastEdit.get(sheet.id) : null;
        setHidden(edited, !sheet);
        if (edit) {
          const minutes = Math.floor((Date.now() - edit.at) / 60_000);
          const who = edit.by ? state.participants[edit.by]?.name ?? t('note.unknown_author') : t('note.unknown_author');
          const fieldName = t(`panel.fields.${edit.field}`);
          setText(edited, minutes < 1 ? t('panel.subgroups.edited_now', { name: who, field: fieldName }) : t('panel.subgroups.edited_ago', { name: who, field: fieldName, count: minutes }));
        } else {
          setText(edited, filled > 0 ? t('panel.subgroups.edited_before') : t('panel.subgroups.not_started'));
        }
        const counts = sheet ? remarkCounts(state, sheet.id) : { for: 0, against: 0, suggestion: 0 };
        setHidden(remarks, !sheet);
        setText(remarks, t('panel.subgroups.remarks', { for: counts.for, against: counts.against, suggestion: counts.suggestion }));
        remarks.dataset.for = String(counts.for);
        remarks.dataset.against = String(counts.against);
        remarks.dataset.suggestion = String(counts.suggestion);

        // The sheet's text, read-only, for a facilitator who looks over a sub-group's shoulder.
        setHidden(sheetDetails, !sheet);
        const [summary, list] = /** @type {HTMLElement[]} */ ([...sheetDetails.children]);
        setText(summary, t('panel.subgroups.sheet_show', { name: groupName }));
        if (sheet) {
          const rows = SHEET_FIELDS.flatMap((name) => {
            const text = sheet.fields?.[name]?.text ?? '';
            return [h('dt', { text: t(`panel.fields.${name}`) }), h('dd', { text: text.trim() ? text : t('panel.subgroups.field_empty') })];
          });
          const signature = SHEET_FIELDS.map((name) => sheet.fields?.[name]?.version ?? 0).join(',') + t('panel.subgroups.field_empty');
          if (list.dataset.signature !== signature) {
            list.dataset.signature = signature;
            list.replaceChildren(...rows);
          }
        }

        const [present, spotGroup, spotSheet] = /** @type {HTMLElement[]} */ ([...buttons.children]);
        const minutes = Math.round(groupSeconds(ctx) / 60);
        const presentText = t('panel.subgroups.present', { minutes });
        setText(present, presentText);
        // The accessible name contains the visible label (WCAG 2.5.3), then which sub-group.
        setAttr(present, 'aria-label', t('phone.present_label', { label: presentText, name: groupName }));
        setHidden(present, state.board.phase !== 'sharing');
        updateSpotlightButton(spotGroup, spotlight, groupName);
        setHidden(spotSheet, !sheet);
        spotSheet.dataset.spotlightId = sheet?.id ?? '';
        spotSheet.dataset.key = sheet?.id ?? '';
        updateSpotlightButton(spotSheet, spotlight, t('panel.solutions.sheet_name', { title: solution?.title ?? '' }));
      },
    );
  }
  return {
    update,
    tick() {
      if (last && lastEdit.size > 0) update(last);
    },
  };
}
