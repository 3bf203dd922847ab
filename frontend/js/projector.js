/** Projector view (/b/{CODE}/projector): what the room reads from the back, one step of the workshop
 * at a time. Which regions show, and in what priority, comes from the table of projector-layout.js;
 * this page mounts every region once, places the ones of the current step, then fits their text
 * (smaller type down to a floor, then pages that turn). Nothing to operate but the language, and
 * PageDown/PageUp (a presenter's remote) to turn pages. */

import { errorText } from './announce.js';
import { codeFromPath, credentialKey, loadCredential, takeLinkSecret } from './api.js';
import { h, reconcile, setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { startSession } from './session.js';
import { onTemplates, templates } from './templates.js';
import { REMARK_KINDS, SHEET_FIELDS, doneCount, filledCount, queueName, remarksByKind, sheetTitle, spotlightSheet, subgroupsInOrder } from './method.js';
import { projectorLayout } from './projector-layout.js';
import { formatDuration, notesInOrder, remainingMs } from './store.js';
import { mountClosing, mountNextSteps } from './views/closing.js';
import { mountConnectionStatus } from './views/connection-status.js';
import { mountIntro } from './views/intro.js';
import { mountNotesCanvas } from './views/notes-canvas.js';
import { mountOrganisations } from './views/organisations.js';
import { mountResults } from './views/results.js';
import { mountSheetView } from './views/sharing.js';
import { mountSpotlight } from './views/spotlight.js';
import { mountTimer } from './views/timer.js';

/** @typedef {import('./session.js').Context} Context */
/** @typedef {import('./projector-layout.js').Region} Region */

/** How long a page of a region that does not fit stays before the next one (ms). */
const PAGE_MS = 12_000;
/** The smallest type scale a region may be fitted down to (its text stays ≥ the CSS floor). */
const FIT_FLOOR = 0.45;

const { announcer } = await initPage();
const code = codeFromPath(location.pathname);
const title = byId('board-title');
const status = mountConnectionStatus(byId('connection-status'));
const screen = byId('screen');
const notice = byId('notice');

/** @type {(() => string)|null} */
let noticeMessage = null;

/** @param {() => string} message a function, so that the notice follows the language */
function showNotice(message) {
  noticeMessage = message;
  setHidden(screen, true);
  setHidden(notice, false);
  setText(byId('notice-text'), message());
  status.update('offline');
}
onLanguageChange(() => {
  if (noticeMessage) showNotice(noticeMessage);
});

/** Where a projector link's secret is kept: apart from the board's credential, so that opening the
 * link in a facilitator's own browser never replaces their token. */
const linkKey = (/** @type {string} */ c) => `${credentialKey(c)}:projector`;

/**
 * The token to watch with: a projector link's `#k=` secret (kept, then taken out of the address bar),
 * else a link kept earlier in this browser, else the facilitator's own credential (same browser).
 * @param {string} c
 * @returns {string|null}
 */
function projectorToken(c) {
  const secret = takeLinkSecret();
  if (secret) {
    try {
      globalThis.localStorage?.setItem(linkKey(c), secret);
    } catch {
      // private mode: the link still works for this visit
    }
    return secret;
  }
  let kept = null;
  try {
    kept = globalThis.localStorage?.getItem(linkKey(c)) ?? null;
  } catch {
    kept = null;
  }
  return kept || loadCredential(c)?.token || null;
}

if (!code) {
  showNotice(() => t('errors.bad_code'));
} else {
  const token = projectorToken(code);
  if (!token) showNotice(() => t('projector.no_credential'));
  else start(code, token);
}

/**
 * A region: a section with a visually hidden or visible heading, a body that is fitted, and a page
 * indicator when its lists are paged.
 * @param {Region} name
 * @param {string|null} headingKey i18n key of a visible heading, or null when the view has its own
 */
function region(name, headingKey) {
  const body = h('div', { class: 'region__body' });
  const pager = h('p', { class: 'region__pager', 'data-testid': 'pager', hidden: true });
  const section = h('section', { class: `region region--${name}`, 'data-region': name, 'data-testid': `region-${name}` });
  if (headingKey) {
    const id = `region-${name}-heading`;
    section.setAttribute('aria-labelledby', id);
    body.append(h('h2', { id, class: 'region__heading', i18n: headingKey }));
  }
  section.append(body, pager);
  return { section, body, pager };
}

/**
 * @param {string} c
 * @param {string} token
 */
function start(c, token) {
  setHidden(screen, false);
  const joinUrl = `${location.origin}/b/${c}`;
  const qrSrc = `/api/boards/${encodeURIComponent(c)}/qr.svg`;
  const smallQr = /** @type {HTMLImageElement} */ (byId('qr-small'));
  smallQr.src = qrSrc;
  setText(byId('room-code-small'), c);
  setText(byId('join-url-small'), `${location.host}/b/`);
  const timer = mountTimer(byId('timer'));
  const phaseName = byId('phase-name');

  // --- every region, mounted once ---
  /** @type {Record<Region, ReturnType<typeof region>>} */
  const R = /** @type {any} */ ({});
  const add = (/** @type {Region} */ name, /** @type {string|null} */ key = null) => {
    R[name] = region(name, key);
    byId('regions').append(R[name].section);
    return R[name].body;
  };

  const joinBody = add('join', 'projector.join_heading');
  const bigQr = /** @type {HTMLImageElement} */ (h('img', { class: 'projector__qr', src: qrSrc, alt: '', width: 320, height: 320 }));
  const bigCode = h('p', { class: 'projector__code', 'data-testid': 'room-code', text: c });
  const bigUrl = h('p', { class: 'projector__url', 'data-testid': 'join-url', text: joinUrl });
  const people = h('p', { class: 'projector__people', 'data-testid': 'people-count' });
  joinBody.append(h('div', { class: 'projector__join' }, bigQr, h('div', { class: 'projector__join-text' }, bigCode, bigUrl, people)));
  const setQrAlt = () => {
    const alt = t('projector.qr_alt', { code: c, url: joinUrl });
    bigQr.alt = alt;
    smallQr.alt = alt;
  };
  setQrAlt();
  onLanguageChange(setQrAlt);

  const clockEl = h('div', { class: 'projector-clock' });
  add('clock').append(clockEl);
  const clock = mountTimer(clockEl);

  const orgEl = h('div');
  add('organisations').append(orgEl);
  const organisations = mountOrganisations(orgEl);

  const introEl = h('div');
  add('intro').append(introEl);
  const introView = mountIntro(introEl, { mode: 'projector' });

  const agendaList = h('ol', { class: 'projector-agenda', 'data-testid': 'agenda' });
  add('agenda', 'projector_view.agenda').append(agendaList);

  const questionLabel = h('h2', { class: 'region__heading', id: 'region-question-heading' });
  const questionText = h('p', { class: 'projector-question', 'data-testid': 'question' });
  add('question').append(questionLabel, questionText);
  R.question.section.setAttribute('aria-labelledby', 'region-question-heading');

  const personaList = h('ul', { class: 'projector-personas', 'data-testid': 'personas' });
  add('personas', 'projector_view.personas').append(personaList);

  const progressDone = h('p', { class: 'projector-progress__figure', 'data-testid': 'progress-done' });
  const progressNotes = h('p', { class: 'projector-progress__figure', 'data-testid': 'progress-notes' });
  const progressPrivate = h('p', { class: 'projector-progress__private', i18n: 'projector_view.private' });
  add('progress', 'projector_view.progress').append(progressDone, progressNotes, progressPrivate);

  const canvasEl = h('div', { class: 'projector-wall' });
  add('wall', 'projector_view.wall').append(canvasEl);
  const canvas = mountNotesCanvas(canvasEl, { mode: 'projector' });

  const spotEl = h('div');
  add('spotlight').append(spotEl);
  const spot = mountSpotlight(spotEl, { mode: 'projector' });

  const speakerName = h('p', { class: 'projector-speaker__name', 'data-testid': 'speaker-name' });
  const speakerTime = h('p', { class: 'projector-speaker__time', role: 'timer', 'data-testid': 'speaker-timer' });
  const speakerIdeas = h('ol', { class: 'projector-speaker__ideas', 'data-testid': 'speaker-ideas' });
  const queueList = h('ol', { class: 'projector-speaker__queue', 'data-testid': 'queue-list' });
  const queueHeading = h('h3', { class: 'region__subheading', i18n: 'method.queue.waiting' });
  add('speaker', 'method.queue.heading').append(
    h('div', { class: 'projector-speaker__now' }, speakerName, speakerTime),
    h('h3', { class: 'region__subheading', i18n: 'projector_view.ideas' }),
    speakerIdeas,
    queueHeading,
    queueList,
  );

  const votesBudget = h('p', { class: 'projector-progress__figure', 'data-testid': 'votes-budget' });
  const votesDone = h('p', { class: 'projector-progress__figure', 'data-testid': 'votes-done' });
  add('votes', 'projector_view.votes').append(votesBudget, votesDone, h('p', { class: 'projector-progress__private', i18n: 'projector_view.tallies_hidden' }));

  const resultsEl = h('div');
  add('results').append(resultsEl);
  const results = mountResults(resultsEl);

  const solutionsList = h('ul', { class: 'projector-solutions', 'data-testid': 'solutions' });
  add('solutions', 'projector_view.solutions').append(solutionsList);

  const sheetEl = h('div', { class: 'projector-sheet' });
  add('sheet').append(sheetEl);
  const sheetView = mountSheetView(sheetEl, { headingLevel: 2 });

  const remarkColumns = REMARK_KINDS.map((kind) => {
    const heading = h('h3', { class: 'region__subheading' });
    const list = h('ul', { class: 'projector-remarks__list', 'data-testid': `remarks-${kind}` });
    return { kind, heading, list, box: h('div', { class: `projector-remarks__column projector-remarks__column--${kind}` }, heading, list) };
  });
  add('remarks', 'projector_view.remarks').append(h('div', { class: 'projector-remarks' }, ...remarkColumns.map((col) => col.box)));

  const closingEl = h('div');
  add('closing').append(closingEl);
  const closing = mountClosing(closingEl, { mode: 'projector' });

  const nextEl = h('div');
  add('next_steps').append(nextEl);
  const nextSteps = mountNextSteps(nextEl);

  const colMain = byId('col-main');
  const colSide = byId('col-side');
  /** @type {Context|null} */
  let lastCtx = null;
  /** @type {Record<string, number>} the page each region shows */
  const pageOf = {};
  onTemplates(() => {
    if (lastCtx) render(lastCtx);
  });
  // Announced once, from the header's timer (the large clock shows the same time).
  clockEl.addEventListener('timer-expired', (event) => event.stopPropagation());
  document.body.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));

  /**
   * Every region's content, as the state says (hidden regions are updated too: cheap, and ready).
   * @param {Context} ctx
   */
  function updateRegions(ctx) {
    const { state } = ctx;
    const board = state.board;
    const participants = Object.values(state.participants).filter((p) => p.role === 'participant');
    setText(people, t('projector_view.people', { count: participants.length }));

    introView.update(ctx);
    organisations.update(ctx);

    reconcile(
      agendaList,
      board.phases.filter((p) => !p.skipped),
      (p) => p.id,
      () => h('li', { class: 'projector-agenda__item' }, h('span', { class: 'projector-agenda__name' }), ' ', h('span', { class: 'projector-agenda__minutes' })),
      (li, p) => {
        const [name, minutes] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(name, t(`phases.${p.id}`));
        setText(minutes, t('phase.minutes', { count: p.minutes }));
        if (p.id === board.phase) li.setAttribute('aria-current', 'step');
        else li.removeAttribute('aria-current');
      },
    );

    // The question of the phase, or what the phase is for when none is asked.
    setText(questionLabel, t(board.question ? 'phase.question_label' : 'projector_view.phase_about'));
    setText(questionText, board.question || t(`phase_help.${board.phase}`));
    questionText.classList.toggle('projector-question--help', !board.question);

    const personas = templates()?.personas ?? [];
    reconcile(
      personaList,
      personas,
      (p) => p.id,
      () => h('li', { class: 'projector-personas__item' }, h('span', { class: 'projector-personas__name' })),
      (li, p) => setText(/** @type {HTMLElement} */ (li.firstChild), p.name),
    );

    const done = doneCount(state);
    setText(progressDone, t('projector_view.done', { count: done, total: participants.length }));
    const phaseNotes = notesInOrder(state).filter((n) => n.phase === board.phase);
    setText(progressNotes, t('projector_view.notes', { count: phaseNotes.length }));
    setHidden(progressNotes, phaseNotes.length === 0);
    setHidden(progressPrivate, phaseNotes.length > 0 || board.settings?.private_writing === false);

    canvas.update(ctx);
    spot.update(ctx);

    const queue = state.queue ?? { entries: [], speaker: null, timer: null };
    const speaker = queue.speaker;
    setText(speakerName, speaker ? queueName(state, speaker) : '');
    const ideas = speaker?.participant ? notesInOrder(state).filter((n) => n.presented && n.author === speaker.participant) : [];
    reconcile(speakerIdeas, ideas, (n) => n.id, () => h('li', { class: 'projector-speaker__idea' }), (li, n) => setText(li, n.text));
    setHidden(/** @type {HTMLElement} */ (speakerIdeas.previousElementSibling), ideas.length === 0);
    setHidden(speakerIdeas, ideas.length === 0);
    const entries = queue.entries ?? [];
    reconcile(queueList, entries, (e) => e.id, () => h('li', { class: 'projector-speaker__entry' }), (li, e) => setText(li, queueName(state, e)));
    setHidden(queueHeading, entries.length === 0);
    setHidden(queueList, entries.length === 0);

    setText(votesBudget, t('projector_view.budget', { count: board.vote_budget }));
    setText(votesDone, t('projector_view.done', { count: done, total: participants.length }));

    results.update(ctx);

    // Retained solutions, each with the sub-groups working on it and how far its sheet is.
    const solutions = Object.values(state.solutions ?? {});
    const groups = subgroupsInOrder(state);
    reconcile(
      solutionsList,
      solutions,
      (s) => s.id,
      () => h('li', { class: 'projector-solutions__item' }, h('span', { class: 'projector-solutions__title' }), h('span', { class: 'projector-solutions__groups' }), h('span', { class: 'projector-solutions__progress' })),
      (li, s) => {
        const [name, owners, progress] = /** @type {HTMLElement[]} */ ([...li.children]);
        const sheet = state.sheets?.[s.sheet_id];
        setText(name, sheet ? sheetTitle(state, sheet) : s.title);
        const mine = groups.filter((g) => g.solution_id === s.id);
        setText(owners, mine.map((g) => t('projector_view.subgroup', { name: g.name, count: g.members.length })).join(' · '));
        setHidden(owners, mine.length === 0);
        setText(progress, sheet ? t('projector_view.sheet_progress', { filled: filledCount(sheet), total: SHEET_FIELDS.length }) : '');
      },
    );

    const sheet = spotlightSheet(state);
    if (sheet) sheetView.update(state, sheet);
    const byKind = sheet ? remarksByKind(state, sheet.id) : { for: [], against: [], suggestion: [] };
    for (const col of remarkColumns) {
      const items = byKind[col.kind];
      setText(col.heading, t(`method.sharing.kinds_count.${col.kind}`, { count: items.length }));
      reconcile(col.list, items, (r) => r.id, () => h('li', { class: 'projector-remarks__item', 'data-testid': 'remark' }), (li, r) => setText(li, r.text));
    }

    closing.update(ctx);
    nextSteps.update(ctx);
  }

  /**
   * Whether a region has something to say now (a view that hides itself, an empty list).
   * @param {Region} name
   * @param {Context} ctx
   * @param {import('./projector-layout.js').Layout} layout
   */
  function hasContent(name, ctx, layout) {
    const { state } = ctx;
    switch (name) {
      case 'question':
        return !(layout.main.includes('wall') && notesInOrder(state).some((n) => n.phase === state.board.phase));
      case 'intro':
        return !introEl.hidden;
      case 'organisations':
        return !orgEl.hidden;
      case 'agenda':
        return state.board.phases.some((p) => !p.skipped);
      case 'personas':
        return (templates()?.personas ?? []).length > 0;
      case 'spotlight':
        return !spotEl.hidden;
      case 'results':
        return !resultsEl.hidden && state.board.votes_revealed;
      case 'solutions':
        return Object.keys(state.solutions ?? {}).length > 0;
      case 'sheet':
        return Boolean(spotlightSheet(state));
      case 'closing':
        return !closingEl.hidden;
      case 'next_steps':
        return !nextEl.hidden;
      default:
        return true;
    }
  }

  /** @param {Context} ctx */
  function render(ctx) {
    lastCtx = ctx;
    const { state } = ctx;
    setText(title, state.board.title);
    document.title = t('pages.projector', { title: state.board.title });
    setText(phaseName, t(`phases.${state.board.phase}`));
    timer.update(ctx);
    clock.update(ctx);
    updateRegions(ctx);

    const layout = projectorLayout(state);
    screen.dataset.step = layout.step;
    document.body.dataset.step = layout.step;
    setHidden(byId('join-small'), layout.join === 'large');
    // The phase's timer when the step uses it, or whenever it runs.
    setHidden(byId('timer'), !layout.timer && state.timer.status !== 'running');
    const place = (/** @type {HTMLElement} */ col, /** @type {Region[]} */ names) => {
      const shown = names.filter((n) => hasContent(n, ctx, layout));
      const sections = shown.map((n) => R[n].section);
      // Move only what changed: moving a node resets its scroll and re-runs its layout.
      if (sections.length !== col.children.length || sections.some((s, i) => col.children[i] !== s)) {
        for (const s of [...col.children]) byId('regions').append(s);
        col.append(...sections);
      }
      return shown;
    };
    const main = place(colMain, layout.main);
    const side = place(colSide, layout.side);
    screen.dataset.side = side.length > 0 ? 'yes' : 'no';
    screen.dataset.mainCount = String(main.length);
    setHidden(colSide, side.length === 0);
    scheduleFit();
  }

  // --- fitting: smaller type down to a floor, then pages that turn -----------------------------

  let fitPending = false;
  function scheduleFit() {
    if (fitPending) return;
    fitPending = true;
    requestAnimationFrame(() => {
      fitPending = false;
      fitAll();
    });
  }

  /** @param {HTMLElement} el */
  const overflows = (el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1;

  /** @param {HTMLElement} section */
  function overflowsAny(section) {
    // The body too: its content may run under the page indicator while the section still holds both.
    if (overflows(section) || overflows(/** @type {HTMLElement} */ (section.querySelector('.region__body')))) return true;
    // A region's own parts (a sheet's fields grid, a list) must not be cut either.
    for (const el of section.querySelectorAll('.region__body, dd, li, p, h2, h3')) {
      const node = /** @type {HTMLElement} */ (el);
      if (node.offsetParent !== null && node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflowX !== 'visible') return true;
    }
    return false;
  }

  function fitAll() {
    const sections = /** @type {HTMLElement[]} */ ([...colMain.children, ...colSide.children]).filter((s) => s.dataset.region !== 'wall'); // the wall scales itself to its box
    // Regions of one column share its height: fitting one moves the others' boxes, so go again
    // (twice more at most) while one of them still overflows.
    for (let pass = 0; pass < 3; pass += 1) {
      for (const section of sections) fitRegion(section);
      if (!sections.some((s) => overflowsAny(s))) return;
    }
  }

  /**
   * The largest type scale at which the region fits, by halving; at the floor, its list items go
   * to pages.
   * @param {HTMLElement} section
   */
  function fitRegion(section) {
    const name = section.dataset.region ?? '';
    const items = /** @type {HTMLElement[]} */ ([...section.querySelectorAll('li')]);
    for (const li of items) li.classList.remove('is-off-page');
    const pager = /** @type {HTMLElement} */ (section.querySelector('.region__pager'));
    setHidden(pager, true);
    delete section.dataset.pages;
    delete section.dataset.page;
    const setScale = (/** @type {number} */ s) => section.style.setProperty('--fit', String(s));
    setScale(1);
    if (!overflowsAny(section)) return;
    let lo = FIT_FLOOR;
    let hi = 1;
    setScale(lo);
    if (!overflowsAny(section)) {
      for (let i = 0; i < 6; i += 1) {
        const mid = (lo + hi) / 2;
        setScale(mid);
        if (overflowsAny(section)) hi = mid;
        else lo = mid;
      }
      setScale(lo);
      return;
    }
    // At the floor and still too long: pages of list items, in order, each as full as fits.
    if (items.length === 0) return;
    setHidden(pager, false);
    /** @type {HTMLElement[][]} */
    const pages = [];
    let rest = items;
    while (rest.length > 0 && pages.length < 50) {
      for (const li of items) li.classList.add('is-off-page');
      let count = 0;
      for (const li of rest) {
        li.classList.remove('is-off-page');
        setText(pager, t('projector_view.page', { page: pages.length + 1, total: pages.length + 2 }));
        if (overflowsAny(section) && count > 0) {
          li.classList.add('is-off-page');
          break;
        }
        count += 1;
      }
      pages.push(rest.slice(0, count));
      rest = rest.slice(count);
    }
    if (pages.length < 2) {
      // One item alone does not fit: no pages to turn (the layout must give this region more room).
      for (const li of items) li.classList.remove('is-off-page');
      setHidden(pager, true);
      return;
    }
    const page = Math.min(pageOf[name] ?? 0, pages.length - 1);
    pageOf[name] = page;
    for (const li of items) li.classList.add('is-off-page');
    for (const li of pages[page] ?? []) li.classList.remove('is-off-page');
    section.dataset.pages = String(pages.length);
    section.dataset.page = String(page + 1);
    setText(pager, t('projector_view.page', { page: page + 1, total: pages.length }));
  }

  /** @param {number} delta */
  function turnPages(delta) {
    let any = false;
    for (const col of [colMain, colSide]) {
      for (const section of /** @type {HTMLElement[]} */ ([...col.children])) {
        const total = Number(section.dataset.pages ?? '0');
        if (total < 2 || section.querySelector('.region__pager')?.hasAttribute('hidden')) continue;
        const name = section.dataset.region ?? '';
        pageOf[name] = ((pageOf[name] ?? 0) + delta + total) % total;
        any = true;
      }
    }
    if (any) fitAll();
  }
  setInterval(() => turnPages(1), PAGE_MS);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'PageDown' || event.key === 'ArrowRight') turnPages(1);
    else if (event.key === 'PageUp' || event.key === 'ArrowLeft') turnPages(-1);
  });
  new ResizeObserver(() => scheduleFit()).observe(screen);

  startSession({
    code: c,
    token,
    view: 'projector',
    announcer,
    status,
    render,
    tick: () => {
      timer.tick();
      clock.tick();
      const qt = lastCtx?.state.queue?.timer;
      setText(speakerTime, qt && lastCtx ? formatDuration(remainingMs(qt, lastCtx.offsetMs)) : '');
    },
    // Never forget a facilitator's credential here: this page only borrows it. A revoked link is
    // forgotten, so that the next visit asks for a new one rather than failing again.
    onFatal: (error) => {
      if (error.code === 'unauthorized') {
        try {
          globalThis.localStorage?.removeItem(linkKey(c));
        } catch {
          // nothing kept
        }
      }
      const text = errorText(error);
      showNotice(() => text);
    },
  });
}
