/** The ranked results of the dot vote: shown to everyone once revealed, to facilitators at all times. */

import { h, reconcile, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { rankingWithGroups } from '../method.js';
import { isFacilitatorRole, isProjector, seesTallies } from '../store.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * @param {HTMLElement} el a <section>
 * @param {{headingLevel?: 2|3}} [options]
 */
export function mountResults(el, options = {}) {
  el.classList.add('results');
  const headingId = uid('results-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h(`h${options.headingLevel ?? 2}`, { id: headingId, class: 'results__heading', i18n: 'results.heading' });
  const privacy = h('p', { class: 'results__private', 'data-testid': 'results-private', i18n: 'results.private', hidden: true });
  const empty = h('p', { class: 'results__empty', i18n: 'results.empty', hidden: true });
  const list = h('ol', { class: 'results__list', 'data-testid': 'results' });
  el.append(heading, privacy, empty, list);

  /** @param {Context} ctx */
  function update({ state, you }) {
    const visible = seesTallies(state, you) && (state.board.votes_revealed || state.board.phase === 'convergence' || Object.keys(state.votes).length > 0);
    setHidden(el, !visible);
    if (!visible) {
      list.replaceChildren();
      return;
    }
    setHidden(privacy, state.board.votes_revealed || !isFacilitatorRole(you.role) || isProjector(you));
    // Groups of notes get dots too: they rank with the notes.
    const rows = rankingWithGroups(state);
    setHidden(empty, rows.length > 0);
    reconcile(
      list,
      rows,
      (row) => row.id,
      () => {
        const rank = h('span', { class: 'results__rank' });
        const text = h('span', { class: 'results__text' });
        const author = h('span', { class: 'results__author' });
        const count = h('span', { class: 'results__count', 'data-testid': 'tally' });
        const label = h('span', { class: 'results__label' });
        return h('li', { class: 'results__item' }, rank, h('span', { class: 'results__body' }, text, author), h('span', { class: 'results__tally' }, count, ' ', label));
      },
      (item, row) => {
        const [rank, body, tally] = /** @type {HTMLElement[]} */ ([...item.children]);
        const [text, author] = /** @type {HTMLElement[]} */ ([...body.children]);
        const [count, label] = /** @type {HTMLElement[]} */ ([...tally.children]);
        setText(rank, t('results.rank', { rank: row.rank }));
        item.dataset.kind = row.kind;
        if (row.group) {
          setText(text, t('method.results.group', { title: row.group.title, count: row.group.note_ids.length }));
          setHidden(author, true);
          setText(count, String(row.tally));
          count.dataset.count = String(row.tally);
          setText(label, t('note.tally', { count: row.tally }));
          item.dataset.rank = String(row.rank);
          return;
        }
        const note = /** @type {import('../store.js').Note} */ (row.note);
        setText(text, note.text);
        // Anonymous notes (author null) show no name at all; one's own says so, in the page's language.
        const mine = !note.for && !isProjector(you) && note.author === you.id;
        const name = note.for || (note.author && !mine ? state.participants[note.author]?.name : null);
        setText(author, mine ? t('phone.results_you') : name ? t('results.author', { name }) : '');
        setHidden(author, !mine && !name);
        setText(count, String(row.tally));
        count.dataset.count = String(row.tally);
        setText(label, t('note.tally', { count: row.tally }));
        item.dataset.rank = String(row.rank);
      },
    );
  }
  return { update };
}
