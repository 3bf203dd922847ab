/** The facilitator's controls: phase, timer, question, votes (budget, reveal) and lock. One mount
 * function per control group; each emits verb-named actions and reflects the state it is given. */

import { emit, h, hasFocus, isEnabled, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { nextPhase } from '../panel.js';
import { MAX_QUESTION, PHASES, formatDuration, phaseMinutes, remainingMs } from '../store.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, you: import('../store.js').You, offsetMs: number}} Context */

/**
 * A titled group of controls.
 * @param {HTMLElement} el
 * @param {string} headingKey
 * @param {string} className
 */
function section(el, headingKey, className) {
  el.classList.add('control', className);
  const id = uid('control-heading');
  el.setAttribute('aria-labelledby', id);
  el.append(h('h2', { id, class: 'control__heading', i18n: headingKey }));
}

/**
 * @param {string} labelKey
 * @param {HTMLElement} input must have an id
 * @param {HTMLElement|null} [hint]
 */
function field(labelKey, input, hint = null) {
  return h('div', { class: 'field' }, h('label', { for: input.id, class: 'field__label', i18n: labelKey }), hint, input);
}

/**
 * @param {string} key
 * @param {string} testid
 * @param {string} [extra]
 */
function button(key, testid, extra = '') {
  return h('button', { type: 'button', class: `button ${extra}`.trim(), 'data-testid': testid, i18n: key });
}

/** Whether "next phase" also starts the next phase's timer (the facilitator's choice, kept on this device). */
const NEXT_TIMER_KEY = 'atelier:next-starts-timer';

function nextStartsTimer() {
  try {
    return localStorage.getItem(NEXT_TIMER_KEY) !== 'false';
  } catch {
    return true;
  }
}

/**
 * The run of the workshop: the seven phases as a stepper (done, current, to come, skipped), "next
 * phase" saying where it goes and for how long, with a box to start that phase's timer in the same
 * press, and a select + button to go to any phase (changing the select alone does nothing: WCAG
 * 3.2.2). Emits `set-phase` {phase}, then `start-timer` {seconds} when asked.
 * @param {HTMLElement} el
 */
export function mountPhaseControl(el) {
  el.classList.add('phase-control');
  const steps = h('ol', { class: 'stepper', 'data-testid': 'phase-stepper', i18nAttrs: { 'aria-label': 'cockpit.stepper_label' } });
  const items = PHASES.map((phase, i) => {
    const name = h('span', { class: 'stepper__name' });
    const minutes = h('span', { class: 'stepper__minutes' });
    const state = h('span', { class: 'visually-hidden' });
    const li = h('li', { class: 'stepper__step', 'data-phase': phase, 'data-testid': 'phase-step' }, h('span', { class: 'stepper__n', 'aria-hidden': 'true', text: String(i + 1) }), name, minutes, state);
    steps.append(li);
    return { phase, li, name, minutes, state };
  });
  const next = h('button', { type: 'button', class: 'button button--primary phase-control__next', 'data-testid': 'phase-next' });
  const timerId = uid('next-timer');
  const withTimer = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: timerId, 'data-testid': 'phase-next-timer' }));
  withTimer.checked = nextStartsTimer();
  const withTimerLabel = h('label', { for: timerId, i18n: 'cockpit.next_timer' });
  const select = /** @type {HTMLSelectElement} */ (h('select', { id: uid('phase-select'), 'data-testid': 'phase-select' }));
  const options = PHASES.map((phase) => {
    const option = /** @type {HTMLOptionElement} */ (h('option', { value: phase }));
    select.append(option);
    return option;
  });
  const apply = button('controls.phase.apply', 'phase-apply');
  el.append(
    steps,
    h(
      'div',
      { class: 'phase-control__actions' },
      h('div', { class: 'phase-control__next-box' }, next, h('span', { class: 'control__check' }, withTimer, withTimerLabel)),
      h('div', { class: 'phase-control__goto' }, h('label', { for: select.id, class: 'phase-control__goto-label', i18n: 'cockpit.goto_label' }), select, apply),
    ),
  );

  /** @type {string|null} */
  let shownPhase = null;
  let dirty = false;
  /** @type {State|null} */
  let state = null;
  select.addEventListener('change', () => {
    dirty = true;
  });
  withTimer.addEventListener('change', () => {
    try {
      localStorage.setItem(NEXT_TIMER_KEY, String(withTimer.checked));
    } catch {
      // storage disabled: the choice lasts as long as the page
    }
  });
  apply.addEventListener('click', () => {
    dirty = false;
    emit(el, 'set-phase', { phase: select.value });
  });
  next.addEventListener('click', () => {
    if (!state || !isEnabled(next)) return;
    // Phases marked "skip" in the agenda are passed over.
    const phase = nextPhase(state.board.phases, state.board.phase);
    if (!phase) return;
    const seconds = phaseMinutes(state, phase) * 60;
    /** @type {{phase: string, result?: Promise<unknown>}} */
    const detail = { phase };
    emit(el, 'set-phase', detail);
    // The timer starts once the phase has changed (phase.set resets it to the new phase's time).
    if (withTimer.checked && seconds > 0) detail.result?.then(() => emit(el, 'start-timer', { seconds }), () => {});
  });

  /** @param {Context} ctx */
  function update(ctx) {
    state = ctx.state;
    const current = state.board.phase;
    const currentIndex = PHASES.indexOf(current);
    const visited = new Set((state.board.phase_log ?? []).map((/** @type {any} */ e) => e.phase));
    items.forEach((item, i) => {
      const agenda = state?.board.phases.find((p) => p.id === item.phase);
      const skipped = agenda?.skipped === true;
      setText(item.name, t(`phases.${item.phase}`));
      setText(item.minutes, skipped ? t('phase.skipped') : t('phase.minutes', { count: agenda?.minutes ?? 0 }));
      const status = i === currentIndex ? 'current' : skipped ? 'skipped' : i < currentIndex || visited.has(item.phase) ? 'done' : 'todo';
      item.li.dataset.status = status;
      setText(item.state, t(`cockpit.step_${status}`));
      setAttr(item.li, 'aria-current', status === 'current' ? 'step' : null);
    });
    options.forEach((option, i) => {
      const phase = PHASES[i];
      const label = t('controls.phase.option', { n: i + 1, phase: t(`phases.${phase}`), minutes: phaseMinutes(ctx.state, phase) });
      const skipped = ctx.state.board.phases.find((p) => p.id === phase)?.skipped;
      setText(option, skipped ? `${label} — ${t('panel.agenda.skipped')}` : label);
    });
    // Follow the board unless the facilitator is choosing a phase right now.
    if (shownPhase !== current) {
      shownPhase = current;
      dirty = false;
    }
    if (!dirty && select.value !== current) select.value = current;
    const following = nextPhase(state.board.phases, current);
    setEnabled(next, following !== null);
    setText(next, following ? t('cockpit.next', { phase: t(`phases.${following}`), minutes: phaseMinutes(state, following) }) : t('controls.phase.last'));
    setHidden(withTimer.parentElement ?? withTimer, following === null);
  }
  return { update };
}

/**
 * Timer: the duration (the phase's by default), start, pause, resume, ±1 min, reset, in one row.
 * Emits `start-timer` {seconds}, `pause-timer`, `resume-timer`, `add-time` {seconds}, `reset-timer`.
 * @param {HTMLElement} el
 */
export function mountTimerControl(el) {
  el.classList.add('timer-control');
  el.setAttribute('role', 'group');
  el.setAttribute('aria-label', t('controls.timer.heading'));
  el.dataset.i18nAttr = 'aria-label=controls.timer.heading';
  const minutesId = uid('timer-minutes');
  const errorId = uid('timer-error');
  const minutes = /** @type {HTMLInputElement} */ (
    h('input', { id: minutesId, type: 'number', min: 1, max: 240, step: 1, inputmode: 'numeric', class: 'timer-control__minutes', 'data-testid': 'timer-minutes', 'aria-describedby': errorId })
  );
  const error = h('p', { id: errorId, class: 'field__error timer-control__error', hidden: true });
  const state = h('p', { class: 'visually-hidden', 'data-testid': 'timer-control-state' });
  const start = button('controls.timer.start', 'timer-start', 'button--primary');
  const pause = button('controls.timer.pause', 'timer-pause');
  const resume = button('controls.timer.resume', 'timer-resume');
  const plus = button('controls.timer.plus', 'timer-add');
  const minus = button('controls.timer.minus', 'timer-sub');
  const reset = button('controls.timer.reset', 'timer-reset');
  el.append(
    h('span', { class: 'timer-control__field' }, h('label', { for: minutesId, class: 'timer-control__label', i18n: 'cockpit.timer_minutes' }), minutes),
    start,
    pause,
    resume,
    minus,
    plus,
    reset,
    error,
    state,
  );
  /** @type {string|null} */
  let shownPhase = null;
  let dirty = false;
  minutes.addEventListener('input', () => {
    dirty = true;
  });

  start.addEventListener('click', () => {
    const value = Number(minutes.value);
    const seconds = Math.round(value * 60);
    if (!Number.isFinite(value) || seconds < 1 || seconds > 14_400) {
      setHidden(error, false);
      setText(error, t('controls.timer.invalid'));
      minutes.setAttribute('aria-invalid', 'true');
      minutes.focus();
      return;
    }
    setHidden(error, true);
    minutes.removeAttribute('aria-invalid');
    emit(el, 'start-timer', { seconds });
  });
  pause.addEventListener('click', () => isEnabled(pause) && emit(el, 'pause-timer', {}));
  resume.addEventListener('click', () => isEnabled(resume) && emit(el, 'resume-timer', {}));
  plus.addEventListener('click', () => emit(el, 'add-time', { seconds: 60 }));
  minus.addEventListener('click', () => isEnabled(minus) && emit(el, 'add-time', { seconds: -60 }));
  reset.addEventListener('click', () => emit(el, 'reset-timer', {}));

  /** @param {Context} ctx */
  function update(ctx) {
    const timer = ctx.state.timer;
    if (shownPhase !== ctx.state.board.phase) {
      shownPhase = ctx.state.board.phase;
      dirty = false;
    }
    if (!dirty && !hasFocus(minutes)) minutes.value = String(phaseMinutes(ctx.state, ctx.state.board.phase) || 5);
    setText(state, t(`controls.timer.state.${timer.status}`, { time: formatDuration(remainingMs(timer, ctx.offsetMs)) }));
    // Pause and resume share one place: only the one that applies is shown.
    setHidden(pause, timer.status === 'paused');
    setEnabled(pause, timer.status === 'running');
    setHidden(resume, timer.status !== 'paused');
    setEnabled(resume, timer.status === 'paused');
    setEnabled(minus, remainingMs(timer, ctx.offsetMs) > 0);
  }
  return { update };
}

/**
 * The question shown to everyone. Emits `set-question` {text}.
 * @param {HTMLElement} el a <section>
 */
export function mountQuestionControl(el) {
  section(el, 'controls.question.heading', 'control--question');
  const input = /** @type {HTMLTextAreaElement} */ (
    h('textarea', { id: uid('question-input'), rows: 3, maxlength: MAX_QUESTION, 'data-testid': 'question-input' })
  );
  const publish = button('controls.question.publish', 'question-submit', 'button--primary');
  const clear = button('controls.question.clear', 'question-clear');
  el.append(field('controls.question.label', input), h('div', { class: 'control__row' }, publish, clear));

  /** @type {string|null} */
  let shown = null;
  publish.addEventListener('click', () => emit(el, 'set-question', { text: input.value.trim() }));
  clear.addEventListener('click', () => {
    input.value = '';
    emit(el, 'set-question', { text: '' });
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      emit(el, 'set-question', { text: input.value.trim() });
    }
  });

  /** @param {Context} ctx */
  function update({ state }) {
    // Follow changes made elsewhere (the co-facilitator), never while this facilitator is typing.
    if (state.board.question !== shown) {
      if (!hasFocus(input) || input.value.trim() === state.board.question) input.value = state.board.question;
      shown = state.board.question;
    }
  }
  return { update };
}

/**
 * Dot budget and reveal. Emits `configure-votes` {budget}, `reveal-votes` {revealed}.
 * @param {HTMLElement} el a <section>
 */
export function mountVoteControl(el) {
  section(el, 'controls.votes.heading', 'control--votes');
  const budget = /** @type {HTMLInputElement} */ (
    h('input', { id: uid('vote-budget'), type: 'number', min: 1, max: 20, step: 1, inputmode: 'numeric', 'data-testid': 'vote-budget' })
  );
  const errorId = uid('budget-error');
  budget.setAttribute('aria-describedby', errorId);
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const apply = button('controls.votes.apply', 'vote-budget-apply');
  const status = h('p', { class: 'control__state', 'data-testid': 'votes-state' });
  const reveal = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'reveal-votes' });
  el.append(field('controls.votes.budget_label', budget), error, apply, status, reveal);

  /** @type {number|null} */
  let shownBudget = null;
  let revealed = false;
  apply.addEventListener('click', () => {
    const value = Number(budget.value);
    if (!Number.isInteger(value) || value < 1 || value > 20) {
      setHidden(error, false);
      setText(error, t('controls.votes.invalid'));
      budget.setAttribute('aria-invalid', 'true');
      budget.focus();
      return;
    }
    setHidden(error, true);
    budget.removeAttribute('aria-invalid');
    emit(el, 'configure-votes', { budget: value });
  });
  reveal.addEventListener('click', () => emit(el, 'reveal-votes', { revealed: !revealed }));

  /** @param {Context} ctx */
  function update({ state }) {
    revealed = state.board.votes_revealed;
    if (shownBudget !== state.board.vote_budget) {
      shownBudget = state.board.vote_budget;
      if (!hasFocus(budget)) budget.value = String(state.board.vote_budget);
    }
    setText(status, t(revealed ? 'controls.votes.state_revealed' : 'controls.votes.state_hidden', { count: state.board.vote_budget }));
    setText(reveal, t(revealed ? 'controls.votes.hide' : 'controls.votes.reveal'));
    reveal.dataset.revealed = String(revealed);
  }
  return { update };
}

/**
 * Opening a draft to participants, then locking / unlocking the board. Emits `open-board`,
 * `lock-board` {locked}.
 * @param {HTMLElement} el
 */
export function mountLockControl(el) {
  el.classList.add('lock-control');
  const draft = h('p', { class: 'lock-control__state lock-control__state--draft', i18n: 'cockpit.draft', hidden: true });
  const open = button('controls.lock.open', 'board-open', 'button--primary');
  const status = h('p', { class: 'lock-control__state', 'data-testid': 'lock-state' });
  const toggle = h('button', { type: 'button', class: 'button', 'data-testid': 'lock-board' });
  el.append(draft, open, status, toggle);
  let locked = false;
  toggle.addEventListener('click', () => emit(el, 'lock-board', { locked: !locked }));
  open.addEventListener('click', () => emit(el, 'open-board', {}));

  /** @param {Context} ctx */
  function update({ state }) {
    // A board created as a draft refuses participants until it is opened: nothing to lock yet.
    const isDraft = state.board.status === 'draft';
    setHidden(draft, !isDraft);
    setHidden(open, !isDraft);
    setHidden(status, isDraft);
    setHidden(toggle, isDraft);
    locked = state.board.locked;
    el.dataset.locked = String(locked);
    setText(status, t(locked ? 'cockpit.locked' : 'cockpit.unlocked'));
    setText(toggle, t(locked ? 'controls.lock.unlock' : 'controls.lock.lock'));
  }
  return { update };
}

/**
 * Private writing: how many notes are still private, and revealing them (the settings themselves
 * are in the preparation tab). Emits `reveal-notes`.
 * @param {HTMLElement} el a <section>
 */
export function mountNotesControl(el) {
  section(el, 'controls.notes.heading', 'control--notes');
  const status = h('p', { class: 'control__state', 'data-testid': 'private-notes-state' });
  const reveal = button('controls.notes.reveal', 'reveal-notes', 'button--primary');
  el.append(status, reveal);
  reveal.addEventListener('click', () => isEnabled(reveal) && emit(el, 'reveal-notes', {}));

  /** @param {Context} ctx */
  function update({ state }) {
    const count = Object.values(state.notes).filter((note) => note.private).length;
    setText(status, count > 0 ? t('controls.notes.private_count', { count }) : t('controls.notes.none_private'));
    setEnabled(reveal, count > 0);
  }
  return { update };
}
