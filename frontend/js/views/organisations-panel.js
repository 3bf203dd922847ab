/** The kinds of organisation that took part, with how many people came from each. */

import { h, reconcile, setHidden, setText } from '../dom.js';
import { t } from '../i18n.js';
import { organisationsPresent } from '../store.js';
import { section } from './panel-parts.js';

/** @typedef {{state: import('../store.js').State}} Context */

/**
 * @param {HTMLElement} el a <section>
 */
export function mountOrganisationsPanel(el) {
  el.classList.add('card');
  section(el, 'panel.organisations.heading', 'organisations');
  const summary = h('p', { class: 'panel-state', 'data-testid': 'organisations-summary' });
  const list = h('ul', { class: 'panel-list', role: 'list', 'data-testid': 'organisations' });
  const empty = h('p', { class: 'field__hint', i18n: 'panel.organisations.empty' });
  el.append(summary, empty, list);

  /** @param {Context} ctx */
  function update({ state }) {
    const rows = organisationsPresent(state);
    const people = Object.values(state.participants).filter((p) => p.role === 'participant').length;
    const stated = rows.reduce((sum, r) => sum + r.count, 0);
    setText(summary, t('panel.organisations.summary', { kinds: rows.length, stated, count: people }));
    setHidden(empty, rows.length > 0);
    reconcile(
      list,
      rows.sort((a, b) => b.count - a.count),
      (r) => r.kind,
      () => h('li', { class: 'panel-list__item organisations__row', 'data-testid': 'organisation-row' }, h('span', {}), h('strong', { class: 'organisations__count' })),
      (li, r) => {
        const [name, count] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(name, t(`organisations.${r.kind}`));
        setText(count, t('panel.organisations.count', { count: r.count }));
        li.dataset.count = String(r.count);
      },
    );
  }
  return { update };
}
