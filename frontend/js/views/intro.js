/** Introduction and presentation: the workshop's axis, goal, context text and links, for everyone. */

import { h, reconcile, setAttr, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { safeUrl } from '../method.js';
import { axisById } from '../templates.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

const OPEN_PHASES = ['intro', 'presentation'];

/**
 * On the board: open during introduction and presentation, folded (one click away) afterwards.
 * On the projector: always open, in big type (the page shows it during those two phases).
 * @param {HTMLElement} el a <section>
 * @param {{mode?: 'board'|'projector'}} [options]
 */
export function mountIntro(el, options = {}) {
  const projector = options.mode === 'projector';
  el.classList.add('intro', projector ? 'intro--projector' : 'intro--board');
  el.dataset.testid = 'intro';
  const headingId = uid('intro-heading');
  el.setAttribute('aria-labelledby', headingId);

  const heading = h('h2', { id: headingId, class: 'intro__heading', i18n: 'method.intro.heading' });
  const axis = h('p', { class: 'intro__axis', 'data-testid': 'intro-axis', hidden: true });
  const goalLabel = h('h3', { class: 'intro__label', i18n: 'method.intro.goal' });
  const goal = h('p', { class: 'intro__goal', 'data-testid': 'intro-goal' });
  const goalBox = h('div', { class: 'intro__block', hidden: true }, goalLabel, goal);
  const contextLabel = h('h3', { class: 'intro__label', i18n: 'method.intro.context' });
  const context = h('div', { class: 'intro__context', 'data-testid': 'intro-context' });
  const contextBox = h('div', { class: 'intro__block', hidden: true }, contextLabel, context);
  const linksLabel = h('h3', { class: 'intro__label', i18n: 'method.intro.links' });
  const links = h('ul', { class: 'intro__links', 'data-testid': 'intro-links' });
  const linksBox = h('div', { class: 'intro__block', hidden: true }, linksLabel, links);
  const body = h('div', { class: 'intro__body' }, axis, goalBox, contextBox, linksBox);

  /** @type {HTMLDetailsElement|null} */
  let details = null;
  if (projector) {
    el.append(heading, body);
  } else {
    details = /** @type {HTMLDetailsElement} */ (h('details', { class: 'intro__details' }, h('summary', { class: 'intro__summary' }, heading), body));
    el.append(details);
  }
  /** @type {string|null} */
  let lastPhase = null;

  /** @param {Context} ctx */
  function update({ state }) {
    const board = state.board;
    const axisTitle = axisById(board.axis)?.title ?? '';
    const linkItems = (board.links ?? []).map((/** @type {{url: string, title?: string}} */ link, /** @type {number} */ i) => ({ ...link, key: `${i}:${link.url}` }));
    const any = Boolean(axisTitle || board.goal || board.context || linkItems.length);
    setHidden(el, !any);
    setHidden(axis, !axisTitle);
    setText(axis, axisTitle ? t('method.intro.axis', { title: axisTitle }) : '');
    setHidden(goalBox, !board.goal);
    setText(goal, board.goal ?? '');
    setHidden(contextBox, !board.context);
    // Paragraphs from blank lines; the text is never parsed as HTML.
    const paragraphs = String(board.context ?? '').split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
    reconcile(
      context,
      paragraphs.map((text, i) => ({ text, key: `${i}` })),
      (p) => p.key,
      () => h('p', { class: 'intro__paragraph' }),
      (p, item) => setText(p, item.text),
    );
    setHidden(linksBox, linkItems.length === 0);
    reconcile(
      links,
      linkItems,
      (link) => link.key,
      () => h('li', { class: 'intro__link-item' }),
      (li, link) => {
        const url = safeUrl(link.url);
        const label = link.title || link.url;
        li.replaceChildren();
        if (url) {
          // Opens a new tab, and says so in the link text (WCAG 3.2.5 advice).
          li.append(h('a', { href: url, target: '_blank', rel: 'noopener noreferrer', class: 'intro__link', 'data-testid': 'intro-link', text: `${label} ${t('common.new_tab')}` }));
          if (link.title) li.append(' ', h('span', { class: 'intro__url', text: url }));
        } else {
          li.append(h('span', { class: 'intro__link intro__link--inert', text: label }));
        }
      },
    );
    if (details && board.phase !== lastPhase) {
      // Follow the agenda when the phase changes; between changes the person's own choice holds.
      details.open = OPEN_PHASES.includes(board.phase);
    }
    setAttr(el, 'data-phase', board.phase);
    lastPhase = board.phase;
  }
  return { update };
}
