// Unit tests of the participant side of the rest of the method: the pure selectors of method.js
// (links, presenting, grouping, rankings with groups, sheets and who may edit them, co-editing
// without losing text, sharing, closing, spotlight) and the sentences of method-announce.js.
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { setCatalogue, t } from './i18n.js';
import { describeMethodEvent, spotlightText } from './method-announce.js';
import {
  CLOSING_QUESTIONS, REMARK_KINDS, SHEET_FIELDS, canEditSheet, canGroup, canPresent, closingByQuestion, fieldChange, filledCount,
  isDirty, myClosingAnswer, myQueueEntry, mySubgroup, normalizeText, presentedCount, rankingWithGroups, remarksByKind, safeUrl,
  sheetsToEdit, spotlight, spotlightSheet, ungroupedNotes,
} from './method.js';
import { applyEvent } from './store.js';

const here = dirname(fileURLToPath(import.meta.url));
/** @param {'fr'|'en'} lang */
const catalogue = (lang) => JSON.parse(readFileSync(join(here, '..', 'i18n', `${lang}.json`), 'utf8'));

const alice = { id: 'p_a', role: /** @type {const} */ ('participant') };
const bob = { id: 'p_b', role: /** @type {const} */ ('participant') };
const facilitator = { id: 'p_f', role: /** @type {const} */ ('facilitator') };
const projector = { id: 'p_f', role: /** @type {const} */ ('facilitator'), view: /** @type {const} */ ('projector') };

const note = (/** @type {string} */ id, author = 'p_a', extra = {}) => ({
  id, text: `idée ${id}`, color: 'yellow', x: 40, y: 40, author, for: null, phase: 'divergence', created_ms: 1000 + Number(id.slice(2)), group: null, ...extra,
});
const fields = (/** @type {Record<string, string>} */ texts = {}) =>
  Object.fromEntries(SHEET_FIELDS.map((f) => [f, { text: texts[f] ?? '', version: texts[f] ? 1 : 0, by: texts[f] ? 'p_a' : null }]));

/** @returns {any} */
function state(phase = 'convergence') {
  return {
    board: { code: 'ABCDEF', title: 'Atelier', language: 'fr', phase, phases: [], locked: false, question: '', vote_budget: 3, votes_revealed: false, spotlight: null, settings: {} },
    timer: { status: 'stopped', duration: 0, ends_at_ms: null, remaining_ms: 0 },
    participants: {
      p_f: { id: 'p_f', name: 'Animation', role: 'facilitator', organisation: null },
      p_a: { id: 'p_a', name: 'Alice', role: 'participant', organisation: 'ccas' },
      p_b: { id: 'p_b', name: 'Bob', role: 'participant', organisation: null },
    },
    notes: { n_1: note('n_1'), n_2: note('n_2', 'p_a', { group: 'g_1' }), n_3: note('n_3', 'p_b', { group: 'g_1' }), n_4: note('n_4', 'p_b') },
    votes: {}, my_votes: {}, organisations: { ccas: 1 }, personas: {},
    groups: { g_1: { id: 'g_1', title: 'Mobilité', note_ids: ['n_2', 'n_3'] } },
    solutions: { s_1: { id: 's_1', kind: 'group', source_id: 'g_1', title: 'Mobilité', sheet_id: 'f_1' }, s_2: { id: 's_2', kind: 'note', source_id: 'n_4', title: 'idée n_4', sheet_id: 'f_2' } },
    sheets: {
      f_1: { id: 'f_1', solution_id: 's_1', fields: fields({ name: 'Bus', objectives: ' ' }), source_note_ids: ['n_2', 'n_3'] },
      f_2: { id: 'f_2', solution_id: 's_2', fields: fields(), source_note_ids: ['n_4'] },
    },
    remarks: {}, subgroups: {}, subgroup_mode: null, queue: { entries: [], speaker: null, timer: null }, closing: {}, done: {},
  };
}

test('links: only http(s) URLs become links', () => {
  assert.equal(safeUrl('https://example.org/a?b=1'), 'https://example.org/a?b=1');
  assert.equal(safeUrl('http://example.org'), 'http://example.org/');
  assert.equal(safeUrl('javascript:alert(1)'), null);
  assert.equal(safeUrl('data:text/html,hi'), null);
  assert.equal(safeUrl('//example.org'), null);
  assert.equal(safeUrl('https://'), null);
  assert.equal(safeUrl(42), null);
});

test('presenting: own notes, in divergence and convergence, at most three counted', () => {
  const s = state('convergence');
  s.notes.n_1.presented = true;
  assert.equal(presentedCount(s, 'p_a'), 1);
  assert.equal(canPresent(s, alice, s.notes.n_1), true);
  assert.equal(canPresent(s, alice, s.notes.n_4), false, "someone else's note");
  assert.equal(canPresent(state('sharing'), alice, s.notes.n_1), false);
  assert.equal(canPresent({ ...s, board: { ...s.board, locked: true } }, alice, s.notes.n_1), false);
  assert.equal(canPresent(s, projector, s.notes.n_1), false);
});

test('grouping: anyone in convergence, facilitators always, never the projector', () => {
  assert.equal(canGroup(state('convergence'), alice), true);
  assert.equal(canGroup(state('divergence'), alice), false);
  assert.equal(canGroup(state('divergence'), facilitator), true);
  assert.equal(canGroup(state('convergence'), projector), false);
  assert.deepEqual(ungroupedNotes(state()).map((n) => n.id), ['n_1', 'n_4']);
});

test('results rank groups with notes; equal tallies share a rank', () => {
  const s = { ...state(), votes: { n_1: 1, g_1: 3, n_4: 1 } };
  const rows = rankingWithGroups(s);
  assert.deepEqual(rows.map((r) => [r.kind, r.id, r.rank]), [['group', 'g_1', 1], ['note', 'n_1', 2], ['note', 'n_4', 2]]);
});

test('sheets: a sub-group edits its own, anyone edits one no sub-group holds, facilitators all', () => {
  let s = state('convergence');
  assert.deepEqual(sheetsToEdit(s, alice).map((x) => x.id), ['f_1', 'f_2'], 'no sub-groups: every sheet');
  s = { ...s, subgroups: { sg_1: { id: 'sg_1', name: '1', members: ['p_a'], solution_id: 's_1' }, sg_2: { id: 'sg_2', name: '2', members: ['p_b'], solution_id: null } } };
  assert.deepEqual(sheetsToEdit(s, alice).map((x) => x.id), ['f_1', 'f_2']);
  assert.deepEqual(sheetsToEdit(s, bob).map((x) => x.id), ['f_2'], "f_1 is sub-group 1's");
  assert.deepEqual(sheetsToEdit(s, facilitator).map((x) => x.id), ['f_1', 'f_2']);
  assert.deepEqual(sheetsToEdit(s, projector), []);
  assert.equal(canEditSheet(s, alice, s.sheets.f_1), true);
  assert.equal(canEditSheet(s, bob, s.sheets.f_1), false);
  assert.equal(canEditSheet({ ...s, board: { ...s.board, phase: 'divergence' } }, alice, s.sheets.f_1), false);
  assert.equal(canEditSheet({ ...s, board: { ...s.board, phase: 'divergence' } }, facilitator, s.sheets.f_1), true);
  assert.equal(mySubgroup(s, 'p_b')?.id, 'sg_2');
  assert.equal(filledCount(s.sheets.f_1), 1, 'blank text does not count');
});

test('co-editing: my own edit coming back, theirs shown live, a conflict only when I have unsaved text', () => {
  const saved = { base: 1, baseText: 'Bus', draft: 'Bus', lastSent: null };
  assert.equal(fieldChange(saved, { text: 'Bus', version: 1, by: 'p_b' }, 'p_a'), 'keep');
  assert.equal(fieldChange(saved, { text: 'Bus itinérant', version: 2, by: 'p_b' }, 'p_a'), 'replace', 'nothing of mine unsaved');
  const typing = { base: 1, baseText: 'Bus', draft: 'Bus num', lastSent: null };
  assert.equal(isDirty(typing), true);
  assert.equal(fieldChange(typing, { text: 'Car', version: 2, by: 'p_b' }, 'p_a'), 'conflict');
  assert.equal(fieldChange(typing, { text: 'Bus num ', version: 2, by: 'p_b' }, 'p_a'), 'same', 'the server trims');
  const sent = { base: 1, baseText: 'Bus', draft: 'Bus numérique', lastSent: 'Bus num' };
  assert.equal(fieldChange(sent, { text: 'Bus num', version: 2, by: 'p_a' }, 'p_a'), 'own', 'still typing after a save');
  assert.equal(fieldChange(sent, { text: 'Bus num', version: 2, by: 'p_b' }, 'p_a'), 'conflict', 'same words, someone else');
  assert.equal(normalizeText(' a\u0007b \n'), 'ab');
});

test('sharing, closing, queue and spotlight selectors', () => {
  let s = state('sharing');
  s.subgroups = { sg_1: { id: 'sg_1', name: '1', members: ['p_a'], solution_id: 's_1' } };
  s.remarks = {
    r_2: { id: 'r_2', sheet_id: 'f_1', kind: 'for', text: 'b', author: 'p_b', created_ms: 2 },
    r_1: { id: 'r_1', sheet_id: 'f_1', kind: 'for', text: 'a', author: 'p_b', created_ms: 1 },
    r_3: { id: 'r_3', sheet_id: 'f_2', kind: 'against', text: 'c', author: 'p_b', created_ms: 3 },
  };
  const byKind = remarksByKind(s, 'f_1');
  assert.deepEqual(byKind.for.map((r) => r.id), ['r_1', 'r_2']);
  assert.deepEqual(byKind.against, []);
  assert.deepEqual(Object.keys(byKind), [...REMARK_KINDS]);
  s.closing = { c_1: { id: 'c_1', question: 'feeling', text: 'bien', author: null }, c_2: { id: 'c_2', question: 'feeling', text: 'ok', author: 'p_a' } };
  assert.deepEqual(Object.keys(closingByQuestion(s)), [...CLOSING_QUESTIONS]);
  assert.equal(closingByQuestion(s).feeling.length, 2);
  assert.equal(myClosingAnswer(s, 'p_a', 'feeling')?.id, 'c_2');
  s.queue = { entries: [{ id: 'q_1', participant: 'p_b', name: null }, { id: 'q_2', participant: 'p_a', name: null }], speaker: null, timer: null };
  assert.equal(myQueueEntry(s, 'p_a')?.id, 'q_2');
  assert.equal(spotlight(s), null);
  s = { ...s, board: { ...s.board, spotlight: { kind: 'subgroup', id: 'sg_1' } } };
  assert.equal(spotlightSheet(s)?.id, 'f_1', "a presenting sub-group shows its solution's sheet");
  s = { ...s, board: { ...s.board, spotlight: { kind: 'note', id: 'n_gone' } } };
  assert.equal(spotlight(s), null, 'a spotlight on something not visible shows nothing');
});

test('announcements of the method, in both languages', () => {
  for (const lang of /** @type {const} */ (['fr', 'en'])) {
    setCatalogue(lang, catalogue(lang));
    const before = state('convergence');
    const after = applyEvent(before, alice, { type: 'event', seq: 1, name: 'sheet.edited', data: { sheet_id: 'f_1', field: 'objectives', text: 'Aller vers', version: 1, by: 'p_b' } });
    const said = describeMethodEvent({ type: 'event', seq: 1, name: 'sheet.edited', data: { sheet_id: 'f_1', field: 'objectives', text: 'Aller vers', version: 1, by: 'p_b' } }, before, after, alice);
    assert.match(String(said), /Bob/);
    assert.match(String(said), lang === 'fr' ? /Objectifs/ : /Objectives/);
    // The same person typing on: said once, not at every pause.
    const again = describeMethodEvent({ type: 'event', seq: 2, name: 'sheet.edited', data: { sheet_id: 'f_1', field: 'objectives', text: 'Aller vers tous', version: 2, by: 'p_b' } }, after, after, alice);
    assert.equal(again, null);
    const spot = { ...before, board: { ...before.board, spotlight: { kind: 'group', id: 'g_1' } } };
    assert.match(spotlightText(spot), /Mobilité/);
    assert.equal(describeMethodEvent({ type: 'event', seq: 3, name: 'note.moved', data: {} }, before, before, alice), null);
  }
});

test('every method key built from a value exists in both catalogues', () => {
  for (const lang of /** @type {const} */ (['fr', 'en'])) {
    setCatalogue(lang, catalogue(lang));
    const keys = [
      ...SHEET_FIELDS.map((f) => `method.sheet.fields.${f}`),
      ...['saved', 'dirty', 'pending', 'conflict', 'error'].map((s) => `method.sheet.sync.${s}`),
      ...REMARK_KINDS.flatMap((k) => [`method.sharing.kinds.${k}`, `method.sharing.kinds_count.${k}`, `method.announce.remark.${k}`]),
      ...CLOSING_QUESTIONS.map((q) => `method.closing.fallback.${q}`),
    ];
    for (const key of keys) assert.notEqual(t(key, { count: 1 }), key, `${lang}: ${key}`);
  }
  assert.equal(t('method.sheet.completeness', { count: 5, max: 8 }), '5/8 fields filled in');
  setCatalogue('fr', catalogue('fr'));
  assert.equal(t('method.sheet.completeness', { count: 5, max: 8 }), '5/8 champs remplis');
});
