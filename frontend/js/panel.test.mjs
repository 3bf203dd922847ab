// The control panel's pure helpers (agenda clock, next phase, rankings, sub-group progress, stored
// credentials) and its catalogue keys: run with `node --test frontend/js/`.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import {
  agendaClock,
  agendaTotals,
  changedFields,
  closingByQuestion,
  doneCount,
  downloadName,
  isValidLink,
  moveItem,
  nextPhase,
  normalizeAgenda,
  presentedCounts,
  rankedItems,
  remarkCounts,
  sheetCompleteness,
  solutionsProgress,
  storedFacilitatorBoards,
  storedProgrammes,
  subgroupOf,
  subgroupsInOrder,
  wholeMinutes,
} from './panel.js';

const here = dirname(fileURLToPath(import.meta.url));
const MIN = 60_000;

const AGENDA = [
  { id: 'intro', minutes: 5 },
  { id: 'presentation', minutes: 10 },
  { id: 'inspiration', minutes: 15 },
  { id: 'divergence', minutes: 30 },
  { id: 'convergence', minutes: 40 },
  { id: 'sharing', minutes: 15 },
  { id: 'conclusion', minutes: 5 },
];

function state(overrides = {}) {
  return {
    board: { code: 'ABCDEF', title: 'T', language: 'fr', phase: 'intro', phases: AGENDA, locked: false, question: '', vote_budget: 3, votes_revealed: false, settings: { solutions_target: 3 }, phase_log: [], ...(overrides.board ?? {}) },
    timer: { status: 'stopped', duration: 0, ends_at_ms: null, remaining_ms: 0 },
    participants: {
      p_f: { id: 'p_f', name: 'Fanny', role: 'facilitator', organisation: null },
      p_a: { id: 'p_a', name: 'Alice', role: 'participant', organisation: 'ccas' },
      p_b: { id: 'p_b', name: 'Bruno', role: 'participant', organisation: null },
      p_c: { id: 'p_c', name: 'Chloé', role: 'co_facilitator', organisation: null },
    },
    notes: {},
    votes: {},
    my_votes: {},
    ...Object.fromEntries(Object.entries(overrides).filter(([k]) => k !== 'board')),
  };
}

function note(id, extra = {}) {
  return { id, text: `text ${id}`, color: 'yellow', x: 0, y: 0, author: 'p_a', for: null, phase: 'divergence', created_ms: Number(id.replace(/\D/g, '')) || 0, ...extra };
}

// --- agenda ------------------------------------------------------------------------------------

test('normalizeAgenda keeps the seven phases in order, whatever it is given', () => {
  const agenda = normalizeAgenda([{ id: 'sharing', minutes: 12, skipped: true }, { id: 'intro', minutes: 3 }]);
  assert.deepEqual(agenda.map((p) => p.id), ['intro', 'presentation', 'inspiration', 'divergence', 'convergence', 'sharing', 'conclusion']);
  assert.deepEqual(agenda[0], { id: 'intro', minutes: 3, skipped: false });
  assert.deepEqual(agenda[5], { id: 'sharing', minutes: 12, skipped: true });
  assert.equal(agenda[1].minutes, 0);
});

test('nextPhase passes over skipped phases and ends with null', () => {
  const phases = AGENDA.map((p) => ({ ...p, skipped: p.id === 'presentation' || p.id === 'inspiration' }));
  assert.equal(nextPhase(phases, 'intro'), 'divergence');
  assert.equal(nextPhase(phases, 'divergence'), 'convergence');
  assert.equal(nextPhase(AGENDA, 'intro'), 'presentation');
  assert.equal(nextPhase(AGENDA, 'conclusion'), null);
  const tailSkipped = AGENDA.map((p) => ({ ...p, skipped: p.id === 'sharing' || p.id === 'conclusion' }));
  assert.equal(nextPhase(tailSkipped, 'convergence'), null);
});

test('agendaClock: planned against actual, visits added up, the running phase counts up to now', () => {
  const t0 = 1_764_000_000_000;
  const s = state({
    board: {
      phase: 'divergence',
      phases: AGENDA.map((p) => ({ ...p, skipped: p.id === 'presentation' })),
      phase_log: [
        { phase: 'intro', started_ms: t0, ended_ms: t0 + 4 * MIN },
        { phase: 'inspiration', started_ms: t0 + 4 * MIN, ended_ms: t0 + 20 * MIN },
        { phase: 'intro', started_ms: t0 + 20 * MIN, ended_ms: t0 + 22 * MIN },
        { phase: 'divergence', started_ms: t0 + 22 * MIN, ended_ms: null },
      ],
    },
  });
  const rows = agendaClock(s, t0 + 30 * MIN + 15_000);
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  assert.equal(by.intro.actualMs, 6 * MIN, 'two visits of the intro add up');
  assert.equal(by.intro.over, true, '6 min spent for 5 planned');
  assert.equal(by.inspiration.actualMs, 16 * MIN);
  assert.equal(by.inspiration.over, true);
  assert.equal(by.divergence.actualMs, 8 * MIN + 15_000, 'the running phase counts up to now');
  assert.equal(by.divergence.current, true);
  assert.equal(by.divergence.over, false);
  assert.equal(by.presentation.plannedMs, 0, 'a skipped phase plans nothing');
  assert.equal(by.presentation.skipped, true);
  assert.equal(by.presentation.visited, false);
  assert.equal(by.convergence.actualMs, 0);
  assert.equal(by.convergence.over, false, 'a phase not reached is never over time');
  const totals = agendaTotals(rows);
  assert.equal(totals.plannedMs, (120 - 10) * MIN);
  assert.equal(totals.elapsedMs, 30 * MIN + 15_000);
  assert.equal(totals.started, true);
  assert.equal(wholeMinutes(totals.elapsedMs), 30);
});

test('agendaClock before the first phase change: nothing visited, the whole plan ahead', () => {
  const rows = agendaClock(state(), 5);
  assert.ok(rows.every((r) => !r.visited && r.actualMs === 0 && !r.over));
  assert.deepEqual(agendaTotals(rows), { plannedMs: 120 * MIN, elapsedMs: 0, started: false });
});

test('agendaClock never counts backwards when the server clock is behind a start', () => {
  const s = state({ board: { phase: 'intro', phase_log: [{ phase: 'intro', started_ms: 10_000, ended_ms: null }] } });
  assert.equal(agendaClock(s, 9_000)[0].actualMs, 0);
});

// --- facilitation aids -------------------------------------------------------------------------

test('doneCount counts participants only, for the phase asked', () => {
  const s = state({ done: { divergence: ['p_a', 'p_f'], inspiration: ['p_b'] } });
  assert.deepEqual(doneCount(s, 'divergence'), { done: 1, total: 2 });
  assert.deepEqual(doneCount(s, 'convergence'), { done: 0, total: 2 });
});

test('presentedCounts counts each author\'s presented notes', () => {
  const s = state({
    notes: {
      n1: note('n1', { presented: true }),
      n2: note('n2', { presented: true }),
      n3: note('n3', { presented: false }),
      n4: note('n4', { presented: true, author: 'p_b' }),
      n5: note('n5', { presented: true, author: null }),
    },
  });
  const counts = presentedCounts(s);
  assert.equal(counts.get('p_a'), 2);
  assert.equal(counts.get('p_b'), 1);
  assert.equal(counts.size, 2);
});

test('rankedItems ranks notes and groups together, shares ranks on ties, knows retained ones', () => {
  const s = state({
    notes: { n1: note('n1', { group: 'g1' }), n2: note('n2'), n3: note('n3', { private: true }), n4: note('n4') },
    groups: { g1: { id: 'g1', title: 'Mobilité', note_ids: ['n1'] } },
    votes: { g1: 4, n2: 4, n4: 1 },
    solutions: { s1: { id: 's1', kind: 'note', source_id: 'n2', title: 'text n2', sheet_id: 'f1' } },
  });
  const items = rankedItems(s);
  assert.deepEqual(items.map((i) => [i.kind, i.id, i.tally, i.rank]), [
    ['group', 'g1', 4, 1],
    ['note', 'n2', 4, 1],
    ['note', 'n4', 1, 3],
    ['note', 'n1', 0, 4],
    ['note', 'n3', 0, 4],
  ]);
  assert.equal(items[1].solutionId, 's1');
  assert.equal(items[0].solutionId, null);
  assert.equal(items.find((i) => i.id === 'n3')?.private, true);
  assert.equal(items.find((i) => i.id === 'n1')?.grouped, true);
});

test('solutionsProgress: retained against the target', () => {
  const s = state({ solutions: { s1: {}, s2: {} } });
  assert.deepEqual(solutionsProgress(s), { retained: 2, target: 3 });
  assert.deepEqual(solutionsProgress(state({ board: { settings: { solutions_target: 5 } } })), { retained: 0, target: 5 });
});

test('sheetCompleteness counts fields holding more than blanks; changedFields finds edits', () => {
  const empty = { text: '', version: 0, by: null };
  const sheet = { fields: { name: { text: 'Bus', version: 1, by: 'p_a' }, objectives: { text: '   ', version: 2, by: 'p_b' }, description: empty } };
  assert.equal(sheetCompleteness(sheet), 1);
  assert.equal(sheetCompleteness(null), 0);
  const after = { fields: { ...sheet.fields, description: { text: 'x', version: 1, by: 'p_b' } } };
  assert.deepEqual(changedFields(sheet, after), [{ field: 'description', by: 'p_b' }]);
  assert.deepEqual(changedFields(undefined, after).map((c) => c.field), ['name', 'objectives', 'description']);
});

test('remarkCounts per kind for one sheet', () => {
  const s = state({
    remarks: {
      r1: { id: 'r1', sheet_id: 'f1', kind: 'for' },
      r2: { id: 'r2', sheet_id: 'f1', kind: 'against' },
      r3: { id: 'r3', sheet_id: 'f1', kind: 'for' },
      r4: { id: 'r4', sheet_id: 'f2', kind: 'suggestion' },
    },
  });
  assert.deepEqual(remarkCounts(s, 'f1'), { for: 2, against: 1, suggestion: 0 });
});

test('sub-groups in numeric order, and who is in which', () => {
  const s = state({
    subgroups: {
      x: { id: 'x', name: '10', members: ['p_a'], solution_id: null },
      y: { id: 'y', name: '2', members: ['p_b'], solution_id: null },
      z: { id: 'z', name: '1', members: [], solution_id: null },
    },
  });
  assert.deepEqual(subgroupsInOrder(s).map((g) => g.name), ['1', '2', '10']);
  assert.equal(subgroupOf(s).get('p_a'), 'x');
  assert.equal(subgroupOf(s).has('p_f'), false);
});

test('closingByQuestion keeps the questions\' order, empty ones included', () => {
  const s = state({ closing: { c1: { id: 'c1', question: 'learning', text: 'a', author: null }, c2: { id: 'c2', question: 'feeling', text: 'b', author: 'p_a' } } });
  const grouped = closingByQuestion(s, ['feeling', 'difficulty', 'learning', 'takeaway']);
  assert.deepEqual([...grouped.keys()], ['feeling', 'difficulty', 'learning', 'takeaway']);
  assert.deepEqual(grouped.get('feeling')?.map((a) => a.id), ['c2']);
  assert.deepEqual(grouped.get('difficulty'), []);
});

test('moveItem moves within bounds and returns a copy', () => {
  const list = ['a', 'b', 'c'];
  assert.deepEqual(moveItem(list, 1, -1), ['b', 'a', 'c']);
  assert.deepEqual(moveItem(list, 1, 1), ['a', 'c', 'b']);
  assert.deepEqual(moveItem(list, 0, -1), ['a', 'b', 'c']);
  assert.deepEqual(moveItem(list, 2, 1), ['a', 'b', 'c']);
  assert.deepEqual(list, ['a', 'b', 'c']);
});

test('isValidLink accepts what the server accepts', () => {
  assert.equal(isValidLink('https://example.org/carte'), true);
  assert.equal(isValidLink('http://x'), true);
  assert.equal(isValidLink('javascript:alert(1)'), false);
  assert.equal(isValidLink('https://exa mple.org'), false);
  assert.equal(isValidLink('ftp://example.org'), false);
  assert.equal(isValidLink(`https://${'a'.repeat(500)}`), false);
});

/** @param {Record<string, string>} entries */
function fakeStorage(entries) {
  const keys = Object.keys(entries);
  return { length: keys.length, key: (i) => keys[i] ?? null, getItem: (k) => entries[k] ?? null };
}

test('stored credentials: facilitators\' boards and programmes only, damaged entries skipped', () => {
  const storage = fakeStorage({
    'atelier:board:ZZZZZZ': JSON.stringify({ token: 't1', participant_id: 'p', role: 'facilitator' }),
    'atelier:board:ABCDEF': JSON.stringify({ token: 't2', participant_id: 'p', role: 'co_facilitator' }),
    'atelier:board:PPPPPP': JSON.stringify({ token: 't3', participant_id: 'p', role: 'participant' }),
    'atelier:board:BROKEN': '{',
    'atelier:lang': 'fr',
    'atelier:programme:prog_1': JSON.stringify({ token: 'pt', title: 'Programme', boards: ['ABCDEF', 'ZZZZZZ'] }),
    'atelier:programme:prog_2': 'not json',
  });
  assert.deepEqual(storedFacilitatorBoards(storage), [{ code: 'ABCDEF', token: 't2' }, { code: 'ZZZZZZ', token: 't1' }]);
  assert.deepEqual(storedProgrammes(storage), [{ id: 'prog_1', token: 'pt', title: 'Programme', boards: ['ABCDEF', 'ZZZZZZ'] }]);
  assert.deepEqual(storedFacilitatorBoards(null), []);
});

test('downloadName takes the server\'s file name, else the fallback', () => {
  assert.equal(downloadName('attachment; filename="atelier-ABCDEF-sheets.odt"', 'x'), 'atelier-ABCDEF-sheets.odt');
  assert.equal(downloadName(null, 'fallback.md'), 'fallback.md');
});

// --- catalogue ---------------------------------------------------------------------------------

const catalogue = (lang) => JSON.parse(readFileSync(join(here, '..', 'i18n', `${lang}.json`), 'utf8'));

/** @param {any} node @param {string} path */
function lookup(node, path) {
  return path.split('.').reduce((n, part) => (n && typeof n === 'object' ? n[part] : undefined), node);
}

/** @param {string} dir */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return path.endsWith('.js') ? [path] : [];
  });
}

test('every panel.* key the code names exists in both catalogues, dynamic ones included', () => {
  const used = new Set();
  for (const path of sources(here)) {
    for (const m of readFileSync(path, 'utf8').matchAll(/'(panel\.[a-z_.]+[a-z_])'/g)) used.add(m[1]);
  }
  for (const group of ['report', 'sheets', 'notes', 'board']) used.add(`panel.exports.${group}`);
  for (const field of ['name', 'objectives', 'description', 'lead', 'partners', 'targets', 'means', 'indicators']) used.add(`panel.fields.${field}`);
  for (const mode of ['random', 'manual', 'choice']) {
    used.add(`panel.subgroups.mode_${mode}`);
    used.add(`panel.subgroups.mode_${mode}_hint`);
  }
  assert.ok(used.size > 200, `only ${used.size} keys found: is the scan still right?`);
  for (const lang of ['fr', 'en']) {
    const data = catalogue(lang);
    const missing = [...used].filter((key) => {
      const value = lookup(data, key);
      return typeof value !== 'string' && !(value && typeof value === 'object' && typeof value.other === 'string');
    });
    assert.deepEqual(missing, [], `missing in ${lang}`);
  }
});
