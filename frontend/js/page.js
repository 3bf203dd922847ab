/** What every page does first: load the catalogue, mount the language switch, wire the live regions. */

import { createAnnouncer } from './announce.js';
import { loadLanguage, pickLanguage } from './i18n.js';
import { mountLangSwitch } from './views/lang-switch.js';

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing from the page`);
  return el;
}

/**
 * Load the language (user's choice, else the browser's; the board's language is adopted once known),
 * mount the switch, and return the page's announcer.
 */
export async function initPage() {
  try {
    await loadLanguage(pickLanguage(null));
  } catch (error) {
    console.error(error);
    await loadLanguage('fr');
  }
  mountLangSwitch(byId('lang-switch'));
  const announcer = createAnnouncer(byId('live-region'), byId('alert'), byId('alert-box'));
  return { announcer };
}
