/** Inspiration's role play: the persona dealt to me, shown to me only. */

import { h, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { isProjector } from '../store.js';
import { personaById } from '../templates.js';

/** @typedef {{state: import('../store.js').State, you: import('../store.js').You}} Context */

const ROLE_PLAY_PHASES = ['inspiration', 'divergence'];

/** @param {HTMLElement} el a <section> */
export function mountPersona(el) {
  el.classList.add('persona');
  el.dataset.testid = 'persona';
  const headingId = uid('persona-heading');
  el.setAttribute('aria-labelledby', headingId);
  const heading = h('h2', { id: headingId, class: 'persona__heading', i18n: 'method.persona.heading' });
  const name = h('p', { class: 'persona__name', 'data-testid': 'persona-name' });
  const description = h('p', { class: 'persona__description', 'data-testid': 'persona-description' });
  const hint = h('p', { class: 'persona__hint', i18n: 'method.persona.hint' });
  const privacy = h('p', { class: 'persona__private', i18n: 'method.persona.private' });
  el.append(heading, name, description, hint, privacy);

  /** @param {Context} ctx */
  function update({ state, you }) {
    // The role play belongs to inspiration, and divergence's "if you were this persona…" questions.
    const shown = !isProjector(you) && ROLE_PLAY_PHASES.includes(state.board.phase);
    const id = shown ? (state.personas?.[you.id] ?? null) : null;
    setHidden(el, !id);
    if (!id) return;
    const persona = personaById(id);
    // Until the templates arrive, the id is better than nothing.
    setText(name, persona?.name ?? id);
    setText(description, persona?.description ?? '');
    setHidden(description, !persona);
  }
  return { update };
}
