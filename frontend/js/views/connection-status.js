/** The visible connection state: "Connecté", "Reconnexion…", "Hors ligne". */

import { setText } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';

/** @typedef {import('../socket.js').ConnectionStatus} ConnectionStatus */

/**
 * Not a live region itself (the page has one polite region); the page announces transitions there.
 * @param {HTMLElement} el
 */
export function mountConnectionStatus(el) {
  el.classList.add('connection-status');
  /** @type {ConnectionStatus} */
  let current = 'connecting';

  /** @param {ConnectionStatus} [status] */
  function update(status = current) {
    current = status;
    el.dataset.status = status;
    setText(el, t(`status.${status}`));
  }
  update();
  onLanguageChange(() => update());
  return { update };
}
