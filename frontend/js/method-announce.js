/** What to say (politely) about the rest of the method's events made by others, and how to name what
 * the spotlight points at. Used by announce.js for events it does not word itself. */

import { t } from './i18n.js';
import { filledCount, mySubgroup, queueName, sheetTitle, solutionById, spotlight } from './method.js';
import { isFacilitatorRole } from './store.js';
import { personaById } from './templates.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */
/** @typedef {import('./store.js').EventMessage} EventMessage */

/**
 * A sentence naming what the spotlight shows, or '' when nothing is spotlighted.
 * @param {State} state
 * @returns {string}
 */
export function spotlightText(state) {
  const spot = spotlight(state);
  if (!spot) return '';
  switch (spot.kind) {
    case 'note':
      return t('method.spotlight.note', { text: state.notes[spot.id]?.text ?? '' });
    case 'group': {
      const group = state.groups?.[spot.id];
      return t('method.spotlight.group', { title: group?.title ?? '', count: group?.note_ids.length ?? 0 });
    }
    case 'sheet': {
      const sheet = state.sheets?.[spot.id];
      return t('method.spotlight.sheet', { title: sheet ? sheetTitle(state, sheet) : '' });
    }
    case 'subgroup': {
      const group = state.subgroups?.[spot.id];
      const solution = solutionById(state, group?.solution_id);
      return solution
        ? t('method.spotlight.subgroup', { name: group?.name ?? '', title: solution.title })
        : t('method.spotlight.subgroup_alone', { name: group?.name ?? '' });
    }
    default:
      return '';
  }
}

/**
 * @param {State} state
 * @param {string|null|undefined} id
 */
function nameOf(state, id) {
  return (id && state.participants[id]?.name) || t('note.unknown_author');
}

/**
 * The sentence for a method event made by someone else, or null when it is not worth interrupting for.
 * @param {EventMessage} msg
 * @param {State} before
 * @param {State} after
 * @param {You} you
 * @returns {string|null}
 */
export function describeMethodEvent(msg, before, after, you) {
  const data = msg.data ?? {};
  switch (msg.name) {
    case 'spotlight.changed':
      return data.spotlight ? t('method.announce.spotlight', { what: spotlightText(after) }) : t('method.announce.spotlight_cleared');
    case 'persona.dealt': {
      if (data.participant_id !== you.id) return null;
      const persona = personaById(data.persona);
      return persona ? t('method.announce.persona', { name: persona.name }) : t('method.announce.persona_unknown');
    }
    case 'group.created':
      return t('method.announce.group_created', { title: data.group?.title ?? '' });
    case 'group.renamed':
      return t('method.announce.group_renamed', { title: data.title ?? '' });
    case 'solution.retained':
      return t('method.announce.solution', { title: data.solution?.title ?? '' });
    case 'subgroups.split': {
      const mine = mySubgroup(after, you.id);
      if (mine) return t('method.announce.subgroup_mine', { name: mine.name });
      return data.mode === 'choice' && !isFacilitatorRole(you.role) ? t('method.announce.subgroups_choice') : t('method.announce.subgroups');
    }
    case 'subgroup.assigned':
      if (data.participant_id !== you.id) return null;
      return t('method.announce.subgroup_mine', { name: after.subgroups?.[data.subgroup_id]?.name ?? '' });
    case 'sheet.edited': {
      // Said once when someone starts on a field, not at every pause of their typing.
      const previous = before.sheets?.[data.sheet_id]?.fields?.[data.field];
      if (previous?.by === data.by) return null;
      const sheet = after.sheets?.[data.sheet_id];
      if (!sheet) return null;
      return t('method.announce.sheet_edited', {
        name: nameOf(after, data.by), field: t(`method.sheet.fields.${data.field}`), title: sheetTitle(after, sheet), count: filledCount(sheet),
      });
    }
    case 'remark.added':
      return t(`method.announce.remark.${data.remark?.kind ?? 'suggestion'}`);
    case 'queue.changed': {
      const speaker = data.speaker;
      const was = before.queue?.speaker;
      if (speaker && speaker.id !== was?.id) {
        return speaker.participant === you.id ? t('method.announce.your_turn') : t('method.announce.speaker', { name: queueName(after, speaker) });
      }
      return null;
    }
    case 'next_steps.changed':
      return data.text ? t('method.announce.next_steps') : null;
    default:
      return null;
  }
}
