/** Turns the views' verb-named actions into protocol commands, and their failures into alerts. */

import { errorText } from './announce.js';

/** @typedef {ReturnType<typeof import('./socket.js').connectBoard>} Socket */
/** @typedef {ReturnType<typeof import('./announce.js').createAnnouncer>} Announcer */

/**
 * Each entry: action name → (detail) => promise of the command(s).
 * @param {Socket} socket
 * @param {{suggestPosition?: () => ({x: number, y: number}|null), settleMove?: (id: string, x: number, y: number, seq: number|null) => void}} hooks
 * @returns {Record<string, (detail: any) => Promise<unknown>>}
 */
function commands(socket, hooks) {
  const send = socket.send.bind(socket);
  return {
    'add-note': (d) => {
      /** @type {Record<string, unknown>} */
      const args = { text: d.text, color: d.color };
      if (d.for) args.for = d.for;
      if (d.persona) args.persona = d.persona;
      const pos = hooks.suggestPosition?.();
      if (pos) Object.assign(args, pos);
      return send('note.add', args);
    },
    'edit-note': (d) =>
      Promise.all([
        d.text !== null ? send('note.edit', { id: d.id, text: d.text }) : null,
        d.color !== null ? send('note.recolor', { id: d.id, color: d.color }) : null,
      ]),
    'delete-note': (d) => send('note.delete', { id: d.id }),
    'move-note': (d) =>
      send('note.move', { id: d.id, x: d.x, y: d.y }).then(
        (ack) => hooks.settleMove?.(d.id, d.x, d.y, ack.seq),
        (error) => {
          hooks.settleMove?.(d.id, d.x, d.y, null);
          throw error;
        },
      ),
    'add-vote': (d) => send('vote.add', d.group_id ? { group_id: d.group_id } : { note_id: d.note_id }),
    'remove-vote': (d) => send('vote.remove', d.group_id ? { group_id: d.group_id } : { note_id: d.note_id }),
    // --- the rest of the method, participant side (views/*: grouping, sheet-editor, sharing, closing…)
    'present-note': (d) => send('note.present', { id: d.id }),
    'join-queue': () => send('queue.join', {}),
    'leave-queue': (d) => send('queue.leave', { entry_id: d.entry_id }),
    'create-group': (d) => send('group.create', { title: d.title, note_ids: d.note_ids }),
    'add-to-group': (d) => send('group.add', { group_id: d.group_id, note_id: d.note_id }),
    'remove-from-group': (d) => send('group.remove', { note_id: d.note_id }),
    'rename-group': (d) => send('group.rename', { group_id: d.group_id, title: d.title }),
    'choose-subgroup': (d) => send('subgroup.choose', { subgroup_id: d.subgroup_id }),
    // A stale base_version is not a failure to shout about: the editor shows both texts instead.
    'edit-sheet': (d) =>
      send('sheet.edit', { sheet_id: d.sheet_id, field: d.field, text: d.text, base_version: d.base_version }).catch((error) => {
        if (error?.code === 'conflict') return { conflict: true };
        throw error;
      }),
    'add-remark': (d) => send('remark.add', { sheet_id: d.sheet_id, kind: d.kind, text: d.text }),
    'answer-closing': (d) => send('closing.answer', { question: d.question, text: d.text }),
    'set-done': (d) => send('participant.done', { done: d.done }),
    'set-phase': (d) => send('phase.set', { phase: d.phase }),
    'start-timer': (d) => send('timer.start', d.seconds ? { seconds: d.seconds } : {}),
    'pause-timer': () => send('timer.pause', {}),
    'resume-timer': () => send('timer.resume', {}),
    'add-time': (d) => send('timer.add', { seconds: d.seconds }),
    'reset-timer': () => send('timer.reset', {}),
    'set-question': (d) => send('question.set', { text: d.text }),
    'configure-votes': (d) => send('votes.configure', { budget: d.budget }),
    'reveal-votes': (d) => send('votes.reveal', { revealed: d.revealed }),
    'lock-board': (d) => send('board.lock', { locked: d.locked }),
    'open-board': () => send('board.open', {}),
    'reveal-notes': () => send('notes.reveal', {}),
    'configure-board': (d) => send('board.configure', { settings: d.settings }),
    'change-role': (d) => send('participant.role', { id: d.id, role: d.role }),
    'erase-person': (d) => send('participant.erase', { id: d.id, for: d.for }),
    'remove-participant': (d) => send('participant.remove', { id: d.id }),
    'set-joining': (d) => send('board.joining', { open: d.open }),
  };
}

/**
 * Listen on `root` for the actions bubbling up from the views. The command's promise is put in
 * `detail.result` (dispatch is synchronous) so the view that asked can react to its outcome.
 * @param {HTMLElement} root
 * @param {Socket} socket
 * @param {Announcer} announcer
 * @param {Parameters<typeof commands>[1]} [hooks]
 */
export function bindActions(root, socket, announcer, hooks = {}) {
  for (const [name, run] of Object.entries(commands(socket, hooks))) {
    root.addEventListener(name, (event) => {
      const detail = /** @type {CustomEvent} */ (event).detail ?? {};
      const result = run(detail);
      result.catch((error) => announcer.error(errorText(error)));
      if (typeof detail === 'object') detail.result = result;
    });
  }
}
