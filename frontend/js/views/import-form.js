/** Home: import a workshop from a board.json file (exported from the control panel). */

import { emit, h, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';

// The server refuses larger files (exports/board_schema.py MAX_FILE_BYTES); saying so first spares the upload.
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Emits `import-board` {text, result?} with the file's text.
 * @param {HTMLElement} el a <section>
 */
export function mountImportForm(el) {
  el.classList.add('import-form');
  const headingId = uid('import-heading');
  const fileId = uid('import-file');
  const errorId = uid('import-error');
  el.setAttribute('aria-labelledby', headingId);
  const file = /** @type {HTMLInputElement} */ (
    h('input', { id: fileId, type: 'file', accept: '.json,application/json', class: 'import-form__file', 'aria-describedby': `${fileId}-hint ${errorId}`, 'data-testid': 'import-file' })
  );
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const submit = h('button', { type: 'submit', class: 'button', 'data-testid': 'import-submit', i18n: 'panel.import.submit' });
  const form = h(
    'form',
    { class: 'import-form__form', novalidate: true },
    h(
      'div',
      { class: 'field' },
      h('label', { for: fileId, class: 'field__label', i18n: 'panel.import.file_label' }),
      h('p', { id: `${fileId}-hint`, class: 'field__hint', i18n: 'panel.import.file_hint' }),
      file,
      error,
    ),
    submit,
  );
  el.append(h('h2', { id: headingId, i18n: 'panel.import.heading' }), form);

  /** @param {string|null} message */
  function showError(message) {
    setHidden(error, !message);
    setText(error, message ?? '');
    if (message) file.setAttribute('aria-invalid', 'true');
    else file.removeAttribute('aria-invalid');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-busy') === 'true') return;
    const chosen = file.files?.[0];
    if (!chosen) {
      showError(t('panel.import.required'));
      file.focus();
      return;
    }
    if (chosen.size > MAX_FILE_BYTES) {
      showError(t('panel.import.too_large'));
      file.focus();
      return;
    }
    showError(null);
    submit.setAttribute('aria-busy', 'true');
    try {
      /** @type {{text: string, result?: Promise<unknown>}} */
      const detail = { text: await chosen.text() };
      emit(form, 'import-board', detail);
      await detail.result;
    } catch {
      // the page reported it
    } finally {
      submit.removeAttribute('aria-busy');
    }
  });
  return { showError };
}
