/** The kinds of organisations that took part (from what people said when joining), with how many. */

import { h, reconcile, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { organisationsPresent } from '../store.js';

/** @typedef {{state: import('../store.js').State}} Context */

/** @param {HTMLElement} el a <section> */
export function mountOrganisations(el) {
  el.classList.add('organisations');
  el.dataset.testid = 'organisations';
  const headingId = uid('organisations-heading');
  el.setAttribute('aria-labelledby', headingId);
  const list = h('ul', { class: 'organisations__list', 'data-testid': 'organisations-list' });
  el.append(h('h2', { id: headingId, class: 'organisations__heading', i18n: 'method.projector.organisations' }), list);

  /** @param {Context} ctx */
  function update({ state }) {
    const kinds = organisationsPresent(state);
    setHidden(el, kinds.length === 0);
    reconcile(
      list,
      kinds,
      (k) => k.kind,
      () => h('li', { class: 'organisations__item', 'data-testid': 'organisation' }),
      // The labels are the join form's catalogue (organisations.*).
      (li, k) => setText(li, t('method.projector.organisation_count', { name: t(`organisations.${k.kind}`), count: k.count })),
    );
  }
  return { update };
}
