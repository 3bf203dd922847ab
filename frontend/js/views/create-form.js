/** Home: create a board (title and language). */

import { emit, h, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { MAX_TITLE } from '../store.js';

/**
 * Emits `create-board` {title, language, result?}.
 * @param {HTMLElement} el a <section>
 */
export function mountCreateForm(el) {
  el.classList.add('create-form');
  const headingId = uid('create-heading');
  const titleId = uid('create-title');
  const errorId = uid('create-error');
  const langId = uid('create-language');
  el.setAttribute('aria-labelledby', headingId);

  const title = /** @type {HTMLInputElement} */ (
    h('input', { id: titleId, type: 'text', maxlength: MAX_TITLE, required: true, autocomplete: 'off', 'aria-describedby': `${titleId}-hint ${errorId}`, 'data-testid': 'create-title' })
  );
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const language = /** @type {HTMLSelectElement} */ (h('select', { id: langId, 'data-testid': 'create-language' }));
  language.append(h('option', { value: 'fr', lang: 'fr', i18n: 'lang.fr' }), h('option', { value: 'en', lang: 'en', i18n: 'lang.en' }));
  language.value = currentLanguage();
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'create-submit', i18n: 'home.create_submit' });
  const form = h(
    'form',
    { class: 'create-form__form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: titleId, class: 'field__label', i18n: 'home.create_title_label' }),
      h('p', { id: `${titleId}-hint`, class: 'field__hint', i18n: 'home.create_title_hint' }),
      title,
      error,
    ),
    h('div', { class: 'field' }, h('label', { for: langId, class: 'field__label', i18n: 'home.create_language_label' }), language),
    submit,
  );
  el.append(h('h2', { id: headingId, i18n: 'home.create_heading' }), h('p', { class: 'create-form__intro', i18n: 'home.create_intro' }), form);

  /** @param {string|null} message */
  function showError(message) {
    setHidden(error, !message);
    setText(error, message ?? '');
    if (message) title.setAttribute('aria-invalid', 'true');
    else title.removeAttribute('aria-invalid');
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-busy') === 'true') return;
    const value = title.value.trim();
    if (!value) {
      showError(t('home.create_title_required'));
      title.focus();
      return;
    }
    showError(null);
    /** @type {{title: string, language: string, result?: Promise<unknown>}} */
    const detail = { title: value, language: language.value };
    emit(form, 'create-board', detail);
    if (detail.result) {
      submit.setAttribute('aria-busy', 'true');
      const done = () => submit.removeAttribute('aria-busy');
      detail.result.then(done, done);
    }
  });
  return { showError };
}
