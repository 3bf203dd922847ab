/** Home page (/): create a board, or go to one by its room code. */

import { errorText } from './announce.js';
import { createBoard, saveCredential } from './api.js';
import { t } from './i18n.js';
import { byId, initPage } from './page.js';
import { mountCodeForm } from './views/code-form.js';
import { mountCreateForm } from './views/create-form.js';

const { announcer } = await initPage();
document.title = t('pages.home');
const createSection = byId('create');
const create = mountCreateForm(createSection);
mountCodeForm(byId('open'));

createSection.addEventListener('create-board', (event) => {
  const detail = /** @type {CustomEvent} */ (event).detail;
  detail.result = createBoard({ title: detail.title, language: detail.language }).then(
    (board) => {
      saveCredential(board.code, { token: board.facilitator_token, participant_id: board.participant_id, role: 'facilitator' });
      location.assign(`/b/${board.code}/facilitate`);
    },
    (error) => {
      if (error.field === 'title') create.showError(errorText(error));
      else announcer.error(errorText(error));
    },
  );
});

byId('open').addEventListener('open-board', (event) => {
  location.assign(`/b/${/** @type {CustomEvent} */ (event).detail.code}`);
});
