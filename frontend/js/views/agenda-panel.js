/** The agenda: the seven phases with their planned minutes and a "skip" box (agenda.set), and the
 * agenda clock: planned against actual time per phase, from the board's phase log. */

import { emit, h, hasFocus, reconcile, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { agendaClock, agendaTotals, normalizeAgenda, wholeMinutes } from '../panel.js';
import { formatDuration } from '../store.js';
import { button, integerIn, section } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, offsetMs: number}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountAgendaPanel(el, { announcer }) {
  section(el, 'panel.agenda.heading', 'agenda');
  el.classList.add('card');
  el.dataset.testid = 'agenda';
  const intro = h('p', { class: 'field__hint', i18n: 'panel.agenda.intro' });
  const list = h('ol', { class: 'agenda__list' });
  const total = h('p', { class: 'agenda__total', 'data-testid': 'agenda-total' });
  const errorId = uid('agenda-error');
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const save = button('panel.agenda.save', 'agenda-save', 'button--primary');
  const state = h('p', { class: 'agenda__state', 'data-testid': 'agenda-state' });
  el.append(intro, list, total, error, h('div', { class: 'panel-row' }, save), state);

  let dirty = false;
  /** @type {Context|null} */
  let last = null;
  list.addEventListener('input', () => {
    dirty = true;
    setText(state, t('panel.agenda.unsaved'));
  });

  save.addEventListener('click', () => {
    /** @type {{id: string, minutes: number, skipped: boolean}[]} */
    const phases = [];
    for (const li of /** @type {HTMLElement[]} */ ([...list.children])) {
      const minutes = /** @type {HTMLInputElement} */ (li.querySelector('input[type="number"]'));
      const skip = /** @type {HTMLInputElement} */ (li.querySelector('input[type="checkbox"]'));
      const value = integerIn(minutes.value, 0, 480);
      if (value === null) {
        setHidden(error, false);
        setText(error, t('panel.agenda.invalid', { phase: t(`phases.${li.dataset.key}`) }));
        minutes.setAttribute('aria-invalid', 'true');
        minutes.setAttribute('aria-describedby', errorId);
        minutes.focus();
        return;
      }
      minutes.removeAttribute('aria-invalid');
      phases.push({ id: li.dataset.key ?? '', minutes: value, skipped: skip.checked });
    }
    setHidden(error, true);
    /** @type {{phases: typeof phases, result?: Promise<unknown>}} */
    const detail = { phases };
    emit(el, 'set-agenda', detail);
    detail.result?.then(() => {
      dirty = false;
      setText(state, t('panel.agenda.saved'));
      announcer.announce(t('panel.agenda.saved'));
    }, () => {});
  });

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const agenda = normalizeAgenda(ctx.state.board.phases);
    const rows = agendaClock(ctx.state, Date.now() + ctx.offsetMs);
    reconcile(
      list,
      rows,
      (r) => r.id,
      () => {
        const minutesId = uid('agenda-minutes');
        const skipId = uid('agenda-skip');
        const name = h('span', { class: 'agenda__name' });
        const current = h('span', { class: 'agenda__current', hidden: true, i18n: 'panel.agenda.current' });
        const minutes = h('input', { id: minutesId, type: 'number', min: 0, max: 480, step: 1, inputmode: 'numeric', class: 'agenda__minutes', 'data-testid': 'agenda-minutes' });
        const minutesLabel = h('label', { for: minutesId, class: 'agenda__minutes-label' });
        const skip = h('input', { id: skipId, type: 'checkbox', 'data-testid': 'agenda-skip' });
        const skipLabel = h('label', { for: skipId, class: 'agenda__skip-label' });
        const actual = h('span', { class: 'agenda__actual', 'data-testid': 'agenda-actual' });
        return h(
          'li',
          { class: 'agenda__row', 'data-testid': 'agenda-row' },
          h('span', { class: 'agenda__title' }, name, current),
          h('span', { class: 'agenda__field' }, minutesLabel, minutes, h('span', { 'aria-hidden': 'true', text: 'min' })),
          h('span', { class: 'agenda__check' }, skip, skipLabel),
          actual,
        );
      },
      (li, r) => {
        const [titleBox, minutesBox, skipBox, actual] = /** @type {HTMLElement[]} */ ([...li.children]);
        const [name, current] = /** @type {HTMLElement[]} */ ([...titleBox.children]);
        const [minutesLabel, minutes] = /** @type {[HTMLElement, HTMLInputElement]} */ ([...minutesBox.children].slice(0, 2));
        const [skip, skipLabel] = /** @type {[HTMLInputElement, HTMLElement]} */ ([...skipBox.children]);
        const phaseName = t(`phases.${r.id}`);
        const planned = agenda.find((p) => p.id === r.id);
        setText(name, phaseName);
        setHidden(current, !r.current);
        setAttr(li, 'aria-current', r.current ? 'step' : null);
        li.dataset.skipped = String(r.skipped);
        li.dataset.over = String(r.over);
        setText(minutesLabel, t('panel.agenda.minutes_label', { phase: phaseName }));
        setText(skipLabel, t('panel.agenda.skip_label'));
        setAttr(skip, 'aria-label', t('panel.agenda.skip_aria', { phase: phaseName }));
        if (!dirty && !hasFocus(li)) {
          minutes.value = String(planned?.minutes ?? 0);
          skip.checked = Boolean(planned?.skipped);
        }
        let text;
        if (r.skipped && !r.visited) text = t('panel.agenda.skipped');
        else if (!r.visited) text = t('panel.agenda.not_started', { planned: wholeMinutes(r.plannedMs) });
        else text = t(r.over ? 'panel.agenda.actual_over' : 'panel.agenda.actual', { actual: formatDuration(r.actualMs), planned: wholeMinutes(r.plannedMs) });
        setText(actual, text);
      },
    );
    const totals = agendaTotals(rows);
    setText(
      total,
      totals.started
        ? t('panel.agenda.total', { planned: wholeMinutes(totals.plannedMs), elapsed: formatDuration(totals.elapsedMs) })
        : t('panel.agenda.total_planned', { planned: wholeMinutes(totals.plannedMs) }),
    );
    total.dataset.over = String(totals.elapsedMs > totals.plannedMs);
  }

  return {
    update,
    /** Each second: the running phase's actual time counts up. */
    tick() {
      if (last) update(last);
    },
  };
}
