/** The list view of notes: the same cards, in creation order, without positions (phones, screen readers). */

import { h, reconcile } from '../dom.js';
import { notesInOrder } from '../store.js';
import { cardContext, mountNoteCard } from './note-card.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * @param {HTMLElement} el
 * @param {{labelKey?: string}} [options]
 */
export function mountNoteList(el, options = {}) {
  el.classList.add('note-list');
  const list = h('ul', { class: 'note-list__items', role: 'list', i18nAttrs: { 'aria-label': options.labelKey ?? 'notes.list_label' } });
  el.append(list);

  /** @param {Context} ctx */
  function update(ctx) {
    const focusedItem = /** @type {HTMLElement|null} */ (document.activeElement?.closest?.('.note-list__item') ?? null);
    const focusedKey = focusedItem && list.contains(focusedItem) ? focusedItem.dataset.key : null;
    reconcile(
      list,
      notesInOrder(ctx.state),
      (note) => note.id,
      () => h('li', { class: 'note-list__item' }, mountNoteCard({ mode: 'list' })),
      (item, note) => {
        /** @type {any} */ (item.firstElementChild).noteCard.update(cardContext(ctx.state, ctx.you, note));
      },
    );
    if (focusedKey && !ctx.state.notes[focusedKey]) {
      list.setAttribute('tabindex', '-1');
      list.focus();
    }
  }

  /** Remove every card (the list is not displayed: one view of the notes at a time). */
  function clear() {
    list.replaceChildren();
  }
  return { update, clear };
}
