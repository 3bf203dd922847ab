/** The notes selected for grouping ("select then assign"): one selection per page, shared by the note
 * cards and the grouping toolbar, so that the keyboard and touch path needs no dragging. */

/** @type {Set<string>} */
const selected = new Set();
/** @type {Set<() => void>} */
const listeners = new Set();

function changed() {
  for (const listener of listeners) listener();
}

export const selection = {
  /** @param {string} id */
  has(id) {
    return selected.has(id);
  },
  /** @param {string} id */
  toggle(id) {
    if (selected.has(id)) selected.delete(id);
    else selected.add(id);
    changed();
  },
  clear() {
    if (selected.size === 0) return;
    selected.clear();
    changed();
  },
  /** @returns {string[]} in the order they were selected */
  ids() {
    return [...selected];
  },
  get size() {
    return selected.size;
  },
  /**
   * Forget notes that no longer exist (deleted, or hidden again).
   * @param {(id: string) => boolean} exists
   */
  prune(exists) {
    let any = false;
    for (const id of selected) {
      if (!exists(id)) {
        selected.delete(id);
        any = true;
      }
    }
    if (any) changed();
  },
  /** @param {() => void} listener */
  subscribe(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
