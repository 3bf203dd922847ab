/** The notes by section (question, then group once grouped), for phones, screen readers and anyone
 * who does not arrange notes by hand: the wall of notes-wall.js, kept under its former name. */

import { mountNotesWall } from './notes-wall.js';

/**
 * @param {HTMLElement} el
 * @param {{labelKey?: string}} [options]
 */
export function mountNoteList(el, options = {}) {
  el.classList.add('note-list');
  return mountNotesWall(el, { mode: 'board', labelKey: options.labelKey ?? 'notes.list_label' });
}
