/** Facilitator control panel (/b/{CODE}/facilitate): the board plus phase, timer, question, votes,
 * lock, participants, room code and the projector link. */

import { bindActions } from './actions.js';
import { errorText } from './announce.js';
import { clearCredential, codeFromPath, loadCredential, saveCredential } from './api.js';
import { setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { startSession } from './session.js';
import { isFacilitatorRole } from './store.js';
import { mountComposer } from './views/composer.js';
import { mountConnectionStatus } from './views/connection-status.js';
import {
  mountLockControl,
  mountNotesControl,
  mountPhaseControl,
  mountQuestionControl,
  mountTimerControl,
  mountVoteControl,
} from './views/facilitator-controls.js';
import { mountMethodPanel } from './views/method-panel.js';
import { mountNotesPanel } from './views/notes-panel.js';
import { mountParticipants } from './views/participants.js';
import { mountPhaseBar } from './views/phase-bar.js';
import { mountProjectorLink } from './views/projector-link.js';
import { mountResults } from './views/results.js';
import { mountRoomInfo } from './views/room-info.js';
import { mountTimer } from './views/timer.js';
import { mountVoteStatus } from './views/vote-status.js';

/** @typedef {import('./session.js').Context} Context */

const { announcer } = await initPage();
const code = codeFromPath(location.pathname);
const title = byId('board-title');
const status = mountConnectionStatus(byId('connection-status'));
const panel = byId('panel');
const notice = byId('notice');
const noticeText = byId('notice-text');
const noticeLink = /** @type {HTMLAnchorElement} */ (byId('notice-link'));

/** @type {(() => string)|null} the notice shown, as a function so that it follows the language */
let noticeMessage = null;

/**
 * This page is for facilitators only: say so and point to the participant board.
 * @param {() => string} message
 */
function showNotice(message) {
  noticeMessage = message;
  setHidden(panel, true);
  setHidden(notice, false);
  setText(title, t('facilitate.restricted_heading'));
  setText(noticeText, message());
  status.update('offline');
}
onLanguageChange(() => {
  if (noticeMessage) showNotice(noticeMessage);
});

if (!code) {
  showNotice(() => t('errors.bad_code'));
  setHidden(noticeLink, true);
} else {
  noticeLink.href = `/b/${code}`;
  const credential = loadCredential(code);
  if (!credential || !isFacilitatorRole(credential.role)) showNotice(() => t('facilitate.restricted'));
  else start(code, credential.token);
}

/**
 * @param {string} code
 * @param {string} token
 */
function start(code, token) {
  setHidden(panel, false);
  const room = mountRoomInfo(byId('room-info'), { code });
  const projectorLink = mountProjectorLink(byId('projector-link-panel'), { code, token, headingLevel: 2 });
  const phaseControl = mountPhaseControl(byId('phase-control'));
  const timerControl = mountTimerControl(byId('timer-control'));
  const questionControl = mountQuestionControl(byId('question-control'));
  const notesControl = mountNotesControl(byId('notes-control'));
  const voteControl = mountVoteControl(byId('vote-control'));
  const lockControl = mountLockControl(byId('lock-control'));
  const participants = mountParticipants(byId('participants'));
  const phaseBar = mountPhaseBar(byId('phase-bar'));
  const timer = mountTimer(byId('timer'));
  const composer = mountComposer(byId('composer'));
  const voteStatus = mountVoteStatus(byId('vote-status'));
  const notes = mountNotesPanel(byId('notes'));
  const results = mountResults(byId('results'));
  const method = mountMethodPanel({ top: byId('method-top'), bottom: byId('method-bottom'), code, token, announcer });
  onLanguageChange(() => room.update());
  panel.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));

  /** @param {Context} ctx */
  function render(ctx) {
    setText(title, t('facilitate.heading', { title: ctx.state.board.title }));
    document.title = t('pages.facilitate', { title: ctx.state.board.title });
    for (const view of [phaseControl, timerControl, questionControl, notesControl, voteControl, lockControl, participants, phaseBar, timer, composer, voteStatus, notes, results, projectorLink]) {
      view.update(ctx);
    }
    method.update(ctx);
  }

  const session = startSession({
    code,
    token,
    view: 'board',
    announcer,
    status,
    render,
    tick: () => {
      timer.tick();
      method.tick();
    },
    onYou(you) {
      const stored = loadCredential(code);
      if (stored && stored.role !== you.role) saveCredential(code, { ...stored, role: you.role });
      if (!isFacilitatorRole(you.role)) {
        session.stop();
        showNotice(() => t('facilitate.restricted'));
      }
    },
    onFatal(error) {
      if (error.code === 'unauthorized' || error.code === 'not_found') clearCredential(code);
      const text = errorText(error);
      showNotice(() => text);
    },
  });
  method.bind(session.socket);
  bindActions(panel, session.socket, announcer, {
    suggestPosition: () => notes.suggestPosition(),
    settleMove: (id, x, y, seq) => notes.canvas.settleMove(id, x, y, seq),
  });
}
