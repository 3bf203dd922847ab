/** Join form shown on a board page without a stored credential: name and optional organisation kind. */

import { emit, h, setHidden, setText, uid } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { MAX_NAME, ORGANISATIONS } from '../store.js';

/**
 * Emits `join-board` {name, organisation|null, result?: Promise} on submit; the page sets `result`
 * to the join request so the form can show progress and errors.
 * @param {HTMLElement} el
 * @param {{code: string}} options
 */
export function mountJoinForm(el, { code }) {
  el.classList.add('join-form');
  const headingId = uid('join-heading');
  const nameId = uid('join-name');
  const nameErrorId = uid('join-name-error');
  const nameHintId = uid('join-name-hint');
  const orgId = uid('join-org');

  const heading = h('h2', { id: headingId, class: 'join-form__heading', i18n: 'join.heading' });
  const intro = h('p', { class: 'join-form__intro' });
  const nameInput = /** @type {HTMLInputElement} */ (
    h('input', {
      id: nameId, name: 'name', type: 'text', autocomplete: 'name', maxlength: MAX_NAME, required: true,
      'aria-describedby': `${nameHintId} ${nameErrorId}`, 'data-testid': 'join-name',
    })
  );
  const nameError = h('p', { id: nameErrorId, class: 'field__error', hidden: true });
  const orgSelect = /** @type {HTMLSelectElement} */ (h('select', { id: orgId, name: 'organisation', 'data-testid': 'join-org' }));
  orgSelect.append(h('option', { value: '', i18n: 'join.organisation_none' }));
  for (const kind of ORGANISATIONS) orgSelect.append(h('option', { value: kind, i18n: `organisations.${kind}` }));
  const submit = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'join-submit', i18n: 'join.submit' }));

  const form = h(
    'form',
    { class: 'join-form__form', 'aria-labelledby': headingId, novalidate: true },
    heading,
    intro,
    h('div', { class: 'field' }, h('label', { for: nameId, class: 'field__label', i18n: 'join.name_label' }),
      h('p', { class: 'field__hint', id: nameHintId }, h('span', { i18n: 'privacy.join_hint' }), ' ', h('a', { href: '/privacy', i18n: 'privacy.join_link', 'data-testid': 'join-privacy-link' })),
      nameInput, nameError),
    h(
      'div',
      { class: 'field' },
      h('label', { for: orgId, class: 'field__label', i18n: 'join.organisation_label' }),
      h('p', { class: 'field__hint', id: `${orgId}-hint`, i18n: 'join.organisation_hint' }),
      orgSelect,
    ),
    submit,
  );
  orgSelect.setAttribute('aria-describedby', `${orgId}-hint`);
  el.append(form);

  /** @param {string|null} message */
  function showNameError(message) {
    setHidden(nameError, !message);
    setText(nameError, message ?? '');
    if (message) nameInput.setAttribute('aria-invalid', 'true');
    else nameInput.removeAttribute('aria-invalid');
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-busy') === 'true') return;
    const name = nameInput.value.trim();
    if (!name) {
      showNameError(t('join.name_required'));
      nameInput.focus();
      return;
    }
    showNameError(null);
    /** @type {{name: string, organisation: string|null, result?: Promise<unknown>}} */
    const detail = { name, organisation: orgSelect.value || null };
    emit(form, 'join-board', detail);
    if (detail.result) {
      submit.setAttribute('aria-busy', 'true');
      const done = () => submit.removeAttribute('aria-busy');
      detail.result.then(done, done);
    }
  });

  function update() {
    setText(intro, t('join.intro', { code }));
  }
  update();
  onLanguageChange(update);
  return {
    update,
    focus() {
      nameInput.focus();
    },
    /** @param {string|null} message */
    showNameError,
  };
}
