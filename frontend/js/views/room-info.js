/** The room code in big type, the join link to read out or share, and the link to the projector view. */

import { h, setText, uid } from '../dom.js';
import { t } from '../i18n.js';

/**
 * @param {HTMLElement} el a <section>
 * @param {{code: string}} options
 */
export function mountRoomInfo(el, { code }) {
  el.classList.add('room-info');
  const headingId = uid('room-heading');
  el.setAttribute('aria-labelledby', headingId);
  const joinUrl = `${location.origin}/b/${code}`;
  const heading = h('h2', { id: headingId, class: 'room-info__heading', i18n: 'room.heading' });
  const codeEl = h('p', { class: 'room-info__code', 'data-testid': 'room-code', text: code });
  const link = h('a', { class: 'room-info__link', href: `/b/${code}`, 'data-testid': 'join-link', text: joinUrl });
  const projector = h('a', {
    class: 'button room-info__projector', href: `/b/${code}/projector`, target: '_blank', rel: 'noopener',
    'data-testid': 'projector-link',
  });
  const board = h('a', { class: 'room-info__board', href: `/b/${code}`, 'data-testid': 'board-link' });
  el.append(
    heading,
    h('p', { class: 'room-info__label', i18n: 'room.code_label' }),
    codeEl,
    h('p', { class: 'room-info__label', i18n: 'room.link_label' }),
    h('p', {}, link),
    h('p', {}, projector),
    h('p', {}, board),
  );

  function update() {
    // The link says, visibly, that it opens a new tab (WCAG 3.2.5 advice).
    setText(projector, `${t('room.projector_link')} ${t('common.new_tab')}`);
    setText(board, t('room.board_link'));
  }
  update();
  return { update };
}
