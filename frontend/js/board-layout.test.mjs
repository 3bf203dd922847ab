// The participant page's layout table: every phase has a step, every step names known regions once,
// and what each step asks of the participant comes first.
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LAYOUT, boardStep } from './board-layout.js';

const PHASES = ['intro', 'presentation', 'inspiration', 'divergence', 'convergence', 'sharing', 'conclusion'];
const REGIONS = new Set(['spotlight', 'intro', 'persona', 'composer', 'vote-status', 'notes', 'grouping', 'results', 'subgroup', 'sheets', 'sharing', 'queue', 'closing', 'next-steps']);

/** @param {any} board */
const state = (board, extra = {}) => ({ board: { phase: 'intro', ended_ms: null, ...board }, solutions: {}, ...extra });

test('every phase has a step, and every step lists known regions once', () => {
  for (const phase of PHASES) assert.equal(boardStep(/** @type {any} */ (state({ phase }))), phase);
  for (const [step, { regions, notes }] of Object.entries(LAYOUT)) {
    const ids = regions.map(([id]) => id);
    assert.equal(new Set(ids).size, ids.length, `${step}: a region twice`);
    for (const [id, mode] of regions) {
      assert.ok(REGIONS.has(id), `${step}: unknown region ${id}`);
      assert.ok(mode === 'show' || mode === 'fold', `${step}: ${id} has mode ${mode}`);
    }
    assert.ok(notes === 'phase' || notes === 'all');
  }
});

test('sub-steps: drafting sheets once solutions are retained, and the end', () => {
  assert.equal(boardStep(/** @type {any} */ (state({ phase: 'convergence' }, { solutions: { s_1: {} } }))), 'convergence-sheets');
  assert.equal(boardStep(/** @type {any} */ (state({ phase: 'conclusion', ended_ms: 5 }))), 'ended');
});

test("what the step asks comes first; writing only where notes may be written", () => {
  const first = Object.fromEntries(Object.entries(LAYOUT).map(([step, { regions }]) => [step, regions[0][0]]));
  assert.equal(first.divergence, 'composer');
  assert.equal(first.inspiration, 'composer');
  assert.equal(first.sharing, 'sharing');
  assert.equal(first.conclusion, 'closing');
  for (const [step, { regions }] of Object.entries(LAYOUT)) {
    const composer = regions.some(([id]) => id === 'composer');
    assert.equal(composer, step === 'inspiration' || step === 'divergence', `${step}: composer`);
  }
});
