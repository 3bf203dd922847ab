/** The notes section of a board: heading with count, the switch between the wall by sections (the
 * default) and the free wall where notes are placed by hand, zoom, and the active view. */

import { h, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { canMoveNote, isFacilitatorRole } from '../store.js';
import { mountNoteList } from './note-list.js';
import { ZOOM_LEVELS, mountNotesCanvas } from './notes-canvas.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You, seq: number}} Context */

const VIEW_KEY = 'atelier:notes-view';

/** @returns {'canvas'|'list'} */
function initialView() {
  try {
    const stored = localStorage.getItem(VIEW_KEY);
    if (stored === 'canvas' || stored === 'list') return stored;
  } catch {
    // storage disabled
  }
  // Everyone starts on the wall by sections, where no note covers another; the free wall is for
  // arranging notes by hand, a choice a person makes (and the page remembers).
  return 'list';
}

/**
 * @param {HTMLElement} el a <section>
 */
export function mountNotesPanel(el) {
  el.classList.add('notes-panel');
  const headingId = uid('notes-heading');
  const hintId = uid('move-hint');
  el.setAttribute('aria-labelledby', headingId);

  const heading = h('h2', { id: headingId, class: 'notes-panel__heading', 'data-testid': 'notes-heading' });
  const canvasButton = h('button', { type: 'button', class: 'button button--small', 'data-view': 'canvas', 'data-testid': 'view-canvas', i18n: 'wall.view_free' });
  const listButton = h('button', { type: 'button', class: 'button button--small', 'data-view': 'list', 'data-testid': 'view-list', i18n: 'wall.view_sections' });
  const zoomOut = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'zoom-out', i18n: 'notes.zoom_out' });
  const zoomIn = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'zoom-in', i18n: 'notes.zoom_in' });
  const zoomValue = h('span', { class: 'notes-panel__zoom-value' });
  const zoom = h('div', { class: 'notes-panel__zoom', role: 'group', i18nAttrs: { 'aria-label': 'notes.zoom_label' } }, zoomOut, zoomValue, zoomIn);
  const views = h('div', { class: 'notes-panel__views', role: 'group', i18nAttrs: { 'aria-label': 'notes.view_label' } }, listButton, canvasButton);
  const hint = h('p', { id: hintId, class: 'notes-panel__hint', i18n: 'notes.move_hint' });
  const toolbar = h('div', { class: 'notes-panel__toolbar' }, views, zoom);
  const empty = h('p', { class: 'notes-panel__empty', i18n: 'notes.empty', hidden: true });
  const canvasHost = h('div', { class: 'notes-panel__canvas' });
  const listHost = h('div', { class: 'notes-panel__list' });
  el.append(heading, toolbar, hint, empty, canvasHost, listHost);

  const canvas = mountNotesCanvas(canvasHost, { moveHintId: hintId });
  const list = mountNoteList(listHost, { labelKey: 'canvas.label' });
  let view = initialView();
  /** @type {Context|null} */
  let last = null;

  /** @param {'canvas'|'list'} next */
  function setView(next) {
    view = next;
    try {
      localStorage.setItem(VIEW_KEY, next);
    } catch {
      // storage disabled
    }
    if (next === 'list') canvasHost.querySelector('.canvas__surface')?.replaceChildren();
    else list.clear();
    render();
  }

  views.addEventListener('click', (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest('button[data-view]');
    if (button) setView(/** @type {'canvas'|'list'} */ (/** @type {HTMLElement} */ (button).dataset.view));
  });
  /** @param {number} direction */
  function stepZoom(direction) {
    const index = ZOOM_LEVELS.indexOf(canvas.scale);
    const next = ZOOM_LEVELS[Math.min(ZOOM_LEVELS.length - 1, Math.max(0, index + direction))];
    canvas.setScale(next);
    render();
  }
  zoomOut.addEventListener('click', () => stepZoom(-1));
  zoomIn.addEventListener('click', () => stepZoom(1));

  function render() {
    setAttr(canvasButton, 'aria-pressed', String(view === 'canvas'));
    setAttr(listButton, 'aria-pressed', String(view === 'list'));
    setHidden(canvasHost, view !== 'canvas');
    setHidden(listHost, view !== 'list');
    setHidden(zoom, view !== 'canvas');
    setText(zoomValue, t('notes.zoom_value', { percent: Math.round(canvas.scale * 100) }));
    setAttr(zoomOut, 'aria-disabled', canvas.scale <= ZOOM_LEVELS[0] ? 'true' : null);
    setAttr(zoomIn, 'aria-disabled', canvas.scale >= ZOOM_LEVELS[ZOOM_LEVELS.length - 1] ? 'true' : null);
    el.dataset.view = view;
    if (!last) return;
    const count = Object.keys(last.state.notes).length;
    setText(heading, t('notes.heading', { count }));
    setHidden(empty, count > 0);
    const { state, you } = last;
    const anyMovable = view === 'canvas' && Object.values(state.notes).some((note) => canMoveNote(state, you, note));
    setHidden(hint, !anyMovable);
    if (view === 'canvas') canvas.update(last);
    else list.update(last);
  }

  return {
    /** @param {Context} ctx */
    update(ctx) {
      last = ctx;
      render();
    },
    canvas,
    /** @returns {{x: number, y: number}|null} */
    suggestPosition() {
      if (view !== 'canvas' || !last) return null;
      // While divergence notes are private, a participant cannot see where the others' notes are:
      // let the server, which sees them all, lay the note out on its grid.
      const { state, you } = last;
      const privateWriting = state.board.phase === 'divergence' && state.board.settings?.private_writing !== false;
      if (privateWriting && !isFacilitatorRole(you.role)) return null;
      return canvas.suggestPosition();
    },
  };
}
