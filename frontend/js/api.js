/** HTTP calls to the backend, room-code handling, and the per-board credentials kept in localStorage. */

import { currentLanguage } from './i18n.js';

export const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{6}$`);

/** @typedef {'facilitator'|'co_facilitator'|'participant'} Role */
/** @typedef {{token: string, participant_id: string, role: Role}} Credential */

/**
 * Room codes are read aloud and typed on phones: accept any case, dashes and spaces.
 * @param {string} input
 * @returns {string}
 */
export function normalizeCode(input) {
  return String(input ?? '').toUpperCase().replace(/[\s\-‐‑–—_.]+/g, '');
}

/**
 * @param {string} code already normalised
 * @returns {boolean}
 */
export function isValidCode(code) {
  return CODE_PATTERN.test(code);
}

/**
 * The board code in a page path (`/b/{CODE}`, `/b/{CODE}/facilitate`, `/b/{CODE}/projector`).
 * @param {string} pathname
 * @returns {string|null}
 */
export function codeFromPath(pathname) {
  const match = /^\/b\/([^/]+)/.exec(pathname);
  if (!match) return null;
  let raw = match[1];
  try {
    raw = decodeURIComponent(raw);
  } catch {
    return null;
  }
  const code = normalizeCode(raw);
  return isValidCode(code) ? code : null;
}

/** An HTTP answer with the protocol's error shape (or a network failure: status 0, code "network"). */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message already in the user's language, or '' to use the catalogue
   * @param {string|null} [field]
   */
  constructor(status, code, message, field = null) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.serverMessage = message;
    this.field = field;
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {any} [body]
 * @returns {Promise<any>}
 */
async function request(method, path, body) {
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: {
        Accept: 'application/json',
        'Accept-Language': currentLanguage(),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError(0, 'network', '');
  }
  let payload = null;
  try {
    payload = await response.json();
  } catch {
    payload = null;
  }
  if (!response.ok) {
    const error = payload?.error ?? {};
    throw new ApiError(response.status, error.code || httpCode(response.status), error.message || '', error.field ?? null);
  }
  return payload;
}

/** @param {number} status */
function httpCode(status) {
  if (status === 404) return 'not_found';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  return 'bad_request';
}

/**
 * @param {{title: string, language: 'fr'|'en'}} body
 * @returns {Promise<{code: string, board_id: string, participant_id: string, facilitator_token: string, title: string, language: string}>}
 */
export function createBoard(body) {
  return request('POST', '/api/boards', body);
}

/**
 * @param {string} code
 * @param {{name: string, organisation?: string}} body
 * @returns {Promise<{participant_id: string, token: string, role: Role}>}
 */
export function joinBoard(code, body) {
  return request('POST', `/api/boards/${encodeURIComponent(code)}/join`, body);
}

/** @param {string} code */
export function credentialKey(code) {
  return `atelier:board:${code}`;
}

/**
 * @param {string} code
 * @returns {Credential|null}
 */
export function loadCredential(code) {
  try {
    const raw = globalThis.localStorage?.getItem(credentialKey(code));
    if (!raw) return null;
    const value = JSON.parse(raw);
    if (typeof value?.token !== 'string' || typeof value?.participant_id !== 'string') return null;
    return { token: value.token, participant_id: value.participant_id, role: value.role || 'participant' };
  } catch {
    return null;
  }
}

/**
 * @param {string} code
 * @param {Credential} credential
 */
export function saveCredential(code, credential) {
  const { token, participant_id, role } = credential;
  globalThis.localStorage?.setItem(credentialKey(code), JSON.stringify({ token, participant_id, role }));
}

/** @param {string} code */
export function clearCredential(code) {
  try {
    globalThis.localStorage?.removeItem(credentialKey(code));
  } catch {
    // nothing stored
  }
}

/**
 * The secret an access link carries in its fragment (`#k=<secret>`, docs/protocol.md "Access links"),
 * taken out of the address bar and the history at once so it is not shown, bookmarked or shared by
 * accident; the page then keeps it as its credential. Null when the address has none.
 * @param {{hash: string, pathname: string, search: string}} [loc]
 * @param {{replaceState: (data: unknown, unused: string, url: string) => void}} [hist]
 * @returns {string|null}
 */
export function takeLinkSecret(loc = globalThis.location, hist = globalThis.history) {
  const match = /^#k=([A-Za-z0-9_-]{22,100})$/.exec(loc?.hash ?? '');
  if (!match) return null;
  hist?.replaceState(null, '', `${loc.pathname}${loc.search}`);
  return match[1];
}
