/** Exports for the facilitators: the report, the action sheets, the notes and the board itself,
 * fetched with the Bearer token (never in a URL) and saved through an object URL. */

import { errorText } from '../announce.js';
import { h, setHidden, setText } from '../dom.js';
import { t } from '../i18n.js';
import { EXPORTS } from '../panel.js';
import { fetchFile, saveBlob } from '../panel-api.js';
import { section } from './panel-parts.js';

/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string, token: string, announcer: Announcer}} options
 */
export function mountExportsPanel(el, { code, token, announcer }) {
  el.classList.add('card');
  section(el, 'panel.exports.heading', 'exports');
  const intro = h('p', { class: 'field__hint', i18n: 'panel.exports.intro' });
  el.append(intro);
  /** @type {HTMLElement[]} */
  const buttons = [];
  for (const [group, files] of Object.entries(EXPORTS)) {
    const row = h('div', { class: 'panel-row exports__row' });
    for (const file of files) {
      const b = h('button', { type: 'button', class: 'button button--small', 'data-file': file, 'data-testid': `export-${file.replace('.', '-')}` });
      buttons.push(b);
      row.append(b);
    }
    el.append(h('h3', { class: 'panel-subheading', i18n: `panel.exports.${group}` }), row);
  }
  // A full backup keeps who wrote what anonymously: a choice made on purpose, off by default.
  const authors = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', 'data-testid': 'export-authors' }));
  el.append(h('p', { class: 'exports__authors' }, h('label', {}, authors, ' ', h('span', { i18n: 'privacy.exports_authors' }))));
  // Shown when the browser blocked the new tab of the printable page.
  const printLink = /** @type {HTMLAnchorElement} */ (h('a', { target: '_blank', rel: 'noopener', 'data-testid': 'export-print-link', hidden: true }));
  el.append(h('p', {}, printLink));

  el.addEventListener('click', async (event) => {
    const b = /** @type {HTMLElement} */ (event.target).closest('button[data-file]');
    if (!b || b.getAttribute('aria-busy') === 'true') return;
    const file = /** @type {HTMLElement} */ (b).dataset.file ?? '';
    b.setAttribute('aria-busy', 'true');
    try {
      const query = authors.checked ? '?authors=1' : '';
      const { blob, name } = await fetchFile(`/api/boards/${encodeURIComponent(code)}/export/${file}${query}`, token, `atelier-${code}-${file}`);
      if (file === 'report.html') openPrintable(blob);
      else {
        saveBlob(blob, name);
        announcer.announce(t('panel.exports.downloaded', { name }));
      }
    } catch (err) {
      announcer.error(errorText(err));
    } finally {
      b.removeAttribute('aria-busy');
    }
  });

  /**
   * The printable page, opened in a new tab. It carries its own stylesheet (allowed by its hash in
   * the CSP), so the blob: document needs nothing from this site.
   * @param {Blob} blob
   */
  async function openPrintable(blob) {
    const url = URL.createObjectURL(new Blob([await blob.text()], { type: 'text/html' }));
    const win = window.open(url, '_blank');
    printLink.href = url;
    setText(printLink, `${t('panel.exports.open_print')} ${t('common.new_tab')}`);
    setHidden(printLink, Boolean(win));
    announcer.announce(t(win ? 'panel.exports.print_opened' : 'panel.exports.print_ready'));
    if (!win) printLink.focus();
    setTimeout(() => URL.revokeObjectURL(url), 10 * 60_000);
  }

  function update() {
    for (const b of buttons) {
      const file = b.dataset.file ?? '';
      const format = file === 'report.html' ? t('panel.exports.printable') : (file.split('.').pop() ?? '').toUpperCase();
      setText(b, file === 'report.html' ? format : t('panel.exports.download', { format }));
    }
  }
  update();
  return { update };
}
