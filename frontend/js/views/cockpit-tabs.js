/** The cockpit's tabs (WAI-ARIA tabs pattern): one tab stop for the list, arrows, Home and End move
 * between tabs and show them at once; each panel is labelled by its tab and takes the focus. */

import { h, setAttr } from '../dom.js';

/**
 * @param {HTMLElement} list the element that becomes the tablist
 * @param {{id: string, labelKey: string, panel: HTMLElement}[]} tabs
 * @param {{onSelect?: (id: string) => void}} [options]
 */
export function mountCockpitTabs(list, tabs, options = {}) {
  list.setAttribute('role', 'tablist');
  const buttons = tabs.map((tab) => {
    const b = h('button', {
      type: 'button', role: 'tab', id: `tab-${tab.id}`, class: 'cockpit-tab', 'aria-controls': tab.panel.id,
      'data-testid': `tab-${tab.id}`, i18n: tab.labelKey,
    });
    tab.panel.setAttribute('role', 'tabpanel');
    tab.panel.setAttribute('aria-labelledby', b.id);
    // The panel scrolls inside itself: focusable, so a keyboard user can scroll it (and axe agrees).
    tab.panel.tabIndex = 0;
    list.append(b);
    return b;
  });
  let current = '';

  /**
   * @param {string} id
   * @param {{focus?: boolean}} [how]
   */
  function select(id, how = {}) {
    const index = Math.max(0, tabs.findIndex((tab) => tab.id === id));
    current = tabs[index].id;
    tabs.forEach((tab, i) => {
      const on = i === index;
      setAttr(buttons[i], 'aria-selected', String(on));
      buttons[i].tabIndex = on ? 0 : -1;
      tab.panel.hidden = !on;
    });
    if (how.focus) buttons[index].focus();
    options.onSelect?.(current);
  }

  list.addEventListener('click', (event) => {
    const b = /** @type {HTMLElement} */ (event.target).closest('[role="tab"]');
    if (b) select(b.id.slice(4));
  });
  list.addEventListener('keydown', (event) => {
    const index = tabs.findIndex((tab) => tab.id === current);
    /** @type {number|null} */
    let next = null;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    select(tabs[next].id, { focus: true });
  });
  select(tabs[0].id);
  return {
    select,
    get current() {
      return current;
    },
  };
}
