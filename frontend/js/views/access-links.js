/** The facilitator link: open this cockpit on another device (the office PC prepares, the laptop in
 * the room runs it) by a link or its QR code, and revoke every such link at once; invite a
 * co-facilitator the same way. */

import { errorText } from '../announce.js';
import { joinBoard } from '../api.js';
import { emit, h, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { accessLinkQr, createAccessLink, revokeAccessLinks } from '../panel-api.js';
import { button, section } from './panel-parts.js';
import { confirmTwice } from './solutions-panel.js';

/** @typedef {{state: import('../store.js').State}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * Live links of one kind, from the facilitators' state (`access_links`).
 * @param {import('../store.js').State} state
 * @param {'facilitator'|'projector'} kind
 */
export function liveLinks(state, kind) {
  const links = /** @type {Record<string, {kind: string}>} */ (/** @type {any} */ (state).access_links ?? {});
  return Object.values(links).filter((l) => l.kind === kind).length;
}

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountAccessLinks(el, { code, token, announcer }) {
  el.classList.add('card');
  section(el, 'cockpit.link.heading', 'access-links');
  const hint = h('p', { class: 'field__hint', i18n: 'cockpit.link.hint' });
  const create = button('cockpit.link.create', 'facilitator-link-create', 'button--primary');
  const urlId = uid('link-url');
  const url = /** @type {HTMLInputElement} */ (h('input', { id: urlId, type: 'text', readonly: true, class: 'access-links__url', 'data-testid': 'facilitator-link-url' }));
  const copy = button('cockpit.link.copy', 'facilitator-link-copy', 'button--small');
  const qr = /** @type {HTMLImageElement} */ (h('img', { class: 'access-links__qr', width: 180, height: 180, 'data-testid': 'facilitator-link-qr', i18nAttrs: { alt: 'cockpit.link.qr_alt' }, hidden: true }));
  const result = h(
    'div',
    { class: 'access-links__result', hidden: true },
    h('div', { class: 'field' }, h('label', { for: urlId, class: 'field__label', i18n: 'cockpit.link.url_label' }), h('div', { class: 'panel-row' }, url, copy)),
    qr,
  );
  const count = h('p', { class: 'panel-state', 'data-testid': 'facilitator-links-count' });
  const revoke = button('cockpit.link.revoke', 'facilitator-link-revoke', 'button--danger');
  el.append(hint, h('div', { class: 'panel-row' }, create), result, count, h('div', { class: 'panel-row' }, revoke));

  create.addEventListener('click', async () => {
    if (create.getAttribute('aria-busy') === 'true') return;
    create.setAttribute('aria-busy', 'true');
    try {
      const link = await createAccessLink(code, token, 'facilitator');
      url.value = new URL(link.url, location.origin).href;
      setHidden(result, false);
      url.focus();
      url.select();
      announcer.announce(t('cockpit.link.created'));
      try {
        qr.src = await accessLinkQr(code, token, link.url);
        setHidden(qr, false);
      } catch {
        setHidden(qr, true); // the link itself is enough; the QR is a convenience
      }
    } catch (err) {
      announcer.error(errorText(err));
    } finally {
      create.removeAttribute('aria-busy');
    }
  });
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(url.value);
      announcer.announce(t('cockpit.link.copied'));
    } catch {
      // No clipboard (plain http, or refused): leave the link selected for Ctrl+C.
      url.focus();
      url.select();
      announcer.announce(t('cockpit.link.select'));
    }
  });
  confirmTwice(revoke, 'cockpit.link.revoke_confirm', async () => {
    try {
      await revokeAccessLinks(code, token, 'facilitator');
      url.value = '';
      qr.removeAttribute('src');
      setHidden(result, true);
      announcer.announce(t('cockpit.link.revoked'));
      create.focus();
    } catch (err) {
      announcer.error(errorText(err));
    }
  });

  /** @param {Context} ctx */
  function update({ state }) {
    const n = liveLinks(state, 'facilitator');
    setText(count, t('cockpit.link.count', { count: n }));
    count.dataset.count = String(n);
    setEnabled(revoke, n > 0 || !('access_links' in state));
    setAttr(revoke, 'aria-describedby', null);
  }
  return { update };
}

/**
 * Inviting a co-facilitator the same way: a link that opens the cockpit on their device. It needs
 * nothing new on the server: the cockpit joins the board on their behalf (under the name given),
 * makes that participant a co-facilitator (participant.role), and hands over a link with the new
 * participant's token in the fragment, which the cockpit page stores like a facilitator link's.
 * Taking the co-facilitation back ("Retirer la co-animation" in the participants' tab) turns the link
 * into a participant's: the cockpit it opened closes. Emits `change-role` {id, role}.
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountCoFacilitatorInvite(el, { code, token, announcer }) {
  el.classList.add('card');
  section(el, 'cockpit.invite.heading', 'access-invite');
  const hint = h('p', { class: 'field__hint', i18n: 'cockpit.invite.hint' });
  const nameId = uid('invite-name');
  const errorId = uid('invite-error');
  const name = /** @type {HTMLInputElement} */ (h('input', { id: nameId, type: 'text', maxlength: 60, autocomplete: 'off', 'aria-describedby': errorId, 'data-testid': 'invite-name' }));
  const error = h('p', { id: errorId, class: 'field__error', hidden: true });
  const create = button('cockpit.invite.create', 'invite-create', 'button--primary');
  const urlId = uid('invite-url');
  const url = /** @type {HTMLInputElement} */ (h('input', { id: urlId, type: 'text', readonly: true, class: 'access-links__url', 'data-testid': 'invite-url' }));
  const qr = /** @type {HTMLImageElement} */ (h('img', { class: 'access-links__qr', width: 180, height: 180, 'data-testid': 'invite-qr', i18nAttrs: { alt: 'cockpit.invite.qr_alt' }, hidden: true }));
  const result = h('div', { class: 'access-links__result', hidden: true }, h('div', { class: 'field' }, h('label', { for: urlId, class: 'field__label', i18n: 'cockpit.invite.url_label' }), url), qr);
  el.append(hint, h('div', { class: 'field' }, h('label', { for: nameId, class: 'field__label', i18n: 'cockpit.invite.name_label' }), name), error, h('div', { class: 'panel-row' }, create), result);

  create.addEventListener('click', async () => {
    if (create.getAttribute('aria-busy') === 'true') return;
    const who = name.value.trim();
    if (!who) {
      setHidden(error, false);
      setText(error, t('cockpit.invite.name_required'));
      name.setAttribute('aria-invalid', 'true');
      name.focus();
      return;
    }
    setHidden(error, true);
    name.removeAttribute('aria-invalid');
    create.setAttribute('aria-busy', 'true');
    try {
      const joined = await joinBoard(code, { name: who });
      /** @type {{id: string, role: string, result?: Promise<unknown>}} */
      const detail = { id: joined.participant_id, role: 'co_facilitator' };
      emit(el, 'change-role', detail);
      await detail.result;
      const path = `/b/${code}/facilitate#k=${joined.token}`;
      url.value = new URL(path, location.origin).href;
      setHidden(result, false);
      name.value = '';
      url.focus();
      url.select();
      announcer.announce(t('cockpit.invite.created', { name: who }));
      try {
        qr.src = await accessLinkQr(code, token, path);
        setHidden(qr, false);
      } catch {
        setHidden(qr, true);
      }
    } catch (err) {
      announcer.error(errorText(err));
    } finally {
      create.removeAttribute('aria-busy');
    }
  });

  /** @param {{you: import('../store.js').You}} ctx */
  function update({ you }) {
    // Only the facilitator hands co-facilitation over (participant.role).
    setHidden(el, you.role !== 'facilitator');
  }
  return { update };
}
