/** Who is in the room: name, role, organisation kind, online dot; the facilitator can hand over co-facilitation,
 * facilitators can remove a participant and close the board to new joins. */

import { emit, h, reconcile, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';

/** @typedef {import('../store.js').Participant} Participant */
/** @typedef {{state: import('../store.js').State, you: import('../store.js').You, online: Set<string>}} Context */

const ROLE_ORDER = { facilitator: 0, co_facilitator: 1, participant: 2 };

/**
 * Emits `change-role` {id, role}, `remove-participant` {id} (after the facilitator confirms) and
 * `set-joining` {open}.
 * @param {HTMLElement} el a <section>
 */
export function mountParticipants(el) {
  el.classList.add('participants');
  const headingId = uid('participants-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'participants__heading' });
  const doorState = h('p', { class: 'participants__door-state', 'data-testid': 'joining-state' });
  const doorButton = h('button', { type: 'button', class: 'button button--small participants__door', 'data-testid': 'joining-toggle' });
  const door = h('div', { class: 'participants__door', hidden: true }, doorState, doorButton);
  const list = h('ul', { class: 'participants__list', role: 'list', 'data-testid': 'participants' });
  // The kinds of organisation present are counted once, by the organisations panel beside this list.
  el.append(heading, door, list);
  let joiningOpen = true;

  doorButton.addEventListener('click', () => emit(doorButton, 'set-joining', { open: !joiningOpen }));
  list.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target);
    const remove = /** @type {HTMLElement|null} */ (target.closest('button[data-remove]'));
    const removeItem = remove?.closest('li');
    if (remove && removeItem) {
      // Native confirm: keyboard and screen-reader friendly, and a removal is not undone by a click.
      if (window.confirm(t('removal.confirm', { name: remove.dataset.name ?? '' }))) {
        emit(remove, 'remove-participant', { id: removeItem.dataset.key });
      }
      return;
    }
    const button = target.closest('button[data-role]');
    const item = button?.closest('li');
    if (button && item) emit(button, 'change-role', { id: item.dataset.key, role: /** @type {HTMLElement} */ (button).dataset.role });
  });

  /** @param {Context} ctx */
  function update({ state, you, online }) {
    const people = Object.values(state.participants).sort(
      (a, b) => (ROLE_ORDER[a.role] ?? 3) - (ROLE_ORDER[b.role] ?? 3) || a.name.localeCompare(b.name),
    );
    const onlineCount = people.filter((p) => online.has(p.id)).length;
    setText(heading, t('participants.heading', { count: people.length, online: onlineCount }));
    const canPromote = you.role === 'facilitator' && you.view !== 'projector';
    const moderates = (you.role === 'facilitator' || you.role === 'co_facilitator') && you.view !== 'projector';
    joiningOpen = state.board.joining !== false;
    setHidden(door, !moderates);
    setText(doorState, t(joiningOpen ? 'removal.joining_open' : 'removal.joining_closed'));
    setAttr(doorState, 'data-open', String(joiningOpen));
    setText(doorButton, t(joiningOpen ? 'removal.close_joining' : 'removal.open_joining'));
    reconcile(
      list,
      people,
      (p) => p.id,
      () => {
        const dot = h('span', { class: 'participants__dot', 'aria-hidden': 'true' });
        const presence = h('span', { class: 'visually-hidden' });
        const name = h('span', { class: 'participants__name' });
        const details = h('span', { class: 'participants__details' });
        const button = h('button', { type: 'button', class: 'button button--small participants__promote' });
        const remove = h('button', { type: 'button', class: 'button button--small participants__remove', 'data-remove': 'true' });
        return h('li', { class: 'participants__item', 'data-testid': 'participant' }, dot, presence, name, details, button, remove);
      },
      (item, p) => {
        const [dot, presence, name, details, button, remove] = /** @type {HTMLElement[]} */ ([...item.children]);
        const isOnline = online.has(p.id);
        item.dataset.online = String(isOnline);
        dot.dataset.online = String(isOnline);
        setText(presence, t(isOnline ? 'participants.online' : 'participants.offline'));
        setText(name, p.id === you.id ? t('participants.you', { name: p.name }) : p.name);
        const parts = [t(`roles.${p.role}`)];
        if (p.organisation) parts.push(t(`organisations.${p.organisation}`));
        setText(details, parts.join(' · '));
        const promotable = canPromote && p.role !== 'facilitator';
        setHidden(button, !promotable);
        // Only the buttons one can press carry the test hook (tests locate them without filtering).
        setAttr(button, 'data-testid', promotable ? 'participant-promote' : null);
        if (promotable) {
          const next = p.role === 'co_facilitator' ? 'participant' : 'co_facilitator';
          button.dataset.role = next;
          setText(button, t(next === 'co_facilitator' ? 'participants.promote' : 'participants.demote'));
          button.setAttribute('aria-label', t(next === 'co_facilitator' ? 'participants.promote_label' : 'participants.demote_label', { name: p.name }));
        }
        const removable = moderates && p.role === 'participant' && p.id !== you.id;
        setHidden(remove, !removable);
        setAttr(remove, 'data-testid', removable ? 'participant-remove' : null);
        if (removable) {
          remove.dataset.name = p.name;
          setText(remove, t('removal.remove'));
          remove.setAttribute('aria-label', t('removal.remove_label', { name: p.name }));
        }
      },
    );
  }
  return { update };
}
