/** The privacy notice (/privacy): what is kept, who sees it, how long, how to have it erased. */

import { errorText } from './announce.js';
import { t } from './i18n.js';
import { byId, initPage } from './page.js';
import { mountPrivacyNotice } from './views/privacy-notice.js';

const { announcer } = await initPage();
document.title = t('privacy.page_title');
const notice = mountPrivacyNotice(byId('main'));
fetch('/api/privacy', { headers: { Accept: 'application/json' } })
  .then((response) => {
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  })
  .then((settings) => notice.update(settings), (error) => announcer.error(errorText(error)));
