/** The speakers' queue: ask for the floor or leave the queue, who speaks now and their time left. */

import { emit, h, isEnabled, reconcile, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { myQueueEntry, queueName } from '../method.js';
import { formatDuration, isProjector, remainingMs } from '../store.js';

/** @typedef {import('../session.js').Context} Context */

const QUEUE_PHASES = ['convergence', 'sharing'];

/**
 * Emits `join-queue` {} and `leave-queue` {entry_id}.
 * @param {HTMLElement} el a <section>
 */
export function mountSpeakingQueue(el) {
  el.classList.add('speaking-queue');
  el.dataset.testid = 'queue';
  const headingId = uid('queue-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'speaking-queue__heading', i18n: 'method.queue.heading' });
  const speakerName = h('span', { class: 'speaking-queue__speaker-name', 'data-testid': 'queue-speaker' });
  const speakerTimeLabelId = uid('queue-time');
  const speakerTime = h('span', { class: 'speaking-queue__time', role: 'timer', 'aria-labelledby': speakerTimeLabelId, 'data-testid': 'queue-timer' });
  const speaker = h(
    'div',
    { class: 'speaking-queue__speaker', hidden: true },
    h('p', { class: 'speaking-queue__now' }, h('span', { i18n: 'method.queue.speaker' }), ' ', speakerName),
    h('p', { class: 'speaking-queue__timer' }, h('span', { id: speakerTimeLabelId, i18n: 'method.queue.time_left' }), ' ', speakerTime),
  );
  const timeUp = h('p', { class: 'speaking-queue__time-up', 'data-testid': 'queue-time-up', i18n: 'phone.queue_time_up', hidden: true });
  const listLabel = h('h3', { class: 'speaking-queue__label', i18n: 'method.queue.waiting' });
  const list = h('ol', { class: 'speaking-queue__list', 'data-testid': 'queue-list' });
  const empty = h('p', { class: 'speaking-queue__empty', i18n: 'method.queue.empty' });
  const position = h('p', { class: 'speaking-queue__position', 'data-testid': 'queue-position', hidden: true });
  const join = h('button', { type: 'button', class: 'button button--primary', 'data-testid': 'queue-join', i18n: 'method.queue.join' });
  const leave = h('button', { type: 'button', class: 'button', 'data-testid': 'queue-leave', i18n: 'method.queue.leave', hidden: true });
  el.append(heading, speaker, timeUp, listLabel, empty, list, position, h('div', { class: 'speaking-queue__actions' }, join, leave));

  /** @type {Context|null} */
  let last = null;
  /** @type {string|null} */
  let myEntry = null;

  join.addEventListener('click', () => {
    if (isEnabled(join)) emit(el, 'join-queue', {});
  });
  leave.addEventListener('click', () => {
    if (myEntry && isEnabled(leave)) emit(el, 'leave-queue', { entry_id: myEntry });
  });

  function tick() {
    if (!last) return;
    const queue = last.state.queue;
    const timer = queue?.timer;
    const left = timer ? remainingMs(timer, last.offsetMs) : 0;
    // "Parole à : X — 00:00" long after the time is up says something false: the floor is no longer X's.
    const over = Boolean(queue?.speaker) && timer?.status === 'running' && left <= 0;
    setHidden(speaker, !queue?.speaker || over);
    setHidden(timeUp, !over);
    setText(speakerTime, timer ? formatDuration(left) : '');
  }

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const { state, you } = ctx;
    const queue = state.queue ?? { entries: [], speaker: null, timer: null };
    const entries = queue.entries ?? [];
    const visible = QUEUE_PHASES.includes(state.board.phase) || entries.length > 0 || Boolean(queue.speaker);
    setHidden(el, !visible);
    if (!visible) return;
    setText(speakerName, queue.speaker ? queueName(state, queue.speaker) + (queue.speaker.participant === you.id ? ` ${t('method.queue.you')}` : '') : '');
    tick();
    setHidden(empty, entries.length > 0);
    reconcile(
      list,
      entries,
      (/** @type {any} */ e) => e.id,
      () => h('li', { class: 'speaking-queue__entry', 'data-testid': 'queue-entry' }),
      (li, /** @type {any} */ e) => {
        setText(li, queueName(state, e) + (e.participant === you.id ? ` ${t('method.queue.you')}` : ''));
        li.classList.toggle('speaking-queue__entry--mine', e.participant === you.id);
      },
    );
    const entry = isProjector(you) ? null : myQueueEntry(state, you.id);
    myEntry = entry?.id ?? null;
    const canAct = !isProjector(you) && !state.board.locked;
    // One button swaps for the other: the keyboard focus follows, rather than falling to the page.
    const focused = document.activeElement;
    setHidden(join, isProjector(you) || Boolean(entry));
    setHidden(leave, !entry);
    if (focused === join && join.hidden && !leave.hidden) leave.focus();
    else if (focused === leave && leave.hidden && !join.hidden) join.focus();
    setEnabled(join, canAct);
    setEnabled(leave, canAct);
    const index = entry ? entries.indexOf(entry) : -1;
    setHidden(position, index < 0);
    setText(position, index >= 0 ? t('method.queue.position', { count: index + 1 }) : '');
  }
  return { update, tick };
}
