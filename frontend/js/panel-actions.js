/** The method screens' verb-named actions → protocol commands (argument names: protocol.py
 * COMMAND_ARGS). Bound on the method screens' own containers and stopped there, so that an action of
 * the same name handled by js/actions.js on the page is never sent twice. */

import { errorText } from './announce.js';

/** @typedef {ReturnType<typeof import('./socket.js').connectBoard>} Socket */
/** @typedef {ReturnType<typeof import('./announce.js').createAnnouncer>} Announcer */

/**
 * @param {Socket} socket
 * @returns {Record<string, (detail: any) => Promise<unknown>>}
 */
export function panelCommands(socket) {
  const send = socket.send.bind(socket);
  return {
    'prepare-board': (d) => send('board.configure', d.changes),
    'set-agenda': (d) => send('agenda.set', { phases: d.phases }),
    'open-workshop': () => send('board.open', {}),
    'push-question': (d) => send('question.set', { text: d.text }),
    'add-proposal': (d) => send('note.add', { text: d.text, color: d.color ?? 'yellow' }),
    'deal-personas': () => send('personas.deal', {}),
    'queue-add': (d) => send('queue.join', { name: d.name }),
    'queue-next': (d) => send('queue.next', d.seconds ? { seconds: d.seconds } : {}),
    'queue-remove': (d) => send('queue.leave', { entry_id: d.entry_id }),
    'rename-group-panel': (d) => send('group.rename', { group_id: d.group_id, title: d.title }),
    'delete-group-panel': (d) => send('group.delete', { group_id: d.group_id }),
    'retain-solution': (d) => send('solution.retain', d.kind === 'group' ? { group_id: d.id } : { note_id: d.id }),
    'release-solution': (d) => send('solution.release', { solution_id: d.solution_id }),
    'split-subgroups': (d) => send('subgroups.split', { count: d.count, mode: d.mode }),
    'assign-subgroup': (d) => send('subgroup.assign', { participant_id: d.participant_id, subgroup_id: d.subgroup_id }),
    'set-subgroup-solution': (d) => send('subgroup.solution', { subgroup_id: d.subgroup_id, solution_id: d.solution_id }),
    'present-subgroup': (d) => send('sharing.present', d.seconds ? { subgroup_id: d.subgroup_id, seconds: d.seconds } : { subgroup_id: d.subgroup_id }),
    'set-spotlight': (d) => send('spotlight.set', d.kind ? { kind: d.kind, id: d.id } : {}),
    'set-next-steps': (d) => send('next_steps.set', { text: d.text }),
    'end-workshop': () => send('workshop.end', {}),
  };
}

/**
 * Listen on each of `roots` for the actions above; the command's promise goes in `detail.result`.
 * @param {HTMLElement[]} roots
 * @param {Socket} socket
 * @param {Announcer} announcer
 */
export function bindPanelActions(roots, socket, announcer) {
  const commands = panelCommands(socket);
  for (const root of roots) {
    for (const [name, run] of Object.entries(commands)) {
      root.addEventListener(name, (event) => {
        event.stopPropagation();
        const detail = /** @type {CustomEvent} */ (event).detail ?? {};
        const result = run(detail);
        result.catch((error) => announcer.error(errorText(error)));
        if (typeof detail === 'object') detail.result = result;
      });
    }
  }
}
