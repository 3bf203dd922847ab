/** The cockpit's method screens: the tools column of the phase in progress (which tools, in which
 * order: the table in js/panel-layout.js), and the preparation, agenda, organisations and exports
 * of the other tabs. Loads the workshop templates (in the page's language) and hands them to the
 * views with the board's state. */

import { emit, h, setHidden } from '../dom.js';
import { currentLanguage, onLanguageChange } from '../i18n.js';
import { bindPanelActions } from '../panel-actions.js';
import { loadTemplates } from '../panel-api.js';
import { cockpitTools } from '../panel-layout.js';
import { mountComposer } from './composer.js';
import { mountAgendaPanel } from './agenda-panel.js';
import { mountClosingAnswers, mountNextStepsTool } from './conclusion-panel.js';
import { mountExportsPanel } from './exports-panel.js';
import { mountNotesControl, mountQuestionControl, mountVoteControl } from './facilitator-controls.js';
import { mountOrganisationsPanel } from './organisations-panel.js';
import { mountPersonasTool, mountPhaseGuide, mountPresentersTool, mountQuestionsTool, mountQueueTool } from './phase-tools.js';
import { mountPrepPanel } from './prep-panel.js';
import { mountSolutionsPanel } from './solutions-panel.js';
import { mountSpotlightControl } from './spotlight-control.js';
import { mountSubgroupsPanel } from './subgroups-panel.js';

/** @typedef {import('../session.js').Context} SessionContext */
/** @typedef {import('../panel-layout.js').Tool} Tool */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */
/** @typedef {ReturnType<typeof import('../socket.js').connectBoard>} Socket */

/**
 * @param {{
 *   tools: HTMLElement, answers: HTMLElement, prep: HTMLElement, agenda: HTMLElement,
 *   organisations: HTMLElement, exports: HTMLElement,
 *   code: string, token: string, announcer: Announcer, onPrepare: () => void,
 * }} options
 */
export function mountMethodPanel(options) {
  const { code, token, announcer } = options;
  options.tools.classList.add('method');
  options.tools.dataset.testid = 'phase-tools';

  /** @type {Record<Tool, HTMLElement>} */
  const toolEls = /** @type {any} */ ({});
  for (const name of /** @type {Tool[]} */ (['guide', 'question', 'questions', 'composer', 'personas', 'private', 'presenters', 'queue', 'votes', 'solutions', 'subgroups', 'spotlight', 'next_steps'])) {
    toolEls[name] = h('section', { 'data-tool': name, hidden: true });
  }
  // The composer and the plain controls are cards of the column like the method's tools.
  for (const name of /** @type {Tool[]} */ (['composer', 'question', 'private', 'votes'])) toolEls[name].classList.add('card');

  /** @type {Record<Tool, {update: (ctx: any) => void, tick?: () => void}>} */
  const tools = {
    guide: mountPhaseGuide(toolEls.guide),
    question: mountQuestionControl(toolEls.question),
    questions: mountQuestionsTool(toolEls.questions, { onPrepare: options.onPrepare }),
    composer: mountComposer(toolEls.composer),
    personas: mountPersonasTool(toolEls.personas, { announcer }),
    private: mountNotesControl(toolEls.private),
    presenters: mountPresentersTool(toolEls.presenters),
    queue: mountQueueTool(toolEls.queue, { announcer }),
    votes: mountVoteControl(toolEls.votes),
    solutions: mountSolutionsPanel(toolEls.solutions, { announcer }),
    subgroups: mountSubgroupsPanel(toolEls.subgroups, { announcer }),
    spotlight: mountSpotlightControl(toolEls.spotlight),
    next_steps: mountNextStepsTool(toolEls.next_steps, { announcer }),
  };

  const views = [
    mountPrepPanel(options.prep, { code, token, announcer }),
    mountOrganisationsPanel(options.organisations),
    mountClosingAnswers(options.answers),
  ];
  const agenda = mountAgendaPanel(options.agenda, { announcer });
  views.push(agenda);
  const exportsView = mountExportsPanel(options.exports, { code, token, announcer });
  const roots = [options.tools, options.answers, options.prep, options.agenda, options.organisations, options.exports];

  // "Mettre en avant" buttons anywhere in the method screens.
  for (const root of roots) {
    root.addEventListener('click', (event) => {
      const b = /** @type {HTMLElement} */ (event.target).closest('button[data-spotlight-kind]');
      if (!b) return;
      const kind = /** @type {HTMLElement} */ (b).dataset.spotlightKind;
      const id = /** @type {HTMLElement} */ (b).dataset.spotlightId;
      if (!id) return;
      emit(b, 'set-spotlight', b.getAttribute('aria-pressed') === 'true' ? {} : { kind, id });
    });
  }

  /** @type {any} */
  let templates = null;
  /** @type {SessionContext|null} */
  let last = null;
  function load() {
    loadTemplates(currentLanguage()).then(
      (value) => {
        templates = value;
        if (last) update(last);
      },
      () => {
        templates = null;
      },
    );
  }
  load();
  onLanguageChange(() => {
    load();
    exportsView.update();
  });

  /** @type {string} */
  let order = '';

  /** @param {SessionContext} ctx */
  function update(ctx) {
    last = ctx;
    const full = { ...ctx, templates };
    options.tools.dataset.phase = ctx.state.board.phase;
    const shown = cockpitTools(ctx.state);
    // Lay the column out again only when the phase's tools change, so focus stays where it is.
    if (shown.join('|') !== order) {
      order = shown.join('|');
      options.tools.replaceChildren(...shown.map((name) => toolEls[name]));
      // A new phase starts at the top of its tools, not where the last one was left.
      if (!options.tools.contains(document.activeElement)) options.tools.scrollTop = 0;
    }
    for (const view of views) view.update(full);
    for (const [name, view] of Object.entries(tools)) {
      setHidden(toolEls[/** @type {Tool} */ (name)], !shown.includes(/** @type {Tool} */ (name)));
      // Hidden tools still follow the state, so they are right the moment they are shown.
      view.update(full);
    }
  }

  return {
    update,
    /** @param {Socket} socket */
    bind(socket) {
      bindPanelActions(roots, socket, announcer);
    },
    /** Each second: the agenda clock, the speaker's time, "edited 2 min ago". */
    tick() {
      agenda.tick();
      tools.queue.tick?.();
      tools.subgroups.tick?.();
    },
  };
}
