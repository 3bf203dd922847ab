/** The free wall: cards positioned by their x, y on a 4000 × 4000 area that scrolls (and zooms)
 * inside its own region; notes move with the pointer or, once focused, with the arrow keys. Where
 * people arrange notes by hand; the projector (and the default wall) show them by section instead. */

import { emit, h, reconcile } from '../dom.js';
import { clampCoord, CANVAS_SIZE, notesInOrder } from '../store.js';
import { cardContext, mountNoteCard } from './note-card.js';
import { mountNotesWall } from './notes-wall.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {import('../store.js').You} You */
/** @typedef {{state: State, you: You, seq: number}} Context */

export const NOTE_WIDTH = 210; // logical units, matches .note--canvas in notes-canvas.css (server grid: 220)
export const NOTE_HEIGHT = 170; // a typical card; long ones overlap a little, as paper ones do
const GAP = 16;
export const KEY_STEP = 20;
export const KEY_STEP_LARGE = 100;
export const ZOOM_LEVELS = [0.5, 0.75, 1, 1.25];
const KEY_SEND_DELAY_MS = 300;
const DRAG_THRESHOLD_PX = 4;

/**
 * Emits `move-note` {id, x, y}; the page answers with {@link settleMove}. Until the server's
 * `note.moved` arrives, the card stays where the user put it (a local override).
 * @param {HTMLElement} el
 * @param {{mode?: 'board'|'projector', moveHintId?: string, labelKey?: string}} [options]
 */
export function mountNotesCanvas(el, options = {}) {
  if (options.mode === 'projector') return projectorWall(el);
  el.classList.add('canvas', 'canvas--board');
  const surface = h('div', { class: 'canvas__surface' });
  const sizer = h('div', { class: 'canvas__sizer' }, surface);
  // Focusable so the region scrolls from the keyboard too.
  const viewport = h('div', { class: 'canvas__viewport', role: 'region', tabindex: 0, i18nAttrs: { 'aria-label': options.labelKey ?? 'canvas.label' } }, sizer);
  el.append(viewport);

  let scale = 1;
  /** @type {Context|null} */
  let last = null;
  /** @type {Map<string, {x: number, y: number, settledSeq?: number}>} */
  const overrides = new Map();
  /** @type {Set<string>|null} note ids already shown (null before the first update) */
  let known = null;
  /** @type {Map<string, ReturnType<typeof setTimeout>>} */
  const keyTimers = new Map();
  /** @type {{id: string, card: HTMLElement, pointerId: number, startX: number, startY: number, origX: number, origY: number, moved: boolean}|null} */
  let drag = null;

  function applyScale() {
    surface.style.transform = `scale(${scale})`;
    sizer.style.width = `${(CANVAS_SIZE + NOTE_WIDTH) * scale}px`;
    sizer.style.height = `${(CANVAS_SIZE + NOTE_HEIGHT * 2) * scale}px`;
  }

  /**
   * @param {HTMLElement} card
   * @param {{x: number, y: number}} pos
   */
  function place(card, pos) {
    const left = `${pos.x}px`;
    const top = `${pos.y}px`;
    if (card.style.left !== left) card.style.left = left;
    if (card.style.top !== top) card.style.top = top;
  }

  /**
   * Scroll the wall (only the wall, not the page) so that `card` is visible.
   * @param {HTMLElement} card
   */
  function reveal(card) {
    const margin = 20;
    const x = card.offsetLeft * scale;
    const y = card.offsetTop * scale;
    const w = card.offsetWidth * scale;
    const hgt = card.offsetHeight * scale;
    if (x < viewport.scrollLeft) viewport.scrollLeft = x - margin;
    else if (x + w > viewport.scrollLeft + viewport.clientWidth) viewport.scrollLeft = x + w - viewport.clientWidth + margin;
    if (y < viewport.scrollTop) viewport.scrollTop = y - margin;
    else if (y + hgt > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = y + hgt - viewport.clientHeight + margin;
  }

  /** @param {string} id */
  function positionOf(id) {
    const note = last?.state.notes[id];
    return overrides.get(id) ?? (note ? { x: note.x, y: note.y } : null);
  }

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    for (const [id, override] of overrides) {
      if (!ctx.state.notes[id] || (override.settledSeq !== undefined && ctx.seq >= override.settledSeq)) overrides.delete(id);
    }
    const focusedCard = /** @type {HTMLElement|null} */ (document.activeElement?.closest?.('.note') ?? null);
    const focusedKey = focusedCard && surface.contains(focusedCard) ? focusedCard.dataset.key : null;
    reconcile(
      surface,
      notesInOrder(ctx.state),
      (note) => note.id,
      () => mountNoteCard({ mode: 'canvas', moveHintId: options.moveHintId }),
      (card, note) => {
        /** @type {any} */ (card).noteCard.update(cardContext(ctx.state, ctx.you, note));
        if (!drag || drag.id !== note.id) place(card, overrides.get(note.id) ?? note);
      },
    );
    // A note I just added may have been placed out of sight (by the server's grid): bring it into view.
    if (known) {
      for (const note of Object.values(ctx.state.notes)) {
        if (!known.has(note.id) && note.author === ctx.you.id) {
          const card = /** @type {HTMLElement|null} */ (surface.querySelector(`.note[data-key="${CSS.escape(note.id)}"]`));
          if (card) reveal(card);
        }
      }
    }
    known = new Set(Object.keys(ctx.state.notes));
    // The focused note was deleted by someone else: keep the focus in the wall rather than lose it.
    if (focusedKey && !ctx.state.notes[focusedKey]) viewport.focus();
  }

  /**
   * @param {string} id
   * @param {number} x
   * @param {number} y
   */
  function moveLocally(id, x, y) {
    const pos = { x: clampCoord(x), y: clampCoord(y) };
    overrides.set(id, pos);
    const card = /** @type {HTMLElement|null} */ (surface.querySelector(`.note[data-key="${CSS.escape(id)}"]`));
    if (card) place(card, pos);
    return pos;
  }

  // --- pointer ------------------------------------------------------------------------------
  surface.addEventListener('pointerdown', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const card = /** @type {HTMLElement|null} */ (target.closest('.note'));
    if (!card || card.dataset.movable !== 'true' || event.button !== 0) return;
    if (target.closest('button, textarea, input, select, a, label, form')) return;
    const id = card.dataset.key ?? '';
    const pos = positionOf(id);
    if (!pos) return;
    // No text selection while dragging; the card is focused by hand on a plain click (endDrag).
    event.preventDefault();
    drag = { id, card, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, origX: pos.x, origY: pos.y, moved: false };
    card.setPointerCapture(event.pointerId);
  });
  surface.addEventListener('pointermove', (event) => {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const dx = event.clientX - drag.startX;
    const dy = event.clientY - drag.startY;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < DRAG_THRESHOLD_PX) return;
    if (!drag.moved) {
      drag.moved = true;
      drag.card.classList.add('note--dragging');
    }
    moveLocally(drag.id, drag.origX + dx / scale, drag.origY + dy / scale);
  });
  /** @param {PointerEvent} event */
  function endDrag(event) {
    if (!drag || event.pointerId !== drag.pointerId) return;
    const { id, card, moved } = drag;
    drag = null;
    card.classList.remove('note--dragging');
    if (!moved) {
      card.focus();
      return;
    }
    if (event.type === 'pointercancel') {
      overrides.delete(id);
      if (last) update(last);
      return;
    }
    const pos = overrides.get(id);
    if (pos) emit(el, 'move-note', { id, x: pos.x, y: pos.y });
  }
  surface.addEventListener('pointerup', endDrag);
  surface.addEventListener('pointercancel', endDrag);

  // --- keyboard: focus a note, arrows move it by 20 units, Shift+arrows by 100 ------------------
  surface.addEventListener('keydown', (event) => {
    const card = /** @type {HTMLElement} */ (event.target);
    if (!card.classList?.contains('note') || card.dataset.movable !== 'true') return;
    const step = event.shiftKey ? KEY_STEP_LARGE : KEY_STEP;
    const deltas = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    const delta = deltas[/** @type {keyof typeof deltas} */ (event.key)];
    if (!delta || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    const id = card.dataset.key ?? '';
    const pos = positionOf(id);
    if (!pos) return;
    const next = moveLocally(id, pos.x + delta[0], pos.y + delta[1]);
    reveal(card);
    // Several presses in a row make one command, not one per press.
    clearTimeout(keyTimers.get(id));
    keyTimers.set(
      id,
      setTimeout(() => {
        keyTimers.delete(id);
        emit(el, 'move-note', { id, x: next.x, y: next.y });
      }, KEY_SEND_DELAY_MS),
    );
  });

  applyScale();

  return {
    update,
    /**
     * The server answered a move: keep the card where it is until the state catches up with the ack
     * (`seq`), or put it back if the move was refused (`seq` null).
     * @param {string} id
     * @param {number} x
     * @param {number} y
     * @param {number|null} seq
     */
    settleMove(id, x, y, seq) {
      const override = overrides.get(id);
      if (!override || override.x !== x || override.y !== y) return; // a newer move is on its way
      if (seq === null) overrides.delete(id);
      else override.settledSeq = seq;
      if (last) update(last);
    },
    /** @param {number} next */
    setScale(next) {
      scale = next;
      applyScale();
    },
    get scale() {
      return scale;
    },
    /**
     * Where a new note should go: the first free spot in what is visible (else anywhere on the
     * wall), so notes do not hide each other. Null when the wall is not displayed or has no room:
     * the server then lays the note out on its own grid.
     * @returns {{x: number, y: number}|null}
     */
    suggestPosition() {
      if (viewport.clientWidth === 0 || !last) return null;
      const taken = Object.values(last.state.notes).map((note) => overrides.get(note.id) ?? note);
      const free = (/** @type {number} */ x, /** @type {number} */ y) =>
        taken.every((r) => x + NOTE_WIDTH + GAP <= r.x || r.x + NOTE_WIDTH + GAP <= x || y + NOTE_HEIGHT + GAP <= r.y || r.y + NOTE_HEIGHT + GAP <= y);
      const snap = (/** @type {number} */ v) => Math.ceil(v / 20) * 20;
      const left = snap(viewport.scrollLeft / scale + 20);
      const top = snap(viewport.scrollTop / scale + 20);
      const right = Math.min(CANVAS_SIZE, (viewport.scrollLeft + viewport.clientWidth) / scale - NOTE_WIDTH);
      const bottom = Math.min(CANVAS_SIZE, (viewport.scrollTop + viewport.clientHeight) / scale - NOTE_HEIGHT);
      for (const [x0, y0, x1, y1] of [[left, top, right, bottom], [40, 40, CANVAS_SIZE - NOTE_WIDTH, CANVAS_SIZE - NOTE_HEIGHT]]) {
        for (let y = y0; y <= y1; y += 20) {
          for (let x = x0; x <= x1; x += 20) {
            if (free(x, y)) return { x: clampCoord(x), y: clampCoord(y) };
          }
        }
      }
      return null;
    },
    focus() {
      viewport.focus();
    },
  };
}

/**
 * The projector's wall: by section, sized to its region (notes-wall.js), behind the canvas's interface
 * so that the projector page mounts it as before.
 * @param {HTMLElement} el
 */
function projectorWall(el) {
  const wall = mountNotesWall(el, { mode: 'projector' });
  return {
    update: wall.update,
    settleMove() {},
    setScale() {},
    scale: 1,
    suggestPosition: () => null,
    focus: wall.focus,
  };
}
