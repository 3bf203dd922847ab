// The pages of the participant's list of notes: anchored pages that notes arriving never move, and the
// last page, which follows the newest notes as a sliding window.
// Run: node --test frontend/js/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FIRST_PLACE, jumpTo, pageMoves, pageView, turnPage } from './views/note-pages.js';

/** @param {import('./views/note-pages.js').PageView} v */
const shown = (v) => [v.from, v.to];

test('while all notes fit on one page there are no pages, and the reader follows', () => {
  for (const count of [0, 1, 20]) {
    const view = pageView(FIRST_PLACE, count, 20);
    assert.equal(view.paged, false);
    assert.deepEqual(shown(view), [0, count]);
    assert.equal(view.place.following, true);
    assert.deepEqual(pageMoves(view), { first: false, previous: false, next: false, newest: false });
  }
  // No page size: never paged.
  assert.deepEqual(shown(pageView(FIRST_PLACE, 2000, 0)), [0, 2000]);
  // A reader of the one page keeps following once notes no longer fit: the 21st comes into view.
  const place = pageView(FIRST_PLACE, 20, 20).place;
  assert.deepEqual(shown(pageView(place, 21, 20)), [1, 21]);
});

test('a reader on an anchored page keeps the same notes while notes arrive', () => {
  const place = pageView(FIRST_PLACE, 100, 20).place;
  for (const count of [100, 101, 150, 2000]) {
    const view = pageView(place, count, 20);
    assert.deepEqual(shown(view), [0, 20]);
    assert.equal(view.following, false);
  }
  const third = { from: 40, following: false };
  assert.deepEqual(shown(pageView(third, 2000, 20)), [40, 60]);
  assert.deepEqual(shown(pageView(third, 2001, 20)), [40, 60]);
});

test('the newest notes are a window that slides as notes arrive', () => {
  const place = jumpTo('newest', 2000, 20);
  assert.deepEqual(shown(pageView(place, 2000, 20)), [1980, 2000]);
  assert.deepEqual(shown(pageView(place, 2001, 20)), [1981, 2001]);
  assert.deepEqual(shown(pageView(place, 2037, 20)), [2017, 2037]);
  const view = pageView(place, 2000, 20);
  assert.equal(view.page, view.pageCount - 1);
  assert.deepEqual(pageMoves(view), { first: true, previous: true, next: false, newest: false });
});

test('back from the window is the anchored page of the note just before it, and stops following', () => {
  const newest = jumpTo('newest', 2000, 20);
  const back = turnPage(newest, -1, 2000, 20);
  assert.deepEqual(back, { from: 1960, following: false });
  assert.deepEqual(shown(pageView(back, 2000, 20)), [1960, 1980]);
  // It stays there while notes arrive.
  assert.deepEqual(shown(pageView(back, 2010, 20)), [1960, 1980]);
  // The count is not a multiple of the page size: the window 1985–2005 starts inside page 1980–2000.
  const uneven = turnPage(jumpTo('newest', 2005, 20), -1, 2005, 20);
  assert.deepEqual(shown(pageView(uneven, 2005, 20)), [1980, 2000]);
  // Just over one page: back from notes 2–21 is the first page.
  assert.deepEqual(turnPage(jumpTo('newest', 21, 20), -1, 21, 20), { from: 0, following: false });
});

test('forward onto the last anchored page follows the newest', () => {
  const beforeLast = { from: 1960, following: false };
  const forward = turnPage(beforeLast, 1, 2000, 20);
  assert.equal(forward.following, true);
  assert.deepEqual(shown(pageView(forward, 2000, 20)), [1980, 2000]);
  assert.deepEqual(shown(pageView(forward, 2001, 20)), [1981, 2001]);
  // Uneven: page 1980–2000 is not the last (2000–2005 is); forward from it is the window.
  const uneven = turnPage({ from: 1980, following: false }, 1, 2005, 20);
  assert.deepEqual(shown(pageView(uneven, 2005, 20)), [1985, 2005]);
  // Forward from the window, or back from the first page, does nothing.
  assert.deepEqual(turnPage(forward, 1, 2000, 20), forward);
  assert.deepEqual(turnPage(FIRST_PLACE, -1, 2000, 20), { from: 0, following: false });
});

test('walking every page from the first reaches every note, then follows', () => {
  for (const count of [21, 40, 41, 119, 2000, 2005]) {
    let place = jumpTo('first', count, 20);
    const seen = new Set();
    for (let steps = 0; steps < 200; steps++) {
      const view = pageView(place, count, 20);
      for (let i = view.from; i < view.to; i++) seen.add(i);
      if (!pageMoves(view).next) break;
      place = turnPage(place, 1, count, 20);
    }
    assert.equal(seen.size, count, `${count} notes`);
    assert.equal(place.following, true);
    // And back to the first, page by page.
    for (let steps = 0; steps < 200 && pageMoves(pageView(place, count, 20)).previous; steps++) {
      place = turnPage(place, -1, count, 20);
    }
    assert.deepEqual(shown(pageView(place, count, 20)), [0, 20]);
  }
});

test('first and newest jump there; a page size change keeps the reader among the same notes', () => {
  assert.deepEqual(shown(pageView(jumpTo('first', 2000, 20), 2000, 20)), [0, 20]);
  assert.deepEqual(pageMoves(pageView(jumpTo('first', 2000, 20), 2000, 20)), { first: false, previous: false, next: true, newest: true });
  // A phone's pages hold 6 notes: notes 40–60 on a laptop are notes 36–42 on it.
  const phone = pageView({ from: 40, following: false }, 2000, 6);
  assert.deepEqual(shown(phone), [36, 42]);
  // And back on the laptop, the same page as before.
  assert.deepEqual(shown(pageView(phone.place, 2000, 20)), [40, 60]);
  // Turning on the phone goes on from the page it shows.
  assert.deepEqual(shown(pageView(turnPage(phone.place, 1, 2000, 6), 2000, 6)), [42, 48]);
  // Deleting notes until the anchored page is the last: its reader follows the newest.
  const view = pageView({ from: 40, following: false }, 55, 20);
  assert.equal(view.following, true);
  assert.deepEqual(shown(view), [35, 55]);
});
