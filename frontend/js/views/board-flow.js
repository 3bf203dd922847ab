/** Lays the participant's page out as board-layout.js says for the current step: order, shown, folded. */

import { LAYOUT, boardStep } from '../board-layout.js';
import { h, setAttr, setHidden, setText } from '../dom.js';
import { t } from '../i18n.js';

/** @typedef {import('../board-layout.js').Region} Region */
/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * Each region element gets a wrapper holding a "show / hide" button used when the step folds it. The
 * wrappers are moved into the step's order only when the step changes (moving a node is cheap, but it
 * would drop the focus of someone typing), and the focus is put back where it was.
 * @param {HTMLElement} flow the element holding the regions (children with an id)
 */
export function mountBoardFlow(flow) {
  /** @type {Map<string, {wrapper: HTMLElement, region: HTMLElement, fold: HTMLButtonElement}>} */
  const parts = new Map();
  for (const region of /** @type {HTMLElement[]} */ ([...flow.children])) {
    const id = region.id;
    const fold = /** @type {HTMLButtonElement} */ (
      h('button', { type: 'button', class: 'button board__fold', 'aria-expanded': 'false', 'aria-controls': id, 'data-testid': `fold-${id}`, hidden: true })
    );
    const wrapper = h('div', { class: 'board__region', 'data-region': id }, fold);
    flow.insertBefore(wrapper, region);
    wrapper.append(region);
    parts.set(id, { wrapper, region, fold });
  }
  /** @type {Set<string>} regions the participant opened in this step */
  let opened = new Set();
  /** @type {string|null} */
  let step = null;
  /** @type {Context|null} */
  let last = null;

  flow.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest?.('.board__fold');
    if (!button) return;
    const id = /** @type {string} */ (button.getAttribute('aria-controls'));
    if (opened.has(id)) opened.delete(id);
    else opened.add(id);
    if (last) update(last);
  });

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const current = boardStep(ctx.state);
    const table = LAYOUT[current];
    if (current !== step) {
      step = current;
      opened = new Set();
      const focused = document.activeElement;
      const listed = table.regions.map(([id]) => id);
      const order = [...listed, ...[...parts.keys()].filter((id) => !listed.includes(id))];
      for (const id of order) {
        const part = parts.get(id);
        if (part) flow.append(part.wrapper);
      }
      if (focused instanceof HTMLElement && focused !== document.activeElement && flow.contains(focused)) focused.focus({ preventScroll: true });
      flow.dataset.step = current;
    }
    // The question lives in the phase bar, above the regions: the step says whether it stays.
    flow.parentElement?.classList.toggle('board--no-question', table.question === false);
    const modes = new Map(table.regions);
    /** @type {string[]} */
    const open = [];
    for (const [id, part] of parts) {
      const mode = modes.get(/** @type {Region} */ (id));
      // A region its own view hides (nothing to show yet) takes no room, not even its button.
      const empty = part.region.hidden;
      setHidden(part.wrapper, !mode || empty);
      const folded = mode === 'fold' && !opened.has(id);
      part.wrapper.classList.toggle('board__region--folded', folded);
      if (mode && !folded && !empty) open.push(id);
      setHidden(part.fold, mode !== 'fold');
      if (mode === 'fold') {
        setAttr(part.fold, 'aria-expanded', String(!folded));
        setText(part.fold, t(folded ? 'phone.fold.show' : 'phone.fold.hide', { name: t(`phone.fold.${id}`, { count: Object.keys(ctx.state.notes).length }) }));
      }
    }
    // Which regions are open: the notes' own grouping buttons show only while grouping is (board.css).
    flow.dataset.open = open.join(' ');
  }

  return {
    update,
    /**
     * Which notes the notes region lists in the step `ctx` is in.
     * @param {Context} ctx
     */
    notesScope: (ctx) => LAYOUT[boardStep(ctx.state)].notes,
  };
}
