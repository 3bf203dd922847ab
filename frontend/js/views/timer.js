/** The countdown: computed every second from `ends_at_ms` and the server clock offset; never announced per second. */

import { emit, h, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { formatDuration, remainingMs } from '../store.js';

/** @typedef {import('../store.js').Timer} Timer */

/**
 * Emits `timer-expired` (once per run) when a running timer reaches zero.
 * @param {HTMLElement} el
 */
export function mountTimer(el) {
  el.classList.add('timer');
  const labelId = uid('timer-label');
  const label = h('span', { id: labelId, class: 'timer__label', i18n: 'timer.label' });
  // role=timer is not live by default: the time is read when the user goes to it, not every second.
  const time = h('span', { class: 'timer__time', role: 'timer', 'aria-labelledby': labelId, 'data-testid': 'timer' });
  const status = h('span', { class: 'timer__status', 'data-testid': 'timer-status' });
  el.append(label, time, status);

  /** @type {Timer|null} */
  let timer = null;
  let offsetMs = 0;
  /** @type {number|null} */
  let expiredFor = null;

  function tick() {
    if (!timer) return;
    const left = remainingMs(timer, offsetMs);
    setText(time, formatDuration(left));
    const expired = timer.status === 'running' && left <= 0;
    el.dataset.status = expired ? 'expired' : timer.status;
    time.dataset.status = el.dataset.status;
    setText(status, t(expired ? 'timer.expired' : `timer.status.${timer.status}`));
    if (expired && expiredFor !== timer.ends_at_ms) {
      expiredFor = timer.ends_at_ms;
      emit(el, 'timer-expired', {});
    }
  }

  /** @param {{state: import('../store.js').State, offsetMs: number}} ctx */
  function update(ctx) {
    timer = ctx.state.timer;
    offsetMs = ctx.offsetMs;
    // Already over when we arrive (or resume): do not announce an expiry that happened earlier.
    if (timer.status === 'running' && remainingMs(timer, offsetMs) <= 0 && expiredFor === null) expiredFor = timer.ends_at_ms;
    tick();
  }
  return { update, tick };
}
