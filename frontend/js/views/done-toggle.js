/** "J'ai terminé": a participant tells the facilitators they finished the current phase. */

import { emit, h, isEnabled, setAttr, setEnabled, setHidden, setText } from '../dom.js';
import { t } from '../i18n.js';
import { doneCount, isDone } from '../method.js';
import { isFacilitatorRole, isProjector } from '../store.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/** Emits `set-done` {done}. @param {HTMLElement} el */
export function mountDoneToggle(el) {
  el.classList.add('done-toggle');
  const button = h('button', { type: 'button', class: 'button done-toggle__button', 'aria-pressed': 'false', 'data-testid': 'done-toggle' }, h('span', { 'aria-hidden': 'true', class: 'done-toggle__mark' }), h('span', { i18n: 'method.done.label' }));
  const count = h('p', { class: 'done-toggle__count', 'data-testid': 'done-count' });
  el.append(button, count);
  let done = false;

  button.addEventListener('click', () => {
    if (isEnabled(button)) emit(el, 'set-done', { done: !done });
  });

  /** @param {Context} ctx */
  function update({ state, you }) {
    // Nothing to finish once the workshop is over.
    const ended = state.board.ended_ms !== null && state.board.ended_ms !== undefined;
    const visible = !isProjector(you) && !isFacilitatorRole(you.role) && !ended;
    setHidden(el, !visible);
    if (!visible) return;
    done = isDone(state, you.id);
    setAttr(button, 'aria-pressed', String(done));
    setEnabled(button, !state.board.locked);
    setText(/** @type {HTMLElement} */ (button.firstElementChild), done ? '✓' : '');
    const n = doneCount(state);
    setText(count, t('method.done.count', { count: n }));
    setHidden(count, n === 0);
  }
  return { update };
}
