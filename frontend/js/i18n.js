/** Translation catalogues (French by default, English), `t(key, params)`, and the language choice. */

/** @typedef {'fr'|'en'} Language */

/** @type {readonly Language[]} */
export const LANGUAGES = ['fr', 'en'];
const STORAGE_KEY = 'atelier:lang';

/** @type {Language} */
let current = 'fr';
/** @type {Record<string, any>} */
let catalogue = {};
/** @type {Set<(lang: Language) => void>} */
const listeners = new Set();

/** @returns {Language} */
export function currentLanguage() {
  return current;
}

/**
 * The language the user chose explicitly with the switch, if any.
 * @returns {Language|null}
 */
export function storedLanguage() {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return LANGUAGES.includes(/** @type {Language} */ (value)) ? /** @type {Language} */ (value) : null;
  } catch {
    return null; // storage disabled: fall through to the other sources
  }
}

/**
 * The user's explicit choice, else the board's language, else the browser's (English if it starts
 * with "en"), else French.
 * @param {string|null|undefined} boardLanguage
 * @param {{stored?: string|null, navigatorLanguage?: string}} [sources] injectable for tests
 * @returns {Language}
 */
export function pickLanguage(boardLanguage, sources = {}) {
  const stored = 'stored' in sources ? sources.stored : storedLanguage();
  if (LANGUAGES.includes(/** @type {Language} */ (stored))) return /** @type {Language} */ (stored);
  if (LANGUAGES.includes(/** @type {Language} */ (boardLanguage))) return /** @type {Language} */ (boardLanguage);
  const nav = ('navigatorLanguage' in sources ? sources.navigatorLanguage : globalThis.navigator?.language) || '';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'fr';
}

/**
 * Install a catalogue without fetching it (used by tests and by {@link loadLanguage}).
 * @param {Language} lang
 * @param {Record<string, any>} data
 */
export function setCatalogue(lang, data) {
  current = lang;
  catalogue = data;
}

/**
 * Fetch a catalogue, make it current, translate the static DOM and tell the views.
 * @param {Language} lang
 */
export async function loadLanguage(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`, { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error(`catalogue ${lang}: HTTP ${response.status}`);
  setCatalogue(lang, await response.json());
  document.documentElement.lang = lang;
  translateDom(document);
  for (const listener of listeners) listener(lang);
}

/**
 * The language switch: remember the choice and apply it.
 * @param {Language} lang
 */
export async function chooseLanguage(lang) {
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    // storage disabled: the choice holds for this page only
  }
  if (lang !== current) await loadLanguage(lang);
}

/**
 * Follow the board's language once it is known, unless the user chose one.
 * @param {string} boardLanguage
 */
export async function adoptBoardLanguage(boardLanguage) {
  const lang = pickLanguage(boardLanguage);
  if (lang !== current) await loadLanguage(lang);
}

/**
 * Be told when the language changes (views re-render their dynamic text).
 * @param {(lang: Language) => void} listener
 * @returns {() => void} unsubscribe
 */
export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * @param {string} key dotted path in the catalogue
 * @returns {any}
 */
function lookup(key) {
  let node = catalogue;
  for (const part of key.split('.')) {
    if (node === null || typeof node !== 'object' || !(part in node)) return undefined;
    node = node[part];
  }
  return node;
}

/** @type {Map<string, Intl.PluralRules>} */
const rules = new Map();
/** @param {string} lang */
function pluralRules(lang) {
  let rule = rules.get(lang);
  if (!rule) {
    rule = new Intl.PluralRules(lang);
    rules.set(lang, rule);
  }
  return rule;
}

/**
 * Translate a key. `{name}` placeholders take `params.name`; an entry that is an object of plural
 * forms (`one`, `other`, …) is chosen with `params.count` and the language's plural rules.
 * @param {string} key
 * @param {Record<string, string|number>} [params]
 * @returns {string}
 */
export function t(key, params) {
  let value = lookup(key);
  if (value !== null && typeof value === 'object') {
    const count = typeof params?.count === 'number' ? params.count : 0;
    value = value[pluralRules(current).select(count)] ?? value.other;
  }
  if (typeof value !== 'string') return key;
  if (!params) return value;
  return value.replace(/\{(\w+)\}/g, (match, name) => (name in params ? String(params[name]) : match));
}

/**
 * Re-apply catalogue text to every element marked with `data-i18n` / `data-i18n-attr` under `root`.
 * @param {ParentNode} root
 */
export function translateDom(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    const text = t(/** @type {HTMLElement} */ (el).dataset.i18n || '');
    if (el.textContent !== text) el.textContent = text;
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of (/** @type {HTMLElement} */ (el).dataset.i18nAttr || '').split(';')) {
      const [attr, key] = pair.split('=');
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
