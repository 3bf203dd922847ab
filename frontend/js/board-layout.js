/** The participant's page, phase by phase: which regions it shows, in what order, and which are folded.
 *
 * One table, read by board.js; the views render what they are given and never ask which phase it is to
 * decide where they stand. A phone is held in one hand: what the step asks of the participant comes first
 * (the note box in divergence, the dots in convergence, the remark in sharing, the closing round in the
 * conclusion), what they cannot use now is not there, and what earlier phases left folds behind a button. */

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */

/**
 * The regions of the page, by the id of their element in board.html.
 * @typedef {'spotlight'|'intro'|'persona'|'composer'|'vote-status'|'notes'|'grouping'|'results'|'subgroup'|'sheets'|'sharing'|'queue'|'closing'|'next-steps'} Region
 */

/**
 * `show`: open; `fold`: behind a button that says what it holds (closed again when the step changes).
 * A region not listed for a step is not on the page in that step.
 * @typedef {'show'|'fold'} Mode
 */

/**
 * `notes`: which notes the notes region lists — `phase`: the current phase's (the others behind a
 * button), `all`: every note the participant may see.
 * `question`: whether the facilitator's question stays at the top (false once the ideas are in: sharing
 * and the conclusion do not answer it, and on a phone it would take the first screen's room).
 * @typedef {{regions: [Region, Mode][], notes: 'phase'|'all', question?: false}} Step
 */

/** @type {Record<string, Step>} */
export const LAYOUT = {
  intro: { notes: 'all', regions: [['intro', 'show'], ['spotlight', 'show']] },
  presentation: { notes: 'all', regions: [['intro', 'show'], ['spotlight', 'show']] },
  inspiration: {
    notes: 'phase',
    // The box first; the persona right under it (the box's tick-box already names it).
    regions: [['composer', 'show'], ['persona', 'show'], ['spotlight', 'show'], ['notes', 'show'], ['intro', 'show']],
  },
  divergence: {
    notes: 'phase',
    regions: [['composer', 'show'], ['spotlight', 'show'], ['notes', 'show'], ['persona', 'fold'], ['intro', 'show']],
  },
  // Convergence, before any solution is retained: present one's ideas, cast the dots, group.
  convergence: {
    notes: 'all',
    regions: [
      ['spotlight', 'show'], ['vote-status', 'show'], ['notes', 'show'], ['queue', 'show'], ['results', 'show'],
      ['grouping', 'fold'], ['intro', 'show'],
    ],
  },
  // Convergence, once solutions are retained: each sub-group drafts its action sheet.
  'convergence-sheets': {
    notes: 'all',
    regions: [
      ['sheets', 'show'], ['subgroup', 'show'], ['spotlight', 'show'], ['queue', 'fold'], ['results', 'fold'],
      ['notes', 'fold'], ['intro', 'show'],
    ],
  },
  sharing: {
    notes: 'all',
    question: false,
    regions: [
      ['sharing', 'show'], ['queue', 'show'], ['spotlight', 'fold'], ['subgroup', 'show'], ['sheets', 'fold'],
      ['results', 'fold'], ['notes', 'fold'], ['intro', 'show'],
    ],
  },
  conclusion: {
    notes: 'all',
    question: false,
    regions: [['closing', 'show'], ['next-steps', 'show'], ['spotlight', 'show'], ['results', 'fold'], ['sheets', 'fold'], ['notes', 'fold'], ['intro', 'show']],
  },
  // The facilitator ended the workshop: what it produced, to read.
  ended: {
    notes: 'all',
    question: false,
    regions: [['next-steps', 'show'], ['closing', 'show'], ['results', 'fold'], ['sheets', 'fold'], ['notes', 'fold'], ['intro', 'show']],
  },
};

/**
 * Which step of the table the board is in.
 * @param {State} state
 * @returns {keyof typeof LAYOUT}
 */
export function boardStep(state) {
  if (state.board.ended_ms !== null && state.board.ended_ms !== undefined) return 'ended';
  const phase = state.board.phase;
  if (phase === 'convergence' && Object.keys(state.solutions ?? {}).length > 0) return 'convergence-sheets';
  return phase in LAYOUT ? /** @type {keyof typeof LAYOUT} */ (phase) : 'intro';
}
