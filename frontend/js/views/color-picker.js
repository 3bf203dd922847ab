/** A radio group of the six named note colours. */

import { h, uid } from '../dom.js';
import { COLORS } from '../store.js';

/** @typedef {import('../store.js').Color} Color */

/**
 * @param {{testidPrefix?: string}} [options]
 * @returns {HTMLFieldSetElement & {colorPicker: {value: () => Color, set: (c: Color) => void}}}
 */
export function mountColorPicker(options = {}) {
  const name = uid('color');
  const fieldset = /** @type {any} */ (h('fieldset', { class: 'color-picker' }, h('legend', { class: 'color-picker__legend', i18n: 'colors.legend' })));
  const list = h('div', { class: 'color-picker__options' });
  for (const color of COLORS) {
    const id = uid('color-option');
    list.append(
      h(
        'div',
        { class: 'color-picker__option' },
        h('input', {
          type: 'radio', id, name, value: color, class: 'color-picker__radio',
          'data-testid': options.testidPrefix ? `${options.testidPrefix}-${color}` : null,
          checked: color === COLORS[0],
        }),
        h('label', { for: id, class: `color-picker__label swatch swatch--${color}`, i18n: `colors.${color}` }),
      ),
    );
  }
  fieldset.append(list);
  fieldset.colorPicker = {
    value() {
      const checked = /** @type {HTMLInputElement|null} */ (fieldset.querySelector('input:checked'));
      return /** @type {Color} */ (checked?.value ?? COLORS[0]);
    },
    /** @param {Color} color */
    set(color) {
      const input = /** @type {HTMLInputElement|null} */ (fieldset.querySelector(`input[value="${color}"]`));
      if (input) input.checked = true;
    },
  };
  return fieldset;
}
