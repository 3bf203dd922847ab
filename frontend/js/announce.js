/** What to tell screen-reader users about a change made by someone else, and the two regions that say it. */

import { t } from './i18n.js';
import { describeMethodEvent } from './method-announce.js';
import { formatDuration, remainingMs } from './store.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */
/** @typedef {import('./store.js').EventMessage} EventMessage */

const KEPT_MESSAGES = 5;

/**
 * @param {State} state
 * @param {string|null} id null for an anonymous note
 * @returns {string}
 */
export function participantName(state, id) {
  if (id === null) return t('note.anonymous');
  return state.participants[id]?.name ?? t('note.unknown_author');
}

/**
 * The sentence for an event made by someone else, or null when it is not worth interrupting for
 * (moves, recolouring, hidden votes, other people's dots).
 * @param {EventMessage} msg
 * @param {State} before
 * @param {State} after
 * @param {You} you
 * @param {number} offsetMs
 * @returns {string|null}
 */
export function describeEvent(msg, before, after, you, offsetMs) {
  const data = msg.data ?? {};
  switch (msg.name) {
    case 'participant.joined':
      if (data.participant?.id === you.id) return null;
      return t('announce.joined', { name: data.participant?.name ?? '' });
    case 'participant.role_changed':
      if (data.id === you.id) return t(`announce.you_role.${data.role}`);
      return t(`announce.role.${data.role}`, { name: participantName(after, data.id) });
    case 'participant.removed':
      return t('removal.announce_removed', { name: participantName(before, data.id) });
    case 'board.joining_changed':
      return t(data.open ? 'removal.announce_open' : 'removal.announce_closed');
    case 'note.added': {
      const note = data.note;
      if (!note || note.author === you.id) return null;
      if (note.for) return t('announce.note_added_for', { name: note.for });
      if (note.author === null) return t('announce.note_added_anonymous');
      return t('announce.note_added', { name: participantName(after, note.author) });
    }
    case 'note.edited': {
      const note = after.notes[data.id];
      if (!note) return null;
      if (note.author === you.id && !note.for) return t('announce.your_note_edited');
      if (!note.for && note.author === null) return t('announce.note_edited_anonymous');
      return t('announce.note_edited', { name: note.for || participantName(after, note.author) });
    }
    case 'note.deleted': {
      const note = before.notes[data.id];
      if (!note) return null;
      if (note.author === you.id && !note.for) return t('announce.your_note_deleted');
      if (!note.for && note.author === null) return t('announce.note_deleted_anonymous');
      return t('announce.note_deleted', { name: note.for || participantName(before, note.author) });
    }
    case 'votes.configured':
      return t('announce.budget', { count: data.budget });
    case 'votes.revealed':
      return t(data.revealed ? 'announce.votes_revealed' : 'announce.votes_hidden');
    case 'phase.changed':
      return t('announce.phase', { phase: t(`phases.${data.phase}`) });
    case 'question.changed':
      return data.text ? t('announce.question', { text: data.text }) : t('announce.question_cleared');
    case 'timer.changed': {
      const timer = data.timer;
      const time = formatDuration(remainingMs(timer, offsetMs));
      if (timer.status === 'running') {
        return t(before.timer.status === 'running' ? 'announce.timer_adjusted' : 'announce.timer_running', { time });
      }
      if (timer.status === 'paused') return t('announce.timer_paused', { time });
      return t('announce.timer_reset', { time });
    }
    case 'workshop.ended':
      return t('phone.end.done');
    case 'board.locked':
      return t(data.locked ? 'announce.locked' : 'announce.unlocked');
    case 'notes.revealed':
      return (data.notes ?? []).length > 0 ? t('announce.notes_revealed') : null;
    case 'board.opened':
      return t('announce.opened');
    case 'board.configured':
      return t('announce.settings');
    default:
      // The rest of the method (spotlight, groups, sheets, queue, closing…): method-announce.js.
      return describeMethodEvent(msg, before, after, you); // note.moved, note.recolored, vote.*, hidden → null
  }
}

/**
 * The page's single polite live region (others' changes) and its assertive alert (errors).
 * @param {HTMLElement} live element with aria-live="polite"
 * @param {HTMLElement} alert element with role="alert"
 * @param {HTMLElement} [alertBox] visible wrapper shown while there is an error
 */
export function createAnnouncer(live, alert, alertBox) {
  /** @type {ReturnType<typeof setTimeout>|null} */
  let alertTimer = null;
  const close = alertBox?.querySelector('button');
  close?.addEventListener('click', () => clearAlert());

  function clearAlert() {
    alert.textContent = '';
    if (alertBox) alertBox.hidden = true;
  }

  return {
    /**
     * Say something politely. Each message is its own node, so two identical messages in a row are
     * both spoken.
     * @param {string|null|undefined} text
     */
    announce(text) {
      if (!text) return;
      live.append(Object.assign(document.createElement('p'), { textContent: text }));
      while (live.childElementCount > KEPT_MESSAGES) live.firstElementChild?.remove();
    },
    /**
     * Show and speak an error at once.
     * @param {string} text
     */
    error(text) {
      clearTimeout(alertTimer ?? undefined);
      if (alertBox) alertBox.hidden = false;
      // Empty first, so the same error twice is announced twice.
      alert.textContent = '';
      setTimeout(() => {
        alert.textContent = text;
      }, 50);
      alertTimer = setTimeout(clearAlert, 15_000);
    },
    clearAlert,
  };
}

/**
 * The text for an error: the server's message (already in the user's language), else the catalogue's
 * by code.
 * @param {{code?: string, serverMessage?: string}|any} error
 * @returns {string}
 */
export function errorText(error) {
  if (error?.serverMessage) return error.serverMessage;
  const code = error?.code;
  if (code) {
    const text = t(`errors.${code}`);
    if (text !== `errors.${code}`) return text;
  }
  return t('errors.unknown');
}
