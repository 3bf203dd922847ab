/** HTTP calls of the method screens: templates, board copy and import, exports, programmes. Tokens
 * travel only in the Authorization header, never in a URL. */

import { ApiError } from './api.js';
import { currentLanguage } from './i18n.js';
import { downloadName } from './panel.js';

/**
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
async function failure(response) {
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  const error = payload?.error ?? {};
  const status = response.status;
  const code = error.code || (status === 404 ? 'not_found' : status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 429 ? 'rate_limited' : status >= 500 ? 'unavailable' : 'bad_request');
  return new ApiError(status, code, error.message || '', error.field ?? null);
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{body?: any, raw?: string, token?: string, accept?: string}} [options]
 * @returns {Promise<Response>}
 */
async function send(method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: options.accept ?? 'application/json', 'Accept-Language': currentLanguage() };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  if (!response.ok) throw await failure(response);
  return response;
}

/** @type {Map<string, Promise<any>>} */
const templateCache = new Map();

/**
 * The workshop templates (agenda with hints, axes, personas, closing round, source credit), cached
 * per language; a failed load is tried again next time.
 * @param {string} lang
 * @returns {Promise<{language: string, source: string, agenda: any[], axes: any[], personas: any[], closing: any[]}>}
 */
export function loadTemplates(lang) {
  let promise = templateCache.get(lang);
  if (!promise) {
    promise = send('GET', `/api/templates?lang=${encodeURIComponent(lang)}`).then((r) => r.json());
    promise.catch(() => templateCache.delete(lang));
    templateCache.set(lang, promise);
  }
  return promise;
}

/**
 * @typedef {{code: string, board_id: string, participant_id: string, facilitator_token: string, title: string, language: string}} Created
 */

/**
 * A draft copy of the board's preparation (agenda, axis, goal, questions, proposals, settings).
 * @param {string} code
 * @param {string} token the facilitator's
 * @returns {Promise<Created>}
 */
export async function copyBoard(code, token) {
  return (await send('POST', `/api/boards/${encodeURIComponent(code)}/copy`, { token, body: {} })).json();
}

/**
 * A new board from a board.json file's text (sent as it is: the server validates it).
 * @param {string} text
 * @returns {Promise<Created>}
 */
export async function importBoard(text) {
  return (await send('POST', '/api/boards/import', { raw: text })).json();
}

/**
 * @param {string} code
 * @param {string} token
 * @returns {Promise<{seq: number, state: any}>}
 */
export async function readBoard(code, token) {
  return (await send('GET', `/api/boards/${encodeURIComponent(code)}`, { token })).json();
}

/**
 * @param {string} title
 * @param {{code: string, token: string}[]} boards
 * @returns {Promise<{programme_id: string, token: string, title: string}>}
 */
export async function createProgramme(title, boards) {
  return (await send('POST', '/api/programmes', { body: { title, boards } })).json();
}

/**
 * Fetch a file with a Bearer token and return it as a blob with its name.
 * @param {string} path
 * @param {string} token
 * @param {string} fallbackName
 * @returns {Promise<{blob: Blob, name: string}>}
 */
export async function fetchFile(path, token, fallbackName) {
  const response = await send('GET', path, { token, accept: '*/*' });
  const blob = await response.blob();
  return { blob, name: downloadName(response.headers.get('Content-Disposition'), fallbackName) };
}

/**
 * Save a blob through a temporary object URL and a download link (no token ever in a URL).
 * @param {Blob} blob
 * @param {string} name
 */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked later: some browsers read the URL after the click returns.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// --- personal data: the board's erasure date (docs/protocol.md, "Retention") ---------------------

/**
 * @typedef {{erase_at_ms: number|null, chosen: boolean, last_activity_ms: number, retention_days: number, latest_ms: number}} Retention
 */

/**
 * @param {string} code
 * @param {string} token a facilitator's
 * @returns {Promise<Retention>}
 */
export async function readRetention(code, token) {
  return (await send('GET', `/api/boards/${encodeURIComponent(code)}/retention`, { token })).json();
}

/**
 * Bring the erasure date forward or push it back (null: back to the server's retention).
 * @param {string} code
 * @param {string} token
 * @param {number|null} eraseAtMs
 * @returns {Promise<Retention>}
 */
export async function chooseRetention(code, token, eraseAtMs) {
  return (await send('PUT', `/api/boards/${encodeURIComponent(code)}/retention`, { token, body: { erase_at_ms: eraseAtMs } })).json();
}

/**
 * Erase the whole board now (its facilitator only): every route answers 404 for its code afterwards.
 * @param {string} code
 * @param {string} token
 * @returns {Promise<void>}
 */
export async function eraseBoard(code, token) {
  await send('DELETE', `/api/boards/${encodeURIComponent(code)}`, { token });
}

/**
 * A new access link to this board (`kind`: 'facilitator' opens the cockpit as this facilitator,
 * 'projector' the public view). The secret is in the URL's fragment, which browsers never send.
 * @param {string} code
 * @param {string} token the facilitator's
 * @param {'facilitator'|'projector'} kind
 * @returns {Promise<{id: string, url: string}>}
 */
export async function createAccessLink(code, token, kind) {
  return (await send('POST', `/api/boards/${encodeURIComponent(code)}/${kind}-link`, { token, body: {} })).json();
}

/**
 * Revoke every access link of one kind: their tokens are refused and their sockets closed.
 * @param {string} code
 * @param {string} token
 * @param {'facilitator'|'projector'} kind
 */
export async function revokeAccessLinks(code, token, kind) {
  await send('DELETE', `/api/boards/${encodeURIComponent(code)}/${kind}-link`, { token });
}

/**
 * The QR code of an access link, as an SVG data URL for an <img> (the link goes in the body).
 * @param {string} code
 * @param {string} token
 * @param {string} url the link's path and fragment (`/b/{CODE}/facilitate#k=…`)
 * @returns {Promise<string>}
 */
export async function accessLinkQr(code, token, url) {
  const svg = await (await send('POST', `/api/boards/${encodeURIComponent(code)}/link-qr.svg`, { token, body: { path: url }, accept: 'image/svg+xml' })).text();
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
