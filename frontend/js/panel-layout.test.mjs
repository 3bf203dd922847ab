// The cockpit's phase → layout table (js/panel-layout.js): every phase has its row, tools come in the
// table's order, a spotlight left on stays clearable, and sharing without sheets shows the wall.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { COCKPIT, TABS, cockpitLive, cockpitTools } from './panel-layout.js';
import { PHASES } from './store.js';

/** @param {string} phase @param {object} [extra] */
const state = (phase, extra = {}) => ({ board: { phase, spotlight: null, ...extra.board }, sheets: extra.sheets ?? {} });

test('every phase has a row that starts with the guide, and no tool twice', () => {
  assert.deepEqual(Object.keys(COCKPIT).sort(), [...PHASES].sort());
  for (const phase of PHASES) {
    const { tools } = COCKPIT[phase];
    assert.equal(tools[0], 'guide', phase);
    assert.equal(new Set(tools).size, tools.length, phase);
  }
  assert.equal(TABS[0], 'live');
});

test('the tools shown are the table row, plus the spotlight control while a spotlight is on', () => {
  assert.deepEqual(cockpitTools(state('divergence')), [...COCKPIT.divergence.tools]);
  const lit = cockpitTools(state('conclusion', { board: { spotlight: { kind: 'note', id: 'n1' } } }));
  assert.deepEqual(lit, [...COCKPIT.conclusion.tools, 'spotlight']);
  const convergence = cockpitTools(state('convergence', { board: { spotlight: { kind: 'note', id: 'n1' } } }));
  assert.equal(convergence.filter((t) => t === 'spotlight').length, 1);
});

test('the live view follows the phase; sharing with no sheet shows the wall', () => {
  assert.equal(cockpitLive(state('intro')), 'intro');
  assert.equal(cockpitLive(state('divergence')), 'wall');
  assert.equal(cockpitLive(state('conclusion')), 'answers');
  assert.equal(cockpitLive(state('sharing')), 'wall');
  assert.equal(cockpitLive(state('sharing', { sheets: { f1: {} } })), 'sharing');
});
