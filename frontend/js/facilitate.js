/** The facilitator's cockpit (/b/{CODE}/facilitate), on one screen: the bar (phases, next phase,
 * timer, opening and lock), then tabs; the first tab holds the current phase's tools beside a live
 * view of the wall (or of the sheet presented, or of the closing answers), the others preparation,
 * participants and organisations, access (room code, projector, facilitator link) and exports.
 * Opened from a facilitator link (`#k=…`), it keeps that credential for this board first. */

import { bindActions } from './actions.js';
import { errorText } from './announce.js';
import { clearCredential, codeFromPath, loadCredential, saveCredential, takeLinkSecret } from './api.js';
import { setAttr, setHidden, setText } from './dom.js';
import { onLanguageChange, t } from './i18n.js';
import { byId, initPage } from './page.js';
import { LIVE_REGIONS, cockpitLive } from './panel-layout.js';
import { startSession } from './session.js';
import { isFacilitatorRole } from './store.js';
import { mountAccessLinks, mountCoFacilitatorInvite } from './views/access-links.js';
import { mountCockpitTabs } from './views/cockpit-tabs.js';
import { mountConnectionStatus } from './views/connection-status.js';
import { mountIntro } from './views/intro.js';
import { mountLockControl, mountPhaseControl, mountTimerControl } from './views/facilitator-controls.js';
import { mountMethodPanel } from './views/method-panel.js';
import { mountNotesPanel } from './views/notes-panel.js';
import { mountParticipantPreview } from './views/participant-preview.js';
import { mountParticipants } from './views/participants.js';
import { mountProjectorLink } from './views/projector-link.js';
import { mountRetention } from './views/retention.js';
import { mountErasure } from './views/erasure.js';
import { mountRoomInfo } from './views/room-info.js';
import { mountSharing } from './views/sharing.js';
import { mountTimer } from './views/timer.js';

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
  document.body.classList.remove('page--cockpit');
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
  // A facilitator link: its secret is this board's credential on this device from now on (the
  // welcome then tells who it acts as). takeLinkSecret has already taken it out of the address bar.
  const secret = takeLinkSecret();
  if (secret) saveCredential(code, { token: secret, participant_id: '', role: 'facilitator' });
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
  document.body.classList.add('page--cockpit');
  setText(byId('room-code'), code);
  setHidden(byId('room-code-box'), false);

  const tabs = mountCockpitTabs(byId('tabs'), [
    { id: 'live', labelKey: 'cockpit.tabs.live', panel: byId('panel-live') },
    { id: 'prep', labelKey: 'cockpit.tabs.prep', panel: byId('panel-prep') },
    { id: 'people', labelKey: 'cockpit.tabs.people', panel: byId('panel-people') },
    { id: 'access', labelKey: 'cockpit.tabs.access', panel: byId('panel-access') },
    { id: 'exports', labelKey: 'cockpit.tabs.exports', panel: byId('panel-exports') },
  ]);
  const room = mountRoomInfo(byId('room-info'), { code });
  const phaseControl = mountPhaseControl(byId('phase-control'));
  const timer = mountTimer(byId('timer'));
  const timerControl = mountTimerControl(byId('timer-control'));
  const lockControl = mountLockControl(byId('lock-control'));
  const participants = mountParticipants(byId('participants'));
  const access = mountAccessLinks(byId('access-links'), { code, token, announcer });
  const invite = mountCoFacilitatorInvite(byId('access-invite'), { code, token, announcer });
  const notes = mountNotesPanel(byId('notes'));
  const sharing = mountSharing(byId('sharing'));
  const intro = mountIntro(byId('intro'));
  const preview = mountParticipantPreview(byId('preview'), { code, token });
  const method = mountMethodPanel({
    tools: byId('tools'),
    answers: byId('answers'),
    prep: byId('prep'),
    agenda: byId('agenda'),
    organisations: byId('organisations'),
    exports: byId('exports'),
    code,
    token,
    announcer,
    onPrepare() {
      tabs.select('prep');
      /** @type {HTMLElement|null} */ (byId('prep').querySelector('[data-testid="question-new"]'))?.focus();
    },
  });
  // Personal data: erasing a person (or the board) beside who is here; the erasure date with the
  // exports, where what is kept and what leaves the board is decided.
  mountRetention(byId('retention'), { code, token, announcer });
  const erasure = mountErasure(byId('erasure'), { code, token, announcer });
  onLanguageChange(() => room.update());
  // The projector link's own panel (the projector's module) in the access tab, beside the facilitator link.
  const projectorLink = mountProjectorLink(byId('projector-link-panel'), { code, token, headingLevel: 2 });

  panel.addEventListener('timer-expired', () => announcer.announce(t('announce.timer_expired')));

  // The live view: the phase's own (wall, sheet presented, answers), or the participant's preview.
  const previewToggle = byId('preview-toggle');
  /** @type {Record<string, HTMLElement>} */
  const live = { intro: byId('live-intro'), wall: byId('notes'), sharing: byId('live-sharing'), answers: byId('answers') };
  let previewing = false;
  /** @type {Context|null} */
  let last = null;
  function showLive() {
    const regions = LIVE_REGIONS[last ? cockpitLive(last.state) : 'wall'];
    for (const [name, host] of Object.entries(live)) setHidden(host, previewing || !regions.includes(name));
    setHidden(byId('preview'), !previewing);
    setAttr(previewToggle, 'aria-pressed', String(previewing));
    setText(previewToggle, t(previewing ? 'cockpit.preview.back' : 'cockpit.preview.toggle'));
  }
  previewToggle.addEventListener('click', () => {
    previewing = !previewing;
    if (previewing) preview.start();
    else preview.stop();
    showLive();
  });
  onLanguageChange(showLive);

  let firstRender = true;
  /** @param {Context} ctx */
  function render(ctx) {
    last = ctx;
    setText(title, ctx.state.board.title);
    document.title = t('pages.facilitate', { title: ctx.state.board.title });
    // A draft is prepared before it is run: it opens on the preparation tab.
    if (firstRender && ctx.state.board.status === 'draft') tabs.select('prep');
    firstRender = false;
    for (const view of [phaseControl, timer, timerControl, lockControl, participants, access, invite, notes, sharing, intro]) view.update(ctx);
    method.update(ctx);
    erasure.update(ctx);
    projectorLink.update(ctx);
    showLive();
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
      if (stored && (stored.role !== you.role || stored.participant_id !== you.id)) {
        saveCredential(code, { ...stored, role: you.role, participant_id: you.id });
      }
      if (!isFacilitatorRole(you.role)) {
        session.stop();
        preview.stop();
        showNotice(() => t('facilitate.restricted'));
      }
    },
    onFatal(error) {
      // A revoked link or a removed facilitator: this device's credential is worth nothing now.
      if (error.code === 'unauthorized' || error.code === 'not_found') clearCredential(code);
      preview.stop();
      // Said in the cockpit's words: the usual cause here is a facilitator link revoked meanwhile.
      const text = error.code === 'unauthorized' ? null : errorText(error);
      showNotice(() => text ?? t('cockpit.revoked'));
    },
  });
  method.bind(session.socket);
  bindActions(panel, session.socket, announcer, {
    suggestPosition: () => notes.suggestPosition(),
    settleMove: (id, x, y, seq) => notes.canvas.settleMove(id, x, y, seq),
  });
}
