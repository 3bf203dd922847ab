/** Projector view (/b/{CODE}/projector): big type, room code, QR code, phase, question, timer,
 * the wall of notes (read only) and the ranked results once revealed. No controls but the language. */

import { errorText } from './announce.js';
import { codeFromPath, loadCredential } from './api.js';
import { h, setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { startSession } from './session.js';
import { mountConnectionStatus } from './views/connection-status.js';
import { mountNotesCanvas } from './views/notes-canvas.js';
import { mountPhaseBar } from './views/phase-bar.js';
import { mountResults } from './views/results.js';
import { mountTimer } from './views/timer.js';

/** @typedef {import('./session.js').Context} Context */

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

if (!code) {
  showNotice(() => t('errors.bad_code'));
} else {
  const credential = loadCredential(code);
  // The projector uses the facilitator's token, opened from the control panel in the same browser.
  if (!credential) showNotice(() => t('projector.no_credential'));
  else start(code, credential.token);
}

/**
 * @param {string} code
 * @param {string} token
 */
function start(code, token) {
  setHidden(screen, false);
  const joinUrl = `${location.origin}/b/${code}`;
  setText(byId('room-code'), code);
  setText(byId('join-url'), joinUrl);
  const qr = /** @type {HTMLImageElement} */ (byId('qr'));
  qr.src = `/api/boards/${encodeURIComponent(code)}/qr.svg`;
  const setQrAlt = () => {
    qr.alt = t('projector.qr_alt', { code, url: joinUrl });
  };
  setQrAlt();
  onLanguageChange(setQrAlt);

  const phaseBar = mountPhaseBar(byId('phase-bar'));
  const timer = mountTimer(byId('timer'));
  const notesSection = byId('notes');
  const notesHeading = h('h2', { class: 'visually-hidden', id: 'projector-notes-heading' });
  notesSection.setAttribute('aria-labelledby', 'projector-notes-heading');
  notesSection.prepend(notesHeading);
  const canvas = mountNotesCanvas(byId('notes-canvas'), { mode: 'projector' });
  const results = mountResults(byId('results'));
  screen.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));

  /** @param {Context} ctx */
  function render(ctx) {
    setText(title, ctx.state.board.title);
    document.title = t('pages.projector', { title: ctx.state.board.title });
    setText(notesHeading, t('notes.heading', { count: Object.keys(ctx.state.notes).length }));
    screen.dataset.revealed = String(ctx.state.board.votes_revealed);
    phaseBar.update(ctx);
    timer.update(ctx);
    canvas.update(ctx);
    results.update(ctx);
  }

  startSession({
    code,
    token,
    view: 'projector',
    announcer,
    status,
    render,
    tick: () => timer.tick(),
    // Never forget the credential here: it is the facilitator's, and this page only borrows it.
    onFatal: (error) => {
      const text = errorText(error);
      showNotice(() => text);
    },
  });
}
