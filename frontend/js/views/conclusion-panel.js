/** Conclusion: the closing round's answers by question, and the next steps the facilitator recalls
 * at the end (next_steps.set). */

import { emit, h, hasFocus, reconcile, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { closingByQuestion } from '../panel.js';
import { button, field, section } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, templates: any}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

const QUESTIONS = ['feeling', 'difficulty', 'learning', 'takeaway'];
const MAX_NEXT_STEPS = 4000;

/**
 * The next steps the facilitator recalls at the end (a tool of the cockpit's column).
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountNextStepsTool(el, { announcer }) {
  el.classList.add('card');
  section(el, 'panel.conclusion.heading', 'conclusion');
  const input = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: uid('next-steps'), rows: 5, maxlength: MAX_NEXT_STEPS, 'data-testid': 'next-steps-input' }));
  const hint = h('p', { id: uid('next-steps-hint'), class: 'field__hint', i18n: 'panel.conclusion.next_steps_hint' });
  const save = button('panel.conclusion.save', 'next-steps-save', 'button--primary');
  const saved = h('p', { class: 'panel-muted', 'data-testid': 'next-steps-state' });
  // The end of the workshop: recorded (the conclusion's actual time) and the board locked.
  const end = button('phone.end.button', 'workshop-end');
  const endHint = h('p', { class: 'field__hint', i18n: 'phone.end.hint' });
  const ended = h('p', { class: 'panel-state', 'data-testid': 'workshop-ended', i18n: 'phone.end.done', hidden: true });
  el.append(field('panel.conclusion.next_steps', input, hint), h('div', { class: 'panel-row' }, save), saved, h('div', { class: 'panel-row' }, end), endHint, ended);
  end.addEventListener('click', () => {
    if (end.getAttribute('aria-disabled') !== 'true') emit(el, 'end-workshop', {});
  });

  let dirty = false;
  input.addEventListener('input', () => {
    dirty = true;
    saved.dataset.i18n = 'panel.prep.unsaved';
    setText(saved, t('panel.prep.unsaved'));
  });
  save.addEventListener('click', () => {
    /** @type {{text: string, result?: Promise<unknown>}} */
    const detail = { text: input.value.trim() };
    emit(el, 'set-next-steps', detail);
    detail.result?.then(() => {
      dirty = false;
      // A catalogue key, not a text: the message follows a change of language.
      saved.dataset.i18n = 'panel.conclusion.saved';
      setText(saved, t('panel.conclusion.saved'));
      announcer.announce(t('panel.conclusion.saved'));
    }, () => {});
  });

  /** @param {Context} ctx */
  function update({ state }) {
    const isOver = state.board.ended_ms !== null && state.board.ended_ms !== undefined;
    setHidden(ended, !isOver);
    setHidden(end, isOver);
    setHidden(endHint, isOver);
    const text = state.board.next_steps ?? '';
    if (!dirty && !hasFocus(input) && input.value !== text) input.value = text;
  }
  return { update };
}

/**
 * The closing round's answers by question, as they come (the cockpit's live view in conclusion).
 * @param {HTMLElement} el a <section>
 */
export function mountClosingAnswers(el) {
  el.classList.add('card');
  section(el, 'panel.conclusion.answers', 'conclusion-answers');
  const answersCount = h('p', { class: 'panel-state', 'data-testid': 'closing-count' });
  const answers = h('div', { class: 'conclusion__answers', 'data-testid': 'closing-answers' });
  el.append(answersCount, answers);

  /** @param {Context} ctx */
  function update({ state, templates }) {
    const grouped = closingByQuestion(state, QUESTIONS);
    const total = [...grouped.values()].reduce((sum, list) => sum + list.length, 0);
    setText(answersCount, t('panel.conclusion.count', { count: total }));
    answersCount.dataset.count = String(total);
    reconcile(
      answers,
      [...grouped.entries()].map(([question, list]) => ({ question, list })),
      (g) => g.question,
      () => h('section', { class: 'conclusion__question', 'data-testid': 'closing-question' }, h('h3', {}), h('p', { class: 'field__hint' }), h('ul', { class: 'panel-list', role: 'list' })),
      (box, g) => {
        const [heading, empty, list] = /** @type {HTMLElement[]} */ ([...box.children]);
        const template = templates?.closing?.find((/** @type {any} */ q) => q.id === g.question);
        setText(heading, template ? `${template.label} — ${template.text}` : g.question);
        setText(empty, t('panel.conclusion.none'));
        setHidden(empty, g.list.length > 0);
        reconcile(
          list,
          g.list,
          (a) => a.id,
          () => h('li', { class: 'panel-list__item', 'data-testid': 'closing-answer' }, h('span', {}), h('span', { class: 'panel-muted' })),
          (li, a) => {
            const [body, who] = /** @type {HTMLElement[]} */ ([...li.children]);
            setText(body, a.text);
            const name = a.author ? state.participants[a.author]?.name : null;
            setText(who, name ? ` — ${name}` : ` — ${t('note.anonymous')}`);
          },
        );
      },
    );
  }
  return { update };
}
