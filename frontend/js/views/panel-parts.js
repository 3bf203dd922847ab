/** Small builders shared by the control panel's method screens (sections, fields, buttons, spotlight). */

import { h, setAttr, setText, uid } from '../dom.js';
import { t } from '../i18n.js';

/**
 * A titled section of the panel.
 * @param {HTMLElement} el
 * @param {string} headingKey
 * @param {string} className
 * @param {number} [level]
 * @returns {HTMLElement} the heading
 */
export function section(el, headingKey, className, level = 2) {
  el.classList.add('panel-section', className);
  const id = uid('panel-heading');
  el.setAttribute('aria-labelledby', id);
  const heading = h(`h${level}`, { id, class: 'panel-section__heading', i18n: headingKey });
  el.append(heading);
  return heading;
}

/**
 * @param {string} labelKey
 * @param {HTMLElement} input must have an id
 * @param {HTMLElement|null} [hint] must have an id when given (it describes the input)
 */
export function field(labelKey, input, hint = null) {
  if (hint?.id) input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), hint.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: input.id, class: 'field__label', i18n: labelKey }), hint, input);
}

/**
 * @param {string} key
 * @param {string} testid
 * @param {string} [extra]
 */
export function button(key, testid, extra = '') {
  return h('button', { type: 'button', class: `button ${extra}`.trim(), 'data-testid': testid, i18n: key });
}

/**
 * A checkbox with its label beside it.
 * @param {string} labelKey
 * @param {string} testid
 * @returns {{row: HTMLElement, box: HTMLInputElement}}
 */
export function checkbox(labelKey, testid) {
  const id = uid('panel-check');
  const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', id, 'data-testid': testid }));
  return { row: h('div', { class: 'panel-check' }, box, h('label', { for: id, i18n: labelKey })), box };
}

/**
 * "Mettre en avant": a toggle button (aria-pressed) that puts one item on everyone's screen and the
 * projector; handled by the panel (delegated click on `data-spotlight-kind`).
 * @param {'note'|'group'|'sheet'|'subgroup'} kind
 * @param {string} id
 * @param {string} [labelKey] the visible text, when several such buttons sit side by side
 */
export function spotlightButton(kind, id, labelKey = 'panel.spotlight.button') {
  return h('button', {
    type: 'button', class: 'button button--small button--quiet panel-spotlight', 'data-spotlight-kind': kind, 'data-spotlight-id': id,
    'aria-pressed': 'false', 'data-testid': 'spotlight', 'data-kind': kind, 'data-key': id, 'data-label': labelKey,
  });
}

/**
 * @param {HTMLElement} button made by {@link spotlightButton}
 * @param {{kind: string, id: string}|null|undefined} spotlight the board's
 * @param {string} name what the item is, for the accessible name
 */
export function updateSpotlightButton(button, spotlight, name) {
  const on = Boolean(spotlight && spotlight.kind === button.dataset.spotlightKind && spotlight.id === button.dataset.spotlightId);
  setAttr(button, 'aria-pressed', String(on));
  const label = t(button.dataset.label || 'panel.spotlight.button');
  setText(button, label);
  // The accessible name starts with the visible label (WCAG 2.5.3, "Label in Name"), then says which item.
  setAttr(button, 'aria-label', t('phone.spotlight_label', { label, name }));
}

/**
 * Text in a number input as an integer within bounds, or null.
 * @param {string} value
 * @param {number} min
 * @param {number} max
 */
export function integerIn(value, min, max) {
  const n = Number(value);
  return Number.isInteger(n) && n >= min && n <= max && value.trim() !== '' ? n : null;
}
