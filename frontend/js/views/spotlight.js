/** The spotlight: what the facilitators put forward (a note, a group, a sheet, a presenting sub-group).
 * On the board, a banner saying what it is, and the item itself outlined and scrolled into view; on the
 * projector, the item in big type. */

import { h, reconcile, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { groupNotes, spotlight, spotlightSheet } from '../method.js';
import { spotlightText } from '../method-announce.js';
import { mountSheetView } from './sharing.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/** CSS selectors of the element showing each kind of item on the board. */
const TARGETS = {
  note: (/** @type {string} */ id) => `[data-testid="note"][data-key="${CSS.escape(id)}"]`,
  group: (/** @type {string} */ id) => `[data-testid="group"][data-key="${CSS.escape(id)}"]`,
  sheet: (/** @type {string} */ id) => `[data-testid="sheet"][data-key="${CSS.escape(id)}"]`,
  subgroup: () => '[data-testid="sharing"] .sharing__sheet',
};

/**
 * @param {HTMLElement} el
 * @param {{mode?: 'board'|'projector', root?: HTMLElement}} [options] `root`: where to look for the item (board)
 */
export function mountSpotlight(el, options = {}) {
  const projector = options.mode === 'projector';
  el.classList.add('spotlight', projector ? 'spotlight--projector' : 'spotlight--board');
  el.dataset.testid = 'spotlight';
  const headingId = uid('spotlight-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h(projector ? 'h2' : 'p', { id: headingId, class: 'spotlight__label', i18n: 'method.spotlight.heading' });
  const what = h('p', { class: 'spotlight__what', 'data-testid': 'spotlight-text' });
  el.append(heading, what);

  // Projector only: the item itself, big.
  const noteText = h('p', { class: 'spotlight__note' });
  const groupNotesList = h('ul', { class: 'spotlight__group-notes' });
  const sheetBox = h('div', { class: 'spotlight__sheet' });
  const sheetView = projector ? mountSheetView(sheetBox, { headingLevel: 3 }) : null;
  if (projector) el.append(noteText, groupNotesList, sheetBox);

  /** @type {string|null} */
  let shown = null;

  /** @param {Context} ctx */
  function update({ state }) {
    const spot = spotlight(state);
    setHidden(el, !spot);
    const key = spot ? `${spot.kind}:${spot.id}` : null;
    if (!spot) {
      shown = null;
      return;
    }
    setText(what, spotlightText(state));
    if (projector) {
      setHidden(what, spot.kind !== 'group');
      setHidden(noteText, spot.kind !== 'note');
      setText(noteText, spot.kind === 'note' ? (state.notes[spot.id]?.text ?? '') : '');
      const group = spot.kind === 'group' ? state.groups?.[spot.id] : null;
      setHidden(groupNotesList, !group);
      reconcile(groupNotesList, group ? groupNotes(state, group) : [], (n) => n.id, () => h('li', { class: 'spotlight__group-note' }), (li, n) => setText(li, n.text));
      const sheet = spotlightSheet(state);
      setHidden(sheetBox, !sheet);
      if (sheet && sheetView) sheetView.update(state, sheet);
      if (spot.kind === 'subgroup' && !sheet) setHidden(what, false);
    } else if (key !== shown && options.root) {
      // Once per new spotlight: bring the item into view (without taking the keyboard focus).
      const selector = TARGETS[/** @type {keyof typeof TARGETS} */ (spot.kind)](spot.id);
      const target = /** @type {HTMLElement|null} */ (options.root.querySelector(selector));
      if (target && target.offsetParent !== null) {
        const smooth = !globalThis.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
        requestAnimationFrame(() => target.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'center' }));
      }
    }
    shown = key;
  }
  return { update };
}
