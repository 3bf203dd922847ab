/** Home: join a board by its room code ("abc-def" is accepted and normalised to "ABCDEF"). */

import { emit, h, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { isValidCode, normalizeCode } from '../api.js';

/**
 * Emits `open-board` {code} with a valid, normalised code.
 * @param {HTMLElement} el a <section>
 */
export function mountCodeForm(el) {
  el.classList.add('code-form');
  const headingId = uid('code-heading');
  const inputId = uid('join-code');
  const errorId = uid('code-error');
  el.setAttribute('aria-labelledby', headingId);
  const input = /** @type {HTMLInputElement} */ (
    h('input', {
      id: inputId, type: 'text', autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: 20,
      class: 'code-form__input', 'aria-describedby': `${inputId}-hint ${errorId}`, 'data-testid': 'join-code',
    })
  );
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const form = h(
    'form',
    { class: 'code-form__form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: inputId, class: 'field__label', i18n: 'home.code_label' }),
      h('p', { id: `${inputId}-hint`, class: 'field__hint', i18n: 'home.code_hint' }),
      input,
      error,
    ),
    h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'join-code-submit', i18n: 'home.code_submit' }),
  );
  el.append(h('h2', { id: headingId, i18n: 'home.code_heading' }), form);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const code = normalizeCode(input.value);
    if (!isValidCode(code)) {
      setHidden(error, false);
      setText(error, t(code ? 'home.code_invalid' : 'home.code_required'));
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    setHidden(error, true);
    input.removeAttribute('aria-invalid');
    emit(form, 'open-board', { code });
  });
}
