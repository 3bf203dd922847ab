/** The facilitator's controls: phase, timer, question, votes (budget, reveal) and lock. One mount
 * function per control group; each emits verb-named actions and reflects the state it is given. */

import { emit, h, hasFocus, isEnabled, setEnabled, setHidden, setText, uid } from '../dom.js';
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

/**
 * Phase: a select applied with a button (changing the select alone does nothing: WCAG 3.2.2), plus
 * "next phase". Emits `set-phase` {phase}.
 * @param {HTMLElement} el a <section>
 */
export function mountPhaseControl(el) {
  section(el, 'controls.phase.heading', 'control--phase');
  const select = /** @type {HTMLSelectElement} */ (h('select', { id: uid('phase-select'), 'data-testid': 'phase-select' }));
  const options = PHASES.map((phase) => {
    const option = /** @type {HTMLOptionElement} */ (h('option', { value: phase }));
    select.append(option);
    return option;
  });
  const apply = button('controls.phase.apply', 'phase-apply', 'button--primary');
  const next = h('button', { type: 'button', class: 'button', 'data-testid': 'phase-next' });
  el.append(field('controls.phase.select_label', select), h('div', { class: 'control__row' }, apply, next));

  /** @type {string|null} */
  let shownPhase = null;
  let dirty = false;
  /** @type {State|null} */
  let state = null;
  select.addEventListener('change', () => {
    dirty = true;
  });
  apply.addEventListener('click', () => {
    dirty = false;
    emit(el, 'set-phase', { phase: select.value });
  });
  next.addEventListener('click', () => {
    if (!state || !isEnabled(next)) return;
    // Phases marked "skip" in the agenda are passed over.
    const phase = nextPhase(state.board.phases, state.board.phase);
    if (phase) emit(el, 'set-phase', { phase });
  });

  /** @param {Context} ctx */
  function update(ctx) {
    state = ctx.state;
    const current = state.board.phase;
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
    setText(next, following ? t('controls.phase.next', { phase: t(`phases.${following}`) }) : t('controls.phase.last'));
  }
  return { update };
}

/**
 * Timer: start with a duration (defaulting to the phase's), pause, resume, ±1 min, reset.
 * Emits `start-timer` {seconds}, `pause-timer`, `resume-timer`, `add-time` {seconds}, `reset-timer`.
 * @param {HTMLElement} el a <section>
 */
export function mountTimerControl(el) {
  section(el, 'controls.timer.heading', 'control--timer');
  const minutesId = uid('timer-minutes');
  const errorId = uid('timer-error');
  const minutes = /** @type {HTMLInputElement} */ (
    h('input', { id: minutesId, type: 'number', min: 1, max: 240, step: 1, inputmode: 'numeric', 'data-testid': 'timer-minutes', 'aria-describedby': errorId })
  );
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const state = h('p', { class: 'control__state', 'data-testid': 'timer-control-state' });
  const start = button('controls.timer.start', 'timer-start', 'button--primary');
  const pause = button('controls.timer.pause', 'timer-pause');
  const resume = button('controls.timer.resume', 'timer-resume');
  const plus = button('controls.timer.plus', 'timer-add');
  const minus = button('controls.timer.minus', 'timer-sub');
  const reset = button('controls.timer.reset', 'timer-reset');
  el.append(
    state,
    field('controls.timer.minutes_label', minutes),
    error,
    h('div', { class: 'control__row' }, start, pause, resume),
    h('div', { class: 'control__row' }, minus, plus, reset),
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
    setEnabled(pause, timer.status === 'running');
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
 * Lock / unlock the board for participants. Emits `lock-board` {locked}.
 * @param {HTMLElement} el a <section>
 */
export function mountLockControl(el) {
  section(el, 'controls.lock.heading', 'control--lock');
  const draft = h('p', { class: 'control__state control__state--draft', i18n: 'controls.lock.draft', hidden: true });
  const open = button('controls.lock.open', 'board-open', 'button--primary');
  const status = h('p', { class: 'control__state', 'data-testid': 'lock-state' });
  const toggle = h('button', { type: 'button', class: 'button', 'data-testid': 'lock-board' });
  el.append(draft, open, status, toggle);
  let locked = false;
  toggle.addEventListener('click', () => emit(el, 'lock-board', { locked: !locked }));
  open.addEventListener('click', () => emit(el, 'open-board', {}));

  /** @param {Context} ctx */
  function update({ state }) {
    // A board created as a draft refuses participants until it is opened.
    const isDraft = state.board.status === 'draft';
    setHidden(draft, !isDraft);
    setHidden(open, !isDraft);
    locked = state.board.locked;
    el.dataset.locked = String(locked);
    setText(status, t(locked ? 'controls.lock.state_locked' : 'controls.lock.state_unlocked'));
    setText(toggle, t(locked ? 'controls.lock.unlock' : 'controls.lock.lock'));
  }
  return { update };
}

/**
 * Private writing and anonymity: reveal the private notes, and the two settings.
 * Emits `reveal-notes`, `configure-board` {settings: {private_writing, anonymous}}.
 * @param {HTMLElement} el a <section>
 */
export function mountNotesControl(el) {
  section(el, 'controls.notes.heading', 'control--notes');
  const status = h('p', { class: 'control__state', 'data-testid': 'private-notes-state' });
  const reveal = button('controls.notes.reveal', 'reveal-notes', 'button--primary');
  const privateId = uid('setting-private');
  const anonymousId = uid('setting-anonymous');
  const privateBox = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: privateId, 'data-testid': 'setting-private-writing' }));
  const anonymousBox = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: anonymousId, 'data-testid': 'setting-anonymous' }));
  const apply = button('controls.notes.apply', 'settings-apply');
  const settings = h(
    'fieldset',
    { class: 'control__settings' },
    h('legend', { i18n: 'controls.notes.settings' }),
    h('div', { class: 'control__check' }, privateBox, h('label', { for: privateId, i18n: 'controls.notes.private_writing' })),
    h('div', { class: 'control__check' }, anonymousBox, h('label', { for: anonymousId, i18n: 'controls.notes.anonymous' })),
    apply,
  );
  el.append(status, reveal, settings);

  /** @type {string|null} */
  let shown = null;
  reveal.addEventListener('click', () => isEnabled(reveal) && emit(el, 'reveal-notes', {}));
  apply.addEventListener('click', () =>
    emit(el, 'configure-board', { settings: { private_writing: privateBox.checked, anonymous: anonymousBox.checked } }),
  );

  /** @param {Context} ctx */
  function update({ state }) {
    const count = Object.values(state.notes).filter((note) => note.private).length;
    setText(status, count > 0 ? t('controls.notes.private_count', { count }) : t('controls.notes.none_private'));
    setEnabled(reveal, count > 0);
    const current = state.board.settings ?? {};
    const key = `${current.private_writing !== false}/${current.anonymous !== false}`;
    // Follow the board's settings unless the facilitator is changing them here.
    if (key !== shown && !hasFocus(settings)) {
      shown = key;
      privateBox.checked = current.private_writing !== false;
      anonymousBox.checked = current.anonymous !== false;
    }
    setHidden(settings, !state.board.settings);
  }
  return { update };
}
