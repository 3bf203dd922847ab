/** Small DOM helpers: elements built without innerHTML, and updates that touch the DOM only on change. */

import { t } from './i18n.js';

/**
 * Create an element. Text always goes through textContent or text nodes, never through HTML parsing.
 *
 * Props: `class`, `text`, `i18n` (catalogue key for the text, re-applied on language change),
 * `i18nAttrs` ({attribute: key}), `on<event>` listeners, booleans (true → empty attribute), other attributes.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'i18n') {
      el.dataset.i18n = value;
      el.textContent = t(value);
    } else if (name === 'i18nAttrs') {
      el.dataset.i18nAttr = Object.entries(value).map(([attr, key]) => `${attr}=${key}`).join(';');
      for (const [attr, key] of Object.entries(value)) el.setAttribute(attr, t(key));
    } else if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child);
  }
  return el;
}

/**
 * Set text only when it differs, so screen readers and selections are not disturbed for nothing.
 * @param {Element} el
 * @param {string} text
 */
export function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}

/**
 * Set or remove an attribute only when it changes.
 * @param {Element} el
 * @param {string} name
 * @param {string|null|undefined} value null/undefined removes it
 */
export function setAttr(el, name, value) {
  if (value === null || value === undefined) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

/**
 * @param {HTMLElement} el
 * @param {boolean} hidden
 */
export function setHidden(el, hidden) {
  if (el.hidden !== hidden) el.hidden = hidden;
}

/**
 * Enable or disable a control with aria-disabled rather than `disabled`: a disabled button drops the
 * keyboard focus, and a control that becomes unavailable under the user's finger must keep it.
 * Click handlers must check {@link isEnabled}.
 * @param {HTMLElement} el
 * @param {boolean} enabled
 */
export function setEnabled(el, enabled) {
  setAttr(el, 'aria-disabled', enabled ? null : 'true');
}

/**
 * @param {Element} el
 * @returns {boolean}
 */
export function isEnabled(el) {
  return el.getAttribute('aria-disabled') !== 'true';
}

/**
 * Dispatch a verb-named action that bubbles up to the page.
 * @param {Element} el
 * @param {string} name
 * @param {any} [detail]
 */
export function emit(el, name, detail) {
  el.dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
}

let counter = 0;
/**
 * A document-unique id for label/description wiring.
 * @param {string} prefix
 * @returns {string}
 */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * Keyed reconciliation: one child per item, identified by `data-key`. Existing children are updated
 * in place (never rebuilt), so focus, caret and selection inside them survive; children are moved
 * only when the order really changes.
 * @template T
 * @param {HTMLElement} container holds only keyed children
 * @param {T[]} items in display order
 * @param {(item: T) => string} keyOf
 * @param {(item: T) => HTMLElement} create
 * @param {(el: HTMLElement, item: T) => void} update
 */
export function reconcile(container, items, keyOf, create, update) {
  /** @type {Map<string, HTMLElement>} */
  const existing = new Map();
  for (const child of /** @type {HTMLElement[]} */ ([...container.children])) {
    if (child.dataset.key) existing.set(child.dataset.key, child);
  }
  const wanted = new Set(items.map(keyOf));
  for (const [key, el] of existing) {
    if (!wanted.has(key)) el.remove();
  }
  let cursor = container.firstElementChild;
  for (const item of items) {
    const key = keyOf(item);
    let el = existing.get(key);
    if (!el) {
      el = create(item);
      el.dataset.key = key;
    }
    update(el, item);
    if (el === cursor) cursor = cursor.nextElementSibling;
    else container.insertBefore(el, cursor);
  }
}

/**
 * Whether the keyboard focus is inside `el`.
 * @param {Element} el
 * @returns {boolean}
 */
export function hasFocus(el) {
  return el.contains(document.activeElement);
}
