/** The notes section of a board: heading with count, the switch between the wall by sections (the
 * default) and the free wall where notes are placed by hand, zoom, and the active view. */

import { h, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { canMoveNote, isFacilitatorRole, notesInOrder } from '../store.js';
import { mountNoteList } from './note-list.js';
import { FIRST_PLACE, jumpTo, pageMoves, pageView, turnPage } from './note-pages.js';
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
 * With `pageSize`, the list shows that many notes at a time, with buttons to turn the pages (a phone
 * page stays a few screens long with 60 notes); a reader on the last page follows the newest notes
 * (note-pages.js), one on another page keeps the notes they read. `update(ctx, {scope: 'phase'})`
 * lists the current phase's notes, the earlier ones behind a button.
 * @param {HTMLElement} el a <section>
 * @param {{pageSize?: () => number}} [options] the page size for the current viewport
 */
export function mountNotesPanel(el, options = {}) {
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
  const earlier = h('button', { type: 'button', class: 'button button--small notes-panel__earlier', 'data-testid': 'notes-earlier', 'aria-pressed': 'false', hidden: true });
  // The line changes with every note that arrives ("… sur 2001"): it is not a live region, or a
  // screen reader would read it out 20 times a second in a busy room (the notes themselves are
  // announced elsewhere). What a turn of the page shows is said once, by `turned`.
  const pageText = h('p', { class: 'notes-panel__page', 'data-testid': 'notes-page' });
  const turned = h('p', { class: 'visually-hidden', 'aria-live': 'polite', 'data-testid': 'notes-page-announce' });
  const firstPage = pageButton('notes-first', 'phone.notes.first', '«', true);
  const previousPage = pageButton('notes-previous', 'phone.notes.previous', '‹', true);
  const nextPage = pageButton('notes-next', 'phone.notes.next', '›', false);
  const newestPage = pageButton('notes-newest', 'phone.notes.newest', '»', false);
  const back = h('div', { class: 'notes-panel__turn notes-panel__turn--back' }, firstPage, previousPage);
  const forward = h('div', { class: 'notes-panel__turn notes-panel__turn--forward' }, nextPage, newestPage);
  const pages = h('nav', { class: 'notes-panel__pages', hidden: true, i18nAttrs: { 'aria-label': 'phone.notes.pages_label' } }, back, pageText, forward, turned);
  el.append(heading, toolbar, hint, empty, earlier, canvasHost, listHost, pages);
  let showEarlier = false;
  /** @type {import('./note-pages.js').Place} where the reader is in the pages */
  let place = FIRST_PLACE;
  /** the list's length and page size at the last render, for the buttons */
  let listed = { count: 0, size: 0 };
  /** @type {'phase'|'all'} */
  let scope = 'all';
  /** @type {string|null} the phase the scope was set for: a new phase folds the earlier notes again */
  let scopedPhase = null;
  earlier.addEventListener('click', () => {
    showEarlier = !showEarlier;
    render();
  });
  /**
   * @param {HTMLElement} button
   * @param {(count: number, size: number) => import('./note-pages.js').Place} move
   */
  function onTurn(button, move) {
    button.addEventListener('click', () => {
      if (!isEnabledButton(button)) return;
      place = move(listed.count, listed.size);
      render();
      listHost.querySelector('.note-list__items')?.scrollIntoView?.({ block: 'start' });
      // Said once, because the reader asked for it; the visible line goes on changing silently.
      setText(turned, pageText.textContent ?? '');
    });
  }
  onTurn(firstPage, (count, size) => jumpTo('first', count, size));
  onTurn(previousPage, (count, size) => turnPage(place, -1, count, size));
  onTurn(nextPage, (count, size) => turnPage(place, 1, count, size));
  onTurn(newestPage, (count, size) => jumpTo('newest', count, size));

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
    const shown = scoped(last);
    const count = Object.keys(shown.state.notes).length;
    setText(heading, t('notes.heading', { count }));
    setHidden(empty, count > 0);
    const { state, you } = shown;
    const anyMovable = view === 'canvas' && Object.values(state.notes).some((note) => canMoveNote(state, you, note));
    setHidden(hint, !anyMovable);
    if (view === 'canvas') {
      // The free wall shows every note: no pages.
      setHidden(pages, true);
      canvas.update(shown);
    } else list.update(paged(shown));
  }

  /**
   * The context with only the notes of the current phase, unless asked for the earlier ones too.
   * @param {Context} ctx
   * @returns {Context}
   */
  function scoped(ctx) {
    const phase = ctx.state.board.phase;
    const all = Object.values(ctx.state.notes);
    const older = scope === 'phase' ? all.filter((note) => note.phase !== phase).length : 0;
    setHidden(earlier, older === 0);
    setAttr(earlier, 'aria-pressed', String(showEarlier));
    setText(earlier, showEarlier ? t('phone.notes.earlier_hide') : t('phone.notes.earlier_show', { count: older }));
    if (older === 0 || showEarlier) return ctx;
    const notes = Object.fromEntries(all.filter((note) => note.phase === phase).map((note) => [note.id, note]));
    return { ...ctx, state: { ...ctx.state, notes } };
  }

  /**
   * The context with only the current page's notes (list view, when paged).
   * @param {Context} ctx
   * @returns {Context}
   */
  function paged(ctx) {
    const size = options.pageSize?.() ?? 0;
    const count = size ? Object.keys(ctx.state.notes).length : 0;
    const shown = pageView(place, count, size);
    // Kept as made consistent: a reader of the one page follows once notes no longer fit on it.
    place = shown.place;
    listed = { count, size };
    setHidden(pages, !shown.paged);
    if (!shown.paged) return ctx;
    const slice = notesInOrder(ctx.state).slice(shown.from, shown.to);
    setText(pageText, t('phone.notes.page', { from: shown.from + 1, to: shown.to, count }));
    const moves = pageMoves(shown);
    setAttr(firstPage, 'aria-disabled', moves.first ? null : 'true');
    setAttr(previousPage, 'aria-disabled', moves.previous ? null : 'true');
    setAttr(nextPage, 'aria-disabled', moves.next ? null : 'true');
    setAttr(newestPage, 'aria-disabled', moves.newest ? null : 'true');
    return { ...ctx, state: { ...ctx.state, notes: Object.fromEntries(slice.map((note) => [note.id, note])) } };
  }

  return {
    /**
     * @param {Context} ctx
     * @param {{scope?: 'phase'|'all'}} [how]
     */
    update(ctx, how = {}) {
      last = ctx;
      scope = how.scope ?? 'all';
      if (scopedPhase !== ctx.state.board.phase) {
        scopedPhase = ctx.state.board.phase;
        showEarlier = false;
      }
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

/**
 * A button that turns the pages: its words, and an arrow that alone shows where the nav is too narrow
 * for the words of four buttons (a phone: « ‹ … › », the words still its accessible name).
 * @param {string} testId
 * @param {string} key
 * @param {string} arrow
 * @param {boolean} arrowFirst
 */
function pageButton(testId, key, arrow, arrowFirst) {
  const glyph = h('span', { class: 'notes-panel__arrow', 'aria-hidden': 'true', text: arrow });
  const label = h('span', { class: 'notes-panel__label', i18n: key });
  return h('button', { type: 'button', class: 'button button--small', 'data-testid': testId }, ...(arrowFirst ? [glyph, label] : [label, glyph]));
}

/** @param {Element} button */
function isEnabledButton(button) {
  return button.getAttribute('aria-disabled') !== 'true';
}
