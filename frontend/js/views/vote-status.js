/** "Il vous reste N gommettes": the viewer's remaining dots during convergence. */

import { h, setHidden, setText } from '../dom.js';
import { t } from '../i18n.js';
import { canVote, votesLeft, votesUsed } from '../store.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/** @param {HTMLElement} el */
export function mountVoteStatus(el) {
  el.classList.add('vote-status');
  const left = h('p', { class: 'vote-status__left', 'data-testid': 'votes-left' });
  const dots = h('p', { class: 'vote-status__dots', 'aria-hidden': 'true' });
  const help = h('p', { class: 'vote-status__help', i18n: 'votes.help' });
  el.append(left, dots, help);

  /** @param {Context} ctx */
  function update({ state, you }) {
    const visible = canVote(state, you);
    setHidden(el, !visible);
    if (!visible) return;
    const remaining = votesLeft(state);
    setText(left, t('votes.left', { count: remaining }));
    left.dataset.count = String(remaining);
    // A visual row of dots: filled for those placed, hollow for those left.
    const used = Math.min(votesUsed(state), state.board.vote_budget);
    setText(dots, '●'.repeat(used) + '○'.repeat(Math.max(0, state.board.vote_budget - used)));
  }
  return { update };
}
