/** The board's erasure date in the cockpit: when the server will erase it, and a date the
 * facilitator may choose instead (forward or back, up to the server's maximum). */

import { errorText } from '../announce.js';
import { h, setHidden, setText, uid } from '../dom.js';
import { currentLanguage, onLanguageChange, t } from '../i18n.js';
import { chooseRetention, readRetention } from '../panel-api.js';
import { section } from './panel-parts.js';

/** @typedef {import('../panel-api.js').Retention} Retention */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

const DAY_MS = 86_400_000;

/** @param {number} ms */
function longDate(ms) {
  return new Intl.DateTimeFormat(currentLanguage(), { dateStyle: 'long' }).format(new Date(ms));
}

/** @param {number} ms @returns {string} yyyy-mm-dd in local time */
function isoDay(ms) {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountRetention(el, { code, token, announcer }) {
  el.classList.add('card');
  el.dataset.testid = 'retention';
  section(el, 'privacy.retention.heading', 'retention');
  const inputId = uid('retention-date');
  const hintId = uid('retention-hint');
  const when = h('p', { 'data-testid': 'retention-date' });
  const chosen = h('p', { class: 'field__hint', i18n: 'privacy.retention.chosen', hidden: true });
  const input = /** @type {HTMLInputElement} */ (h('input', { id: inputId, type: 'date', 'aria-describedby': hintId, 'data-testid': 'retention-input' }));
  const hint = h('p', { class: 'field__hint', id: hintId });
  const save = h('button', { type: 'submit', class: 'button button--small', i18n: 'privacy.retention.save', 'data-testid': 'retention-save' });
  const reset = h('button', { type: 'button', class: 'button button--small', i18n: 'privacy.retention.reset', 'data-testid': 'retention-reset', hidden: true });
  const form = h('form', { class: 'retention__form', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: inputId, class: 'field__label', i18n: 'privacy.retention.label' }), hint, input),
    h('div', { class: 'panel-row' }, save, reset));
  el.append(when, chosen, form);

  /** @type {Retention|null} */
  let current = null;

  /** @param {Retention} [next] */
  function update(next) {
    if (next) current = next;
    if (!current) return;
    setText(when, current.erase_at_ms === null ? t('privacy.retention.kept') : t('privacy.retention.erase_on', { date: longDate(current.erase_at_ms) }));
    setHidden(chosen, !current.chosen);
    setHidden(reset, !current.chosen);
    setText(hint, t('privacy.retention.hint', { date: longDate(current.latest_ms) }));
    input.min = isoDay(Date.now() + DAY_MS);
    input.max = isoDay(current.latest_ms);
  }

  /** @param {Promise<Retention>} request @param {(r: Retention) => string} said */
  async function apply(request, said) {
    try {
      const answer = await request;
      update(answer);
      announcer.announce(said(answer));
    } catch (error) {
      const outOfRange = /** @type {any} */ (error).field === 'erase_at_ms' && current;
      announcer.error(outOfRange ? t('privacy.retention.out_of_range', { date: longDate(current.latest_ms) }) : errorText(error));
      if (outOfRange) input.focus();
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!input.value) {
      announcer.error(t('privacy.retention.required'));
      input.focus();
      return;
    }
    const [y, m, d] = input.value.split('-').map(Number);
    const at = new Date(y, m - 1, d, 12).getTime(); // midday: the chosen day whatever the time zone
    apply(chooseRetention(code, token, at), (r) => t('privacy.retention.saved', { date: longDate(r.erase_at_ms ?? at) }));
  });
  reset.addEventListener('click', () => apply(chooseRetention(code, token, null), () => t('privacy.retention.reset_done')));
  readRetention(code, token).then(update, (error) => announcer.error(errorText(error)));
  onLanguageChange(() => update());
  return { update };
}
