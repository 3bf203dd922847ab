/** Projector view (/b/{CODE}/projector): big type, room code, QR code, phase, question, timer,
 * the wall of notes (read only) and the ranked results once revealed. No controls but the language. */

import { errorText } from './announce.js';
import { codeFromPath, loadCredential } from './api.js';
import { h, setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { startSession } from './session.js';
import { onTemplates } from './templates.js';
import { spotlight } from './method.js';
import { mountClosing, mountNextSteps } from './views/closing.js';
import { mountConnectionStatus } from './views/connection-status.js';
import { mountIntro } from './views/intro.js';
import { mountNotesCanvas } from './views/notes-canvas.js';
import { mountOrganisations } from './views/organisations.js';
import { mountSpotlight } from './views/spotlight.js';
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
  // The rest of the method: what the room reads in big type, in place of the wall when it applies.
  const stage = byId('stage');
  const spot = mountSpotlight(byId('spotlight'), { mode: 'projector' });
  const intro = mountIntro(byId('intro'), { mode: 'projector' });
  const nextSteps = mountNextSteps(byId('next-steps'));
  const closing = mountClosing(byId('closing'), { mode: 'projector' });
  const organisations = mountOrganisations(byId('organisations'));
  /** @type {Context|null} */
  let lastCtx = null;
  onTemplates(() => {
    if (lastCtx) render(lastCtx);
  });
  screen.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));

  /** @param {Context} ctx */
  function render(ctx) {
    setText(title, ctx.state.board.title);
    document.title = t('pages.projector', { title: ctx.state.board.title });
    setText(notesHeading, t('notes.heading', { count: Object.keys(ctx.state.notes).length }));
    screen.dataset.revealed = String(ctx.state.board.votes_revealed);
    phaseBar.update(ctx);
    timer.update(ctx);
    lastCtx = ctx;
    const phase = ctx.state.board.phase;
    spot.update(ctx);
    intro.update(ctx);
    nextSteps.update(ctx);
    closing.update(ctx);
    organisations.update(ctx);
    // One thing at a time on the big screen: the spotlight first, then what the phase is about.
    const hasIntro = !byId('intro').hidden;
    const hasNextSteps = !byId('next-steps').hidden;
    let mode = 'notes';
    if (spotlight(ctx.state)) mode = 'spotlight';
    else if ((phase === 'intro' || phase === 'presentation') && hasIntro) mode = 'intro';
    else if (phase === 'conclusion') mode = 'closing';
    screen.dataset.stage = mode;
    setHidden(stage, mode === 'notes');
    setHidden(notesSection, mode !== 'notes');
    setHidden(byId('spotlight'), mode !== 'spotlight');
    setHidden(byId('intro'), mode !== 'intro' || !hasIntro);
    setHidden(byId('closing'), mode !== 'closing');
    setHidden(byId('next-steps'), mode !== 'closing' || !hasNextSteps);
    if (mode === 'notes') canvas.update(ctx);
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
