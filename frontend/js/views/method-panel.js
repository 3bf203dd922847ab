/** The control panel's method screens, mounted together: preparation, agenda and clock, the guide
 * and tools of the phase in progress, spotlight, organisations and exports. Loads the workshop
 * templates (in the page's language) and hands them to the views with the board's state. */

import { emit, h, setHidden } from '../dom.js';
import { currentLanguage, onLanguageChange } from '../i18n.js';
import { bindPanelActions } from '../panel-actions.js';
import { loadTemplates } from '../panel-api.js';
import { mountAgendaPanel } from './agenda-panel.js';
import { mountConclusionPanel } from './conclusion-panel.js';
import { mountExportsPanel } from './exports-panel.js';
import { mountOrganisationsPanel } from './organisations-panel.js';
import { checkbox } from './panel-parts.js';
import { mountPersonasTool, mountPhaseGuide, mountPresentersTool, mountQuestionsTool, mountQueueTool } from './phase-tools.js';
import { mountPrepPanel } from './prep-panel.js';
import { mountSolutionsPanel } from './solutions-panel.js';
import { mountSpotlightControl } from './spotlight-control.js';
import { mountSubgroupsPanel } from './subgroups-panel.js';

/** @typedef {import('../session.js').Context} SessionContext */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */
/** @typedef {ReturnType<typeof import('../socket.js').connectBoard>} Socket */

/** The phases in which each tool is shown (all of them with "show every tool"). */
const TOOL_PHASES = {
  personas: ['inspiration', 'divergence'],
  questions: ['inspiration', 'divergence'],
  presenters: ['divergence', 'convergence'],
  queue: ['convergence', 'sharing'],
  solutions: ['convergence', 'sharing'],
  subgroups: ['convergence', 'sharing'],
  conclusion: ['conclusion'],
};

/**
 * @param {{top: HTMLElement, bottom: HTMLElement, code: string, token: string, announcer: Announcer}} options
 */
export function mountMethodPanel({ top, bottom, code, token, announcer }) {
  top.classList.add('method');
  bottom.classList.add('method', 'method--bottom');
  const prepEl = h('details', {});
  const agendaEl = h('section', {});
  const guideEl = h('section', {});
  const toolsEl = h('div', { class: 'method__tools', 'data-testid': 'phase-tools' });
  const allTools = checkbox('panel.tools.show_all', 'tools-show-all');
  const spotlightEl = h('section', { 'data-tool': 'spotlight' });
  /** @type {Record<keyof typeof TOOL_PHASES, HTMLElement>} */
  const toolEls = {
    personas: h('section', { 'data-tool': 'personas' }),
    questions: h('section', { 'data-tool': 'questions' }),
    presenters: h('section', { 'data-tool': 'presenters' }),
    queue: h('section', { 'data-tool': 'queue' }),
    solutions: h('section', { 'data-tool': 'solutions', class: 'method__wide' }),
    subgroups: h('section', { 'data-tool': 'subgroups', class: 'method__wide' }),
    conclusion: h('section', { 'data-tool': 'conclusion', class: 'method__wide' }),
  };
  toolsEl.append(spotlightEl, ...Object.values(toolEls));
  top.append(
    prepEl,
    h('div', { class: 'method__now' }, guideEl, agendaEl),
    h('div', { class: 'method__tools-bar' }, allTools.row),
    toolsEl,
  );
  const organisationsEl = h('section', {});
  const exportsEl = h('section', {});
  bottom.append(organisationsEl, exportsEl);

  const prep = mountPrepPanel(prepEl, { code, token, announcer });
  const agenda = mountAgendaPanel(agendaEl, { announcer });
  const views = [
    prep,
    agenda,
    mountPhaseGuide(guideEl),
    mountSpotlightControl(spotlightEl),
    mountOrganisationsPanel(organisationsEl),
  ];
  const exportsView = mountExportsPanel(exportsEl, { code, token, announcer });
  const tools = {
    personas: mountPersonasTool(toolEls.personas, { announcer }),
    questions: mountQuestionsTool(toolEls.questions, {
      onPrepare() {
        prep.reveal();
        /** @type {HTMLElement|null} */ (prepEl.querySelector('[data-testid="question-new"]'))?.focus();
      },
    }),
    presenters: mountPresentersTool(toolEls.presenters),
    queue: mountQueueTool(toolEls.queue, { announcer }),
    solutions: mountSolutionsPanel(toolEls.solutions, { announcer }),
    subgroups: mountSubgroupsPanel(toolEls.subgroups, { announcer }),
    conclusion: mountConclusionPanel(toolEls.conclusion, { announcer }),
  };

  // "Mettre en avant" buttons anywhere in the method screens.
  for (const root of [top, bottom]) {
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
  allTools.box.addEventListener('change', () => last && update(last));

  /** @param {SessionContext} ctx */
  function update(ctx) {
    last = ctx;
    const full = { ...ctx, templates };
    const phase = ctx.state.board.phase;
    toolsEl.dataset.phase = phase;
    for (const view of views) view.update(full);
    for (const [name, view] of Object.entries(tools)) {
      const shown = allTools.box.checked || TOOL_PHASES[/** @type {keyof typeof TOOL_PHASES} */ (name)].includes(phase);
      setHidden(toolEls[/** @type {keyof typeof TOOL_PHASES} */ (name)], !shown);
      // Hidden tools still follow the state, so they are right the moment they are shown.
      view.update(full);
    }
  }

  return {
    update,
    /** @param {Socket} socket */
    bind(socket) {
      bindPanelActions([top, bottom], socket, announcer);
    },
    /** Each second: the agenda clock, the speaker's time, "edited 2 min ago". */
    tick() {
      agenda.tick();
      tools.queue.tick();
      tools.subgroups.tick();
    },
  };
}
