/** Preparation of the workshop: title, axis, goal, context, links, prepared questions, proposals to
 * react to, settings, and copying it as the next workshop's template: the cockpit's preparation tab
 * (opening the draft is the cockpit bar's, so that it is never in two places). */

import { errorText } from '../announce.js';
import { saveCredential } from '../api.js';
import { emit, h, hasFocus, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { MAX_LINKS, MAX_PREPARED_QUESTIONS, isValidLink, moveItem } from '../panel.js';
import { copyBoard } from '../panel-api.js';
import { MAX_NOTE_TEXT, MAX_QUESTION, MAX_TITLE, isFacilitatorRole } from '../store.js';
import { button, checkbox, field, integerIn } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, you: import('../store.js').You, templates: any}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * A text control that follows the board unless the facilitator is editing it.
 * @param {HTMLInputElement|HTMLTextAreaElement|HTMLSelectElement} input
 */
function follower(input) {
  let dirty = false;
  input.addEventListener('input', () => {
    dirty = true;
  });
  input.addEventListener('change', () => {
    dirty = true;
  });
  return {
    get dirty() {
      return dirty;
    },
    clean() {
      dirty = false;
    },
    /** @param {string} value */
    follow(value) {
      if (!dirty && !hasFocus(input) && input.value !== value) input.value = value;
    },
  };
}

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountPrepPanel(el, { code, token, announcer }) {
  el.classList.add('card', 'panel-section', 'prep');
  el.dataset.testid = 'prep';
  const headingId = uid('prep-heading');
  const summaryState = h('span', { class: 'prep__summary-state', 'data-testid': 'prep-status' });
  const summary = h('div', { class: 'prep__summary' }, h('h2', { id: headingId, class: 'prep__heading', i18n: 'panel.prep.heading' }), summaryState);
  el.setAttribute('aria-labelledby', headingId);
  const body = h('div', { class: 'prep__body' });
  el.append(summary, body);
  const openText = h('p', { class: 'prep__open-text', i18n: 'panel.prep.draft_text' });

  // --- description -----------------------------------------------------------------------------
  const title = /** @type {HTMLInputElement} */ (h('input', { id: uid('prep-title'), type: 'text', maxlength: MAX_TITLE, autocomplete: 'off', 'data-testid': 'prep-title' }));
  const axis = /** @type {HTMLSelectElement} */ (h('select', { id: uid('prep-axis'), 'data-testid': 'prep-axis' }));
  const axisHint = h('p', { id: uid('prep-axis-hint'), class: 'field__hint', 'data-testid': 'prep-axis-goal' });
  const applyAxis = button('panel.prep.apply_axis', 'prep-apply-axis');
  const goal = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: uid('prep-goal'), rows: 3, maxlength: 1000, 'data-testid': 'prep-goal' }));
  const goalHint = h('p', { id: uid('prep-goal-hint'), class: 'field__hint', i18n: 'panel.prep.goal_hint' });
  const context = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: uid('prep-context'), rows: 5, maxlength: 5000, 'data-testid': 'prep-context' }));
  const contextHint = h('p', { id: uid('prep-context-hint'), class: 'field__hint', i18n: 'panel.prep.context_hint' });
  const save = button('panel.prep.save', 'prep-save', 'button--primary');
  const saveState = h('p', { class: 'prep__save-state', 'data-testid': 'prep-save-state', 'aria-live': 'off' });
  const titleErrorId = uid('prep-title-error');
  const titleError = h('p', { id: titleErrorId, class: 'field__error', hidden: true });
  title.setAttribute('aria-describedby', titleErrorId);
  const description = h(
    'fieldset',
    { class: 'prep__group' },
    h('legend', { i18n: 'panel.prep.description' }),
    field('panel.prep.title_label', title),
    titleError,
    field('panel.prep.axis_label', axis, axisHint),
    h('div', { class: 'panel-row' }, applyAxis),
    field('panel.prep.goal_label', goal, goalHint),
    field('panel.prep.context_label', context, contextHint),
    h('div', { class: 'panel-row' }, save),
    saveState,
  );
  const followers = { title: follower(title), axis: follower(axis), goal: follower(goal), context: follower(context) };

  // --- links -----------------------------------------------------------------------------------
  const linkList = h('ul', { class: 'prep__links', role: 'list', 'data-testid': 'links' });
  const linkUrl = /** @type {HTMLInputElement} */ (h('input', { id: uid('link-url'), type: 'url', inputmode: 'url', maxlength: 500, placeholder: 'https://', autocomplete: 'off', 'data-testid': 'link-url' }));
  const linkTitle = /** @type {HTMLInputElement} */ (h('input', { id: uid('link-title'), type: 'text', maxlength: 120, autocomplete: 'off', 'data-testid': 'link-title' }));
  const linkErrorId = uid('link-error');
  const linkError = h('p', { id: linkErrorId, class: 'field__error', hidden: true });
  linkUrl.setAttribute('aria-describedby', linkErrorId);
  const linkAdd = button('panel.prep.link_add', 'link-add');
  const linksEmpty = h('p', { class: 'field__hint', i18n: 'panel.prep.links_empty' });
  const links = h(
    'fieldset',
    { class: 'prep__group' },
    h('legend', { i18n: 'panel.prep.links' }),
    h('p', { class: 'field__hint', i18n: 'panel.prep.links_hint' }),
    linksEmpty,
    linkList,
    h('div', { class: 'prep__link-form' }, field('panel.prep.link_url', linkUrl), field('panel.prep.link_title', linkTitle)),
    linkError,
    linkAdd,
  );

  // --- prepared questions ----------------------------------------------------------------------
  const questionList = h('ol', { class: 'prep__questions', 'data-testid': 'prepared-questions' });
  const questionNew = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: uid('question-new'), rows: 2, maxlength: MAX_QUESTION, 'data-testid': 'question-new' }));
  const questionAdd = button('panel.prep.question_add', 'question-add');
  const questionsEmpty = h('p', { class: 'field__hint', i18n: 'panel.prep.questions_empty' });
  const questions = h(
    'fieldset',
    { class: 'prep__group' },
    h('legend', { i18n: 'panel.prep.questions' }),
    h('p', { class: 'field__hint', i18n: 'panel.prep.questions_hint' }),
    questionsEmpty,
    questionList,
    field('panel.prep.question_new', questionNew),
    questionAdd,
  );

  // --- proposals -------------------------------------------------------------------------------
  const templateProposals = h('ul', { class: 'prep__proposals', role: 'list', 'data-testid': 'proposal-templates' });
  const templateBox = h('div', { hidden: true }, h('h3', { class: 'prep__subheading', i18n: 'panel.prep.proposals_template' }), templateProposals);
  const proposalNew = /** @type {HTMLTextAreaElement} */ (h('textarea', { id: uid('proposal-new'), rows: 2, maxlength: MAX_NOTE_TEXT, 'data-testid': 'proposal-new' }));
  const proposalAdd = button('panel.prep.proposal_add', 'proposal-submit');
  const proposalCount = h('p', { class: 'prep__count', 'data-testid': 'proposal-count' });
  const proposals = h(
    'fieldset',
    { class: 'prep__group' },
    h('legend', { i18n: 'panel.prep.proposals' }),
    h('p', { class: 'field__hint', i18n: 'panel.prep.proposals_hint' }),
    proposalCount,
    templateBox,
    field('panel.prep.proposal_new', proposalNew),
    proposalAdd,
  );

  // --- settings --------------------------------------------------------------------------------
  const privateWriting = checkbox('panel.prep.private_writing', 'prep-private-writing');
  const anonymous = checkbox('panel.prep.anonymous', 'prep-anonymous');
  const anonymousClosing = checkbox('panel.prep.anonymous_closing', 'prep-anonymous-closing');
  const targetErrorId = uid('target-error');
  const target = /** @type {HTMLInputElement} */ (h('input', { id: uid('prep-target'), type: 'number', min: 1, max: 12, step: 1, inputmode: 'numeric', 'aria-describedby': targetErrorId, 'data-testid': 'prep-solutions-target' }));
  const targetError = h('p', { id: targetErrorId, class: 'field__error', hidden: true });
  const settingsApply = button('panel.prep.settings_apply', 'prep-settings-apply');
  const settings = h(
    'fieldset',
    { class: 'prep__group' },
    h('legend', { i18n: 'panel.prep.settings' }),
    privateWriting.row,
    anonymous.row,
    anonymousClosing.row,
    field('panel.prep.solutions_target', target),
    targetError,
    settingsApply,
  );

  // --- copy ------------------------------------------------------------------------------------
  const copy = button('panel.prep.copy', 'copy-template');
  const copyResult = h('p', { class: 'prep__copy-result', hidden: true });
  const copyLink = /** @type {HTMLAnchorElement} */ (h('a', { 'data-testid': 'copy-link' }));
  copyResult.append(copyLink);
  const copyBox = h('div', { class: 'prep__group prep__copy' }, h('h3', { class: 'prep__subheading', i18n: 'panel.prep.copy_heading' }), h('p', { class: 'field__hint', i18n: 'panel.prep.copy_hint' }), copy, copyResult);

  body.append(openText, description, links, questions, proposals, settings, copyBox);

  /** @type {State|null} */
  let state = null;
  /** @type {any} */
  let templates = null;
  /** @type {{index: number, which: string}|null} where the focus goes after a reorder */
  let pendingFocus = null;

  /** @param {Record<string, unknown>} changes */
  function configure(changes) {
    /** @type {{changes: Record<string, unknown>, result?: Promise<unknown>}} */
    const detail = { changes };
    emit(el, 'prepare-board', detail);
    return detail.result ?? Promise.reject(new Error('not bound'));
  }

  function currentQuestions() {
    return [...(state?.board.questions ?? [])];
  }

  // Save the description: only what changed, so a co-facilitator's edit elsewhere is not undone.
  save.addEventListener('click', () => {
    if (!state) return;
    const value = title.value.trim();
    if (!value) {
      setHidden(titleError, false);
      setText(titleError, t('panel.prep.title_required'));
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    setHidden(titleError, true);
    title.removeAttribute('aria-invalid');
    /** @type {Record<string, unknown>} */
    const changes = {};
    if (value !== state.board.title) changes.title = value;
    if (axis.value && axis.value !== (state.board.axis ?? '')) changes.axis = axis.value;
    if (goal.value.trim() !== (state.board.goal ?? '')) changes.goal = goal.value.trim();
    if (context.value.trim() !== (state.board.context ?? '')) changes.context = context.value.trim();
    for (const f of Object.values(followers)) f.clean();
    if (Object.keys(changes).length === 0) {
      setText(saveState, t('panel.prep.saved'));
      return;
    }
    configure(changes).then(
      () => {
        setText(saveState, t('panel.prep.saved'));
        announcer.announce(t('panel.prep.saved'));
      },
      () => {
        setText(saveState, t('panel.prep.unsaved'));
      },
    );
  });
  for (const input of [title, axis, goal, context]) {
    input.addEventListener('input', () => setText(saveState, t('panel.prep.unsaved')));
  }
  axis.addEventListener('change', () => {
    setText(saveState, t('panel.prep.unsaved'));
    showAxisHint();
  });

  // Apply an axis template at once: the axis, its goal, and its questions after those already there.
  applyAxis.addEventListener('click', () => {
    if (!isEnabled(applyAxis)) return;
    const chosen = templates?.axes?.find((/** @type {any} */ a) => a.id === axis.value);
    if (!chosen) return;
    const have = currentQuestions();
    const merged = [...have, ...chosen.questions.map((/** @type {any} */ q) => q.text).filter((/** @type {string} */ q) => !have.includes(q))].slice(0, MAX_PREPARED_QUESTIONS);
    followers.axis.clean();
    followers.goal.clean();
    goal.value = chosen.goal;
    configure({ axis: chosen.id, goal: chosen.goal, questions: merged }).then(() => announcer.announce(t('panel.prep.axis_applied', { axis: chosen.title })), () => {});
  });

  function showAxisHint() {
    const chosen = templates?.axes?.find((/** @type {any} */ a) => a.id === axis.value);
    setText(axisHint, chosen ? t('panel.create.axis_goal', { goal: chosen.goal }) : t('panel.prep.axis_none_hint'));
    setEnabled(applyAxis, Boolean(chosen));
  }

  // --- links ---
  function addLink() {
    if (!state) return;
    const url = linkUrl.value.trim();
    if (!isValidLink(url)) {
      setHidden(linkError, false);
      setText(linkError, t('panel.prep.link_invalid'));
      linkUrl.setAttribute('aria-invalid', 'true');
      linkUrl.focus();
      return;
    }
    const list = [...(state.board.links ?? [])];
    if (list.length >= MAX_LINKS) {
      setHidden(linkError, false);
      setText(linkError, t('panel.prep.links_full', { count: MAX_LINKS }));
      return;
    }
    setHidden(linkError, true);
    linkUrl.removeAttribute('aria-invalid');
    configure({ links: [...list, { url, title: linkTitle.value.trim() }] }).then(() => {
      linkUrl.value = '';
      linkTitle.value = '';
      announcer.announce(t('panel.prep.link_added'));
    }, () => {});
  }
  linkAdd.addEventListener('click', addLink);
  for (const input of [linkUrl, linkTitle]) {
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        addLink();
      }
    });
  }
  linkList.addEventListener('click', (event) => {
    const remove = /** @type {HTMLElement} */ (event.target).closest('button[data-action="remove-link"]');
    const item = remove?.closest('li');
    if (!remove || !item || !state) return;
    const index = Number(item.dataset.key);
    const list = (state.board.links ?? []).filter((/** @type {any} */ _l, /** @type {number} */ i) => i !== index);
    configure({ links: list }).then(() => {
      announcer.announce(t('panel.prep.link_removed'));
      linkUrl.focus();
    }, () => {});
  });

  // --- questions ---
  function addQuestion() {
    const text = questionNew.value.trim();
    if (!text) {
      questionNew.focus();
      return;
    }
    const list = currentQuestions();
    if (list.length >= MAX_PREPARED_QUESTIONS) {
      announcer.error(t('panel.prep.questions_full', { count: MAX_PREPARED_QUESTIONS }));
      return;
    }
    configure({ questions: [...list, text] }).then(() => {
      questionNew.value = '';
      announcer.announce(t('panel.prep.question_added'));
    }, () => {});
  }
  questionAdd.addEventListener('click', addQuestion);
  questionNew.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      addQuestion();
    }
  });
  questionList.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target).closest('button[data-action]');
    const item = target?.closest('li');
    if (!target || !item || !state || !isEnabled(target)) return;
    const index = Number(item.dataset.key);
    const list = currentQuestions();
    const action = /** @type {HTMLElement} */ (target).dataset.action;
    const input = /** @type {HTMLTextAreaElement} */ (item.querySelector('textarea'));
    if (action === 'show') {
      emit(el, 'push-question', { text: list[index] });
    } else if (action === 'save') {
      const text = input.value.trim();
      if (!text) return;
      list[index] = text;
      item.dataset.dirty = 'false';
      configure({ questions: list }).then(() => announcer.announce(t('panel.prep.question_saved')), () => {});
    } else if (action === 'up' || action === 'down') {
      const delta = action === 'up' ? -1 : 1;
      pendingFocus = { index: index + delta, which: action };
      configure({ questions: moveItem(list, index, delta) }).then(
        () => announcer.announce(t('panel.prep.question_moved', { position: index + delta + 1 })),
        () => {},
      );
    } else if (action === 'remove') {
      pendingFocus = { index: Math.min(index, list.length - 2), which: 'remove' };
      configure({ questions: list.filter((_q, i) => i !== index) }).then(() => {
        announcer.announce(t('panel.prep.question_removed'));
        if (list.length <= 1) questionNew.focus();
      }, () => {});
    }
  });
  questionList.addEventListener('input', (event) => {
    const item = /** @type {HTMLElement} */ (event.target).closest('li');
    if (item) {
      item.dataset.dirty = 'true';
      refreshQuestionButtons(item);
    }
  });
  questionList.addEventListener('keydown', (event) => {
    const input = /** @type {HTMLElement} */ (event.target);
    if (input.tagName === 'TEXTAREA' && event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      /** @type {HTMLElement|null} */ (input.closest('li')?.querySelector('button[data-action="save"]') ?? null)?.click();
    }
  });

  /** @param {HTMLElement} item */
  function refreshQuestionButtons(item) {
    const index = Number(item.dataset.key);
    const input = /** @type {HTMLTextAreaElement} */ (item.querySelector('textarea'));
    const saved = state?.board.questions?.[index] ?? '';
    const saveButton = /** @type {HTMLElement} */ (item.querySelector('button[data-action="save"]'));
    setEnabled(saveButton, input.value.trim() !== '' && input.value.trim() !== saved);
  }

  // --- proposals ---
  function addProposal(/** @type {string} */ text) {
    /** @type {{text: string, result?: Promise<unknown>}} */
    const detail = { text };
    emit(el, 'add-proposal', detail);
    return detail.result ?? Promise.reject(new Error('not bound'));
  }
  proposalAdd.addEventListener('click', () => {
    const text = proposalNew.value.trim();
    if (!text) {
      proposalNew.focus();
      return;
    }
    addProposal(text).then(() => {
      proposalNew.value = '';
      announcer.announce(t('panel.prep.proposal_added'));
    }, () => {});
  });
  templateProposals.addEventListener('click', (event) => {
    const add = /** @type {HTMLElement} */ (event.target).closest('button[data-action="add-proposal"]');
    const item = add?.closest('li');
    if (!add || !item || !isEnabled(add)) return;
    const text = item.querySelector('.prep__proposal-text')?.textContent ?? '';
    if (text) addProposal(text).then(() => announcer.announce(t('panel.prep.proposal_added')), () => {});
  });

  // --- settings ---
  let settingsShown = '';
  settingsApply.addEventListener('click', () => {
    const value = integerIn(target.value, 1, 12);
    if (value === null) {
      setHidden(targetError, false);
      setText(targetError, t('panel.prep.target_invalid'));
      target.setAttribute('aria-invalid', 'true');
      target.focus();
      return;
    }
    setHidden(targetError, true);
    target.removeAttribute('aria-invalid');
    settingsShown = '';
    configure({
      settings: {
        private_writing: privateWriting.box.checked,
        anonymous: anonymous.box.checked,
        anonymous_closing: anonymousClosing.box.checked,
        solutions_target: value,
      },
    }).then(() => announcer.announce(t('panel.prep.settings_saved')), () => {});
  });

  // --- copy ---
  copy.addEventListener('click', async () => {
    if (copy.getAttribute('aria-busy') === 'true') return;
    copy.setAttribute('aria-busy', 'true');
    try {
      const created = await copyBoard(code, token);
      saveCredential(created.code, { token: created.facilitator_token, participant_id: created.participant_id, role: 'facilitator' });
      copyLink.href = `/b/${created.code}/facilitate`;
      setText(copyLink, t('panel.prep.copy_link', { code: created.code }));
      setHidden(copyResult, false);
      announcer.announce(t('panel.prep.copied', { code: created.code }));
      copyLink.focus();
    } catch (err) {
      announcer.error(errorText(err));
    } finally {
      copy.removeAttribute('aria-busy');
    }
  });

  /** @param {Context} ctx */
  function update(ctx) {
    state = ctx.state;
    templates = ctx.templates;
    const board = state.board;
    const isDraft = board.status === 'draft';
    el.dataset.status = board.status ?? 'open';
    setText(summaryState, t(isDraft ? 'panel.prep.status_draft' : 'panel.prep.status_open'));
    setHidden(openText, !isDraft);

    // Axis options: the six templates; "no template" only while the board has none (it cannot be unset).
    const axes = templates?.axes ?? [];
    const wanted = [...(board.axis ? [] : [''] ), ...axes.map((/** @type {any} */ a) => a.id)];
    if (board.axis && !axes.some((/** @type {any} */ a) => a.id === board.axis)) wanted.push(board.axis);
    const have = [...axis.options].map((o) => o.value);
    if (wanted.join('|') !== have.join('|')) {
      const chosen = axis.value;
      axis.replaceChildren(
        ...wanted.map((id) => {
          const a = axes.find((/** @type {any} */ x) => x.id === id);
          return h('option', { value: id, text: id === '' ? t('panel.create.axis_none') : a ? a.title : id });
        }),
      );
      axis.value = wanted.includes(chosen) ? chosen : board.axis ?? '';
    } else {
      for (const option of axis.options) {
        const a = axes.find((/** @type {any} */ x) => x.id === option.value);
        setText(option, option.value === '' ? t('panel.create.axis_none') : a ? a.title : option.value);
      }
    }
    followers.title.follow(board.title);
    followers.axis.follow(board.axis ?? '');
    followers.goal.follow(board.goal ?? '');
    followers.context.follow(board.context ?? '');
    showAxisHint();

    // Links.
    const linkRows = (board.links ?? []).map((/** @type {any} */ l, /** @type {number} */ i) => ({ ...l, index: i }));
    setHidden(linksEmpty, linkRows.length > 0);
    reconcile(
      linkList,
      linkRows,
      (l) => String(l.index),
      () => {
        const a = h('a', { class: 'prep__link', target: '_blank', rel: 'noopener noreferrer' });
        const remove = h('button', { type: 'button', class: 'button button--small button--danger', 'data-action': 'remove-link', 'data-testid': 'link-remove' });
        return h('li', { class: 'prep__link-item', 'data-testid': 'link' }, a, remove);
      },
      (li, l) => {
        const [a, remove] = /** @type {HTMLElement[]} */ ([...li.children]);
        setAttr(a, 'href', l.url);
        setText(a, `${l.title || l.url} ${t('common.new_tab')}`);
        setText(remove, t('panel.prep.link_remove'));
        setAttr(remove, 'aria-label', t('panel.prep.link_remove_label', { title: l.title || l.url }));
      },
    );
    setEnabled(linkAdd, linkRows.length < MAX_LINKS);

    // Prepared questions.
    const qs = board.questions ?? [];
    setHidden(questionsEmpty, qs.length > 0);
    reconcile(
      questionList,
      qs.map((text, index) => ({ text, index })),
      (q) => String(q.index),
      () => {
        const id = uid('prepared-question');
        const input = h('textarea', { id, rows: 3, maxlength: MAX_QUESTION, 'data-testid': 'prepared-question-text' });
        const label = h('label', { for: id, class: 'visually-hidden' });
        const shown = h('p', { class: 'prep__question-shown', 'data-testid': 'prepared-question-shown', hidden: true });
        const small = 'button button--small';
        const buttons = h(
          'div',
          { class: 'panel-row prep__question-buttons' },
          h('button', { type: 'button', class: `${small} button--primary`, 'data-action': 'show', 'data-testid': 'prepared-question-show' }),
          h('button', { type: 'button', class: small, 'data-action': 'save', 'data-testid': 'prepared-question-save' }),
          h('button', { type: 'button', class: small, 'data-action': 'up', 'data-testid': 'prepared-question-up' }),
          h('button', { type: 'button', class: small, 'data-action': 'down', 'data-testid': 'prepared-question-down' }),
          h('button', { type: 'button', class: `${small} button--danger`, 'data-action': 'remove', 'data-testid': 'prepared-question-remove' }),
        );
        return h('li', { class: 'prep__question', 'data-testid': 'prepared-question', 'data-dirty': 'false' }, label, input, shown, buttons);
      },
      (li, q) => {
        const [label, input, shown, buttons] = /** @type {HTMLElement[]} */ ([...li.children]);
        const area = /** @type {HTMLTextAreaElement} */ (input);
        setText(label, t('panel.prep.question_label', { n: q.index + 1 }));
        if (li.dataset.dirty !== 'true' && !hasFocus(area) && area.value !== q.text) area.value = q.text;
        if (li.dataset.dirty === 'true' && area.value.trim() === q.text) li.dataset.dirty = 'false';
        const isShown = board.question === q.text;
        setHidden(shown, !isShown);
        setText(shown, t('panel.prep.question_is_shown'));
        const [show, saveButton, up, down, remove] = /** @type {HTMLElement[]} */ ([...buttons.children]);
        const n = q.index + 1;
        setText(show, t('panel.prep.question_show'));
        setAttr(show, 'aria-label', t('panel.prep.question_show_label', { n }));
        setAttr(show, 'aria-pressed', String(isShown));
        setText(saveButton, t('panel.prep.question_save'));
        setAttr(saveButton, 'aria-label', t('panel.prep.question_save_label', { n }));
        setText(up, t('panel.prep.question_up'));
        setAttr(up, 'aria-label', t('panel.prep.question_up_label', { n }));
        setText(down, t('panel.prep.question_down'));
        setAttr(down, 'aria-label', t('panel.prep.question_down_label', { n }));
        setText(remove, t('panel.prep.question_remove'));
        setAttr(remove, 'aria-label', t('panel.prep.question_remove_label', { n }));
        setEnabled(up, q.index > 0);
        setEnabled(down, q.index < qs.length - 1);
        refreshQuestionButtons(li);
      },
    );
    setEnabled(questionAdd, qs.length < MAX_PREPARED_QUESTIONS);
    if (pendingFocus) {
      const row = /** @type {HTMLElement|null} */ (questionList.children[pendingFocus.index] ?? null);
      const which = pendingFocus.which === 'remove' ? 'show' : pendingFocus.which;
      // The moved question keeps the focus on the button pressed (even when it is now unavailable,
      // at the top or bottom: aria-disabled keeps it focusable), as a sighted user would expect.
      /** @type {HTMLElement|null} */ (row?.querySelector(`button[data-action="${which}"]`) ?? null)?.focus();
      pendingFocus = null;
    }

    // Proposals: the facilitators' notes on the board, and the axis template's, one click each.
    const facilitatorNotes = Object.values(state.notes).filter((n) => n.author && isFacilitatorRole(state?.participants[n.author]?.role));
    setText(proposalCount, t('panel.prep.proposal_count', { count: facilitatorNotes.length }));
    const texts = new Set(facilitatorNotes.map((n) => n.text.trim()));
    const axisTemplate = axes.find((/** @type {any} */ a) => a.id === board.axis);
    const offered = axisTemplate?.proposals ?? [];
    setHidden(templateBox, offered.length === 0);
    reconcile(
      templateProposals,
      offered.map((/** @type {string} */ text, /** @type {number} */ i) => ({ text, i })),
      (p) => `${board.axis}:${p.i}`,
      () => {
        const add = h('button', { type: 'button', class: 'button button--small', 'data-action': 'add-proposal', 'data-testid': 'proposal-add' });
        return h('li', { class: 'prep__proposal', 'data-testid': 'proposal-template' }, h('span', { class: 'prep__proposal-text' }), add);
      },
      (li, p) => {
        const [text, add] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(text, p.text);
        const added = texts.has(p.text.trim());
        li.dataset.added = String(added);
        setText(add, t(added ? 'panel.prep.proposal_added_state' : 'panel.prep.proposal_add_one'));
        setAttr(add, 'aria-label', added ? t('panel.prep.proposal_added_state') : t('panel.prep.proposal_add_label', { n: p.i + 1 }));
        setEnabled(add, !added);
      },
    );

    // Settings.
    const s = board.settings ?? {};
    const key = JSON.stringify([s.private_writing, s.anonymous, s.anonymous_closing, s.solutions_target]);
    if (key !== settingsShown && !hasFocus(settings)) {
      settingsShown = key;
      privateWriting.box.checked = s.private_writing !== false;
      anonymous.box.checked = s.anonymous !== false;
      anonymousClosing.box.checked = Boolean(s.anonymous_closing);
      target.value = String(s.solutions_target ?? 3);
    }
  }

  return { update };
}
