/** Connects a page to its board and renders it on every change; shared by the board, control panel and projector. */

import { describeEvent, errorText } from './announce.js';
import { adoptBoardLanguage, currentLanguage, onLanguageChange, storedLanguage, t } from './i18n.js';
import { connectBoard } from './socket.js';

/** @typedef {import('./store.js').State} State */
/** @typedef {import('./store.js').You} You */
/** @typedef {{state: State, you: You, seq: number, online: Set<string>, offsetMs: number}} Context */
/** @typedef {ReturnType<typeof import('./announce.js').createAnnouncer>} Announcer */

/**
 * @param {{
 *   code: string, token: string, view: 'board'|'projector', announcer: Announcer,
 *   status: {update: (s: import('./socket.js').ConnectionStatus) => void},
 *   render: (ctx: Context) => void, tick?: () => void,
 *   onYou?: (you: You, previous: You|null) => void,
 *   onFatal?: (error: import('./socket.js').CommandError) => void,
 * }} options
 */
export function startSession(options) {
  const { announcer } = options;
  /** @type {Context|null} */
  let ctx = null;
  /** @type {Set<string>} */
  let online = new Set();
  let everConnected = false;
  let languageAdopted = false;

  const socket = connectBoard({
    code: options.code,
    token: options.token,
    view: options.view,
    // Without an explicit choice the server writes in the board's language, which the page adopts.
    lang: () => storedLanguage() ?? undefined,
    onState(state, you, seq) {
      ctx = { state, you, seq, online, offsetMs: socket.offsetMs };
      if (!languageAdopted) {
        languageAdopted = true;
        // The board's language applies unless the user chose one; the re-render follows the load.
        adoptBoardLanguage(state.board.language).catch((error) => console.error(error));
      }
      options.render(ctx);
    },
    onRemoteEvent(msg, before, after, you) {
      announcer.announce(describeEvent(msg, before, after, you, socket.offsetMs));
    },
    onStatus(status) {
      options.status.update(status);
      if (status === 'connected') {
        if (everConnected) announcer.announce(t('status_announce.connected'));
        everConnected = true;
      } else if (everConnected && status !== 'connecting') {
        announcer.announce(t(`status_announce.${status}`));
      }
    },
    onPresence(ids) {
      online = ids;
      if (ctx) {
        ctx = { ...ctx, online };
        options.render(ctx);
      }
    },
    onError(error) {
      announcer.error(errorText(error));
    },
    onFatal(error) {
      options.onFatal?.(error);
    },
    onYou(you, previous) {
      options.onYou?.(you, previous);
    },
  });

  const ticker = setInterval(() => options.tick?.(), 1000);
  let language = currentLanguage();
  const unsubscribe = onLanguageChange((lang) => {
    if (ctx) options.render(/** @type {Context} */ (ctx));
    // The server writes its error messages in the hello's language: after a choice with the switch,
    // say hello again in the new one.
    if (lang !== language && ctx && storedLanguage() === lang) socket.reconnect();
    language = lang;
  });

  return {
    socket,
    get ctx() {
      return ctx;
    },
    stop() {
      clearInterval(ticker);
      unsubscribe();
      socket.close();
    },
  };
}
