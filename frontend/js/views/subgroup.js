/** Sub-groups: mine (number, solution, members) and, when the facilitators let people choose, a chooser. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { mySubgroup, solutionById, subgroupsInOrder } from '../method.js';
import { isFacilitatorRole, isProjector } from '../store.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * Emits `choose-subgroup` {subgroup_id}.
 * @param {HTMLElement} el a <section>
 */
export function mountSubgroup(el) {
  el.classList.add('subgroup');
  el.dataset.testid = 'subgroups';
  const headingId = uid('subgroup-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'subgroup__heading', i18n: 'method.subgroup.heading' });
  const mine = h('p', { class: 'subgroup__mine', 'data-testid': 'my-subgroup' });
  const membersLabel = h('h3', { class: 'subgroup__label', i18n: 'method.subgroup.members' });
  const members = h('ul', { class: 'subgroup__members', 'data-testid': 'subgroup-members' });
  const mineBox = h('div', { class: 'subgroup__mine-box', hidden: true }, mine, membersLabel, members);
  const none = h('p', { class: 'subgroup__none', 'data-testid': 'subgroup-none', hidden: true });
  const chooserLabel = h('h3', { class: 'subgroup__label', i18n: 'method.subgroup.choose_heading' });
  const choices = h('ul', { class: 'subgroup__choices', role: 'list' });
  const chooser = h('div', { class: 'subgroup__chooser', hidden: true }, chooserLabel, choices);
  el.append(heading, mineBox, none, chooser);

  /** @param {Context} ctx */
  function update({ state, you }) {
    const groups = subgroupsInOrder(state);
    const visible = groups.length > 0 && !isProjector(you);
    setHidden(el, !visible);
    if (!visible) return;
    const own = mySubgroup(state, you.id);
    setHidden(mineBox, !own);
    if (own) {
      const solution = solutionById(state, own.solution_id);
      setText(mine, solution ? t('method.subgroup.mine', { name: own.name, title: solution.title }) : t('method.subgroup.mine_no_solution', { name: own.name }));
      reconcile(
        members,
        own.members,
        (id) => id,
        () => h('li', { class: 'subgroup__member' }),
        (li, id) => setText(li, (state.participants[id]?.name ?? t('note.unknown_author')) + (id === you.id ? ` ${t('method.queue.you')}` : '')),
      );
    }
    const choosing = state.subgroup_mode === 'choice' && !isFacilitatorRole(you.role);
    setHidden(none, Boolean(own) || choosing || isFacilitatorRole(you.role));
    setText(none, t('method.subgroup.none'));
    setHidden(chooser, !choosing);
    if (!choosing) return;
    reconcile(
      choices,
      groups,
      (g) => g.id,
      () => {
        const label = h('span', { class: 'subgroup__choice-label' });
        const button = h('button', { type: 'button', class: 'button button--small', 'data-testid': 'subgroup-choose' });
        const li = h('li', { class: 'subgroup__choice' }, label, button);
        button.addEventListener('click', () => {
          if (isEnabled(button) && button.dataset.mine !== 'true') emit(el, 'choose-subgroup', { subgroup_id: li.dataset.key });
        });
        /** @type {any} */ (li).refs = { label, button };
        return li;
      },
      (li, g) => {
        const { label, button } = /** @type {any} */ (li).refs;
        const solution = solutionById(state, g.solution_id);
        setText(label, t('method.subgroup.choice', { name: g.name, title: solution?.title ?? t('method.subgroup.no_solution'), count: g.members.length }));
        const isMine = g.members.includes(you.id);
        setText(button, isMine ? t('method.subgroup.chosen') : t('method.subgroup.join', { name: g.name }));
        button.dataset.mine = String(isMine);
        setAttr(li, 'aria-current', isMine ? 'true' : null);
        setEnabled(button, !state.board.locked && !isMine);
      },
    );
  }
  return { update };
}
