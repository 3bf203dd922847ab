/** The projector link, on the control panel: make a link (and its QR code) that opens the projector on
 * the room's PC with no facilitator credential, copy it, and revoke every such link. Self-contained:
 * `mountProjectorLink(el, {code, token})`, then `update(ctx)` with each state (it lists live links). */

import { ApiError } from '../api.js';
import { errorText } from '../announce.js';
import { h, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * @param {string} method
 * @param {string} path
 * @param {string} token
 */
async function call(method, path, token) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: { Accept: 'application/json', 'Accept-Language': currentLanguage(), Authorization: `Bearer ${token}` },
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json())?.error ?? {};
    } catch {
      error = {};
    }
    const status = response.status;
    const code = /** @type {any} */ (error).code || (status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : 'unavailable');
    throw new ApiError(status, code, /** @type {any} */ (error).message || '');
  }
  return response.status === 204 ? null : response.json();
}

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, headingLevel?: 2|3}} options
 */
export function mountProjectorLink(el, options) {
  const { code, token } = options;
  const base = `/api/boards/${encodeURIComponent(code)}/projector-link`;
  el.classList.add('projector-link');
  el.dataset.testid = 'projector-link-panel';
  const headingId = uid('projector-link-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h(`h${options.headingLevel ?? 3}`, { id: headingId, class: 'projector-link__heading', i18n: 'projector_link.heading' });
  const help = h('p', { class: 'projector-link__help field__hint', i18n: 'projector_link.help' });
  const create = h('button', { type: 'button', class: 'button', 'data-testid': 'projector-link-create', i18n: 'projector_link.create' });
  const revoke = h('button', { type: 'button', class: 'button button--danger', 'data-testid': 'projector-link-revoke', i18n: 'projector_link.revoke', hidden: true });
  const urlId = uid('projector-link-url');
  const url = /** @type {HTMLInputElement} */ (h('input', { id: urlId, type: 'text', readonly: true, class: 'projector-link__url', 'data-testid': 'projector-link-url' }));
  const copy = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'projector-link-copy', i18n: 'projector_link.copy' });
  const qr = /** @type {HTMLImageElement} */ (h('img', { class: 'projector-link__qr', width: 160, height: 160, 'data-testid': 'projector-link-qr', alt: '' }));
  const made = h(
    'div',
    { class: 'projector-link__made', hidden: true },
    h('div', { class: 'field' }, h('label', { for: urlId, class: 'field__label', i18n: 'projector_link.url_label' }), url),
    h('p', { class: 'projector-link__actions' }, copy),
    qr,
  );
  const live = h('p', { class: 'projector-link__live', 'data-testid': 'projector-link-live', hidden: true });
  const message = h('p', { class: 'projector-link__message', role: 'status', 'data-testid': 'projector-link-message' });
  el.append(heading, help, h('p', { class: 'projector-link__actions' }, create, revoke), made, live, message);

  let busy = false;
  let liveCount = 0;

  /** @param {() => Promise<void>} work */
  async function run(work) {
    if (busy) return;
    busy = true;
    setText(message, '');
    try {
      await work();
    } catch (error) {
      setText(message, errorText(/** @type {any} */ (error)));
    } finally {
      busy = false;
    }
  }

  create.addEventListener('click', () =>
    run(async () => {
      const link = /** @type {{url: string}} */ (await call('POST', base, token));
      const full = new URL(link.url, location.origin).href;
      url.value = full;
      qr.src = await qrFor(link.url);
      qr.alt = t('projector_link.qr_alt');
      setHidden(made, false);
      setHidden(revoke, false);
      setText(message, t('projector_link.created'));
    }),
  );
  copy.addEventListener('click', () =>
    run(async () => {
      url.select();
      try {
        await navigator.clipboard.writeText(url.value);
        setText(message, t('projector_link.copied'));
      } catch {
        // No clipboard (an http intranet): the text is selected, Ctrl+C copies it.
        setText(message, t('projector_link.select'));
      }
    }),
  );
  revoke.addEventListener('click', () =>
    run(async () => {
      await call('DELETE', base, token);
      url.value = '';
      qr.removeAttribute('src');
      setHidden(made, true);
      setHidden(revoke, liveCount === 0);
      setText(message, t('projector_link.revoked'));
    }),
  );

  /**
   * @param {string} path the link as the server gave it (`/b/{CODE}/projector#k=…`)
   * @returns {Promise<string>} a data: URL of its QR code: the link goes in a POST body, so that
   *   its secret never appears in a URL or a server log
   */
  async function qrFor(path) {
    try {
      const response = await fetch(`/api/boards/${encodeURIComponent(code)}/link-qr.svg`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ path }),
        credentials: 'same-origin',
        cache: 'no-store',
      });
      if (!response.ok) return '';
      // A data: URL (the page's CSP allows images from 'self' and data: only).
      return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(await response.text())}`;
    } catch {
      return '';
    }
  }

  /** @param {Context} ctx */
  function update({ state }) {
    const links = Object.values(state.access_links ?? {}).filter((/** @type {any} */ l) => l.kind === 'projector');
    liveCount = links.length;
    setHidden(live, liveCount === 0);
    setText(live, t('projector_link.live', { count: liveCount }));
    setHidden(revoke, liveCount === 0 && made.hidden);
  }
  return { update };
}
