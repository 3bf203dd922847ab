/** Home: create a board (title, language, an axis template, and whether to prepare it as a draft first). */

import { emit, h, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { MAX_TITLE } from '../store.js';

/**
 * Emits `create-board` {title, language, axis?, draft, result?}. The axes come later from the templates
 * ({@link setTemplates}): until then only "no template" is offered.
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
  const axisId = uid('create-axis');
  const axis = /** @type {HTMLSelectElement} */ (
    h('select', { id: axisId, 'aria-describedby': `${axisId}-goal ${axisId}-source`, 'data-testid': 'create-axis' })
  );
  axis.append(h('option', { value: '', i18n: 'panel.create.axis_none' }));
  const axisGoal = h('p', { id: `${axisId}-goal`, class: 'field__hint create-form__goal', 'data-testid': 'create-axis-goal' });
  const source = h('p', { id: `${axisId}-source`, class: 'field__hint create-form__source', 'data-testid': 'create-source' });
  const draftId = uid('create-draft');
  const draft = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id: draftId, 'aria-describedby': `${draftId}-hint`, 'data-testid': 'create-draft' }));
  /** @type {{id: string, title: string, goal: string}[]} */
  let axes = [];
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
    h('div', { class: 'field' }, h('label', { for: axisId, class: 'field__label', i18n: 'panel.create.axis_label' }), axis, axisGoal, source),
    h(
      'div',
      { class: 'create-form__check' },
      draft,
      h('div', {}, h('label', { for: draftId, i18n: 'panel.create.draft_label' }), h('p', { id: `${draftId}-hint`, class: 'field__hint', i18n: 'panel.create.draft_hint' })),
    ),
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
    /** @type {{title: string, language: string, axis?: string, draft: boolean, result?: Promise<unknown>}} */
    const detail = { title: value, language: language.value, draft: draft.checked };
    if (axis.value) detail.axis = axis.value;
    emit(form, 'create-board', detail);
    if (detail.result) {
      submit.setAttribute('aria-busy', 'true');
      const done = () => submit.removeAttribute('aria-busy');
      detail.result.then(done, done);
    }
  });
  function showGoal() {
    const chosen = axes.find((a) => a.id === axis.value);
    setText(axisGoal, chosen ? t('panel.create.axis_goal', { goal: chosen.goal }) : t('panel.create.axis_none_hint'));
  }
  axis.addEventListener('change', showGoal);
  showGoal();
  setHidden(source, true);

  /**
   * The six axes of the guide (in the page's language) and the guide's credit.
   * @param {{axes: {id: string, title: string, goal: string}[], source: string}|null} templates
   */
  function setTemplates(templates) {
    axes = templates?.axes ?? [];
    const chosen = axis.value;
    const options = [...axis.options];
    options.slice(1).forEach((o) => o.remove());
    options[0].textContent = t('panel.create.axis_none');
    for (const a of axes) axis.append(h('option', { value: a.id, text: a.title }));
    axis.value = axes.some((a) => a.id === chosen) ? chosen : '';
    showGoal();
    renderCredit(source, templates?.source ?? '');
    setHidden(source, !templates?.source);
  }
  return { showError, setTemplates };
}

/**
 * The guide's credit, its title (between asterisks in the template) set as a <cite>.
 * @param {HTMLElement} el
 * @param {string} text
 */
export function renderCredit(el, text) {
  el.replaceChildren(...text.split('*').map((part, i) => (i % 2 === 1 ? h('cite', { text: part }) : document.createTextNode(part))));
}
