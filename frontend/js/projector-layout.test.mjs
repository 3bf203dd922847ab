// Unit tests of the projector's phase → layout table (frontend/js/projector-layout.js).
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LAYOUT, projectorLayout, projectorStep } from './projector-layout.js';

/** A public (projector) state in `phase`, with `extra` merged in. */
function state(phase, board = {}, extra = {}) {
  return {
    board: { code: 'ABCDEF', title: 'T', phase, phases: [], locked: false, question: '', vote_budget: 3, votes_revealed: false, settings: { private_writing: true }, spotlight: null, next_steps: '', ...board },
    timer: { status: 'stopped', duration: 0, ends_at_ms: null, remaining_ms: 0 },
    participants: {}, notes: {}, votes: {}, my_votes: {}, groups: {}, solutions: {}, sheets: {}, remarks: {}, subgroups: {},
    queue: { entries: [], speaker: null, timer: null }, closing: {}, done: {},
    ...extra,
  };
}
const note = (id, phase) => ({ id, text: id, color: 'yellow', x: 0, y: 0, author: null, for: null, phase, created_ms: 1 });

test('every step of the table names known regions, the join code somewhere, and one main region at least', () => {
  const regions = new Set(['join', 'clock', 'organisations', 'intro', 'agenda', 'question', 'personas', 'progress', 'wall', 'spotlight', 'speaker', 'votes', 'results', 'solutions', 'sheet', 'remarks', 'closing', 'next_steps']);
  for (const [step, layout] of Object.entries(LAYOUT)) {
    assert.ok(layout.main.length > 0, step);
    for (const r of [...layout.main, ...layout.side]) assert.ok(regions.has(r), `${step}: ${r}`);
    assert.equal(new Set([...layout.main, ...layout.side]).size, layout.main.length + layout.side.length, `${step}: a region twice`);
    assert.ok(['large', 'small'].includes(layout.join), step);
  }
  assert.equal(LAYOUT.joining.join, 'large');
  assert.deepEqual(Object.entries(LAYOUT).filter(([, l]) => l.join === 'large').map(([s]) => s), ['joining']);
});

test('each phase and moment has its step', () => {
  assert.equal(projectorStep(state('intro')), 'joining');
  assert.equal(projectorStep(state('presentation')), 'presentation');
  assert.equal(projectorStep(state('inspiration')), 'inspiration');
  assert.equal(projectorStep(state('divergence')), 'writing');
  assert.equal(projectorStep(state('divergence', {}, { notes: { n1: note('n1', 'divergence') } })), 'wall');
  assert.equal(projectorStep(state('divergence', { settings: { private_writing: false } })), 'wall');
  // Observations of inspiration do not end the privacy of divergence's writing.
  assert.equal(projectorStep(state('divergence', {}, { notes: { n1: note('n1', 'inspiration') } })), 'writing');
  assert.equal(projectorStep(state('convergence')), 'voting');
  assert.equal(projectorStep(state('convergence', { votes_revealed: true })), 'reveal');
  const speaking = { queue: { entries: [], speaker: { id: 'q1', participant: 'p1', name: null }, timer: null } };
  assert.equal(projectorStep(state('convergence', { votes_revealed: true }, speaking)), 'speaker');
  assert.equal(projectorStep(state('convergence', { votes_revealed: true }, { subgroups: { g1: { id: 'g1', name: '1', members: [], solution_id: null } } })), 'subgroups');
  assert.equal(projectorStep(state('sharing')), 'sharing');
  assert.equal(projectorStep(state('conclusion')), 'closing');
  assert.equal(projectorStep(state('conclusion', { next_steps: 'Revoir le 12' })), 'next_steps');
  assert.equal(projectorStep(state('conclusion', { next_steps: '  ' })), 'closing');
});

test('a spotlight takes the screen, and a presenting sub-group shows its sheet', () => {
  const notes = { n1: note('n1', 'divergence') };
  assert.equal(projectorStep(state('convergence', { spotlight: { kind: 'note', id: 'n1' } }, { notes })), 'spotlight');
  // A spotlight on something this viewer does not have shows nothing special.
  assert.equal(projectorStep(state('convergence', { spotlight: { kind: 'note', id: 'gone' } }, { notes })), 'voting');
  const sharing = {
    subgroups: { g1: { id: 'g1', name: '1', members: [], solution_id: 's1' } },
    solutions: { s1: { id: 's1', kind: 'note', source_id: 'n1', title: 'Bus', sheet_id: 'sh1' } },
    sheets: { sh1: { id: 'sh1', solution_id: 's1', fields: {}, source_note_ids: [] } },
  };
  const layout = projectorLayout(state('sharing', { spotlight: { kind: 'subgroup', id: 'g1' } }, sharing));
  assert.equal(layout.step, 'presenting');
  assert.deepEqual(layout.main, ['sheet']);
  assert.ok(layout.side.includes('remarks'));
  // The closing questions stay under the next steps.
  assert.deepEqual(projectorLayout(state('conclusion', { next_steps: 'x' })).main, ['next_steps', 'closing']);
});

test('an unknown phase is an error, not a blank screen', () => {
  assert.throws(() => projectorStep(state('lunch')));
});
