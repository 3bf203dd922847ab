/** The cockpit's layout as data: for each phase, which tools the facilitator's column shows (in
 * that order) and what the live view beside it shows. The views render this table; no view asks
 * which phase it is in to decide whether to show itself. Pure, so `node --test` checks it. */

/** @typedef {import('./store.js').Phase} Phase */
/**
 * @typedef {'guide'|'question'|'questions'|'composer'|'personas'|'private'|'presenters'|'queue'
 *   |'votes'|'solutions'|'subgroups'|'spotlight'|'next_steps'} Tool
 * @typedef {'intro'|'wall'|'sharing'|'answers'} Live
 */

/** @type {Readonly<Record<Phase, {tools: readonly Tool[], live: Live}>>} */
export const COCKPIT = Object.freeze({
  // The goal, context and links as the room reads them, above the wall (proposals prepared ahead).
  intro: { tools: ['guide', 'question'], live: 'intro' },
  presentation: { tools: ['guide', 'question'], live: 'intro' },
  inspiration: { tools: ['guide', 'personas', 'questions', 'question', 'composer'], live: 'wall' },
  divergence: { tools: ['guide', 'questions', 'question', 'private', 'composer', 'personas'], live: 'wall' },
  // Convergence runs in steps, each tool in the order the method uses it: present three ideas
  // (speaking queue), vote, retain solutions, split into sub-groups.
  convergence: { tools: ['guide', 'presenters', 'queue', 'votes', 'solutions', 'subgroups', 'spotlight'], live: 'wall' },
  sharing: { tools: ['guide', 'subgroups', 'spotlight', 'queue'], live: 'sharing' },
  conclusion: { tools: ['guide', 'next_steps'], live: 'answers' },
});

/** Tools shown in any phase while their condition holds (a spotlight left on must stay clearable). */
/** @type {Readonly<Partial<Record<Tool, (state: import('./store.js').State) => boolean>>>} */
export const WHILE = Object.freeze({
  spotlight: (state) => Boolean(state.board.spotlight),
});

/**
 * The tools to show now, in order.
 * @param {import('./store.js').State} state
 * @returns {Tool[]}
 */
export function cockpitTools(state) {
  const phase = /** @type {Phase} */ (state.board.phase);
  const tools = [...(COCKPIT[phase]?.tools ?? ['guide'])];
  for (const [tool, holds] of Object.entries(WHILE)) {
    if (!tools.includes(/** @type {Tool} */ (tool)) && holds?.(state)) tools.push(/** @type {Tool} */ (tool));
  }
  return tools;
}

/**
 * What the live view shows now.
 * @param {import('./store.js').State} state
 * @returns {Live}
 */
export function cockpitLive(state) {
  const live = COCKPIT[/** @type {Phase} */ (state.board.phase)]?.live ?? 'wall';
  // Sharing shows the sheet being presented; with no sheet drafted there is only the wall to show.
  if (live === 'sharing' && Object.keys(state.sheets ?? {}).length === 0) return 'wall';
  return live;
}

/** The regions of the live view each kind shows, top to bottom. */
/** @type {Readonly<Record<Live, readonly string[]>>} */
export const LIVE_REGIONS = Object.freeze({
  intro: ['intro', 'wall'],
  wall: ['wall'],
  sharing: ['sharing'],
  answers: ['answers'],
});

/** The cockpit's tabs, in order; the first is the one a workshop runs from. */
export const TABS = Object.freeze(['live', 'prep', 'people', 'access', 'exports']);

