/** The workshop templates (personas, closing questions, axes) from `GET /api/templates`, per language. */

import { currentLanguage, onLanguageChange } from './i18n.js';

/**
 * @typedef {{id: string, name: string, description: string}} Persona
 * @typedef {{id: string, label: string, text: string}} ClosingQuestion
 * @typedef {{language: string, personas: Persona[], closing: ClosingQuestion[], axes: {id: string, title: string, goal: string}[], [key: string]: any}} Templates
 */

/** @type {Map<string, Templates>} */
const loaded = new Map();
/** @type {Map<string, Promise<Templates|null>>} */
const loading = new Map();
/** @type {Set<() => void>} */
const listeners = new Set();

/**
 * @param {string} lang
 * @returns {Promise<Templates|null>} null when the server could not answer (the views fall back to ids)
 */
function load(lang) {
  let promise = loading.get(lang);
  if (!promise) {
    promise = fetch(`/api/templates?lang=${encodeURIComponent(lang)}`, { headers: { Accept: 'application/json' } })
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        if (data) {
          loaded.set(lang, data);
          for (const listener of listeners) listener();
        } else {
          loading.delete(lang); // try again on the next render
        }
        return data;
      })
      .catch(() => {
        loading.delete(lang);
        return null;
      });
    loading.set(lang, promise);
  }
  return promise;
}

/**
 * The templates in the current language, or null while they load (the load starts here).
 * @returns {Templates|null}
 */
export function templates() {
  const lang = currentLanguage();
  const data = loaded.get(lang);
  if (!data && typeof fetch === 'function') load(lang);
  return data ?? null;
}

/**
 * Be told once templates arrive (the page re-renders).
 * @param {() => void} listener
 */
export function onTemplates(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

onLanguageChange(() => {
  templates();
});

/**
 * @param {string|null|undefined} id
 * @returns {Persona|null}
 */
export function personaById(id) {
  if (!id) return null;
  return templates()?.personas.find((p) => p.id === id) ?? null;
}

/**
 * @param {string} id
 * @returns {ClosingQuestion|null}
 */
export function closingQuestion(id) {
  return templates()?.closing.find((q) => q.id === id) ?? null;
}

/**
 * @param {string|null|undefined} id
 * @returns {{id: string, title: string, goal: string}|null}
 */
export function axisById(id) {
  if (!id) return null;
  return templates()?.axes.find((a) => a.id === id) ?? null;
}
