/** Home page (/): create a board (from an axis template, as a draft), go to one by its room code,
 * import one from a board.json, group workshops into a programme. */

import { errorText } from './announce.js';
import { createBoard, saveCredential } from './api.js';
import { currentLanguage, onLanguageChange, t } from './i18n.js';
import { importBoard, loadTemplates } from './panel-api.js';
import { byId, initPage } from './page.js';
import { mountCodeForm } from './views/code-form.js';
import { mountCreateForm } from './views/create-form.js';
import { mountImportForm } from './views/import-form.js';
import { mountProgrammeForm } from './views/programme-form.js';

const { announcer } = await initPage();
document.title = t('pages.home');
const createSection = byId('create');
const create = mountCreateForm(createSection);
mountCodeForm(byId('open'));
const importForm = mountImportForm(byId('import'));
mountProgrammeForm(byId('programme'), { announcer });

/** The axes follow the page's language; without them the form still creates boards without a template. */
function showTemplates() {
  loadTemplates(currentLanguage()).then(
    (templates) => create.setTemplates(templates),
    () => create.setTemplates(null),
  );
}
showTemplates();
onLanguageChange(showTemplates);

/**
 * Keep the new board's facilitator credential on this device and go to its control panel.
 * @param {{code: string, facilitator_token: string, participant_id: string}} board
 */
function goToPanel(board) {
  saveCredential(board.code, { token: board.facilitator_token, participant_id: board.participant_id, role: 'facilitator' });
  location.assign(`/b/${board.code}/facilitate`);
}

byId('import').addEventListener('import-board', (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  detail.result = importBoard(detail.text).then(goToPanel, (error) => importForm.showError(errorText(error)));
});

createSection.addEventListener('create-board', (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  /** @type {Record<string, unknown>} */
  const body = { title: detail.title, language: detail.language };
  if (detail.axis) body.axis = detail.axis;
  if (detail.draft) body.draft = true;
  detail.result = createBoard(/** @type {any} */ (body)).then(
    goToPanel,
    (error) => {
      if (error.field === 'title') create.showError(errorText(error));
      else announcer.error(errorText(error));
    },
  );
});

byId('open').addEventListener('open-board', (event) => {
  location.assign(`/b/${/** @type {CustomEvent} */ (event).detail.code}`);
});
