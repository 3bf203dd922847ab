/** Note composer: text (500 characters, with a counter), colour, and for facilitators "for whom". */

import { emit, h, hasFocus, isEnabled, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { MAX_NAME, MAX_NOTE_TEXT, canWrite, isFacilitatorRole } from '../store.js';
import { personaById } from '../templates.js';
import { mountColorPicker } from './color-picker.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * Emits `add-note` {text, color, for, result?}: the page sets `result` to the command's promise; the
 * text is cleared at once for fast entry and put back if the command fails.
 * @param {HTMLElement} el a <section>
 */
export function mountComposer(el) {
  el.classList.add('composer');
  const headingId = uid('composer-heading');
  const textId = uid('note-text');
  const counterId = uid('note-counter');
  const hintId = uid('note-hint');
  const errorId = uid('note-error');
  const closedId = uid('composer-closed');
  const forId = uid('note-for');
  el.setAttribute('aria-labelledby', headingId);

  const heading = h('h2', { id: headingId, class: 'composer__heading', i18n: 'composer.heading' });
  const closed = h('p', { id: closedId, class: 'composer__closed', 'data-testid': 'composer-closed', hidden: true });
  const textarea = /** @type {HTMLTextAreaElement} */ (
    h('textarea', {
      id: textId, name: 'text', rows: 3, maxlength: MAX_NOTE_TEXT, class: 'composer__text',
      'aria-describedby': `${counterId} ${hintId} ${errorId}`, 'data-testid': 'note-text',
    })
  );
  const counter = h('p', { id: counterId, class: 'composer__counter', 'data-testid': 'note-counter' });
  // "Ctrl + Entrée" means nothing on a touch screen without a keyboard: say what matters there instead.
  const touchOnly = globalThis.matchMedia?.('(any-pointer: fine)').matches === false;
  const hint = h('p', { id: hintId, class: 'field__hint', 'data-testid': 'note-hint', i18n: touchOnly ? 'phone.composer_hint_touch' : 'composer.hint' });
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const forInput = /** @type {HTMLInputElement} */ (
    h('input', { id: forId, name: 'for', type: 'text', maxlength: MAX_NAME, autocomplete: 'off', 'data-testid': 'note-for', 'aria-describedby': `${forId}-hint` })
  );
  const forField = h(
    'div',
    { class: 'field composer__for', hidden: true },
    h('label', { for: forId, class: 'field__label', i18n: 'composer.for_label' }),
    h('p', { id: `${forId}-hint`, class: 'field__hint', i18n: 'composer.for_hint' }),
    forInput,
  );
  // Inspiration's role play: a note may say it was written as my persona (optional).
  const personaId = uid('note-persona');
  const personaBox = /** @type {HTMLInputElement} */ (h('input', { id: personaId, type: 'checkbox', class: 'composer__persona-box', 'data-testid': 'note-persona-tag' }));
  const personaText = h('span');
  const personaField = h('div', { class: 'composer__persona', hidden: true }, personaBox, h('label', { for: personaId }, personaText));
  /** @type {string|null} */
  let myPersona = null;
  const colors = mountColorPicker({ testidPrefix: 'note-color' });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'note-submit', i18n: 'composer.submit' });

  const fields = h(
    'div',
    { class: 'composer__fields' },
    h('div', { class: 'field' }, h('label', { for: textId, class: 'field__label', i18n: 'composer.text_label' }), textarea, counter, hint, error),
    forField,
    personaField,
    colors,
    submit,
  );
  const form = h('form', { class: 'composer__form', novalidate: true }, closed, fields);
  el.append(heading, form);

  let writable = false;
  /** @type {string|null} */
  let phase = null;

  function updateCounter() {
    setText(counter, t('composer.counter', { count: textarea.value.length, max: MAX_NOTE_TEXT }));
    counter.classList.toggle('composer__counter--near', textarea.value.length > MAX_NOTE_TEXT - 50);
  }

  /** @param {string|null} message */
  function showError(message) {
    setHidden(error, !message);
    setText(error, message ?? '');
    if (message) textarea.setAttribute('aria-invalid', 'true');
    else textarea.removeAttribute('aria-invalid');
  }

  function submitNote() {
    if (!writable || !isEnabled(submit)) return;
    const text = textarea.value.trim();
    if (!text) {
      showError(t('composer.empty'));
      textarea.focus();
      return;
    }
    showError(null);
    const forName = forField.hidden ? '' : forInput.value.trim();
    /** @type {{text: string, color: string, for: string|null, persona: string|null, result?: Promise<unknown>}} */
    const detail = { text, color: colors.colorPicker.value(), for: forName || null, persona: myPersona && !personaField.hidden && personaBox.checked ? myPersona : null };
    emit(form, 'add-note', detail);
    textarea.value = '';
    // The persona marks one note: the next one is written as oneself unless ticked again.
    personaBox.checked = false;
    updateCounter();
    textarea.focus();
    detail.result?.catch(() => {
      // Put the idea back so it is not lost, unless the user already started another one.
      if (!textarea.value) {
        textarea.value = text;
        updateCounter();
      }
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitNote();
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submitNote();
    }
  });
  textarea.addEventListener('input', () => {
    updateCounter();
    if (textarea.value.trim()) showError(null);
  });

  /** @param {Context} ctx */
  function update({ state, you }) {
    // Never carried into another phase (five "anonymous" ideas would share one persona on the projector).
    if (phase !== state.board.phase) personaBox.checked = false;
    phase = state.board.phase;
    writable = canWrite(state, you);
    // readOnly (not disabled) keeps the focus and the draft of someone typing when the phase changes.
    textarea.readOnly = !writable;
    setEnabled(submit, writable);
    setHidden(closed, writable);
    if (!writable) {
      setText(closed, state.board.locked ? t('composer.closed_locked') : t('composer.closed_phase', { phase: t(`phases.${state.board.phase}`) }));
    }
    if (writable) textarea.setAttribute('aria-describedby', `${counterId} ${hintId} ${errorId}`);
    else textarea.setAttribute('aria-describedby', `${closedId} ${counterId}`);
    setHidden(forField, !isFacilitatorRole(you.role));
    myPersona = state.personas?.[you.id] ?? null;
    setHidden(personaField, !myPersona || isFacilitatorRole(you.role));
    setText(personaText, t('method.composer.persona', { name: personaById(myPersona)?.name ?? '…' }));
    // Closed: fold the fields away (phones scroll less), unless someone is typing a draft there.
    if (writable || (!textarea.value && !hasFocus(fields))) setHidden(fields, !writable);
    el.dataset.writable = String(writable);
    updateCounter();
  }
  updateCounter();
  return { update };
}
