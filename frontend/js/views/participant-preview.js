/** "See it as a participant": the board as the server sends it to someone who is not a facilitator.
 *
 * It opens a second socket with the facilitator's own token and `view: "projector"`, which the
 * server folds as a participant who never votes (docs/protocol.md): private notes are not sent,
 * authors of anonymous notes arrive as null, tallies only once revealed. So the preview shows what
 * private writing and anonymity really hide (decided by the server, not by hiding things here),
 * without a new credential to create and revoke, and without the participant page, which in this
 * browser would find the facilitator's stored credential and show the facilitator's view. */

import { h, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { connectBoard } from '../socket.js';
import { mountNotesPanel } from './notes-panel.js';
import { mountPhaseBar } from './phase-bar.js';

/**
 * @param {HTMLElement} el a <section>, hidden while the preview is off
 * @param {{code: string, token: string}} options
 */
export function mountParticipantPreview(el, { code, token }) {
  el.classList.add('preview');
  const headingId = uid('preview-heading');
  el.setAttribute('aria-labelledby', headingId);
  el.dataset.testid = 'participant-preview';
  const heading = h('h2', { id: headingId, class: 'preview__heading', i18n: 'cockpit.preview.heading' });
  const status = h('p', { class: 'preview__status field__hint', 'data-testid': 'preview-status' });
  const phaseEl = h('section', { class: 'preview__phase' });
  const notesEl = h('section', { class: 'preview__notes board__notes' });
  el.append(heading, status, phaseEl, notesEl);
  const phase = mountPhaseBar(phaseEl, { headingLevel: 3 });
  const notes = mountNotesPanel(notesEl);
  // Nothing in the preview acts on the board: its views' actions stop here.
  for (const name of ['move-note', 'edit-note', 'delete-note', 'add-vote', 'remove-vote', 'present-note']) {
    el.addEventListener(name, (event) => event.stopPropagation());
  }

  /** @type {ReturnType<typeof connectBoard>|null} */
  let socket = null;

  function start() {
    if (socket) return;
    setText(status, t('cockpit.preview.connecting'));
    socket = connectBoard({
      code,
      token,
      view: 'projector',
      onState(state, you, seq) {
        const ctx = { state, you, seq, online: new Set(), offsetMs: socket?.offsetMs ?? 0 };
        phase.update(ctx);
        notes.update(ctx);
        const hidden = Object.keys(state.notes).length;
        setText(status, t('cockpit.preview.status', { count: hidden }));
      },
      onFatal() {
        setText(status, t('cockpit.preview.failed'));
      },
    });
  }

  function stop() {
    socket?.close();
    socket = null;
  }

  return { start, stop };
}
