/** The facilitator's tools for the phase in progress: the guide's advice for it, who is done,
 * personas, prepared questions to show, who presented their ideas, and the speaking queue. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { doneCount, participantsOnly, presentedCounts } from '../panel.js';
import { formatDuration, phaseMinutes, remainingMs } from '../store.js';
import { button, field, section } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, you: import('../store.js').You, offsetMs: number, templates: any, online: Set<string>}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

const MAX_PRESENTED = 3;

/**
 * What the guide advises for the phase in progress, its steps, and how many said they are done.
 * @param {HTMLElement} el a <section>
 */
export function mountPhaseGuide(el) {
  el.classList.add('card');
  section(el, 'panel.guide.heading', 'phase-guide');
  el.dataset.testid = 'phase-guide';
  const title = h('p', { class: 'phase-guide__title', 'data-testid': 'phase-guide-title' });
  const hint = h('p', { class: 'phase-guide__hint', 'data-testid': 'phase-hint' });
  const steps = h('ol', { class: 'phase-guide__steps', 'data-testid': 'phase-steps' });
  const done = h('p', { class: 'phase-guide__done', 'data-testid': 'done-count', hidden: true });
  const progress = /** @type {HTMLProgressElement} */ (h('progress', { class: 'phase-guide__progress', max: 1, value: 0, 'aria-hidden': 'true', hidden: true }));
  // Who is done comes first; the guide's advice is there to read when wanted, folded so that the
  // phase's tools below stay on screen. "Next phase" and the timer are the cockpit bar's, once.
  const advice = h('details', { class: 'phase-guide__advice' }, h('summary', { class: 'phase-guide__summary', i18n: 'cockpit.guide_advice' }), hint, steps);
  el.append(title, done, progress, advice);

  /** @param {Context} ctx */
  function update({ state, templates }) {
    const phase = state.board.phase;
    el.dataset.phase = phase;
    setText(title, t('panel.guide.title', { phase: t(`phases.${phase}`), minutes: phaseMinutes(state, phase) }));
    const template = templates?.agenda?.find((/** @type {any} */ p) => p.id === phase);
    setText(hint, template?.hint ?? '');
    setHidden(hint, !template?.hint);
    const items = (template?.steps ?? []).map((/** @type {any} */ s) => s);
    setHidden(steps, items.length === 0);
    reconcile(
      steps,
      items,
      (s) => `${phase}:${s.id}`,
      () => h('li', { class: 'phase-guide__step' }, h('strong', {}), h('span', {})),
      (li, s) => {
        const [name, text] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(name, s.minutes ? t('panel.guide.step', { name: s.name, minutes: s.minutes }) : t('panel.guide.step_plain', { name: s.name }));
        setText(text, ` ${s.hint}`);
      },
    );
    const count = doneCount(state, phase);
    setHidden(done, count.total === 0);
    setHidden(progress, count.total === 0);
    setText(done, t('panel.guide.done', { count: count.done, total: count.total }));
    done.dataset.done = String(count.done);
    done.dataset.total = String(count.total);
    progress.max = Math.max(1, count.total);
    progress.value = count.done;
  }
  return { update };
}

/**
 * Inspiration: deal personas and see who got which.
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountPersonasTool(el, { announcer }) {
  el.classList.add('card');
  section(el, 'panel.personas.heading', 'personas-tool');
  const intro = h('p', { class: 'field__hint', i18n: 'panel.personas.intro' });
  const deal = button('panel.personas.deal', 'personas-deal', 'button--primary');
  const status = h('p', { class: 'panel-state', 'data-testid': 'personas-state' });
  const list = h('ul', { class: 'panel-list', role: 'list', 'data-testid': 'personas-list' });
  el.append(intro, deal, status, list);
  deal.addEventListener('click', () => {
    if (!isEnabled(deal)) return;
    /** @type {{result?: Promise<unknown>}} */
    const detail = {};
    emit(el, 'deal-personas', detail);
    detail.result?.then(() => announcer.announce(t('panel.personas.dealt')), () => {});
  });

  /** @param {Context} ctx */
  function update({ state, templates }) {
    const people = participantsOnly(state);
    const personas = state.personas ?? {};
    const dealt = people.filter((p) => personas[p.id]).length;
    setEnabled(deal, people.length > 0);
    setText(deal, t(dealt > 0 ? 'panel.personas.redeal' : 'panel.personas.deal'));
    setText(status, people.length === 0 ? t('panel.personas.nobody') : t('panel.personas.state', { count: dealt, total: people.length }));
    reconcile(
      list,
      people,
      (p) => p.id,
      () => h('li', { class: 'panel-list__item panel-list__item--text', 'data-testid': 'persona-row' }, h('strong', {}), h('span', {})),
      (li, p) => {
        const [name, persona] = /** @type {HTMLElement[]} */ ([...li.children]);
        const id = personas[p.id];
        const found = templates?.personas?.find((/** @type {any} */ x) => x.id === id);
        setText(name, p.name);
        setText(persona, id ? ` — ${found?.name ?? id}` : ` — ${t('panel.personas.none')}`);
        li.dataset.persona = id ?? '';
      },
    );
  }
  return { update };
}

/**
 * The prepared questions, one button each to show it to everyone (question.set).
 * @param {HTMLElement} el a <section>
 * @param {{onPrepare: () => void}} options
 */
export function mountQuestionsTool(el, { onPrepare }) {
  el.classList.add('card');
  section(el, 'panel.questions.heading', 'questions-tool');
  const current = h('p', { class: 'panel-state', 'data-testid': 'question-current' });
  const empty = h('p', { class: 'field__hint', i18n: 'panel.questions.empty' });
  const prepare = button('panel.questions.prepare', 'questions-prepare', 'button--small');
  const list = h('ol', { class: 'panel-list questions-tool__list', 'data-testid': 'quick-questions' });
  // Clearing the question shown is the question control's, beside this list: not a second button here.
  el.append(current, empty, list, h('div', { class: 'panel-row' }, prepare));
  prepare.addEventListener('click', onPrepare);
  list.addEventListener('click', (event) => {
    const show = /** @type {HTMLElement} */ (event.target).closest('button');
    const item = show?.closest('li');
    if (show && item) emit(el, 'push-question', { text: item.querySelector('.questions-tool__text')?.textContent ?? '' });
  });

  /** @param {Context} ctx */
  function update({ state }) {
    const qs = state.board.questions ?? [];
    setText(current, state.board.question ? t('panel.questions.current', { question: state.board.question }) : t('panel.questions.no_current'));
    setHidden(empty, qs.length > 0);
    reconcile(
      list,
      qs.map((text, i) => ({ text, i })),
      (q) => String(q.i),
      () =>
        h(
          'li',
          { class: 'panel-list__item questions-tool__item', 'data-testid': 'quick-question' },
          h('span', { class: 'questions-tool__text' }),
          h('button', { type: 'button', class: 'button button--small', 'data-testid': 'quick-question-show' }),
        ),
      (li, q) => {
        const [text, show] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(text, q.text);
        const isShown = state.board.question === q.text;
        li.dataset.shown = String(isShown);
        setText(show, t(isShown ? 'panel.questions.shown' : 'panel.questions.show'));
        setAttr(show, 'aria-pressed', String(isShown));
        setAttr(show, 'aria-label', t('panel.prep.question_show_label', { n: q.i + 1 }));
      },
    );
  }
  return { update };
}

/**
 * Convergence: each participant presents up to three of their ideas ("a présenté 2/3").
 * @param {HTMLElement} el a <section>
 */
export function mountPresentersTool(el) {
  el.classList.add('card');
  section(el, 'panel.presenters.heading', 'presenters-tool');
  const intro = h('p', { class: 'field__hint', i18n: 'panel.presenters.intro' });
  const summary = h('p', { class: 'panel-state', 'data-testid': 'presenters-summary' });
  const list = h('ul', { class: 'panel-list', role: 'list', 'data-testid': 'presenters' });
  el.append(intro, summary, list);

  /** @param {Context} ctx */
  function update({ state, online }) {
    const people = participantsOnly(state);
    const counts = presentedCounts(state);
    const started = people.filter((p) => (counts.get(p.id) ?? 0) > 0).length;
    setText(summary, t('panel.presenters.summary', { count: started, total: people.length }));
    reconcile(
      list,
      people,
      (p) => p.id,
      () => h('li', { class: 'panel-list__item', 'data-testid': 'presenter-row' }, h('span', { class: 'panel-dot', 'aria-hidden': 'true' }), h('span', {})),
      (li, p) => {
        const [dot, text] = /** @type {HTMLElement[]} */ ([...li.children]);
        const n = Math.min(counts.get(p.id) ?? 0, MAX_PRESENTED);
        dot.dataset.online = String(online.has(p.id));
        setText(text, t('panel.presenters.row', { name: p.name, n, max: MAX_PRESENTED }));
        li.dataset.count = String(n);
      },
    );
  }
  return { update };
}

/**
 * The speaking queue: add someone in the room by name, give the floor to the next one with a
 * speaking time, remove entries.
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountQueueTool(el, { announcer }) {
  el.classList.add('card');
  section(el, 'panel.queue.heading', 'queue-tool');
  const speaker = h('p', { class: 'panel-state queue-tool__speaker', 'data-testid': 'queue-speaker' });
  const list = h('ol', { class: 'panel-list', 'data-testid': 'queue' });
  const empty = h('p', { class: 'field__hint', i18n: 'panel.queue.empty' });
  const nameId = uid('queue-name');
  const name = /** @type {HTMLInputElement} */ (h('input', { id: nameId, type: 'text', maxlength: 60, autocomplete: 'off', 'data-testid': 'queue-name' }));
  const add = button('panel.queue.add', 'queue-add');
  const minutesErrorId = uid('queue-error');
  const minutes = /** @type {HTMLInputElement} */ (
    h('input', { id: uid('queue-minutes'), type: 'number', min: 0.5, max: 60, step: 0.5, value: 2, inputmode: 'decimal', 'aria-describedby': minutesErrorId, 'data-testid': 'queue-minutes' })
  );
  const minutesError = h('p', { id: minutesErrorId, class: 'field__error', hidden: true });
  const next = button('panel.queue.next', 'queue-next', 'button--primary');
  el.append(
    speaker,
    empty,
    list,
    h('div', { class: 'queue-tool__next' }, field('panel.queue.minutes_label', minutes), next),
    minutesError,
    h('div', { class: 'queue-tool__add' }, field('panel.queue.name_label', name), add),
  );

  /** @type {Context|null} */
  let last = null;
  function addName() {
    const value = name.value.trim();
    if (!value) {
      name.focus();
      return;
    }
    /** @type {{name: string, result?: Promise<unknown>}} */
    const detail = { name: value };
    emit(el, 'queue-add', detail);
    detail.result?.then(() => {
      name.value = '';
      announcer.announce(t('panel.queue.added', { name: value }));
    }, () => {});
  }
  add.addEventListener('click', addName);
  name.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      addName();
    }
  });
  next.addEventListener('click', () => {
    if (!isEnabled(next)) return;
    const value = Number(minutes.value);
    const seconds = Math.round(value * 60);
    if (!Number.isFinite(value) || seconds < 10 || seconds > 3600) {
      setHidden(minutesError, false);
      setText(minutesError, t('panel.queue.minutes_invalid'));
      minutes.setAttribute('aria-invalid', 'true');
      minutes.focus();
      return;
    }
    setHidden(minutesError, true);
    minutes.removeAttribute('aria-invalid');
    emit(el, 'queue-next', { seconds });
  });
  list.addEventListener('click', (event) => {
    const remove = /** @type {HTMLElement} */ (event.target).closest('button');
    const item = remove?.closest('li');
    if (!remove || !item) return;
    /** @type {{entry_id: string, result?: Promise<unknown>}} */
    const detail = { entry_id: item.dataset.key ?? '' };
    emit(el, 'queue-remove', detail);
    // The focus would be lost with the row: put it on the next control that stays.
    detail.result?.then(() => name.focus(), () => {});
  });

  /**
   * @param {State} state
   * @param {{participant: string|null, name: string|null}} entry
   */
  function entryName(state, entry) {
    return entry.name ?? (entry.participant ? state.participants[entry.participant]?.name : null) ?? t('note.unknown_author');
  }

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const { state } = ctx;
    const queue = state.queue ?? { entries: [], speaker: null, timer: null };
    const entries = queue.entries ?? [];
    if (queue.speaker) {
      const left = queue.timer ? formatDuration(remainingMs(queue.timer, ctx.offsetMs)) : '';
      setText(speaker, t('panel.queue.speaker', { name: entryName(state, queue.speaker), time: left }));
    } else {
      setText(speaker, t('panel.queue.no_speaker'));
    }
    setHidden(empty, entries.length > 0);
    reconcile(
      list,
      entries,
      (e) => e.id,
      () => h('li', { class: 'panel-list__item', 'data-testid': 'queue-entry' }, h('span', {}), h('button', { type: 'button', class: 'button button--small button--danger', 'data-testid': 'queue-remove' })),
      (li, e) => {
        const [who, remove] = /** @type {HTMLElement[]} */ ([...li.children]);
        const label = entryName(state, e);
        setText(who, e.participant ? label : t('panel.queue.in_room', { name: label }));
        setText(remove, t('panel.queue.remove'));
        setAttr(remove, 'aria-label', t('panel.queue.remove_label', { name: label }));
      },
    );
    setText(next, entries.length > 0 ? t('panel.queue.next_named', { name: entryName(state, entries[0]) }) : t(queue.speaker ? 'panel.queue.end' : 'panel.queue.next'));
    setEnabled(next, entries.length > 0 || Boolean(queue.speaker));
  }
  return {
    update,
    tick() {
      if (last?.state.queue?.speaker) update(last);
    },
  };
}
