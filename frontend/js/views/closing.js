/** Conclusion: the closing round (four questions, answers that can be updated, everyone's answers by
 * question, authors hidden when the round is anonymous) and the facilitators' next steps. */

import { emit, h, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { CLOSING_QUESTIONS, closingByQuestion, myClosingAnswer, normalizeText } from '../method.js';
import { MAX_NOTE_TEXT, isProjector } from '../store.js';
import { closingQuestion } from '../templates.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

/**
 * The next steps, in big type wherever they are shown.
 * @param {HTMLElement} el a <section>
 */
export function mountNextSteps(el) {
  el.classList.add('next-steps');
  const headingId = uid('next-steps-heading');
  el.setAttribute('aria-labelledby', headingId);
  const text = h('div', { class: 'next-steps__text', 'data-testid': 'next-steps' });
  el.append(h('h2', { id: headingId, class: 'next-steps__heading', i18n: 'method.closing.next_steps' }), text);

  /** @param {Context} ctx */
  function update({ state }) {
    const value = String(state.board.next_steps ?? '').trim();
    setHidden(el, !value);
    const paragraphs = value.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    reconcile(text, paragraphs.map((p, i) => ({ p, key: String(i) })), (x) => x.key, () => h('p', { class: 'next-steps__paragraph' }), (p, x) => setText(p, x.p));
  }
  return { update };
}

/**
 * Emits `answer-closing` {question, text}.
 * @param {HTMLElement} el a <section>
 * @param {{mode?: 'board'|'projector'}} [options]
 */
export function mountClosing(el, options = {}) {
  const projector = options.mode === 'projector';
  el.classList.add('closing', projector ? 'closing--projector' : 'closing--board');
  el.dataset.testid = 'closing';
  const headingId = uid('closing-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'closing__heading', i18n: 'method.closing.heading' });
  const anonymous = h('p', { class: 'closing__anonymous', 'data-testid': 'closing-anonymous', i18n: 'method.closing.anonymous', hidden: true });
  el.append(heading, anonymous);

  const questions = CLOSING_QUESTIONS.map((question) => {
    const titleId = uid(`closing-${question}`);
    const areaId = uid('closing-text');
    const statusId = uid('closing-status');
    const title = h('h3', { id: titleId, class: 'closing__question' });
    const area = /** @type {HTMLTextAreaElement} */ (
      h('textarea', { id: areaId, rows: 2, maxlength: MAX_NOTE_TEXT, 'data-testid': `closing-${question}-text`, 'aria-describedby': statusId })
    );
    const label = h('label', { for: areaId, class: 'field__label', i18n: 'method.closing.your_answer' });
    const status = h('p', { id: statusId, class: 'field__hint closing__status', 'data-testid': `closing-${question}-status` });
    const submit = h('button', { type: 'submit', class: 'button button--small button--primary', 'data-testid': `closing-${question}-submit` });
    const form = h('form', { class: 'closing__form', novalidate: true, hidden: projector }, h('div', { class: 'field' }, label, area, status), submit);
    const answers = h('ul', { class: 'closing__answers', 'aria-labelledby': titleId, 'data-testid': `closing-${question}-answers` });
    const none = h('p', { class: 'closing__none', i18n: 'method.closing.no_answers' });
    // On the board the others' answers fold behind their count (twelve answers to four questions would
    // push the next question off a phone's screen); the projector shows them.
    const answersSummary = h('summary', { class: 'closing__answers-summary', 'data-testid': `closing-${question}-more` });
    const answersBox = projector ? answers : h('details', { class: 'closing__answers-box' }, answersSummary, answers);
    const box = h('section', { class: 'closing__item', 'aria-labelledby': titleId, 'data-question': question }, title, form, none, answersBox);
    el.append(box);
    /** @type {string|null} the text last saved, to know whether the area holds a draft */
    let saved = null;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = area.value.trim();
      if (!text || !isEnabled(submit)) {
        if (!text) area.focus();
        return;
      }
      /** @type {{question: string, text: string, result?: Promise<unknown>}} */
      const detail = { question, text };
      emit(form, 'answer-closing', detail);
      detail.result?.then(() => {
        saved = text;
        // A catalogue key, not a text: the message follows a change of language.
        status.dataset.i18n = 'method.closing.saved';
        setText(status, t('method.closing.saved'));
      }, () => {});
    });
    area.addEventListener('input', () => {
      delete status.dataset.i18n;
      setText(status, '');
    });
    return {
      question, title, form, area, submit, answers, answersBox, answersSummary, none,
      /** @param {string|null} text */
      sync(text) {
        // Fill the area with my answer unless I am writing something else in it.
        const draft = normalizeText(area.value);
        if (text !== null && document.activeElement !== area && (draft === '' || draft === normalizeText(saved))) area.value = text;
        saved = text;
      },
    };
  });

  /** @param {Context} ctx */
  function update({ state, you }) {
    const visible = state.board.phase === 'conclusion';
    setHidden(el, !visible);
    if (!visible) return;
    const byQuestion = closingByQuestion(state);
    setHidden(anonymous, state.board.settings?.anonymous_closing !== true);
    const writable = !isProjector(you) && !state.board.locked;
    for (const q of questions) {
      const template = closingQuestion(q.question);
      setText(q.title, template ? t('method.closing.question', { label: template.label, text: template.text }) : t(`method.closing.fallback.${q.question}`));
      const mine = projector ? null : myClosingAnswer(state, you.id, q.question);
      q.sync(mine?.text ?? null);
      setText(q.submit, mine ? t('method.closing.update') : t('method.closing.submit'));
      setEnabled(q.submit, writable);
      q.area.readOnly = !writable;
      // Locked (the workshop ended): nothing to write any more, so no box to write in.
      if (!projector) setHidden(q.form, state.board.locked && document.activeElement !== q.area);
      const answers = byQuestion[q.question] ?? [];
      setHidden(q.none, answers.length > 0);
      setHidden(q.answersBox, answers.length === 0);
      setText(q.answersSummary, t('phone.closing_answers', { count: answers.length }));
      reconcile(
        q.answers,
        answers,
        (a) => a.id,
        () => h('li', { class: 'closing__answer', 'data-testid': 'closing-answer' }, h('span', { class: 'closing__answer-text' }), ' ', h('span', { class: 'closing__answer-author' })),
        (li, a) => {
          const [text, author] = /** @type {HTMLElement[]} */ ([...li.children]);
          setText(text, a.text);
          const mine = a.author === you.id && !projector;
          const name = a.author && !mine ? state.participants[a.author]?.name : null;
          setText(author, mine ? t('phone.results_you') : name ? t('results.author', { name }) : '');
          setHidden(author, !mine && !name);
          setAttr(li, 'data-mine', a.author === you.id && !projector ? 'true' : null);
        },
      );
    }
  }
  return { update };
}
