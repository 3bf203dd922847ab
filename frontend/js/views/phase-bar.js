/** The workshop's agenda with the current phase, what it is for, the current question and the lock state. */

import { h, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { PHASES } from '../store.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * @param {HTMLElement} el a <section>
 * @param {{headingLevel?: 2|3}} [options]
 */
export function mountPhaseBar(el, options = {}) {
  const level = options.headingLevel ?? 2;
  el.classList.add('phase-bar');
  const headingId = uid('phase-heading');
  el.setAttribute('aria-labelledby', headingId);

  const heading = h(`h${level}`, { id: headingId, class: 'phase-bar__name', 'data-testid': 'phase-name' });
  const help = h('p', { class: 'phase-bar__help' });
  const steps = h('ol', { class: 'phase-bar__steps', i18nAttrs: { 'aria-label': 'phase.agenda_label' } });
  const stepItems = PHASES.map((phase) => {
    const name = h('span', { class: 'phase-bar__step-name' });
    const minutes = h('span', { class: 'phase-bar__step-minutes' });
    const li = h('li', { class: 'phase-bar__step', 'data-phase': phase }, name, ' ', minutes);
    steps.append(li);
    return { phase, li, name, minutes };
  });
  const questionLabel = h(`h${level + 1}`, { class: 'phase-bar__question-label', i18n: 'phase.question_label' });
  const question = h('p', { class: 'phase-bar__question', 'data-testid': 'question' });
  const questionBox = h('div', { class: 'phase-bar__question-box' }, questionLabel, question);
  const locked = h('p', { class: 'phase-bar__locked', 'data-testid': 'locked-banner', hidden: true });
  const draft = h('p', { class: 'phase-bar__locked', 'data-testid': 'draft-banner', i18n: 'phase.draft', hidden: true });

  el.append(heading, help, steps, questionBox, locked, draft);

  /** @param {Context} ctx */
  function update({ state, you }) {
    const phase = state.board.phase;
    setText(heading, t('phase.current', { phase: t(`phases.${phase}`) }));
    el.dataset.phase = phase;
    setText(help, t(`phase_help.${phase}`));
    for (const step of stepItems) {
      const minutes = state.board.phases.find((p) => p.id === step.phase)?.minutes ?? 0;
      setText(step.name, t(`phases.${step.phase}`));
      const skipped = state.board.phases.find((p) => p.id === step.phase)?.skipped === true;
      setText(step.minutes, skipped ? t('phase.skipped') : t('phase.minutes', { count: minutes }));
      step.li.classList.toggle('phase-bar__step--skipped', skipped);
      setAttr(step.li, 'aria-current', step.phase === phase ? 'step' : null);
    }
    setHidden(questionBox, !state.board.question);
    setText(question, state.board.question);
    setHidden(locked, !state.board.locked);
    setHidden(draft, state.board.status !== 'draft');
    const facilitatorView = you.view !== 'projector' && (you.role === 'facilitator' || you.role === 'co_facilitator');
    const ended = state.board.ended_ms !== null && state.board.ended_ms !== undefined;
    setText(locked, t(ended ? 'phone.ended_banner' : facilitatorView ? 'phase.locked_facilitator' : 'phase.locked'));
  }
  return { update };
}
