// The wall's pure layout: sections by question then group, the projector's fit, long notes.
import assert from 'node:assert/strict';
import test from 'node:test';

import { estimatedLines, shortened, WALL_LINES } from './views/note-card.js';
import { projectorFit, projectorHeight, wallSections } from './views/notes-wall.js';

/** @param {number} i @param {Record<string, any>} [extra] */
function note(i, extra = {}) {
  return { id: `n${i}`, text: `idée ${i}`, color: 'yellow', x: 0, y: 0, author: 'p1', for: null, phase: 'divergence', created_ms: i, question: 'Q1', ...extra };
}

/** @param {any[]} notes @param {Record<string, any>} [groups] */
function state(notes, groups = {}) {
  return { board: { votes_revealed: false }, notes: Object.fromEntries(notes.map((n) => [n.id, n])), groups, votes: {}, my_votes: {}, participants: {} };
}

test('notes go under their question, in the order questions were first answered', () => {
  const s = state([note(1), note(2, { question: 'Q2' }), note(3), note(4, { question: '' })]);
  const sections = wallSections(s);
  assert.deepEqual(sections.map((x) => [x.key, x.notes.map((n) => n.id)]), [['q:Q1', ['n1', 'n3']], ['q:Q2', ['n2']], ['q:', ['n4']]]);
});

test('once grouped, groups come first in their own order, the rest stays by question', () => {
  const s = state([note(1, { group: 'g1' }), note(2), note(3, { group: 'g1' })], { g1: { id: 'g1', title: 'Bus', note_ids: ['n3', 'n1'] } });
  const sections = wallSections(s);
  assert.deepEqual(sections.map((x) => [x.kind, x.title, x.notes.map((n) => n.id)]), [['group', 'Bus', ['n3', 'n1']], ['question', 'Q1', ['n2']]]);
});

test('the projector grows the type while the wall fits, then shortens cards, then shows the most recent', () => {
  const few = state([note(1), note(2)]);
  const big = projectorFit(few, Object.values(few.notes), 1500, 800);
  assert.equal(big.shown, 2);
  assert.ok(big.font > 17);
  const many = Array.from({ length: 300 }, (_, i) => note(i));
  const crowded = state(many);
  const fit = projectorFit(crowded, many, 1500, 800);
  assert.ok(fit.shown < 300 && fit.shown > 0);
  assert.equal(fit.compact, true);
  assert.equal(fit.font, 17);
  // What it shows does fit, by its own model.
  const shown = wallSections(crowded, many.slice(300 - fit.shown));
  assert.ok(projectorHeight(shown, true, true, fit.font, 1500, 5.8) <= 800);
});

test('long notes are estimated long without the DOM, and shortened at a word for the projector', () => {
  assert.ok(estimatedLines('x'.repeat(500)) > WALL_LINES);
  assert.ok(estimatedLines('Un bus') <= WALL_LINES);
  const cut = shortened('Former les agents d\'accueil des mairies à repérer les personnes en difficulté numérique', 40);
  assert.ok(cut.length <= 40 && cut.endsWith('…'));
  assert.ok(!cut.includes('  '));
  assert.equal(shortened('Un bus', 40), 'Un bus');
});
