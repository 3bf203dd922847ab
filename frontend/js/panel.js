/** Pure helpers of the control panel's method screens: agenda clock, next phase, rankings, sub-group
 * progress, stored credentials. No DOM here, so `node --test` checks them (panel.test.mjs). */

import { PHASES, isFacilitatorRole } from './store.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').Phase} Phase */
/** @typedef {{id: Phase, minutes: number, skipped?: boolean}} AgendaPhase */
/**
 * @typedef {{id: Phase, plannedMs: number, actualMs: number, skipped: boolean, current: boolean,
 *   visited: boolean, over: boolean}} AgendaRow
 */

export const SHEET_FIELD_COUNT = 8;
export const MAX_PREPARED_QUESTIONS = 30;
export const MAX_LINKS = 20;
export const EXPORTS = Object.freeze({
  report: ['report.pdf', 'report.md', 'report.odt', 'report.html'],
  sheets: ['sheets.pdf', 'sheets.odt', 'sheets.docx', 'sheets.md'],
  notes: ['notes.csv', 'notes.xlsx'],
  board: ['board.json'],
});
export const PROGRAMME_EXPORTS = Object.freeze(['sheets.pdf', 'sheets.odt', 'sheets.docx', 'sheets.md']);

/**
 * The board's agenda in phase order, every phase present (a missing one takes 0 minutes).
 * @param {AgendaPhase[]|undefined} phases
 * @returns {{id: Phase, minutes: number, skipped: boolean}[]}
 */
export function normalizeAgenda(phases) {
  const byId = new Map((phases ?? []).map((p) => [p.id, p]));
  return PHASES.map((id) => ({ id, minutes: Math.max(0, Math.round(Number(byId.get(id)?.minutes ?? 0)) || 0), skipped: Boolean(byId.get(id)?.skipped) }));
}

/**
 * The phase "Phase suivante" goes to: the next one after `current` that is not marked skipped, or
 * null at the end of the agenda.
 * @param {AgendaPhase[]|undefined} phases
 * @param {string} current
 * @returns {Phase|null}
 */
export function nextPhase(phases, current) {
  const agenda = normalizeAgenda(phases);
  const index = PHASES.indexOf(/** @type {Phase} */ (current));
  for (let i = index + 1; i < agenda.length; i += 1) {
    if (!agenda[i].skipped) return agenda[i].id;
  }
  return null;
}

/**
 * The agenda as run: planned minutes against the time actually spent in each phase, from
 * `board.phase_log`. A phase visited twice adds up both visits; the running one counts up to `nowMs`
 * (the server's clock: local time + offset).
 * @param {State} state
 * @param {number} nowMs server time
 * @returns {AgendaRow[]}
 */
export function agendaClock(state, nowMs) {
  const agenda = normalizeAgenda(state.board.phases);
  /** @type {Map<string, number>} */
  const spent = new Map();
  for (const entry of state.board.phase_log ?? []) {
    const end = entry.ended_ms ?? nowMs;
    const ms = Math.max(0, end - entry.started_ms);
    spent.set(entry.phase, (spent.get(entry.phase) ?? 0) + ms);
  }
  return agenda.map((p) => {
    const plannedMs = p.skipped ? 0 : p.minutes * 60_000;
    const actualMs = spent.get(p.id) ?? 0;
    return {
      id: p.id,
      plannedMs,
      actualMs,
      skipped: p.skipped,
      current: state.board.phase === p.id,
      visited: spent.has(p.id),
      over: actualMs > plannedMs && spent.has(p.id),
    };
  });
}

/**
 * Totals of the agenda clock: minutes planned (skipped phases excluded) and time elapsed since the
 * first phase started.
 * @param {AgendaRow[]} rows
 * @returns {{plannedMs: number, elapsedMs: number, started: boolean}}
 */
export function agendaTotals(rows) {
  return {
    plannedMs: rows.reduce((sum, r) => sum + r.plannedMs, 0),
    elapsedMs: rows.reduce((sum, r) => sum + r.actualMs, 0),
    started: rows.some((r) => r.visited),
  };
}

/**
 * Whole minutes for a duration, rounded down ("12 min" while 12:59 is spent).
 * @param {number} ms
 */
export function wholeMinutes(ms) {
  return Math.floor(Math.max(0, ms) / 60_000);
}

/**
 * The people who take part (not the facilitators), by name.
 * @param {State} state
 */
export function participantsOnly(state) {
  return Object.values(state.participants)
    .filter((p) => !isFacilitatorRole(p.role))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * "7/12 ont terminé": participants who said they are done in `phase`, out of all participants.
 * @param {State} state
 * @param {string} phase
 * @returns {{done: number, total: number}}
 */
export function doneCount(state, phase) {
  const people = new Set(participantsOnly(state).map((p) => p.id));
  const done = (state.done?.[phase] ?? []).filter((id) => people.has(id)).length;
  return { done, total: people.size };
}

/**
 * How many of their own notes each author has marked as presented (at most 3).
 * @param {State} state
 * @returns {Map<string, number>}
 */
export function presentedCounts(state) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const note of Object.values(state.notes)) {
    if (note.presented && note.author) counts.set(note.author, (counts.get(note.author) ?? 0) + 1);
  }
  return counts;
}

/**
 * @typedef {{kind: 'note'|'group', id: string, title: string, tally: number, rank: number,
 *   solutionId: string|null, private: boolean, grouped: boolean}} RankedItem
 */

/**
 * Notes and groups ranked by dots (ties: groups first, then older first), with the solution each one
 * already is. Notes inside a group stay listed: a facilitator may retain a note on its own.
 * @param {State} state
 * @returns {RankedItem[]}
 */
export function rankedItems(state) {
  /** @type {Map<string, string>} */
  const solutionOf = new Map(Object.values(state.solutions ?? {}).map((s) => [s.source_id, s.id]));
  const votes = state.votes ?? {};
  /** @type {(RankedItem & {order: number})[]} */
  const items = [];
  Object.values(state.groups ?? {}).forEach((g, i) => {
    items.push({ kind: 'group', id: g.id, title: g.title, tally: votes[g.id] ?? 0, rank: 0, solutionId: solutionOf.get(g.id) ?? null, private: false, grouped: false, order: i });
  });
  const notes = Object.values(state.notes).sort((a, b) => a.created_ms - b.created_ms || (a.id < b.id ? -1 : 1));
  notes.forEach((n, i) => {
    items.push({
      kind: 'note', id: n.id, title: n.text, tally: votes[n.id] ?? 0, rank: 0, solutionId: solutionOf.get(n.id) ?? null,
      private: Boolean(n.private), grouped: Boolean(n.group), order: 100_000 + i,
    });
  });
  items.sort((a, b) => b.tally - a.tally || a.order - b.order);
  items.forEach((item, i) => {
    item.rank = i > 0 && items[i - 1].tally === item.tally ? items[i - 1].rank : i + 1;
  });
  return items.map(({ order, ...item }) => item);
}

/**
 * @param {State} state
 * @returns {{retained: number, target: number}}
 */
export function solutionsProgress(state) {
  return { retained: Object.keys(state.solutions ?? {}).length, target: state.board.settings?.solutions_target ?? 3 };
}

/**
 * How many of the eight fields of an action sheet hold text.
 * @param {{fields?: Record<string, {text: string}>}|null|undefined} sheet
 */
export function sheetCompleteness(sheet) {
  if (!sheet?.fields) return 0;
  return Object.values(sheet.fields).filter((f) => (f?.text ?? '').trim() !== '').length;
}

/**
 * The fields of `after` that differ from `before` (to note when and by whom a sheet was last edited).
 * @param {{fields?: Record<string, {text: string, version: number, by: string|null}>}|undefined} before
 * @param {{fields?: Record<string, {text: string, version: number, by: string|null}>}} after
 * @returns {{field: string, by: string|null}[]}
 */
export function changedFields(before, after) {
  const out = [];
  for (const [name, field] of Object.entries(after.fields ?? {})) {
    if ((before?.fields?.[name]?.version ?? 0) !== field.version) out.push({ field: name, by: field.by });
  }
  return out;
}

/**
 * Remarks on one sheet, counted per kind.
 * @param {State} state
 * @param {string} sheetId
 * @returns {{for: number, against: number, suggestion: number}}
 */
export function remarkCounts(state, sheetId) {
  const counts = { for: 0, against: 0, suggestion: 0 };
  for (const remark of Object.values(state.remarks ?? {})) {
    if (remark.sheet_id === sheetId && remark.kind in counts) counts[/** @type {'for'} */ (remark.kind)] += 1;
  }
  return counts;
}

/**
 * The sub-group each person is in (null when in none).
 * @param {State} state
 * @returns {Map<string, string>}
 */
export function subgroupOf(state) {
  /** @type {Map<string, string>} */
  const map = new Map();
  for (const g of Object.values(state.subgroups ?? {})) for (const id of g.members) map.set(id, g.id);
  return map;
}

/**
 * Sub-groups in a stable order: by their name as a number ("1", "2", … "10"), then by id.
 * @param {State} state
 */
export function subgroupsInOrder(state) {
  return Object.values(state.subgroups ?? {}).sort(
    (a, b) => (Number(a.name) || 0) - (Number(b.name) || 0) || String(a.name).localeCompare(String(b.name)) || (a.id < b.id ? -1 : 1),
  );
}

/**
 * Closing answers grouped by question, in the order of `questions`.
 * @param {State} state
 * @param {string[]} questions ids (feeling, difficulty, learning, takeaway)
 * @returns {Map<string, {id: string, text: string, author: string|null}[]>}
 */
export function closingByQuestion(state, questions) {
  /** @type {Map<string, {id: string, text: string, author: string|null}[]>} */
  const out = new Map(questions.map((q) => [q, []]));
  for (const answer of Object.values(state.closing ?? {})) {
    if (!out.has(answer.question)) out.set(answer.question, []);
    out.get(answer.question)?.push(answer);
  }
  return out;
}

/**
 * A copy of `list` with the item at `index` moved by `delta` (−1 up, +1 down); unchanged at the ends.
 * @template T
 * @param {T[]} list
 * @param {number} index
 * @param {number} delta
 * @returns {T[]}
 */
export function moveItem(list, index, delta) {
  const target = index + delta;
  if (index < 0 || index >= list.length || target < 0 || target >= list.length) return [...list];
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(target, 0, item);
  return next;
}

/**
 * The server accepts http(s) links without spaces, at most 500 characters.
 * @param {string} url
 */
export function isValidLink(url) {
  return url.length <= 500 && /^https?:\/\/[^\s]+$/.test(url);
}

/**
 * Facilitator credentials kept on this device (`atelier:board:{CODE}`), by code.
 * @param {{length: number, key: (i: number) => string|null, getItem: (k: string) => string|null}|undefined|null} storage
 * @returns {{code: string, token: string}[]}
 */
export function storedFacilitatorBoards(storage) {
  const out = [];
  if (!storage) return out;
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    const match = key ? /^atelier:board:([A-Z0-9]{6})$/.exec(key) : null;
    if (!match || !key) continue;
    try {
      const value = JSON.parse(storage.getItem(key) ?? 'null');
      if (typeof value?.token === 'string' && isFacilitatorRole(value.role)) out.push({ code: match[1], token: value.token });
    } catch {
      // not ours, or damaged: skip it
    }
  }
  return out.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** @param {string} id */
export function programmeKey(id) {
  return `atelier:programme:${id}`;
}

/**
 * Programmes created on this device (`atelier:programme:{id}` → {token, title, boards}).
 * @param {{length: number, key: (i: number) => string|null, getItem: (k: string) => string|null}|undefined|null} storage
 * @returns {{id: string, token: string, title: string, boards: string[]}[]}
 */
export function storedProgrammes(storage) {
  const out = [];
  if (!storage) return out;
  for (let i = 0; i < storage.length; i += 1) {
    const key = storage.key(i);
    const match = key ? /^atelier:programme:(.+)$/.exec(key) : null;
    if (!match || !key) continue;
    try {
      const value = JSON.parse(storage.getItem(key) ?? 'null');
      if (typeof value?.token === 'string') {
        out.push({ id: match[1], token: value.token, title: String(value.title ?? ''), boards: Array.isArray(value.boards) ? value.boards.map(String) : [] });
      }
    } catch {
      // skip damaged entries
    }
  }
  return out.sort((a, b) => a.title.localeCompare(b.title) || (a.id < b.id ? -1 : 1));
}

/**
 * The file name a download gets: the server's Content-Disposition, else one built from the code.
 * @param {string|null} disposition
 * @param {string} fallback
 */
export function downloadName(disposition, fallback) {
  const match = /filename="?([^";]+)"?/i.exec(disposition ?? '');
  return match ? match[1] : fallback;
}
