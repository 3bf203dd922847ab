/** Erasing personal data from the cockpit: one person's name and organisation (their contributions
 * stay, anonymous), or the whole board now. Each asks for a confirmation first. */

import { errorText } from '../announce.js';
import { emit, h, setHidden, uid } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { eraseBoard } from '../panel-api.js';
import { section } from './panel-parts.js';

/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

const ERASED_NAMES = new Set(['Personne effacée', 'Erased person']);

/**
 * Emits `erase-person` {id|null, for|null, result?}.
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountErasure(el, { code, token, announcer }) {
  el.classList.add('card');
  el.dataset.testid = 'erasure';
  section(el, 'privacy.erase.heading', 'erasure');
  const personId = uid('erase-person');
  const forId = uid('erase-for');
  const person = /** @type {HTMLSelectElement} */ (h('select', { id: personId, 'data-testid': 'erase-person' }));
  const forInput = /** @type {HTMLInputElement} */ (h('input', { id: forId, type: 'text', maxlength: 60, 'aria-describedby': `${forId}-hint`, 'data-testid': 'erase-for' }));
  const personButton = h('button', { type: 'button', class: 'button button--small', i18n: 'privacy.erase.person_submit', 'data-testid': 'erase-person-submit' });
  const personConfirm = h('button', { type: 'button', class: 'button button--small button--danger', i18n: 'privacy.erase.confirm', 'data-testid': 'erase-person-confirm', hidden: true });
  const boardButton = h('button', { type: 'button', class: 'button button--small', i18n: 'privacy.erase.board_submit', 'data-testid': 'erase-board' });
  const boardWarning = h('p', { class: 'field__hint', i18n: 'privacy.erase.board_warning', hidden: true });
  const boardConfirm = h('button', { type: 'button', class: 'button button--small button--danger', i18n: 'privacy.erase.confirm', 'data-testid': 'erase-board-confirm', hidden: true });
  el.append(
    h('div', { class: 'field' }, h('label', { for: personId, class: 'field__label', i18n: 'privacy.erase.person_label' }), person),
    h('div', { class: 'field' }, h('label', { for: forId, class: 'field__label', i18n: 'privacy.erase.for_label' }),
      h('p', { class: 'field__hint', id: `${forId}-hint`, i18n: 'privacy.erase.for_hint' }), forInput),
    h('p', { class: 'panel-row' }, personButton, personConfirm),
    boardWarning,
    h('p', { class: 'panel-row' }, boardButton, boardConfirm),
  );

  /** @type {any} */
  let state = null;

  /** @param {{state: any}} [ctx] */
  function update(ctx) {
    if (ctx) state = ctx.state;
    if (!state) return;
    const chosen = person.value;
    // Not the board's facilitator (they erase the board), nor someone already erased (the server's
    // placeholder names, docs/protocol.md "participant.erase").
    const people = Object.values(state.participants).filter((p) => /** @type {any} */ (p).role !== 'facilitator' && !ERASED_NAMES.has(/** @type {any} */ (p).name));
    person.replaceChildren(h('option', { value: '', text: t('privacy.erase.person_none') }),
      ...people.map((p) => h('option', { value: /** @type {any} */ (p).id, text: /** @type {any} */ (p).name })));
    person.value = people.some((p) => /** @type {any} */ (p).id === chosen) ? chosen : '';
  }

  personButton.addEventListener('click', () => {
    if (!person.value && !forInput.value.trim()) {
      announcer.error(t('privacy.erase.person_required'));
      person.focus();
      return;
    }
    setHidden(personConfirm, false);
    personConfirm.focus();
  });
  personConfirm.addEventListener('click', () => {
    setHidden(personConfirm, true);
    /** @type {{id: string|null, for: string|null, result?: Promise<unknown>}} */
    const detail = { id: person.value || null, for: forInput.value.trim() || null };
    emit(el, 'erase-person', detail);
    detail.result?.then(() => {
      forInput.value = '';
      person.value = '';
      announcer.announce(t('privacy.erase.person_done'));
    }, () => {});
  });
  boardButton.addEventListener('click', () => {
    setHidden(boardWarning, false);
    setHidden(boardConfirm, false);
    boardConfirm.focus();
  });
  boardConfirm.addEventListener('click', async () => {
    try {
      await eraseBoard(code, token);
      announcer.announce(t('privacy.erase.board_done'));
      location.assign('/');
    } catch (error) {
      announcer.error(errorText(error));
    }
  });
  onLanguageChange(() => update());
  return { update };
}
