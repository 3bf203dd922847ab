/** Participant board page (/b/{CODE}): join form without a credential, else the live board. */

import { bindActions } from './actions.js';
import { errorText } from './announce.js';
import { clearCredential, codeFromPath, joinBoard, loadCredential, saveCredential } from './api.js';
import { setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { selection } from './selection.js';
import { startSession } from './session.js';
import { isFacilitatorRole } from './store.js';
import { onTemplates } from './templates.js';
import { mountBoardFlow } from './views/board-flow.js';
import { mountClosing, mountNextSteps } from './views/closing.js';
import { mountComposer } from './views/composer.js';
import { mountConnectionStatus } from './views/connection-status.js';
import { mountDoneToggle } from './views/done-toggle.js';
import { mountGrouping } from './views/grouping.js';
import { mountIntro } from './views/intro.js';
import { mountJoinForm } from './views/join-form.js';
import { mountNotesPanel } from './views/notes-panel.js';
import { mountPersona } from './views/persona.js';
import { mountPhaseBar } from './views/phase-bar.js';
import { mountResults } from './views/results.js';
import { mountSharing } from './views/sharing.js';
import { mountSheetEditor } from './views/sheet-editor.js';
import { mountSpeakingQueue } from './views/speaking-queue.js';
import { mountSpotlight } from './views/spotlight.js';
import { mountSubgroup } from './views/subgroup.js';
import { mountTimer } from './views/timer.js';
import { mountVoteStatus } from './views/vote-status.js';

/** @typedef {import('./session.js').Context} Context */

// A page of notes in the list: with their buttons, six cards fill a bit more than one phone screen; a
// laptop's list holds four or five cards a row.
const WIDE = globalThis.matchMedia?.('(min-width: 48em)');
const NOTES_PER_PAGE = () => (WIDE?.matches ? 20 : 6);

const { announcer } = await initPage();
const code = codeFromPath(location.pathname);
const title = byId('board-title');
const status = mountConnectionStatus(byId('connection-status'));
const joinSection = byId('join');
const boardSection = byId('board');
const facilitateLink = /** @type {HTMLAnchorElement} */ (byId('facilitate-link'));
/** @type {ReturnType<typeof mountJoinForm>|null} */
let joinForm = null;
/** @type {ReturnType<typeof startSession>|null} */
let session = null;
/** @type {ReturnType<typeof mountViews>|null} */
let views = null;
/** @type {((ctx: Context) => void)|null} */
let renderCurrent = null;

if (!code) {
  setText(title, t('errors.bad_code_title'));
  announcer.error(t('errors.bad_code'));
  status.update('offline');
} else {
  setText(byId('room-code'), code);
  facilitateLink.href = `/b/${code}/facilitate`;
  const credential = loadCredential(code);
  if (credential) startBoard(credential.token);
  else showJoin();
}

function joinTitles() {
  if (!code || joinSection.hidden) return;
  setText(title, t('join.page_heading'));
  document.title = t('pages.join', { code });
}
onLanguageChange(joinTitles);

function showJoin() {
  if (!code) return;
  setHidden(boardSection, true);
  setHidden(joinSection, false);
  // Not joined yet: no connection to speak of (an "Offline" badge here would only alarm).
  setHidden(byId('connection-status'), true);
  joinTitles();
  if (!joinForm) {
    joinForm = mountJoinForm(joinSection, { code });
    joinSection.addEventListener('join-board', (event) => {
      const detail = /** @type {CustomEvent} */ (event).detail;
      detail.result = joinBoard(code, { name: detail.name, ...(detail.organisation ? { organisation: detail.organisation } : {}) }).then(
        (answer) => {
          saveCredential(code, { token: answer.token, participant_id: answer.participant_id, role: answer.role });
          setHidden(joinSection, true);
          startBoard(answer.token);
          byId('main').focus();
        },
        (error) => {
          announcer.error(errorText(error));
        },
      );
    });
  }
  joinForm.focus();
}

/** Mount the board's views once; a later session (after joining again) reuses them. */
function mountViews() {
  const mounted = {
    phaseBar: mountPhaseBar(byId('phase-bar')),
    timer: mountTimer(byId('timer')),
    composer: mountComposer(byId('composer')),
    voteStatus: mountVoteStatus(byId('vote-status')),
    notes: mountNotesPanel(byId('notes'), { pageSize: NOTES_PER_PAGE }),
    results: mountResults(byId('results')),
    // The rest of the method (docs/protocol.md, "The rest of the method").
    done: mountDoneToggle(byId('done-toggle')),
    spotlight: mountSpotlight(byId('spotlight'), { root: boardSection }),
    intro: mountIntro(byId('intro')),
    nextSteps: mountNextSteps(byId('next-steps')),
    persona: mountPersona(byId('persona')),
    queue: mountSpeakingQueue(byId('queue')),
    subgroup: mountSubgroup(byId('subgroup')),
    sharing: mountSharing(byId('sharing')),
    sheets: mountSheetEditor(byId('sheets')),
    closing: mountClosing(byId('closing')),
    grouping: mountGrouping(byId('grouping')),
    flow: mountBoardFlow(byId('board-flow')),
  };
  boardSection.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));
  // Views that have something to say about the user's own work (a co-editing conflict) say it here.
  boardSection.addEventListener('announce', (event) => announcer.announce(/** @type {CustomEvent} */ (event).detail?.text));
  // Selecting notes and the templates' arrival change what the cards show: render again.
  const rerender = () => {
    if (session?.ctx && renderCurrent) renderCurrent(session.ctx);
  };
  selection.subscribe(rerender);
  onTemplates(rerender);
  // A page of notes holds fewer on a phone: turning the phone or resizing the window pages again.
  WIDE?.addEventListener?.('change', rerender);
  // Actions go to whichever session is current.
  const socket = /** @type {any} */ ({ send: (/** @type {string} */ name, /** @type {any} */ args) => /** @type {any} */ (session).socket.send(name, args) });
  bindActions(boardSection, socket, announcer, {
    suggestPosition: () => mounted.notes.suggestPosition(),
    settleMove: (id, x, y, seq) => mounted.notes.canvas.settleMove(id, x, y, seq),
  });
  return mounted;
}

/** @param {string} token */
function startBoard(token) {
  if (!code) return;
  setHidden(boardSection, false);
  setHidden(byId('connection-status'), false);
  const v = (views ??= mountViews());

  /** @param {Context} ctx */
  function render(ctx) {
    setText(title, ctx.state.board.title);
    document.title = t('pages.board', { title: ctx.state.board.title });
    setHidden(facilitateLink, !isFacilitatorRole(ctx.you.role));
    v.phaseBar.update(ctx);
    v.timer.update(ctx);
    // Once the workshop is over its clock says nothing any more.
    setHidden(byId('timer'), ctx.state.board.ended_ms !== null && ctx.state.board.ended_ms !== undefined);
    v.composer.update(ctx);
    v.voteStatus.update(ctx);
    v.notes.update(ctx, { scope: v.flow.notesScope(ctx) });
    v.results.update(ctx);
    v.done.update(ctx);
    v.intro.update(ctx);
    v.nextSteps.update(ctx);
    v.persona.update(ctx);
    v.queue.update(ctx);
    v.subgroup.update(ctx);
    v.sharing.update(ctx);
    v.sheets.update(ctx);
    v.closing.update(ctx);
    v.grouping.update(ctx);
    // Last: the item it points at is rendered by now.
    v.spotlight.update(ctx);
    // After the views: a region its view hid takes no room on the page.
    v.flow.update(ctx);
  }
  renderCurrent = render;

  session = startSession({
    code,
    token,
    view: 'board',
    announcer,
    status,
    render,
    tick: () => {
      v.timer.tick();
      v.queue.tick();
    },
    onYou(you) {
      const stored = loadCredential(code);
      if (stored && stored.role !== you.role) saveCredential(code, { ...stored, role: you.role });
    },
    onFatal(error) {
      announcer.error(errorText(error));
      if (['unauthorized', 'not_found', 'forbidden'].includes(error.code)) {
        // The stored credential no longer opens this board: forget it and offer to join again.
        session?.stop();
        clearCredential(code);
        showJoin();
      }
    },
  });
}
