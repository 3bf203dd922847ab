/** The wall by sections: notes under the question they answer, or under their group once grouped;
 * cards of one width in a grid, so no card ever covers another; an event touches only the cards it
 * changed. The projector's wall is the same, sized to fill its region without measuring cards. */

import { h, reconcile, setAttr, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, t } from '../i18n.js';
import { groupsInOrder } from '../method.js';
import { selection } from '../selection.js';
import { notesInOrder } from '../store.js';
import { cardContext, mountNoteCard } from './note-card.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {import('../store.js').You} You */
/** @typedef {import('../store.js').Note} Note */
/** @typedef {{state: State, you: You}} Context */
/** @typedef {{key: string, kind: 'group'|'question', title: string, notes: Note[]}} Section */

/**
 * The wall's sections, in order: one per group (its notes in the group's order), then the notes in
 * no group by the question they answer (questions in the order they were first answered). Pure.
 * @param {State} state
 * @param {Note[]} [notes] the notes to lay out (default: all, in creation order)
 * @returns {Section[]}
 */
export function wallSections(state, notes = notesInOrder(state)) {
  const groups = state.groups ?? {};
  /** @type {Map<string, Note[]>} */
  const grouped = new Map();
  /** @type {Map<string, Note[]>} */
  const byQuestion = new Map();
  for (const note of notes) {
    const group = note.group && groups[note.group] ? note.group : null;
    const map = group ? grouped : byQuestion;
    const key = group ?? note.question ?? '';
    const list = map.get(key);
    if (list) list.push(note);
    else map.set(key, [note]);
  }
  /** @type {Section[]} */
  const sections = [];
  for (const group of groupsInOrder(state)) {
    const members = grouped.get(group.id);
    if (!members) continue;
    // The group's own order (as the grouping list shows it), for the notes being laid out.
    const rank = new Map(group.note_ids.map((id, i) => [id, i]));
    members.sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
    sections.push({ key: `g:${group.id}`, kind: 'group', title: group.title, notes: members });
  }
  for (const [question, members] of byQuestion) sections.push({ key: `q:${question}`, kind: 'question', title: question, notes: members });
  return sections;
}

/**
 * Whether the sections need headings: not for a single section of notes that answer no question.
 * @param {Section[]} sections
 */
function headed(sections) {
  return !(sections.length === 1 && sections[0].kind === 'question' && sections[0].title === '');
}

// --- the projector's fit: a model of the wall in `em` of the card text, no DOM measured ------------
// Matches .note--projector and .wall--projector in notes-canvas.css.
const P_CARD_W = 13.5;
const P_CARD_H = 9.4;
const P_CARD_H_COMPACT = 5.8;
const P_TALLY_H = 1.5; // the tally's line, once votes are revealed
const P_GAP = 0.5;
const P_HEAD_FONT = 1.15; // heading type, relative to the cards'
const P_HEAD_LINE = 1.25;
const P_HEAD_MARGIN = 0.7; // below and above a heading, in card em
const P_WINDOW_LINE = 1.9; // the "most recent N of M" line
const P_CHAR_W = 0.56; // average width of a heading's character, bold, in its em (the check below catches more)
// 17 px cards put the author's line (0.85 em) at 14.45 px: nothing under 14 px at 1920 × 1080. A
// smaller beamer signal shows the same picture on the same wall, so the floor follows its width
// (but never under 12 px).
export const PROJECTOR_FONT_MIN = 17;
export const PROJECTOR_FONT_MAX = 30;

/** @param {number} screenWidth the page's width in CSS px */
export function projectorFontFloor(screenWidth) {
  return Math.max(12, Math.min(PROJECTOR_FONT_MIN, (PROJECTOR_FONT_MIN * screenWidth) / 1920));
}

/**
 * How many card columns the projector's region holds at card type `f`.
 * @param {number} f
 * @param {number} width
 */
export function projectorColumns(f, width) {
  return Math.max(1, Math.floor((width + P_GAP * f) / ((P_CARD_W + P_GAP) * f)));
}

/**
 * Height (px) the projector's wall takes at card type `f` in a region `width` px wide. Sections sit
 * side by side while they fit in a row ("shelves"), each as wide as its cards need, so a question
 * with two notes does not take a whole row.
 * @param {Section[]} sections
 * @param {boolean} withHeadings
 * @param {boolean} windowed
 * @param {number} f
 * @param {number} width
 * @param {number} [cardH] a card's height, in em
 */
export function projectorHeight(sections, withHeadings, windowed, f, width, cardH = P_CARD_H) {
  const cols = projectorColumns(f, width);
  let height = windowed ? P_WINDOW_LINE * f : 0;
  let used = 0;
  let shelf = 0;
  for (const section of sections) {
    const span = Math.min(section.notes.length, cols);
    let own = Math.ceil(section.notes.length / cols) * (cardH + P_GAP) * f;
    if (withHeadings) {
      const chars = section.title.length + 12; // the count beside it
      const sectionWidth = span * (P_CARD_W + P_GAP) * f - P_GAP * f;
      const lines = Math.max(1, Math.ceil((chars * P_CHAR_W * P_HEAD_FONT * f) / sectionWidth));
      own += lines * P_HEAD_LINE * P_HEAD_FONT * f + P_HEAD_MARGIN * f;
    }
    if (used + span > cols) {
      height += shelf;
      used = 0;
      shelf = 0;
    }
    used += span;
    shelf = Math.max(shelf, own);
  }
  return height + shelf;
}

/**
 * How the projector shows `notes` in a region: the card type's size and the cards' size class (full:
 * six lines of text; compact: three), as large as fits; when even compact cards at the smallest
 * readable type cannot hold them all, how many of the most recent notes fit. Pure.
 * @param {State} state
 * @param {Note[]} notes in creation order
 * @param {number} width
 * @param {number} height
 * @param {number} [floor] the smallest card type, px
 * @returns {{font: number, shown: number, compact: boolean}}
 */
export function projectorFit(state, notes, width, height, floor = PROJECTOR_FONT_MIN) {
  if (notes.length === 0 || width <= 0 || height <= 0) return { font: PROJECTOR_FONT_MAX, shown: notes.length, compact: false };
  const all = wallSections(state, notes);
  const withHeadings = headed(all);
  const revealed = Boolean(state.board.votes_revealed);
  for (const compact of [false, true]) {
    const cardH = cardHeight(compact, revealed);
    if (projectorHeight(all, withHeadings, false, floor, width, cardH) > height) continue;
    let lo = floor;
    let hi = PROJECTOR_FONT_MAX;
    for (let i = 0; i < 16; i += 1) {
      const mid = (lo + hi) / 2;
      if (projectorHeight(all, withHeadings, false, mid, width, cardH) <= height) lo = mid;
      else hi = mid;
    }
    return { font: Math.floor(lo * 2) / 2, shown: notes.length, compact };
  }
  // Windowed: the most recent notes that fit at the floor (the whole wall is on everyone's own screen).
  const cardH = cardHeight(true, revealed);
  let lo = 0;
  let hi = notes.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const part = wallSections(state, notes.slice(notes.length - mid));
    if (projectorHeight(part, headed(part), true, floor, width, cardH) <= height) lo = mid;
    else hi = mid - 1;
  }
  return { font: floor, shown: Math.max(1, lo), compact: true };
}

/**
 * @param {boolean} compact
 * @param {boolean} revealed the tally's line shows
 */
function cardHeight(compact, revealed) {
  return (compact ? P_CARD_H_COMPACT : P_CARD_H) + (revealed ? P_TALLY_H : 0);
}

/**
 * @param {HTMLElement} el
 * @param {{mode?: 'board'|'projector', labelKey?: string}} [options]
 */
export function mountNotesWall(el, options = {}) {
  const projector = options.mode === 'projector';
  el.classList.add('wall', projector ? 'wall--projector' : 'wall--board');
  // The projector's region keeps the canvas classes its page lays out (projector.css).
  if (projector) el.classList.add('canvas', 'canvas--projector');
  const windowLine = h('p', { class: 'wall__window', 'data-testid': 'wall-window', hidden: true });
  const sectionsEl = h('div', { class: 'wall__sections' });
  const surface = h('div', { class: 'wall__surface' }, windowLine, sectionsEl);
  // On a screen one works at, the wall scrolls in its own region, focusable so the keyboard scrolls it.
  const viewport = projector
    ? h('div', { class: 'wall__viewport' }, surface)
    : h('div', { class: 'wall__viewport', role: 'region', tabindex: 0, 'data-testid': 'wall', i18nAttrs: { 'aria-label': options.labelKey ?? 'canvas.label' } }, surface);
  el.append(viewport);

  /** @type {Context|null} */
  let last = null;
  /** @type {any[]} what every card depends on besides its own note */
  let globals = [];
  /** @type {State['notes']|null} */
  let sectionsFor = null;
  /** @type {State['groups']|null} */
  let sectionsGroups = null;
  /** @type {Note[]} */
  let ordered = [];
  /** @type {Map<string, number>} presented notes by author, counted with `ordered` */
  let presentedBy = new Map();
  let dirtyAll = true;
  // Projector fit: the region's size, read only when it changes; the font and window derived from it.
  let regionW = 0;
  let regionH = 0;
  let fitScale = 1; // lowered when the model under-estimated (a heading longer than thought)
  let font = 0;
  let compact = false;
  let columns = 1;
  let shown = Infinity;
  let structure = '';
  let checkQueued = false;

  // Selecting notes or new templates re-render with the same state: every card then looks again.
  selection.subscribe(() => {
    dirtyAll = true;
  });

  /**
   * @param {HTMLElement} item
   * @param {Note} note
   * @param {boolean} full
   */
  function updateItem(item, note, full) {
    const card = /** @type {any} */ (item.firstElementChild);
    // A card also shows how many ideas its author presented (the fourth says why it cannot be):
    // that count changes with the author's other notes, so it is part of what the card depends on.
    const presented = note.author ? (presentedBy.get(note.author) ?? 0) : 0;
    if (!full && card.noteCard.note === note && card.noteCard.presented === presented) return;
    card.noteCard.note = note;
    card.noteCard.presented = presented;
    if (!last) return;
    const ctx = cardContext(last.state, last.you, note);
    if (projector) ctx.compact = compact;
    card.noteCard.update(ctx);
  }

  function createItem() {
    return h('li', { class: 'wall__item' }, mountNoteCard({ mode: projector ? 'projector' : 'wall' }));
  }

  function createSection() {
    const headingId = uid('wall-heading');
    const title = h('span', { class: 'wall__title' });
    const count = h('span', { class: 'wall__count' });
    const heading = h('h3', { id: headingId, class: 'wall__heading', 'data-testid': 'wall-heading' }, title, ' ', count);
    const list = h('ul', { class: 'wall__cards', role: 'list', 'aria-labelledby': headingId });
    const section = h('section', { class: 'wall__section', 'data-testid': 'wall-section' }, heading, list);
    /** @type {any} */ (section).refs = { heading, title, count, list, ids: /** @type {string[]|null} */ (null) };
    return section;
  }

  /**
   * Bring a section's cards in line with its notes. The common cases (nothing moved, one note more at
   * the end) touch only the cards that changed; anything else is a keyed reconcile.
   * @param {HTMLElement} sectionEl
   * @param {Section} section
   * @param {boolean} withHeadings
   * @param {boolean} full
   */
  function updateSection(sectionEl, section, withHeadings, full) {
    const r = /** @type {any} */ (sectionEl).refs;
    setHidden(r.heading, !withHeadings);
    const untitled = section.kind === 'question' && section.title === '';
    setText(r.title, untitled ? t('wall.no_question') : section.title);
    setText(r.count, t('wall.count', { count: section.notes.length }));
    sectionEl.dataset.kind = section.kind;
    // Projector: a section is as wide as its cards need, so that small ones share a row.
    if (projector) sectionEl.style.width = `${Math.min(section.notes.length, columns) * (P_CARD_W + P_GAP) - P_GAP}em`;
    /** @type {string[]|null} */
    const before = r.ids;
    const ids = section.notes.map((n) => n.id);
    r.ids = ids;
    const list = /** @type {HTMLElement} */ (r.list);
    const same = before !== null && before.length <= ids.length && before.every((id, i) => id === ids[i]) && list.children.length === before.length;
    if (!same) {
      reconcile(list, section.notes, (n) => n.id, createItem, (item, note) => updateItem(item, note, full));
      return;
    }
    const items = list.children;
    for (let i = 0; i < before.length; i += 1) updateItem(/** @type {HTMLElement} */ (items[i]), section.notes[i], full);
    for (let i = before.length; i < ids.length; i += 1) {
      const item = createItem();
      item.dataset.key = ids[i];
      updateItem(item, section.notes[i], true);
      list.append(item);
    }
  }

  /** @param {Context} ctx */
  function update(ctx) {
    if (projector && (regionW <= 0 || regionH <= 0)) {
      // The region is not measured yet (its page places it after this update) or is hidden: the fit
      // cannot know how many notes it holds, and would lay out every note of the board (2,000 cards
      // built, then dropped a frame later but one: most of the projector's first paint at 2,000
      // notes). The ResizeObserver measures it after the layout that places it, before that frame is
      // painted, and renders then (the same context again: every card is drawn).
      last = ctx;
      return;
    }
    const { state, you } = ctx;
    const nextGlobals = [state.board, state.participants, state.votes, state.my_votes, state.groups, you, currentLanguage()];
    // The same context again means something outside it changed (selection, templates, language).
    let full = dirtyAll || ctx === last || nextGlobals.some((value, i) => value !== globals[i]);
    globals = nextGlobals;
    dirtyAll = false;
    last = ctx;
    if (sectionsFor !== state.notes || sectionsGroups !== state.groups) {
      ordered = notesInOrder(state);
      presentedBy = new Map();
      for (const n of ordered) if (n.presented && n.author) presentedBy.set(n.author, (presentedBy.get(n.author) ?? 0) + 1);
      sectionsFor = state.notes;
      sectionsGroups = state.groups;
    }
    let notes = ordered;
    if (projector) {
      const fit = projectorFit(state, ordered, regionW, regionH * fitScale, projectorFontFloor(window.innerWidth));
      shown = fit.shown;
      if (fit.compact !== compact) {
        compact = fit.compact;
        el.classList.toggle('wall--compact', compact);
        full = true; // every card's size class changed
      }
      if (fit.font !== font) {
        font = fit.font;
        surface.style.fontSize = `${font}px`;
      }
      columns = projectorColumns(font, regionW);
      if (shown < ordered.length) notes = ordered.slice(ordered.length - shown);
      setHidden(windowLine, shown >= ordered.length);
      setText(windowLine, shown < ordered.length ? t('wall.window', { shown, count: ordered.length }) : '');
    }
    const sections = wallSections(state, notes);
    const withHeadings = headed(sections);
    const focusedCard = /** @type {HTMLElement|null} */ (document.activeElement?.closest?.('.note') ?? null);
    const focusedId = focusedCard && sectionsEl.contains(focusedCard) ? focusedCard.dataset.noteId : null;
    reconcile(sectionsEl, sections, (s) => s.key, createSection, (sectionEl, section) => updateSection(sectionEl, section, withHeadings, full));
    // The focused note was deleted (or hidden) by someone else: keep the keyboard in the wall.
    if (focusedId && !focusedCard?.isConnected && !projector) viewport.focus();
    if (projector) {
      const next = `${font}|${compact}|${sections.map((x) => x.notes.length).join(',')}|${regionW}x${regionH}|${sections.map((s) => s.key).join('\u0001')}|${withHeadings}|${shown < ordered.length}`;
      if (next !== structure) {
        structure = next;
        queueCheck();
      }
    }
  }

  // The model is generous but cannot know every heading's real length: once per change of font,
  // region or sections, one frame checks the wall really fits, and shrinks the model if not.
  function queueCheck() {
    if (checkQueued) return;
    checkQueued = true;
    requestAnimationFrame(() => {
      checkQueued = false;
      if (!last || regionH === 0) return;
      if (surface.scrollHeight > viewport.clientHeight + 1 || surface.scrollWidth > viewport.clientWidth + 1) {
        if (fitScale > 0.5) {
          fitScale *= 0.94;
          update(last);
        }
      }
    });
  }

  if (projector) {
    new ResizeObserver(() => {
      const w = viewport.clientWidth;
      const hgt = viewport.clientHeight;
      if (w === regionW && hgt === regionH) return;
      regionW = w;
      regionH = hgt;
      fitScale = 1;
      if (last) update(last);
    }).observe(viewport);
  }

  return {
    update,
    /** Remove every card (the wall is not displayed: one view of the notes at a time). */
    clear() {
      sectionsEl.replaceChildren();
      dirtyAll = true;
    },
    focus() {
      viewport.focus();
    },
  };
}
