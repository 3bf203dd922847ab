// Unit tests of the pure parts of the web app: the event fold (docs/protocol.md), selectors, room
// codes, language choice, and the two catalogues (same keys, every key the code uses exists).
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { codeFromPath, isValidCode, normalizeCode } from './api.js';
import { pickLanguage, setCatalogue, t } from './i18n.js';
import {
  applyEvent, canEditNote, canMoveNote, canVote, canWrite, formatDuration, ranking, remainingMs, votesLeft,
} from './store.js';

const here = dirname(fileURLToPath(import.meta.url));
const frontend = join(here, '..');

/** @returns {import('./store.js').State} */
function baseState() {
  return {
    board: {
      code: 'ABCDEF', title: 'Atelier', language: 'fr', phase: 'divergence',
      phases: [
        { id: 'intro', minutes: 5 }, { id: 'presentation', minutes: 10 }, { id: 'inspiration', minutes: 15 },
        { id: 'divergence', minutes: 30 }, { id: 'convergence', minutes: 40 }, { id: 'sharing', minutes: 15 },
        { id: 'conclusion', minutes: 5 },
      ],
      locked: false, question: '', vote_budget: 3, votes_revealed: false,
    },
    timer: { status: 'stopped', duration: 1800, ends_at_ms: null, remaining_ms: 1800000 },
    participants: {
      p_f: { id: 'p_f', name: 'Animation', role: 'facilitator', organisation: null },
      p_a: { id: 'p_a', name: 'Alice', role: 'participant', organisation: 'commune' },
    },
    notes: {},
    votes: {},
    my_votes: {},
  };
}

const alice = { id: 'p_a', role: /** @type {const} */ ('participant') };
const facilitator = { id: 'p_f', role: /** @type {const} */ ('facilitator') };
const projector = { id: 'p_f', role: /** @type {const} */ ('facilitator'), view: /** @type {const} */ ('projector') };

let seq = 0;
/**
 * @param {string} name
 * @param {Record<string, any>} data
 */
const ev = (name, data) => ({ type: /** @type {const} */ ('event'), seq: ++seq, name, data });

const note = (id, author = 'p_a', extra = {}) => ({
  id, text: `idée ${id}`, color: 'yellow', x: 40, y: 40, author, for: null, phase: 'divergence', created_ms: 1000 + Number(id.slice(2) || 0), ...extra,
});

/**
 * @param {any} state
 * @param {any} you
 * @param {any[]} events
 */
const fold = (state, you, events) => events.reduce((s, e) => applyEvent(s, you, e), state);

test('participants join and change role', () => {
  let s = applyEvent(baseState(), alice, ev('participant.joined', { participant: { id: 'p_b', name: 'Bob', role: 'participant', organisation: null } }));
  assert.equal(s.participants.p_b.name, 'Bob');
  s = applyEvent(s, alice, ev('participant.role_changed', { id: 'p_b', role: 'co_facilitator' }));
  assert.equal(s.participants.p_b.role, 'co_facilitator');
});

test('notes are added, edited, moved, recoloured, deleted', () => {
  let s = applyEvent(baseState(), alice, ev('note.added', { note: note('n_1') }));
  s = applyEvent(s, alice, ev('note.edited', { id: 'n_1', text: 'Un bus numérique' }));
  s = applyEvent(s, alice, ev('note.moved', { id: 'n_1', x: 300, y: 420 }));
  s = applyEvent(s, alice, ev('note.recolored', { id: 'n_1', color: 'blue' }));
  assert.deepEqual([s.notes.n_1.text, s.notes.n_1.x, s.notes.n_1.y, s.notes.n_1.color], ['Un bus numérique', 300, 420, 'blue']);
  s = applyEvent(s, alice, ev('note.deleted', { id: 'n_1' }));
  assert.equal(s.notes.n_1, undefined);
});

test('the fold is pure: the previous state is not changed', () => {
  const before = baseState();
  const frozen = JSON.stringify(before);
  const after = applyEvent(before, alice, ev('note.added', { note: note('n_1') }));
  assert.equal(JSON.stringify(before), frozen);
  assert.notEqual(after, before);
});

test('participant: own dots counted, tallies untouched before reveal', () => {
  let s = applyEvent(baseState(), alice, ev('note.added', { note: note('n_1', 'p_f') }));
  s = applyEvent(s, alice, ev('phase.changed', { phase: 'convergence', timer: baseState().timer }));
  s = applyEvent(s, alice, ev('vote.added', { note_id: 'n_1', participant_id: 'p_a' }));
  s = applyEvent(s, alice, ev('vote.added', { note_id: 'n_1', participant_id: 'p_a' }));
  assert.deepEqual(s.my_votes, { n_1: 2 });
  assert.deepEqual(s.votes, {});
  assert.equal(votesLeft(s), 1);
  s = applyEvent(s, alice, ev('vote.removed', { note_id: 'n_1', participant_id: 'p_a' }));
  s = applyEvent(s, alice, ev('vote.removed', { note_id: 'n_1', participant_id: 'p_a' }));
  assert.deepEqual(s.my_votes, {}, 'entries at 0 are removed');
  assert.equal(votesLeft(s), 3);
});

test('hidden is a no-op that keeps the same state', () => {
  const s = baseState();
  assert.equal(applyEvent(s, alice, ev('hidden', {})), s);
});

test('facilitator: tallies always, own dots only for own votes', () => {
  let s = applyEvent(baseState(), facilitator, ev('note.added', { note: note('n_1') }));
  s = fold(s, facilitator, [
    ev('vote.added', { note_id: 'n_1', participant_id: 'p_a' }),
    ev('vote.added', { note_id: 'n_1', participant_id: 'p_f' }),
  ]);
  assert.deepEqual(s.votes, { n_1: 2 });
  assert.deepEqual(s.my_votes, { n_1: 1 });
  s = applyEvent(s, facilitator, ev('vote.removed', { note_id: 'n_1', participant_id: 'p_a' }));
  assert.deepEqual(s.votes, { n_1: 1 });
});

test('reveal replaces tallies; hiding again keeps them for facilitators only', () => {
  const start = applyEvent(baseState(), alice, ev('note.added', { note: note('n_1') }));
  let p = applyEvent(start, alice, ev('votes.revealed', { revealed: true, votes: { n_1: 4 } }));
  assert.equal(p.board.votes_revealed, true);
  assert.deepEqual(p.votes, { n_1: 4 });
  // After reveal, everyone's tallies follow the votes.
  p = applyEvent(p, alice, ev('vote.added', { note_id: 'n_1', participant_id: 'p_b' }));
  assert.deepEqual(p.votes, { n_1: 5 });
  assert.deepEqual(p.my_votes, {});
  p = applyEvent(p, alice, ev('votes.revealed', { revealed: false, votes: {} }));
  assert.deepEqual(p.votes, {});

  let f = applyEvent(start, facilitator, ev('vote.added', { note_id: 'n_1', participant_id: 'p_a' }));
  f = applyEvent(f, facilitator, ev('votes.revealed', { revealed: true, votes: { n_1: 1 } }));
  f = applyEvent(f, facilitator, ev('votes.revealed', { revealed: false, votes: { n_1: 1 } }));
  assert.deepEqual(f.votes, { n_1: 1 });
  assert.equal(f.board.votes_revealed, false);
});

test('projector: never its own dots, tallies only once revealed', () => {
  let s = applyEvent(baseState(), projector, ev('note.added', { note: note('n_1') }));
  s = applyEvent(s, projector, ev('vote.added', { note_id: 'n_1', participant_id: 'p_f' }));
  assert.deepEqual(s.votes, {});
  assert.deepEqual(s.my_votes, {});
  s = applyEvent(s, projector, ev('votes.revealed', { revealed: true, votes: { n_1: 1 } }));
  s = applyEvent(s, projector, ev('vote.added', { note_id: 'n_1', participant_id: 'p_f' }));
  assert.deepEqual(s.votes, { n_1: 2 });
  assert.deepEqual(s.my_votes, {});
  s = applyEvent(s, projector, ev('votes.revealed', { revealed: false, votes: { n_1: 2 } }));
  assert.deepEqual(s.votes, { n_1: 2 }, 'replaced by what the server sent');
});

test('deleting a note removes its tallies and my dots', () => {
  let s = applyEvent(baseState(), facilitator, ev('note.added', { note: note('n_1') }));
  s = applyEvent(s, facilitator, ev('note.added', { note: note('n_2') }));
  s = fold(s, facilitator, [
    ev('vote.added', { note_id: 'n_1', participant_id: 'p_f' }),
    ev('vote.added', { note_id: 'n_2', participant_id: 'p_f' }),
    ev('note.deleted', { id: 'n_1' }),
  ]);
  assert.deepEqual(s.votes, { n_2: 1 });
  assert.deepEqual(s.my_votes, { n_2: 1 });
});

test('board settings: budget, phase with timer, timer, question, lock', () => {
  const running = { status: 'running', duration: 600, ends_at_ms: 2_000_000, remaining_ms: 600_000 };
  const s = fold(baseState(), alice, [
    ev('votes.configured', { budget: 5 }),
    ev('phase.changed', { phase: 'convergence', timer: { status: 'stopped', duration: 2400, ends_at_ms: null, remaining_ms: 2_400_000 } }),
    ev('timer.changed', { timer: running }),
    ev('question.changed', { text: 'Comment aller vers les publics ?' }),
    ev('board.locked', { locked: true }),
  ]);
  assert.equal(s.board.vote_budget, 5);
  assert.equal(s.board.phase, 'convergence');
  assert.deepEqual(s.timer, running);
  assert.equal(s.board.question, 'Comment aller vers les publics ?');
  assert.equal(s.board.locked, true);
});

test('an unknown event throws', () => {
  assert.throws(() => applyEvent(baseState(), alice, ev('note.exploded', {})), /unknown event/);
});

test('timer: remaining time uses the server clock offset', () => {
  const timer = { status: /** @type {const} */ ('running'), duration: 60, ends_at_ms: 100_000, remaining_ms: 60_000 };
  // Local clock 10 s behind the server: at local 80 s it is 90 s on the server.
  assert.equal(remainingMs(timer, 10_000, 80_000), 10_000);
  assert.equal(remainingMs(timer, 0, 200_000), 0);
  assert.equal(remainingMs({ status: 'paused', duration: 60, ends_at_ms: null, remaining_ms: 42_000 }, 5_000, 0), 42_000);
  assert.equal(formatDuration(1800_000), '30:00');
  assert.equal(formatDuration(59_001), '01:00');
  assert.equal(formatDuration(3_723_000), '1:02:03');
  assert.equal(formatDuration(0), '00:00');
});

test('permissions mirror the phases', () => {
  const s = applyEvent(baseState(), alice, ev('note.added', { note: note('n_1') }));
  const mine = s.notes.n_1;
  assert.equal(canWrite(s, alice), true);
  assert.equal(canEditNote(s, alice, mine), true);
  const conv = applyEvent(s, alice, ev('phase.changed', { phase: 'convergence', timer: s.timer }));
  assert.equal(canWrite(conv, alice), false);
  assert.equal(canEditNote(conv, alice, mine), false);
  assert.equal(canMoveNote(conv, alice, mine), true);
  assert.equal(canVote(conv, alice), true);
  assert.equal(canVote(s, alice), false);
  const locked = applyEvent(conv, alice, ev('board.locked', { locked: true }));
  assert.equal(canVote(locked, alice), false);
  assert.equal(canMoveNote(locked, alice, mine), false);
  assert.equal(canWrite(locked, facilitator), true);
  assert.equal(canEditNote(locked, facilitator, mine), true);
  assert.equal(canVote(locked, projector), false);
});

test('ranking: most dots first, ties share a rank and keep creation order', () => {
  let s = baseState();
  s = fold(s, facilitator, ['n_1', 'n_2', 'n_3', 'n_4'].map((id) => ev('note.added', { note: note(id) })));
  s = { ...s, votes: { n_1: 1, n_2: 3, n_3: 1 } };
  assert.deepEqual(ranking(s).map((r) => [r.note.id, r.tally, r.rank]), [['n_2', 3, 1], ['n_1', 1, 2], ['n_3', 1, 2]]);
});

test('room codes: any case, dashes and spaces', () => {
  assert.equal(normalizeCode(' abc-def '), 'ABCDEF');
  assert.equal(normalizeCode('Abc Def'), 'ABCDEF');
  assert.equal(isValidCode('ABCDEF'), true);
  assert.equal(isValidCode('ABCDE0'), false, '0 is not in the alphabet');
  assert.equal(isValidCode('ABCDE'), false);
  assert.equal(codeFromPath('/b/abc-def/facilitate'), 'ABCDEF');
  assert.equal(codeFromPath('/b/ABCDEF'), 'ABCDEF');
  assert.equal(codeFromPath('/'), null);
  assert.equal(codeFromPath('/b/%E0%A4%A'), null);
});

test('language: stored choice, else board, else browser', () => {
  assert.equal(pickLanguage('fr', { stored: 'en', navigatorLanguage: 'fr-FR' }), 'en');
  assert.equal(pickLanguage('en', { stored: null, navigatorLanguage: 'fr-FR' }), 'en');
  assert.equal(pickLanguage(null, { stored: null, navigatorLanguage: 'en-GB' }), 'en');
  assert.equal(pickLanguage(null, { stored: null, navigatorLanguage: 'de-DE' }), 'fr');
  assert.equal(pickLanguage(undefined, { stored: 'xx', navigatorLanguage: '' }), 'fr');
});

// --- catalogues -----------------------------------------------------------------------------------

const catalogue = (lang) => JSON.parse(readFileSync(join(frontend, 'i18n', `${lang}.json`), 'utf8'));

/** Flatten to dotted keys; plural objects ({one, other}) count as one key. */
function keys(node, prefix = '', out = new Set()) {
  for (const [k, v] of Object.entries(node)) {
    const key = prefix ? `${prefix}.${k}` : k;
    const plural = v && typeof v === 'object' && Object.keys(v).every((f) => ['zero', 'one', 'two', 'few', 'many', 'other'].includes(f));
    if (v && typeof v === 'object' && !plural) keys(v, key, out);
    else out.add(key);
  }
  return out;
}

test('fr and en catalogues have exactly the same keys', () => {
  const fr = keys(catalogue('fr'));
  const en = keys(catalogue('en'));
  assert.deepEqual([...fr].filter((k) => !en.has(k)), [], 'missing in en');
  assert.deepEqual([...en].filter((k) => !fr.has(k)), [], 'missing in fr');
});

test('t() interpolates and picks plural forms', () => {
  setCatalogue('fr', catalogue('fr'));
  assert.equal(t('votes.left', { count: 1 }), 'Il vous reste 1 gommette');
  assert.equal(t('votes.left', { count: 0 }), 'Il vous reste 0 gommette');
  assert.equal(t('votes.left', { count: 3 }), 'Il vous reste 3 gommettes');
  assert.equal(t('announce.note_added', { name: 'Alice' }), 'Nouvelle note de Alice');
  assert.equal(t('no.such.key'), 'no.such.key');
  setCatalogue('en', catalogue('en'));
  assert.equal(t('votes.left', { count: 1 }), 'You have 1 dot left');
  assert.equal(t('votes.left', { count: 2 }), 'You have 2 dots left');
});

/** @param {string} dir */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('every catalogue key used by the code and the pages exists', () => {
  const known = keys(catalogue('fr'));
  const used = new Set();
  for (const path of files(frontend)) {
    if (path.endsWith('.test.mjs')) continue;
    const text = readFileSync(path, 'utf8');
    if (path.endsWith('.js')) {
      for (const m of text.matchAll(/\bt\(\s*'([a-z_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bi18n: '([a-z_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/'(?:aria-label|placeholder)': '([a-z_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bsection\(el, '([a-z_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bfield\('([a-z_.]+)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/\bbutton\('([a-z_.]+)'/g)) used.add(m[1]);
    } else if (path.endsWith('.html')) {
      for (const m of text.matchAll(/data-i18n="([a-z_.]+)"/g)) used.add(m[1]);
      for (const m of text.matchAll(/data-i18n-attr="[a-z-]+=([a-z_.]+)"/g)) used.add(m[1]);
    }
  }
  // Keys built from a value: every value they can take.
  const dynamic = {
    phases: ['intro', 'presentation', 'inspiration', 'divergence', 'convergence', 'sharing', 'conclusion'],
    phase_help: ['intro', 'presentation', 'inspiration', 'divergence', 'convergence', 'sharing', 'conclusion'],
    colors: ['yellow', 'pink', 'blue', 'green', 'orange', 'purple'],
    organisations: ['commune', 'departement', 'ccas', 'social', 'library', 'training', 'association', 'mediation', 'telecom', 'public_service', 'france_services', 'other'],
    roles: ['facilitator', 'co_facilitator', 'participant'],
    'announce.role': ['facilitator', 'co_facilitator', 'participant'],
    'announce.you_role': ['facilitator', 'co_facilitator', 'participant'],
    status: ['connecting', 'connected', 'reconnecting', 'offline'],
    status_announce: ['connected', 'reconnecting', 'offline'],
    'timer.status': ['stopped', 'running', 'paused'],
    'controls.timer.state': ['stopped', 'running', 'paused'],
    lang: ['fr', 'en'],
    errors: ['bad_request', 'unknown_command', 'too_large', 'unauthorized', 'forbidden', 'not_found', 'not_allowed_in_phase', 'vote_budget_exhausted', 'board_locked', 'rate_limited', 'unavailable', 'conflict', 'not_open', 'too_many', 'network'],
  };
  for (const [prefix, values] of Object.entries(dynamic)) for (const v of values) used.add(`${prefix}.${v}`);
  const missing = [...used].filter((k) => !known.has(k));
  assert.deepEqual(missing, []);
  assert.ok(used.size > 150, `only ${used.size} keys found: is the scan still right?`);
});

test('no view builds HTML from strings', () => {
  for (const path of files(join(frontend, 'js'))) {
    if (path.endsWith('.test.mjs')) continue;
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, path);
  }
  for (const path of files(frontend).filter((p) => p.endsWith('.html'))) {
    const text = readFileSync(path, 'utf8');
    assert.doesNotMatch(text, /\sstyle=|<style|<script(?![^>]*\ssrc=)/, `${path}: inline style or script (CSP)`);
    assert.doesNotMatch(text, /(href|src)="(?!\/)(?!#)/, `${path}: asset paths must be absolute`);
  }
});

test('the rest of the method folds too: groups, notes revealed, sheets, sub-groups', () => {
  let s = {
    ...baseState(),
    organisations: {}, personas: {}, groups: {}, solutions: {}, sheets: {}, remarks: {}, subgroups: {}, closing: {}, done: {},
  };
  s = fold(s, facilitator, [
    ev('participant.joined', { participant: { id: 'p_b', name: 'Bob', role: 'participant', organisation: 'ccas' } }),
    ev('note.added', { note: { ...note('n_1'), private: true, group: null } }),
    ev('note.added', { note: { ...note('n_2'), group: null } }),
    ev('notes.revealed', { notes: [{ ...note('n_1'), private: false }, { ...note('n_3'), author: null, group: null }] }),
    ev('group.created', { group: { id: 'g_1', title: 'Mobilité', note_ids: ['n_1', 'n_2'] } }),
    ev('group.removed', { note_id: 'n_2' }),
    ev('vote.added', { group_id: 'g_1', participant_id: 'p_f' }),
    ev('solution.retained', { solution: { id: 's_1', kind: 'group', source_id: 'g_1', title: 'Mobilité', sheet_id: 'f_1' }, sheet_id: 'f_1', sources: ['n_1'] }),
    ev('sheet.edited', { sheet_id: 'f_1', field: 'name', text: 'Bus', version: 1, by: 'p_f' }),
    ev('subgroups.split', { mode: 'manual', subgroups: [{ id: 'sg_1', name: '1', members: ['p_a'], solution_id: null }, { id: 'sg_2', name: '2', members: [], solution_id: null }] }),
    ev('subgroup.assigned', { participant_id: 'p_a', subgroup_id: 'sg_2' }),
    ev('board.configured', { changes: { title: 'Nouveau', settings: { anonymous: false } }, authors: { n_3: 'p_b' } }),
    ev('participant.done_changed', { participant_id: 'p_a', phase: 'divergence', done: true }),
  ]);
  assert.deepEqual(s.organisations, { ccas: 1 });
  assert.equal(s.notes.n_1.private, false);
  assert.equal(s.notes.n_3.author, 'p_b');
  assert.equal(s.notes.n_3.anonymous, false);
  assert.deepEqual(s.groups.g_1.note_ids, ['n_1']);
  assert.equal(s.notes.n_1.group, 'g_1');
  assert.equal(s.notes.n_2.group, null);
  assert.deepEqual(s.votes, { g_1: 1 });
  assert.equal(s.sheets.f_1.fields.name.text, 'Bus');
  assert.deepEqual(s.subgroups.sg_1.members, []);
  assert.deepEqual(s.subgroups.sg_2.members, ['p_a']);
  assert.equal(s.board.title, 'Nouveau');
  assert.equal(s.board.settings?.anonymous, false);
  assert.deepEqual(s.done, { divergence: ['p_a'] });
  s = fold(s, facilitator, [ev('group.deleted', { group_id: 'g_1' }), ev('solution.released', { solution_id: 's_1' })]);
  assert.deepEqual(s.votes, {});
  assert.equal(s.notes.n_1.group, null);
  assert.deepEqual(s.sheets, {});
});
