/** Language switch (Français / English), present on every page. */

import { h, setAttr } from '../dom.js';
import { LANGUAGES, chooseLanguage, currentLanguage, onLanguageChange } from '../i18n.js';

/**
 * @param {HTMLElement} el an empty <nav>
 */
export function mountLangSwitch(el) {
  el.classList.add('lang-switch');
  el.dataset.i18nAttr = 'aria-label=lang.label';
  const buttons = LANGUAGES.map((lang) =>
    h('button', { type: 'button', class: 'lang-switch__button', lang, 'data-lang': lang, 'data-testid': `lang-${lang}`, i18n: `lang.${lang}` }),
  );
  el.append(...buttons);
  el.addEventListener('click', async (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest('button[data-lang]');
    if (!button) return;
    await chooseLanguage(/** @type {'fr'|'en'} */ (/** @type {HTMLElement} */ (button).dataset.lang));
  });

  function update() {
    for (const button of buttons) setAttr(button, 'aria-pressed', String(button.dataset.lang === currentLanguage()));
  }
  onLanguageChange(update);
  update();
  return { update };
}
