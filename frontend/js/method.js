/** Pure selectors for the rest of the method (personas, grouping, sub-groups, action sheets, sharing,
 * closing round, spotlight), and the rule that keeps a co-edited sheet field from losing anyone's text. */

import { isFacilitatorRole, isProjector, notesInOrder } from './store.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */
/** @typedef {import('./store.js').Note} Note */
/** @typedef {{id: string, title: string, note_ids: string[]}} Group */
/** @typedef {{id: string, kind: 'note'|'group', source_id: string, title: string, sheet_id: string}} Solution */
/** @typedef {{text: string, version: number, by: string|null}} SheetField */
/** @typedef {{id: string, solution_id: string, fields: Record<string, SheetField>, source_note_ids: string[]}} Sheet */
/** @typedef {{id: string, name: string, members: string[], solution_id: string|null}} Subgroup */

/** The eight fields of an action sheet, in the order of the guide. */
export const SHEET_FIELDS = /** @type {const} */ (['name', 'objectives', 'description', 'lead', 'partners', 'targets', 'means', 'indicators']);
export const CLOSING_QUESTIONS = /** @type {const} */ (['feeling', 'difficulty', 'learning', 'takeaway']);
export const REMARK_KINDS = /** @type {const} */ (['for', 'against', 'suggestion']);
export const MAX_PRESENTED = 3;
export const MAX_FIELD_TEXT = 4000;
export const MAX_GROUP_TITLE = 120;
/** Phases in which a sheet may be written by participants (docs/protocol.md, `sheet.edit`). */
export const SHEET_PHASES = ['convergence', 'sharing', 'conclusion'];

/**
 * A link the board may show: http(s) only, so that a `javascript:` or `data:` URL never becomes a link.
 * @param {unknown} url
 * @returns {string|null} the URL as given, or null when it must not be a link
 */
export function safeUrl(url) {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url.trim())) return null;
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * The server's clean-up of a text (control characters dropped, trimmed), to compare drafts with the state.
 * @param {string|null|undefined} text
 * @returns {string}
 */
export function normalizeText(text) {
  // eslint-disable-next-line no-control-regex
  return (text ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '').trim();
}

// --- divergence / convergence: presenting and grouping ------------------------------------------

/**
 * How many notes `authorId` presents (at most {@link MAX_PRESENTED}).
 * @param {State} state
 * @param {string} authorId
 */
export function presentedCount(state, authorId) {
  return Object.values(state.notes).filter((n) => n.author === authorId && n.presented).length;
}

/**
 * "Je présente cette idée": the author of the note, in divergence or convergence.
 * @param {State} state
 * @param {You} you
 * @param {Note} note
 */
export function canPresent(state, you, note) {
  if (isProjector(you) || note.author !== you.id) return false;
  if (isFacilitatorRole(you.role)) return true;
  return !state.board.locked && (state.board.phase === 'divergence' || state.board.phase === 'convergence');
}

/**
 * Grouping notes: anyone in convergence (participants while the board is not locked), facilitators always.
 * @param {State} state
 * @param {You} you
 */
export function canGroup(state, you) {
  if (isProjector(you)) return false;
  if (isFacilitatorRole(you.role)) return true;
  return !state.board.locked && state.board.phase === 'convergence';
}

/**
 * @param {State} state
 * @returns {Group[]} in creation order
 */
export function groupsInOrder(state) {
  return Object.values(state.groups ?? {});
}

/**
 * The notes of a group that this viewer can see, in the group's order.
 * @param {State} state
 * @param {Group} group
 * @returns {Note[]}
 */
export function groupNotes(state, group) {
  return group.note_ids.map((id) => state.notes[id]).filter((n) => n !== undefined);
}

/**
 * @param {State} state
 * @returns {Note[]} visible notes that are in no group, in creation order
 */
export function ungroupedNotes(state) {
  return notesInOrder(state).filter((n) => !n.group || !state.groups?.[n.group]);
}

/**
 * Notes and groups that received dots, most dots first; equal tallies share a rank.
 * @param {State} state
 * @returns {{kind: 'note'|'group', id: string, note: Note|null, group: Group|null, tally: number, rank: number}[]}
 */
export function rankingWithGroups(state) {
  /** @type {{kind: 'note'|'group', id: string, note: Note|null, group: Group|null, tally: number, rank: number}[]} */
  const rows = [];
  for (const note of notesInOrder(state)) {
    const tally = state.votes[note.id] ?? 0;
    if (tally > 0) rows.push({ kind: 'note', id: note.id, note, group: null, tally, rank: 0 });
  }
  for (const group of groupsInOrder(state)) {
    const tally = state.votes[group.id] ?? 0;
    if (tally > 0) rows.push({ kind: 'group', id: group.id, note: null, group, tally, rank: 0 });
  }
  // A stable sort keeps notes (oldest first) before groups at equal tallies.
  rows.sort((a, b) => b.tally - a.tally);
  rows.forEach((row, i) => {
    row.rank = i > 0 && rows[i - 1].tally === row.tally ? rows[i - 1].rank : i + 1;
  });
  return rows;
}

// --- sub-groups and action sheets ---------------------------------------------------------------

/**
 * @param {State} state
 * @param {string} participantId
 * @returns {Subgroup|null}
 */
export function mySubgroup(state, participantId) {
  return Object.values(state.subgroups ?? {}).find((g) => g.members.includes(participantId)) ?? null;
}

/**
 * @param {State} state
 * @returns {Subgroup[]} ordered by their name ("1", "2", …)
 */
export function subgroupsInOrder(state) {
  return Object.values(state.subgroups ?? {}).sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
}

/**
 * @param {State} state
 * @param {string|null|undefined} solutionId
 * @returns {Solution|null}
 */
export function solutionById(state, solutionId) {
  return (solutionId && state.solutions?.[solutionId]) || null;
}

/**
 * @param {State} state
 * @param {Sheet} sheet
 * @returns {Subgroup[]} the sub-groups that hold the sheet's solution
 */
export function sheetOwners(state, sheet) {
  return Object.values(state.subgroups ?? {}).filter((g) => g.solution_id === sheet.solution_id);
}

/**
 * Mirrors the server: facilitators edit any sheet; a participant edits their sub-group's, or any sheet
 * that no sub-group holds, in convergence, sharing and conclusion.
 * @param {State} state
 * @param {You} you
 * @param {Sheet} sheet
 */
export function canEditSheet(state, you, sheet) {
  if (isProjector(you)) return false;
  if (isFacilitatorRole(you.role)) return true;
  if (state.board.locked || !SHEET_PHASES.includes(state.board.phase)) return false;
  const owners = sheetOwners(state, sheet);
  return owners.length === 0 || owners.some((g) => g.members.includes(you.id));
}

/**
 * The sheets this viewer works on: all for facilitators; for a participant, their sub-group's sheet,
 * or every sheet no sub-group holds.
 * @param {State} state
 * @param {You} you
 * @returns {Sheet[]}
 */
export function sheetsToEdit(state, you) {
  if (isProjector(you)) return [];
  const sheets = /** @type {Sheet[]} */ (Object.values(state.sheets ?? {}));
  if (isFacilitatorRole(you.role)) return sheets;
  return sheets.filter((sheet) => {
    const owners = sheetOwners(state, sheet);
    return owners.length === 0 || owners.some((g) => g.members.includes(you.id));
  });
}

/**
 * @param {Sheet} sheet
 * @returns {number} how many of the eight fields hold text
 */
export function filledCount(sheet) {
  return SHEET_FIELDS.filter((f) => normalizeText(sheet.fields?.[f]?.text) !== '').length;
}

/**
 * @param {State} state
 * @param {Sheet} sheet
 * @returns {string} the title of the sheet's solution (or its action name once written)
 */
export function sheetTitle(state, sheet) {
  return normalizeText(sheet.fields?.name?.text) || solutionById(state, sheet.solution_id)?.title || '';
}

/**
 * The sheet shown in sharing: the spotlighted sheet, or the spotlighted sub-group's.
 * @param {State} state
 * @returns {Sheet|null}
 */
export function spotlightSheet(state) {
  const spot = state.board.spotlight;
  if (!spot) return null;
  if (spot.kind === 'sheet') return state.sheets?.[spot.id] ?? null;
  if (spot.kind === 'subgroup') {
    const solution = solutionById(state, state.subgroups?.[spot.id]?.solution_id);
    return solution ? (state.sheets?.[solution.sheet_id] ?? null) : null;
  }
  return null;
}

/**
 * The sub-group that holds a sheet, when exactly one does (to say "Sous-groupe 2 présente").
 * @param {State} state
 * @param {Sheet} sheet
 * @returns {Subgroup|null}
 */
export function presentingSubgroup(state, sheet) {
  const spot = state.board.spotlight;
  if (spot?.kind === 'subgroup') return state.subgroups?.[spot.id] ?? null;
  return sheetOwners(state, sheet)[0] ?? null;
}

/**
 * @param {State} state
 * @param {string} sheetId
 * @returns {Record<'for'|'against'|'suggestion', any[]>} remarks on the sheet by kind, oldest first
 */
export function remarksByKind(state, sheetId) {
  /** @type {Record<'for'|'against'|'suggestion', any[]>} */
  const out = { for: [], against: [], suggestion: [] };
  const remarks = Object.values(state.remarks ?? {}).filter((r) => r.sheet_id === sheetId);
  remarks.sort((a, b) => a.created_ms - b.created_ms);
  for (const remark of remarks) out[/** @type {'for'|'against'|'suggestion'} */ (remark.kind)]?.push(remark);
  return out;
}

// --- closing round, queue, done, spotlight ------------------------------------------------------

/**
 * @param {State} state
 * @returns {Record<string, any[]>} answers per closing question
 */
export function closingByQuestion(state) {
  /** @type {Record<string, any[]>} */
  const out = Object.fromEntries(CLOSING_QUESTIONS.map((q) => [q, []]));
  for (const answer of Object.values(state.closing ?? {})) out[answer.question]?.push(answer);
  return out;
}

/**
 * @param {State} state
 * @param {string} participantId
 * @param {string} question
 * @returns {any|null} my answer to that question
 */
export function myClosingAnswer(state, participantId, question) {
  return Object.values(state.closing ?? {}).find((a) => a.author === participantId && a.question === question) ?? null;
}

/**
 * @param {State} state
 * @param {string} participantId
 * @returns {{id: string, participant: string|null, name: string|null}|null}
 */
export function myQueueEntry(state, participantId) {
  return state.queue?.entries?.find((/** @type {any} */ e) => e.participant === participantId) ?? null;
}

/**
 * The name to say for a queue entry (someone in the room added by name, or a participant).
 * @param {State} state
 * @param {{participant: string|null, name: string|null}|null|undefined} entry
 */
export function queueName(state, entry) {
  if (!entry) return '';
  return entry.name || (entry.participant ? (state.participants[entry.participant]?.name ?? '') : '');
}

/**
 * @param {State} state
 * @param {string} participantId
 */
export function isDone(state, participantId) {
  return (state.done?.[state.board.phase] ?? []).includes(participantId);
}

/**
 * @param {State} state
 * @returns {number} participants who said they finished the current phase
 */
export function doneCount(state) {
  return (state.done?.[state.board.phase] ?? []).length;
}

/**
 * The element key of what the spotlight points at, and what it is.
 * @param {State} state
 * @returns {{kind: 'note'|'group'|'sheet'|'subgroup', id: string}|null}
 */
export function spotlight(state) {
  const spot = state.board.spotlight;
  if (!spot || !spot.kind || !spot.id) return null;
  const found = { note: state.notes, group: state.groups, sheet: state.sheets, subgroup: state.subgroups }[/** @type {'note'} */ (spot.kind)]?.[spot.id];
  return found ? { kind: spot.kind, id: spot.id } : null;
}

// --- co-editing one field -------------------------------------------------------------------------

/**
 * @typedef {Object} FieldDraft one person's copy of a sheet field
 * @property {number} base the server version the draft starts from
 * @property {string} baseText the server's text at `base`
 * @property {string} draft what is in the text area
 * @property {string|null} lastSent the last text sent, until its event comes back
 */

/**
 * @param {FieldDraft} local
 * @returns {boolean} the draft holds text the server has not accepted
 */
export function isDirty(local) {
  return normalizeText(local.draft) !== normalizeText(local.baseText);
}

/**
 * What to do when the server's copy of a field changes, so that no text is ever silently lost:
 * - `keep`: nothing new (an older or the same version);
 * - `own`: it is my own edit coming back: move the base, keep typing;
 * - `same`: someone wrote exactly my draft: move the base;
 * - `replace`: I have no unsaved change: show their text;
 * - `conflict`: I have unsaved text and they changed the field: show both and let me choose.
 * @param {FieldDraft} local
 * @param {SheetField} remote
 * @param {string} youId
 * @returns {'keep'|'own'|'same'|'replace'|'conflict'}
 */
export function fieldChange(local, remote, youId) {
  if (remote.version <= local.base) return 'keep';
  if (remote.by === youId && local.lastSent !== null && normalizeText(remote.text) === normalizeText(local.lastSent)) return 'own';
  if (normalizeText(remote.text) === normalizeText(local.draft)) return 'same';
  if (!isDirty(local)) return 'replace';
  return 'conflict';
}
