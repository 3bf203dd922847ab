/** What is in the spotlight on everyone's screen and the projector, and the button to clear it. */

import { emit, h, isEnabled, setEnabled, setText } from '../dom.js';
import { t } from '../i18n.js';
import { button, section } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State}} Context */

/**
 * The name of the item in the spotlight, in words.
 * @param {State} state
 * @param {{kind: string, id: string}|null|undefined} spotlight
 * @returns {string|null}
 */
export function spotlightName(state, spotlight) {
  if (!spotlight) return null;
  switch (spotlight.kind) {
    case 'note':
      return t('panel.spotlight.note', { text: state.notes[spotlight.id]?.text ?? '…' });
    case 'group':
      return t('panel.spotlight.group', { title: state.groups?.[spotlight.id]?.title ?? '…' });
    case 'sheet': {
      const sheet = state.sheets?.[spotlight.id];
      const solution = sheet ? state.solutions?.[sheet.solution_id] : null;
      return t('panel.spotlight.sheet', { title: solution?.title ?? '…' });
    }
    case 'subgroup':
      return t('panel.spotlight.subgroup', { name: state.subgroups?.[spotlight.id]?.name ?? '…' });
    default:
      return null;
  }
}

/**
 * @param {HTMLElement} el a <section>
 */
export function mountSpotlightControl(el) {
  el.classList.add('card');
  section(el, 'panel.spotlight.heading', 'spotlight-control');
  const status = h('p', { class: 'panel-state', 'data-testid': 'spotlight-state' });
  const clear = button('panel.spotlight.clear', 'spotlight-clear');
  const hint = h('p', { class: 'field__hint', i18n: 'panel.spotlight.hint' });
  el.append(status, clear, hint);
  clear.addEventListener('click', () => isEnabled(clear) && emit(el, 'set-spotlight', {}));

  /** @param {Context} ctx */
  function update({ state }) {
    const name = spotlightName(state, state.board.spotlight);
    setText(status, name ? t('panel.spotlight.current', { name }) : t('panel.spotlight.none'));
    status.dataset.kind = state.board.spotlight?.kind ?? '';
    setEnabled(clear, Boolean(name));
  }
  return { update };
}
