/** The pages of a long list of notes, oldest first, and the reader's place in them: pure functions, no DOM.
 *
 * A page is anchored (notes `from` to `from + size`): notes that arrive never move it, so what a person
 * is reading stays under their eyes. The last page is not anchored: its reader follows the newest notes,
 * and it shows the newest `size` of them, a window that slides as notes arrive (notes 1981 to 2000 of
 * 2000, then 1982 to 2001 of 2001) so that a new note comes into view without a click. */

/**
 * Where the reader is: `from`, the index of the first note of the anchored page they read (a multiple of
 * the page size when they got there by turning; kept as an index rather than a page number so that a
 * resize that changes the page size leaves them among the same notes); or `following` the newest.
 * @typedef {{from: number, following: boolean}} Place
 */

/**
 * What the reader sees, and their place made consistent with the list.
 * @typedef {{paged: boolean, from: number, to: number, count: number, page: number, pageCount: number,
 *   following: boolean, place: Place}} PageView
 */

/** A reader who has not turned any page: on the first one (which, while all notes fit, is the last). */
export const FIRST_PLACE = Object.freeze({ from: 0, following: false });

/**
 * @param {Place} place
 * @param {number} count notes in the list
 * @param {number} size notes a page (0: no pages)
 * @returns {PageView} notes `from` (included) to `to` (excluded) are shown
 */
export function pageView(place, count, size) {
  if (!size || count <= size) {
    // All the notes on one page: it is the first and the last, so its reader follows the newest, and
    // keeps following once notes no longer fit (the one they just wrote stays in view).
    return { paged: false, from: 0, to: count, count, page: 0, pageCount: 1, following: true, place: { from: 0, following: true } };
  }
  const pageCount = Math.ceil(count / size);
  const page = Math.min(Math.max(0, Math.floor(place.from / size)), pageCount - 1);
  if (place.following || page === pageCount - 1) {
    // Landing on the last page, by turning or because notes were deleted, is following.
    const from = count - size;
    return { paged: true, from, to: count, count, page: pageCount - 1, pageCount, following: true, place: { from, following: true } };
  }
  const from = page * size;
  // The anchor itself is kept, not the page's start: a phone turned to a laptop and back (6 then 20
  // notes a page) returns to the page it was on.
  return { paged: true, from, to: from + size, count, page, pageCount, following: false, place: { from: Math.max(0, place.from), following: false } };
}

/**
 * The place one page back (`step` -1) or forward (+1). Back from the newest notes is the anchored page
 * holding the note just before them; forward onto the last page follows the newest again.
 * @param {Place} place
 * @param {-1|1} step
 * @param {number} count
 * @param {number} size
 * @returns {Place}
 */
export function turnPage(place, step, count, size) {
  const view = pageView(place, count, size);
  if (!view.paged) return view.place;
  if (step < 0) {
    if (view.from === 0) return view.place;
    const before = view.following ? view.from - 1 : view.from - size;
    return pageView({ from: Math.floor(before / size) * size, following: false }, count, size).place;
  }
  if (view.following) return view.place;
  return pageView({ from: view.from + size, following: false }, count, size).place;
}

/**
 * The first page, or the newest notes (followed from then on).
 * @param {'first'|'newest'} where
 * @param {number} count
 * @param {number} size
 * @returns {Place}
 */
export function jumpTo(where, count, size) {
  return pageView(where === 'first' ? FIRST_PLACE : { from: 0, following: true }, count, size).place;
}

/**
 * Which page buttons would do something.
 * @param {PageView} view
 * @returns {{first: boolean, previous: boolean, next: boolean, newest: boolean}}
 */
export function pageMoves(view) {
  const back = view.paged && view.from > 0;
  const forward = view.paged && !view.following;
  return { first: back, previous: back, next: forward, newest: forward };
}
