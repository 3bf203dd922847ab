/** Board state as this viewer sees it: the pure fold of protocol events (docs/protocol.md), and selectors. */

/** @typedef {'facilitator'|'co_facilitator'|'participant'} Role */
/** @typedef {'intro'|'presentation'|'inspiration'|'divergence'|'convergence'|'sharing'|'conclusion'} Phase */
/** @typedef {'yellow'|'pink'|'blue'|'green'|'orange'|'purple'} Color */
/** @typedef {{id: string, role: Role, view?: 'board'|'projector'}} You */
/** @typedef {{id: string, name: string, role: Role, organisation: string|null}} Participant */
/**
 * @typedef {{id: string, text: string, color: Color, x: number, y: number, author: string|null,
 *   for: string|null, phase: Phase, created_ms: number, private?: boolean, presented?: boolean,
 *   group?: string|null, question?: string, persona?: string|null, anonymous?: boolean}} Note
 */
/** @typedef {{status: 'stopped'|'running'|'paused', duration: number, ends_at_ms: number|null, remaining_ms: number}} Timer */
/**
 * @typedef {{code: string, title: string, language: string, phase: Phase,
 *   phases: {id: Phase, minutes: number, skipped?: boolean}[], locked: boolean, question: string,
 *   vote_budget: number, votes_revealed: boolean, status?: 'draft'|'open', settings?: Record<string, any>,
 *   phase_log?: {phase: Phase, started_ms: number, ended_ms: number|null}[], [key: string]: any}} Board
 */
/**
 * @typedef {{board: Board, timer: Timer, participants: Record<string, Participant>,
 *   notes: Record<string, Note>, votes: Record<string, number>, my_votes: Record<string, number>,
 *   [key: string]: any}} State  groups, solutions, sheets, remarks, subgroups, queue, closing, done, …
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
 * @param {State} state
 * @param {string} noteId
 * @returns {State} the note taken out of its group (if any)
 */
function ungroup(state, noteId) {
  const note = state.notes[noteId];
  const groupId = note?.group;
  if (!note || !groupId) return state;
  const groups = { ...(state.groups ?? {}) };
  const group = groups[groupId];
  if (group) groups[groupId] = { ...group, note_ids: group.note_ids.filter((id) => id !== noteId) };
  return { ...state, groups, notes: { ...state.notes, [noteId]: { ...note, group: null } } };
}

/**
 * @param {State} state
 * @param {string} groupId
 * @param {string} noteId
 * @returns {State}
 */
function groupAdd(state, groupId, noteId) {
  let next = ungroup(state, noteId);
  const group = next.groups?.[groupId];
  if (!group) return next;
  next = { ...next, groups: { ...next.groups, [groupId]: { ...group, note_ids: [...group.note_ids, noteId] } } };
  if (next.notes[noteId]) next = patchNote(next, noteId, { group: groupId });
  return next;
}

/**
 * @param {State} state
 * @param {string} key a top-level map of the state (groups, sheets, …)
 * @param {string} id
 * @param {any} value
 * @returns {State}
 */
function put(state, key, id, value) {
  return { ...state, [key]: { ...(state[key] ?? {}), [id]: value } };
}

const SHEET_FIELDS = ['name', 'objectives', 'description', 'lead', 'partners', 'targets', 'means', 'indicators'];

/**
 * Fold one event into the state, exactly as docs/protocol.md says (and as the tests' reference
 * client, tests/support/fold.py, does). Pure: returns a new state and leaves `state` untouched.
 * Throws on an event name it does not know.
 * @param {State} state
 * @param {You} you
 * @param {EventMessage} msg
 * @returns {State}
 */
export function applyEvent(state, you, msg) {
  const data = msg.data ?? {};
  switch (msg.name) {
    case 'participant.joined': {
      /** @type {State} */
      const next = { ...state, participants: { ...state.participants, [data.participant.id]: data.participant } };
      const kind = data.participant.organisation;
      // `organisations` is derived in the server's view: how many people came from each kind.
      if (kind) next.organisations = bump(state.organisations ?? {}, kind, 1);
      return next;
    }
    case 'participant.role_changed': {
      const participant = state.participants[data.id];
      if (!participant) return state;
      return { ...state, participants: { ...state.participants, [data.id]: { ...participant, role: data.role } } };
    }
    case 'link.created':
      return put(state, 'access_links', data.id, { kind: data.kind, by: data.by, at_ms: data.at_ms });
    case 'links.revoked': {
      const links = { ...(state.access_links ?? {}) };
      for (const id of data.ids) delete links[id];
      return { ...state, access_links: links };
    }
    case 'note.added':
      return { ...state, notes: { ...state.notes, [data.note.id]: data.note } };
    case 'note.edited':
      return patchNote(state, data.id, { text: data.text });
    case 'note.moved':
      return patchNote(state, data.id, { x: data.x, y: data.y });
    case 'note.recolored':
      return patchNote(state, data.id, { color: data.color });
    case 'note.deleted': {
      const next = ungroup(state, data.id);
      return {
        ...next,
        notes: without(next.notes, data.id),
        votes: without(next.votes, data.id),
        my_votes: without(next.my_votes, data.id),
      };
    }
    case 'vote.added':
    case 'vote.removed': {
      const delta = msg.name === 'vote.added' ? 1 : -1;
      const target = data.note_id ?? data.group_id;
      let next = state;
      if (seesTallies(state, you)) next = { ...next, votes: bump(next.votes, target, delta) };
      if (data.participant_id === you.id && !isProjector(you)) {
        next = { ...next, my_votes: bump(next.my_votes, target, delta) };
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
    case 'phase.changed': {
      /** @type {Partial<Board>} */
      const patch = { phase: data.phase };
      if (data.at_ms !== undefined && data.at_ms !== null) {
        const log = [...(state.board.phase_log ?? [])];
        const lastEntry = log[log.length - 1];
        if (lastEntry && lastEntry.ended_ms === null) log[log.length - 1] = { ...lastEntry, ended_ms: data.at_ms };
        log.push({ phase: data.phase, started_ms: data.at_ms, ended_ms: null });
        patch.phase_log = log;
        patch.ended_ms = null;
      }
      return { ...patchBoard(state, patch), timer: data.timer };
    }
    case 'timer.changed': {
      const log = state.board.phase_log ?? [];
      // The introduction, where every board begins, is timed from its first timer (domain/apply.py).
      if (typeof data.at_ms === 'number' && log.length === 0 && (state.board.ended_ms ?? null) === null) {
        return { ...patchBoard(state, { phase_log: [{ phase: state.board.phase, started_ms: data.at_ms, ended_ms: null }] }), timer: data.timer };
      }
      return { ...state, timer: data.timer };
    }
    case 'workshop.ended': {
      const log = [...(state.board.phase_log ?? [])];
      const lastEntry = log[log.length - 1];
      if (lastEntry && lastEntry.ended_ms === null) log[log.length - 1] = { ...lastEntry, ended_ms: data.at_ms };
      return patchBoard(state, { phase_log: log, ended_ms: data.at_ms });
    }
    case 'question.changed':
      return patchBoard(state, { question: data.text });
    case 'board.locked':
      return patchBoard(state, { locked: data.locked });
    case 'hidden':
      return state;

    // --- the rest of the method (rendered by other screens; folded so the state stays exact) ---
    case 'board.configured': {
      const { settings, ...changes } = data.changes ?? {};
      let next = patchBoard(state, settings ? { ...changes, settings: { ...(state.board.settings ?? {}), ...settings } } : changes);
      for (const [noteId, author] of Object.entries(data.authors ?? {})) {
        if (next.notes[noteId]) next = patchNote(next, noteId, { author, anonymous: false });
      }
      return next;
    }
    case 'agenda.changed':
      return patchBoard(state, { phases: data.phases });
    case 'board.opened':
      return patchBoard(state, { status: 'open' });
    case 'persona.dealt':
      return put(state, 'personas', data.participant_id, data.persona);
    case 'notes.revealed': {
      let next = state;
      for (const note of data.notes ?? []) {
        next = next.notes[note.id] ? patchNote(next, note.id, { private: false }) : { ...next, notes: { ...next.notes, [note.id]: note } };
      }
      return next;
    }
    case 'note.presented':
      return patchNote(state, data.id, { presented: data.presented });
    case 'queue.changed':
      return { ...state, queue: { entries: data.queue, speaker: data.speaker, timer: data.timer } };
    case 'group.created': {
      const group = data.group;
      let next = put(state, 'groups', group.id, { id: group.id, title: group.title, note_ids: [] });
      for (const noteId of group.note_ids ?? []) next = groupAdd(next, group.id, noteId);
      return next;
    }
    case 'group.added':
      return groupAdd(state, data.group_id, data.note_id);
    case 'group.removed':
      return ungroup(state, data.note_id);
    case 'group.renamed': {
      const group = state.groups?.[data.group_id];
      return group ? put(state, 'groups', group.id, { ...group, title: data.title }) : state;
    }
    case 'group.deleted': {
      const group = state.groups?.[data.group_id];
      if (!group) return state;
      /** @type {State} */
      let next = { ...state, groups: without(state.groups ?? {}, group.id) };
      for (const noteId of group.note_ids) if (next.notes[noteId]) next = patchNote(next, noteId, { group: null });
      return { ...next, votes: without(next.votes, group.id), my_votes: without(next.my_votes, group.id) };
    }
    case 'solution.retained': {
      const solution = data.solution;
      const fields = Object.fromEntries(SHEET_FIELDS.map((f) => [f, { text: '', version: 0, by: null }]));
      const next = put(state, 'solutions', solution.id, solution);
      return put(next, 'sheets', solution.sheet_id, { id: solution.sheet_id, solution_id: solution.id, fields, source_note_ids: [...(data.sources ?? [])] });
    }
    case 'solution.released': {
      const solution = state.solutions?.[data.solution_id];
      if (!solution) return state;
      const remarks = Object.fromEntries(Object.entries(state.remarks ?? {}).filter(([, r]) => r.sheet_id !== solution.sheet_id));
      const subgroups = Object.fromEntries(
        Object.entries(state.subgroups ?? {}).map(([id, g]) => [id, g.solution_id === solution.id ? { ...g, solution_id: null } : g]),
      );
      return {
        ...state,
        solutions: without(state.solutions, solution.id),
        sheets: without(state.sheets ?? {}, solution.sheet_id),
        remarks,
        subgroups,
      };
    }
    case 'subgroups.split':
      return { ...state, subgroup_mode: data.mode, subgroups: Object.fromEntries(data.subgroups.map((g) => [g.id, g])) };
    case 'subgroup.assigned': {
      const subgroups = Object.fromEntries(
        Object.entries(state.subgroups ?? {}).map(([id, g]) => [id, { ...g, members: g.members.filter((m) => m !== data.participant_id) }]),
      );
      const target = subgroups[data.subgroup_id];
      if (target) subgroups[data.subgroup_id] = { ...target, members: [...target.members, data.participant_id] };
      return { ...state, subgroups };
    }
    case 'subgroup.solution_set': {
      const group = state.subgroups?.[data.subgroup_id];
      return group ? put(state, 'subgroups', group.id, { ...group, solution_id: data.solution_id }) : state;
    }
    case 'sheet.edited': {
      const sheet = state.sheets?.[data.sheet_id];
      if (!sheet) return state;
      const field = { text: data.text, version: data.version, by: data.by };
      return put(state, 'sheets', sheet.id, { ...sheet, fields: { ...sheet.fields, [data.field]: field } });
    }
    case 'sheet.linked': {
      const sheet = state.sheets?.[data.sheet_id];
      return sheet ? put(state, 'sheets', sheet.id, { ...sheet, source_note_ids: [...sheet.source_note_ids, data.note_id] }) : state;
    }
    case 'remark.added':
      return put(state, 'remarks', data.remark.id, data.remark);
    case 'spotlight.changed':
      return patchBoard(state, { spotlight: data.spotlight });
    case 'closing.answered':
      return put(state, 'closing', data.answer.id, data.answer);
    case 'next_steps.changed':
      return patchBoard(state, { next_steps: data.text });
    case 'participant.done_changed': {
      const done = state.done?.[data.phase] ?? [];
      const has = done.includes(data.participant_id);
      let list = done;
      if (data.done && !has) list = [...done, data.participant_id];
      else if (!data.done && has) list = done.filter((id) => id !== data.participant_id);
      return { ...state, done: { ...(state.done ?? {}), [data.phase]: list } };
    }
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
  const counts = new Map(Object.entries(state.organisations ?? {}));
  if (!state.organisations) {
    for (const p of Object.values(state.participants)) {
      if (p.organisation) counts.set(p.organisation, (counts.get(p.organisation) ?? 0) + 1);
    }
  }
  return ORGANISATIONS.filter((kind) => counts.has(kind)).map((kind) => ({ kind, count: counts.get(kind) ?? 0 }));
}
