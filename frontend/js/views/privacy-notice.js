/** The privacy notice's content. The deployer's texts (controller, legal notice) are set as text,
 * never as markup: a settings file is not a way into the page. */

import { h, setHidden, setText } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';

/**
 * @typedef {{controller_name: string, controller_contact: string, retention_days: number, legal_notice: string}} PrivacySettings
 */

/**
 * @param {HTMLElement} el the page's <main>
 */
export function mountPrivacyNotice(el) {
  el.classList.add('privacy');
  /** @param {string} key */
  const part = (key) => h('section', { class: 'privacy__part', 'aria-labelledby': `privacy-${key}` },
    h('h2', { id: `privacy-${key}`, i18n: `privacy.${key}_heading` }));
  const howLong = h('p', { 'data-testid': 'privacy-retention' });
  const controllerName = h('dd', { 'data-testid': 'privacy-controller-name' });
  const controllerContact = h('dd', { 'data-testid': 'privacy-controller-contact' });
  const controller = h('dl', { class: 'privacy__controller' },
    h('dt', { i18n: 'privacy.controller_name_label' }), controllerName,
    h('dt', { i18n: 'privacy.controller_contact_label' }), controllerContact);
  const controllerMissing = h('p', { i18n: 'privacy.controller_missing', hidden: true });
  const legalText = h('div', { class: 'privacy__legal-text', 'data-testid': 'privacy-legal' });
  const legal = part('legal');
  legal.append(legalText);
  setHidden(legal, true);

  const stored = part('stored');
  stored.append(h('p', { i18n: 'privacy.stored' }), h('p', { i18n: 'privacy.stored_none' }));
  const who = part('who');
  who.append(h('p', { i18n: 'privacy.who' }), h('p', { i18n: 'privacy.who_exports' }));
  const long = part('how_long');
  long.append(howLong, h('p', { i18n: 'privacy.how_long_more' }));
  const erasure = part('erasure');
  erasure.append(h('p', { i18n: 'privacy.erasure' }));
  const responsible = part('controller');
  responsible.append(controller, controllerMissing);

  el.append(
    h('h1', { class: 'page-title', i18n: 'privacy.heading' }),
    h('p', { class: 'privacy__intro', i18n: 'privacy.intro' }),
    stored, who, long, erasure, responsible, legal,
    h('p', {}, h('a', { href: '/', i18n: 'privacy.back' })),
  );

  /** @type {PrivacySettings|null} */
  let settings = null;

  /** @param {PrivacySettings} [next] */
  function update(next) {
    if (next) settings = next;
    if (!settings) return;
    const days = settings.retention_days;
    setText(howLong, days > 0 ? t('privacy.how_long', { count: days }) : t('privacy.how_long_forever'));
    const known = Boolean(settings.controller_name || settings.controller_contact);
    setHidden(controller, !known);
    setHidden(controllerMissing, known);
    setText(controllerName, settings.controller_name || '—');
    setText(controllerContact, settings.controller_contact || '—');
    setText(legalText, settings.legal_notice);
    setHidden(legal, !settings.legal_notice.trim());
  }
  onLanguageChange(() => update());
  return { update };
}
