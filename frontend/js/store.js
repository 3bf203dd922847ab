/** Board state as this viewer sees it: the pure fold of protocol events (docs/protocol.md), and selectors. */

/** @typedef {'facilitator'|'co_facilitator'|'participant'} Role */
/** @typedef {'intro'|'presentation'|'inspiration'|'divergence'|'convergence'|'sharing'|'conclusion'} Phase */
/** @typedef {'yellow'|'pink'|'blue'|'green'|'orange'|'purple'} Color */
/** @typedef {{id: string, role: Role, view?: 'board'|'projector'}} You */
/** @typedef {{id: string, name: string, role: Role, organisation: string|null}} Participant */
/**
 * @typedef {{id: string, text: string, color: Color, x: number, y: number, author: string,
 *   for: string|null, phase: Phase, created_ms: number}} Note
 */
/** @typedef {{status: 'stopped'|'running'|'paused', duration: number, ends_at_ms: number|null, remaining_ms: number}} Timer */
/**
 * @typedef {{code: string, title: string, language: string, phase: Phase,
 *   phases: {id: Phase, minutes: number}[], locked: boolean, question: string,
 *   vote_budget: number, votes_revealed: boolean}} Board
 */
/**
 * @typedef {{board: Board, timer: Timer, participants: Record<string, Participant>,
 *   notes: Record<string, Note>, votes: Record<string, number>, my_votes: Record<string, number>}} State
 */
/** @typedef {{type: 'event', seq: number, name: string, data: Record<string, any>}} EventMessage */

/** @type {readonly Phase[]} */
export const PHASES = ['intro', 'presentation', 'inspiration', 'divergence', 'convergence', 'sharing', 'conclusion'];
/** @type {readonly Color[]} */
export const COLORS = ['yellow', 'pink', 'blue', 'green', 'orange', 'purple'];
export const ORGANISATIONS = [
  'commune', 'departement', 'ccas', 'social', 'library', 'training',
  'association', 'mediation', 'telecom', 'public_service', 'france_services', 'other',
];
export const WRITING_PHASES = ['inspiration', 'divergence'];
export const MOVING_PHASES = ['inspiration', 'divergence', 'convergence'];
export const VOTING_PHASE = 'convergence';
export const CANVAS_SIZE = 4000;
export const MAX_NOTE_TEXT = 500;
export const MAX_QUESTION = 300;
export const MAX_NAME = 60;
export const MAX_TITLE = 120;

/**
 * @param {string|undefined|null} role
 * @returns {boolean}
 */
export function isFacilitatorRole(role) {
  return role === 'facilitator' || role === 'co_facilitator';
}

/**
 * A projector connection sees what participants see, whatever the token's role.
 * @param {You} you
 */
export function isProjector(you) {
  return you.view === 'projector';
}

/**
 * Facilitators (not on a projector) see tallies at all times; everyone once votes are revealed.
 * @param {State} state
 * @param {You} you
 */
export function seesTallies(state, you) {
  return state.board.votes_revealed || (isFacilitatorRole(you.role) && !isProjector(you));
}

/**
 * @param {Record<string, number>} counts
 * @param {string} key
 * @param {number} delta
 * @returns {Record<string, number>} a copy; entries that reach 0 are removed
 */
function bump(counts, key, delta) {
  const next = { ...counts };
  const value = (next[key] ?? 0) + delta;
  if (value > 0) next[key] = value;
  else delete next[key];
  return next;
}

/**
 * @param {Record<string, any>} record
 * @param {string} key
 */
function without(record, key) {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

/**
 * @param {State} state
 * @param {string} id
 * @param {Partial<Note>} patch
 * @returns {State}
 */
function patchNote(state, id, patch) {
  const note = state.notes[id];
  if (!note) return state;
  return { ...state, notes: { ...state.notes, [id]: { ...note, ...patch } } };
}

/**
 * @param {State} state
 * @param {Partial<Board>} patch
 * @returns {State}
 */
function patchBoard(state, patch) {
  return { ...state, board: { ...state.board, ...patch } };
}

/**
 * Fold one event into the state, exactly as docs/protocol.md says. Pure: returns a new state and
 * leaves `state` untouched. Throws on an event name it does not know.
 * @param {State} state
 * @param {You} you
 * @param {EventMessage} msg
 * @returns {State}
 */
export function applyEvent(state, you, msg) {
  const data = msg.data ?? {};
  switch (msg.name) {
    case 'participant.joined':
      return { ...state, participants: { ...state.participants, [data.participant.id]: data.participant } };
    case 'participant.role_changed': {
      const participant = state.participants[data.id];
      if (!participant) return state;
      return { ...state, participants: { ...state.participants, [data.id]: { ...participant, role: data.role } } };
    }
    case 'note.added':
      return { ...state, notes: { ...state.notes, [data.note.id]: data.note } };
    case 'note.edited':
      return patchNote(state, data.id, { text: data.text });
    case 'note.moved':
      return patchNote(state, data.id, { x: data.x, y: data.y });
    case 'note.recolored':
      return patchNote(state, data.id, { color: data.color });
    case 'note.deleted':
      return {
        ...state,
        notes: without(state.notes, data.id),
        votes: without(state.votes, data.id),
        my_votes: without(state.my_votes, data.id),
      };
    case 'vote.added':
    case 'vote.removed': {
      const delta = msg.name === 'vote.added' ? 1 : -1;
      let next = state;
      if (seesTallies(state, you)) next = { ...next, votes: bump(next.votes, data.note_id, delta) };
      if (data.participant_id === you.id && !isProjector(you)) {
        next = { ...next, my_votes: bump(next.my_votes, data.note_id, delta) };
      }
      return next;
    }
    case 'votes.configured':
      return patchBoard(state, { vote_budget: data.budget });
    case 'votes.revealed': {
      const keep = !data.revealed && isFacilitatorRole(you.role) && !isProjector(you);
      return {
        ...patchBoard(state, { votes_revealed: data.revealed }),
        votes: keep ? state.votes : { ...(data.votes ?? {}) },
      };
    }
    case 'phase.changed':
      return { ...patchBoard(state, { phase: data.phase }), timer: data.timer };
    case 'timer.changed':
      return { ...state, timer: data.timer };
    case 'question.changed':
      return patchBoard(state, { question: data.text });
    case 'board.locked':
      return patchBoard(state, { locked: data.locked });
    case 'hidden':
      return state;
    default:
      throw new Error(`unknown event: ${msg.name}`);
  }
}

// --- selectors --------------------------------------------------------------------------------

/**
 * Remaining time of the timer, given the offset between the server's clock and this one.
 * @param {Timer} timer
 * @param {number} offsetMs server time − local time, from the welcome's `server_time_ms`
 * @param {number} [nowMs] local clock
 * @returns {number}
 */
export function remainingMs(timer, offsetMs, nowMs = Date.now()) {
  if (timer.status === 'running' && timer.ends_at_ms !== null && timer.ends_at_ms !== undefined) {
    return Math.max(0, timer.ends_at_ms - (nowMs + offsetMs));
  }
  return Math.max(0, timer.remaining_ms ?? 0);
}

/**
 * "mm:ss", or "h:mm:ss" past an hour; seconds are rounded up so 0:00 shows only when time is up.
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, '0')}:${ss}`;
  return `${String(minutes).padStart(2, '0')}:${ss}`;
}

/** @param {State} state */
export function votesUsed(state) {
  return Object.values(state.my_votes).reduce((sum, n) => sum + n, 0);
}

/**
 * My remaining dots: the budget minus the dots I placed.
 * @param {State} state
 */
export function votesLeft(state) {
  return Math.max(0, state.board.vote_budget - votesUsed(state));
}

/**
 * @param {State} state
 * @param {Phase} phase
 * @returns {number}
 */
export function phaseMinutes(state, phase) {
  return state.board.phases.find((p) => p.id === phase)?.minutes ?? 0;
}

/**
 * May this viewer add notes now? (Participants in inspiration/divergence when not locked;
 * facilitators always.)
 * @param {State} state
 * @param {You} you
 */
export function canWrite(state, you) {
  if (isProjector(you)) return false;
  if (isFacilitatorRole(you.role)) return true;
  return !state.board.locked && WRITING_PHASES.includes(state.board.phase);
}

/**
 * Edit, recolour, delete.
 * @param {State} state
 * @param {You} you
 * @param {Note} note
 */
export function canEditNote(state, you, note) {
  if (isProjector(you)) return false;
  if (isFacilitatorRole(you.role)) return true;
  return note.author === you.id && !state.board.locked && WRITING_PHASES.includes(state.board.phase);
}

/**
 * @param {State} state
 * @param {You} you
 * @param {Note} note
 */
export function canMoveNote(state, you, note) {
  if (isProjector(you)) return false;
  if (isFacilitatorRole(you.role)) return true;
  return note.author === you.id && !state.board.locked && MOVING_PHASES.includes(state.board.phase);
}

/**
 * Anyone votes in convergence (facilitators too), participants only when the board is not locked.
 * @param {State} state
 * @param {You} you
 */
export function canVote(state, you) {
  if (isProjector(you)) return false;
  if (state.board.phase !== VOTING_PHASE) return false;
  return isFacilitatorRole(you.role) || !state.board.locked;
}

/**
 * Notes in creation order (stable: new notes go last).
 * @param {State} state
 * @returns {Note[]}
 */
export function notesInOrder(state) {
  return Object.values(state.notes).sort((a, b) => a.created_ms - b.created_ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * Notes that received dots, most dots first (ties: older first).
 * @param {State} state
 * @returns {{note: Note, tally: number, rank: number}[]}
 */
export function ranking(state) {
  const rows = notesInOrder(state)
    .map((note) => ({ note, tally: state.votes[note.id] ?? 0, rank: 0 }))
    .filter((row) => row.tally > 0)
    .sort((a, b) => b.tally - a.tally);
  // Equal tallies share a rank ("1, 2, 2, 4"), as a facilitator would read them out.
  rows.forEach((row, i) => {
    row.rank = i > 0 && rows[i - 1].tally === row.tally ? rows[i - 1].rank : i + 1;
  });
  return rows;
}

/**
 * @param {number} value
 * @returns {number} an integer within the canvas
 */
export function clampCoord(value) {
  return Math.min(CANVAS_SIZE, Math.max(0, Math.round(value)));
}

/**
 * Organisation kinds present among participants, with how many people came from each.
 * @param {State} state
 * @returns {{kind: string, count: number}[]}
 */
export function organisationsPresent(state) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const p of Object.values(state.participants)) {
    if (p.organisation) counts.set(p.organisation, (counts.get(p.organisation) ?? 0) + 1);
  }
  return ORGANISATIONS.filter((kind) => counts.has(kind)).map((kind) => ({ kind, count: counts.get(kind) ?? 0 }));
}
