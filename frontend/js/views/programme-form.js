/** "Programme de plusieurs ateliers": group workshops facilitated from this device, then download all
 * their action sheets in one document. The programme's token is kept in localStorage. */

import { errorText } from '../announce.js';
import { h, reconcile, setHidden, setText, uid } from '../dom.js';
import { onLanguageChange, t } from '../i18n.js';
import { PROGRAMME_EXPORTS, programmeKey, storedFacilitatorBoards, storedProgrammes } from '../panel.js';
import { createProgramme, fetchFile, readBoard, saveBlob } from '../panel-api.js';
import { MAX_TITLE } from '../store.js';

/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer, storage?: Storage}} options
 */
export function mountProgrammeForm(el, { announcer, storage = globalThis.localStorage }) {
  el.classList.add('programme-form');
  const headingId = uid('programme-heading');
  const titleId = uid('programme-title');
  const errorId = uid('programme-error');
  el.setAttribute('aria-labelledby', headingId);

  const empty = h('p', { class: 'programme-form__empty', i18n: 'panel.programme.none', 'data-testid': 'programme-none' });
  const boards = h('ul', { class: 'programme-form__boards', role: 'list', 'data-testid': 'programme-boards' });
  const fieldset = h('fieldset', { class: 'programme-form__fieldset', 'aria-describedby': errorId }, h('legend', { i18n: 'panel.programme.boards_legend' }), boards);
  const title = /** @type {HTMLInputElement} */ (
    h('input', { id: titleId, type: 'text', maxlength: MAX_TITLE, autocomplete: 'off', 'aria-describedby': errorId, 'data-testid': 'programme-title' })
  );
  const error = h('p', { id: errorId, class: 'field__error', hidden: true, 'data-testid': 'programme-error' });
  const submit = h('button', { type: 'submit', class: 'button button--primary', 'data-testid': 'programme-create', i18n: 'panel.programme.create' });
  const form = h(
    'form',
    { class: 'programme-form__form', novalidate: true },
    fieldset,
    h('div', { class: 'field' }, h('label', { for: titleId, class: 'field__label', i18n: 'panel.programme.title_label' }), title),
    error,
    submit,
  );
  const listHeading = h('h3', { i18n: 'panel.programme.list_heading' });
  const list = h('ul', { class: 'programme-form__list', role: 'list', 'data-testid': 'programme-list' });
  const listBox = h('div', { hidden: true }, listHeading, list);
  el.append(
    h('h2', { id: headingId, i18n: 'panel.programme.heading' }),
    h('p', { class: 'field__hint', i18n: 'panel.programme.intro' }),
    empty,
    form,
    listBox,
  );

  /** @type {Map<string, string>} code → title, as read from the server */
  const titles = new Map();
  /** @type {Set<string>} codes the server no longer knows or whose token it refuses */
  const gone = new Set();

  function safeStorage() {
    try {
      return storage ?? null;
    } catch {
      return null;
    }
  }

  function renderBoards() {
    const found = storedFacilitatorBoards(safeStorage()).filter((b) => !gone.has(b.code));
    setHidden(empty, found.length >= 2);
    setHidden(form, found.length < 2);
    reconcile(
      boards,
      found,
      (b) => b.code,
      (b) => {
        const id = uid('programme-board');
        const box = h('input', { type: 'checkbox', id, value: b.code, 'data-testid': 'programme-board' });
        return h('li', { class: 'programme-form__board' }, box, h('label', { for: id }));
      },
      (li, b) => {
        const label = /** @type {HTMLElement} */ (li.children[1]);
        const name = titles.get(b.code);
        setText(label, name ? t('panel.programme.board_label', { code: b.code, title: name }) : b.code);
      },
    );
  }

  function renderProgrammes() {
    const found = storedProgrammes(safeStorage());
    setHidden(listBox, found.length === 0);
    reconcile(
      list,
      found,
      (p) => p.id,
      () => {
        const name = h('p', { class: 'programme-form__name' });
        const buttons = h('div', { class: 'programme-form__exports' });
        for (const file of PROGRAMME_EXPORTS) {
          const format = file.split('.').pop() ?? file;
          buttons.append(h('button', { type: 'button', class: 'button button--small', 'data-file': file, 'data-testid': `programme-export-${format}` }));
        }
        return h('li', { class: 'programme-form__item', 'data-testid': 'programme-item' }, name, buttons);
      },
      (li, p) => {
        const [name, buttons] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(name, t('panel.programme.item', { title: p.title, count: p.boards.length, boards: p.boards.join(', ') }));
        for (const button of /** @type {HTMLElement[]} */ ([...buttons.children])) {
          const file = button.dataset.file ?? '';
          setText(button, t('panel.exports.download', { format: (file.split('.').pop() ?? '').toUpperCase() }));
          button.setAttribute('aria-label', t('panel.programme.download_label', { format: (file.split('.').pop() ?? '').toUpperCase(), title: p.title }));
        }
      },
    );
  }

  list.addEventListener('click', async (event) => {
    const button = /** @type {HTMLElement} */ (event.target).closest('button[data-file]');
    const item = button?.closest('li');
    if (!button || !item || button.getAttribute('aria-busy') === 'true') return;
    const programme = storedProgrammes(safeStorage()).find((p) => p.id === item.dataset.key);
    if (!programme) return;
    const file = /** @type {HTMLElement} */ (button).dataset.file ?? '';
    button.setAttribute('aria-busy', 'true');
    try {
      const { blob, name } = await fetchFile(`/api/programmes/${encodeURIComponent(programme.id)}/export/${file}`, programme.token, `atelier-programme-${file}`);
      saveBlob(blob, name);
      announcer.announce(t('panel.exports.downloaded', { name }));
    } catch (err) {
      announcer.error(errorText(err));
    } finally {
      button.removeAttribute('aria-busy');
    }
  });

  /** @param {string|null} message */
  function showError(message) {
    setHidden(error, !message);
    setText(error, message ?? '');
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (submit.getAttribute('aria-busy') === 'true') return;
    const codes = [...boards.querySelectorAll('input:checked')].map((box) => /** @type {HTMLInputElement} */ (box).value);
    const name = title.value.trim();
    if (codes.length < 2) {
      showError(t('panel.programme.need_two'));
      /** @type {HTMLElement|null} */ (boards.querySelector('input'))?.focus();
      return;
    }
    if (!name) {
      showError(t('panel.programme.title_required'));
      title.setAttribute('aria-invalid', 'true');
      title.focus();
      return;
    }
    title.removeAttribute('aria-invalid');
    showError(null);
    const stored = storedFacilitatorBoards(safeStorage());
    const chosen = stored.filter((b) => codes.includes(b.code));
    submit.setAttribute('aria-busy', 'true');
    try {
      const created = await createProgramme(name, chosen);
      safeStorage()?.setItem(programmeKey(created.programme_id), JSON.stringify({ token: created.token, title: created.title ?? name, boards: codes }));
      title.value = '';
      for (const box of boards.querySelectorAll('input:checked')) /** @type {HTMLInputElement} */ (box).checked = false;
      renderProgrammes();
      announcer.announce(t('panel.programme.created', { title: created.title ?? name }));
    } catch (err) {
      showError(errorText(err));
    } finally {
      submit.removeAttribute('aria-busy');
    }
  });

  /** Read each stored board's title (and forget boards the server no longer accepts). */
  async function loadTitles() {
    const found = storedFacilitatorBoards(safeStorage());
    await Promise.all(
      found.map(async (b) => {
        try {
          const { state } = await readBoard(b.code, b.token);
          titles.set(b.code, state.board.title);
        } catch (err) {
          if (/** @type {any} */ (err)?.status === 404 || /** @type {any} */ (err)?.status === 401) gone.add(b.code);
        }
      }),
    );
    renderBoards();
  }

  function update() {
    renderBoards();
    renderProgrammes();
  }
  update();
  loadTitles();
  onLanguageChange(update);
  return { update };
}
