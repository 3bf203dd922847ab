/** What the projector shows at each step of the workshop: one table, read by the projector page.
 * A step is a phase or one of its moments (joining, a speaker, a vote running, the reveal, a group
 * presenting, the closing round, the next steps). Each step names its regions in priority order:
 * `main` fills most of the screen, `side` share a narrower column, lower priority further down.
 * Where the wall shows, its sections are headed by the question their notes answer, so the page
 * leaves out the `question` region once the wall holds notes of the phase. */

import { spotlight, spotlightSheet } from './method.js';

/** @typedef {import('./store.js').State} State */

/**
 * Every region the projector can show. `join` is the room code and QR code at full size; the header
 * always carries them small, so the room can join at any time. `clock` is the phase's timer in large
 * type (`timer`: the header shows it small).
 * @typedef {'join'|'clock'|'organisations'|'intro'|'agenda'|'question'|'personas'|'progress'|'wall'|'spotlight'|'speaker'|'votes'|'results'|'solutions'|'sheet'|'remarks'|'closing'|'next_steps'} Region
 */

/** @typedef {{main: Region[], side: Region[], join: 'large'|'small', timer: boolean}} Layout */

/** @type {Readonly<Record<string, Layout>>} */
export const LAYOUT = Object.freeze({
  // Introduction: people are still arriving; the code and QR come first.
  joining: { main: ['join'], side: ['intro'], join: 'large', timer: false },
  presentation: { main: ['intro'], side: ['agenda', 'organisations'], join: 'small', timer: true },
  inspiration: { main: ['question', 'wall'], side: ['personas', 'progress'], join: 'small', timer: true },
  // Private writing: how far the room is, never what it writes.
  writing: { main: ['question', 'clock'], side: ['progress'], join: 'small', timer: false },
  wall: { main: ['question', 'progress', 'wall'], side: [], join: 'small', timer: true },
  spotlight: { main: ['spotlight'], side: ['question'], join: 'small', timer: true },
  speaker: { main: ['speaker'], side: ['question'], join: 'small', timer: false },
  voting: { main: ['votes', 'wall'], side: [], join: 'small', timer: true },
  reveal: { main: ['results'], side: [], join: 'small', timer: false },
  subgroups: { main: ['solutions'], side: ['results'], join: 'small', timer: true },
  sharing: { main: ['solutions'], side: ['question'], join: 'small', timer: true },
  presenting: { main: ['sheet'], side: ['remarks'], join: 'small', timer: true },
  closing: { main: ['closing'], side: ['organisations'], join: 'small', timer: true },
  next_steps: { main: ['next_steps', 'closing'], side: [], join: 'small', timer: false },
});

/**
 * The step the workshop is at, as the projector sees it (the public view).
 * @param {State} state
 * @returns {keyof typeof LAYOUT}
 */
export function projectorStep(state) {
  const board = state.board;
  const spot = spotlight(state);
  switch (board.phase) {
    case 'intro':
      return 'joining';
    case 'presentation':
      return 'presentation';
    case 'inspiration':
      return spot ? 'spotlight' : 'inspiration';
    case 'divergence': {
      if (spot) return 'spotlight';
      // While writing is private the projector receives no note of this phase.
      const shown = Object.values(state.notes).some((n) => n.phase === 'divergence');
      return board.settings?.private_writing === false || shown ? 'wall' : 'writing';
    }
    case 'convergence':
      if (spot) return 'spotlight';
      if (state.queue?.speaker) return 'speaker';
      if (Object.keys(state.subgroups ?? {}).length > 0) return 'subgroups';
      if (board.votes_revealed) return 'reveal';
      return 'voting';
    case 'sharing':
      return spotlightSheet(state) ? 'presenting' : spot ? 'spotlight' : 'sharing';
    case 'conclusion':
      return String(board.next_steps ?? '').trim() ? 'next_steps' : 'closing';
    default:
      throw new Error(`unknown phase ${board.phase}`);
  }
}

/**
 * @param {State} state
 * @returns {Layout & {step: string}}
 */
export function projectorLayout(state) {
  const step = projectorStep(state);
  return { step, ...LAYOUT[step] };
}
