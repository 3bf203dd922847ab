/** Convergence: the groups of notes (rename, delete), the notes and groups ranked by dots with
 * "Retenir comme solution", and the solutions retained against the target ("2/3"). */

import { emit, h, hasFocus, isEnabled, reconcile, setAttr, setEnabled, setHidden, setText, uid } from '../dom.js';
import { t } from '../i18n.js';
import { rankedItems, solutionsProgress } from '../panel.js';
import { checkbox, section, spotlightButton, updateSpotlightButton } from './panel-parts.js';

/** @typedef {import('../store.js').State} State */
/** @typedef {{state: State, you: import('../store.js').You}} Context */
/** @typedef {ReturnType<typeof import('../announce.js').createAnnouncer>} Announcer */

/**
 * A destructive button pressed twice: the first press asks for confirmation, leaving it cancels.
 * @param {HTMLElement} button
 * @param {string} confirmKey
 * @param {() => void} run
 * @param {() => boolean} [needed] false when there is nothing to lose: one press is enough
 */
export function confirmTwice(button, confirmKey, run, needed = () => true) {
  let armed = false;
  /** @type {string|null} */
  let label = null;
  const disarm = () => {
    if (!armed) return;
    armed = false;
    button.classList.remove('button--confirm');
    if (label !== null) button.textContent = label;
  };
  button.addEventListener('click', () => {
    if (!isEnabled(button)) return;
    if (!armed && !needed()) {
      run();
      return;
    }
    if (!armed) {
      armed = true;
      label = button.textContent;
      button.classList.add('button--confirm');
      button.textContent = t(confirmKey);
      return;
    }
    disarm();
    run();
  });
  button.addEventListener('blur', disarm);
  return { get armed() { return armed; } };
}

/**
 * @param {HTMLElement} el a <section>
 * @param {{announcer: Announcer}} options
 */
export function mountSolutionsPanel(el, { announcer }) {
  el.classList.add('card');
  section(el, 'panel.solutions.heading', 'solutions');
  const counter = h('p', { class: 'panel-state solutions__count', 'data-testid': 'solutions-count' });
  const progress = /** @type {HTMLProgressElement} */ (h('progress', { class: 'solutions__progress', max: 3, value: 0, 'aria-hidden': 'true' }));
  const retained = h('ol', { class: 'panel-list', 'data-testid': 'solutions' });

  // Groups.
  const groupsHeading = h('h3', { class: 'panel-subheading', i18n: 'panel.groups.heading' });
  const groupsEmpty = h('p', { class: 'field__hint', i18n: 'panel.groups.empty' });
  const groups = h('ul', { class: 'panel-list', role: 'list', 'data-testid': 'groups-overview' });

  // Ranking.
  const rankingHeading = h('h3', { class: 'panel-subheading', i18n: 'panel.ranking.heading' });
  const rankingHint = h('p', { class: 'field__hint', i18n: 'panel.ranking.hint' });
  const showAll = checkbox('panel.ranking.show_all', 'ranking-show-all');
  const rankingEmpty = h('p', { class: 'field__hint', i18n: 'panel.ranking.empty' });
  const ranking = h('ol', { class: 'panel-list solutions__ranking', 'data-testid': 'solution-ranking' });

  el.append(counter, progress, retained, rankingHeading, rankingHint, showAll.row, rankingEmpty, ranking, groupsHeading, groupsEmpty, groups);

  /** @type {Context|null} */
  let last = null;
  showAll.box.addEventListener('change', () => last && update(last));

  ranking.addEventListener('click', (event) => {
    const retain = /** @type {HTMLElement} */ (event.target).closest('button[data-action="retain"]');
    const item = retain?.closest('li');
    if (!retain || !item || !isEnabled(retain)) return;
    /** @type {{kind: string, id: string, result?: Promise<unknown>}} */
    const detail = { kind: item.dataset.kind ?? 'note', id: item.dataset.key ?? '' };
    emit(el, 'retain-solution', detail);
    detail.result?.then(() => announcer.announce(t('panel.solutions.retained')), () => {});
  });

  groups.addEventListener('click', (event) => {
    const rename = /** @type {HTMLElement} */ (event.target).closest('button[data-action="rename"]');
    const item = rename?.closest('li');
    if (!rename || !item) return;
    const input = /** @type {HTMLInputElement} */ (item.querySelector('input'));
    const title = input.value.trim();
    if (!title) {
      input.focus();
      return;
    }
    /** @type {{group_id: string, title: string, result?: Promise<unknown>}} */
    const detail = { group_id: item.dataset.key ?? '', title };
    emit(el, 'rename-group-panel', detail);
    detail.result?.then(() => {
      item.dataset.dirty = 'false';
      announcer.announce(t('panel.groups.renamed', { title }));
    }, () => {});
  });
  groups.addEventListener('input', (event) => {
    const item = /** @type {HTMLElement} */ (event.target).closest('li');
    if (item) item.dataset.dirty = 'true';
  });
  groups.addEventListener('keydown', (event) => {
    const input = /** @type {HTMLElement} */ (event.target);
    if (input.tagName === 'INPUT' && event.key === 'Enter') {
      event.preventDefault();
      /** @type {HTMLElement|null} */ (input.closest('li')?.querySelector('button[data-action="rename"]') ?? null)?.click();
    }
  });

  /** @param {Context} ctx */
  function update(ctx) {
    last = ctx;
    const { state } = ctx;
    const spotlight = state.board.spotlight;
    const { retained: count, target } = solutionsProgress(state);
    setText(counter, t('panel.solutions.count', { count, target }));
    counter.dataset.retained = String(count);
    counter.dataset.target = String(target);
    progress.max = target;
    progress.value = Math.min(count, target);

    const solutions = Object.values(state.solutions ?? {});
    reconcile(
      retained,
      solutions,
      (s) => s.id,
      (s) => {
        const release = h('button', { type: 'button', class: 'button button--small button--danger', 'data-testid': 'solution-release' });
        const li = h('li', { class: 'panel-list__item solutions__solution', 'data-testid': 'solution' }, h('span', { class: 'solutions__title' }), spotlightButton('sheet', s.sheet_id), release);
        confirmTwice(release, 'panel.solutions.release_confirm', () => {
          /** @type {{solution_id: string, result?: Promise<unknown>}} */
          const detail = { solution_id: s.id };
          emit(el, 'release-solution', detail);
          detail.result?.then(() => {
            announcer.announce(t('panel.solutions.released'));
            counter.setAttribute('tabindex', '-1');
            counter.focus();
          }, () => {});
        });
        return li;
      },
      (li, s) => {
        const [title, spot, release] = /** @type {HTMLElement[]} */ ([...li.children]);
        setText(title, s.title);
        updateSpotlightButton(spot, spotlight, t('panel.solutions.sheet_name', { title: s.title }));
        if (!release.classList.contains('button--confirm')) setText(release, t('panel.solutions.release'));
        setAttr(release, 'aria-label', release.classList.contains('button--confirm') ? null : t('panel.solutions.release_label', { title: s.title }));
      },
    );

    const items = rankedItems(state).filter((i) => i.kind === 'group' || i.tally > 0 || i.solutionId || showAll.box.checked);
    setHidden(rankingEmpty, items.length > 0);
    reconcile(
      ranking,
      items,
      (i) => i.id,
      (i) => {
        const rank = h('span', { class: 'solutions__rank' });
        const kind = h('span', { class: 'solutions__kind' });
        const title = h('span', { class: 'solutions__title' });
        const tally = h('span', { class: 'solutions__tally', 'data-testid': 'ranking-tally' });
        const status = h('span', { class: 'solutions__status', 'data-testid': 'ranking-status' });
        const retain = h('button', { type: 'button', class: 'button button--small button--primary', 'data-action': 'retain', 'data-testid': 'retain-solution' });
        return h(
          'li',
          { class: 'panel-list__item solutions__item', 'data-testid': 'ranking-item', 'data-kind': i.kind },
          h('span', { class: 'solutions__what' }, rank, kind, title),
          h('span', { class: 'solutions__meta' }, tally, status),
          h('span', { class: 'panel-row solutions__buttons' }, retain, spotlightButton(i.kind, i.id)),
        );
      },
      (li, i) => {
        const [what, meta, buttons] = /** @type {HTMLElement[]} */ ([...li.children]);
        const [rank, kind, title] = /** @type {HTMLElement[]} */ ([...what.children]);
        const [tally, status] = /** @type {HTMLElement[]} */ ([...meta.children]);
        const [retain, spot] = /** @type {HTMLElement[]} */ ([...buttons.children]);
        setText(rank, t('results.rank', { rank: i.rank }));
        setText(kind, t(i.kind === 'group' ? 'panel.ranking.group' : 'panel.ranking.note'));
        setText(title, i.title);
        setText(tally, t('panel.ranking.dots', { count: i.tally }));
        tally.dataset.count = String(i.tally);
        li.dataset.retained = String(Boolean(i.solutionId));
        let statusText = '';
        if (i.solutionId) statusText = t('panel.ranking.is_solution');
        else if (i.private) statusText = t('panel.ranking.private');
        else if (i.grouped) statusText = t('panel.ranking.grouped');
        setText(status, statusText);
        setHidden(status, !statusText);
        setHidden(retain, Boolean(i.solutionId));
        setText(retain, t('panel.ranking.retain'));
        setAttr(retain, 'aria-label', t('panel.ranking.retain_label', { title: i.title }));
        setEnabled(retain, !i.private);
        updateSpotlightButton(spot, spotlight, i.title);
      },
    );

    const groupList = Object.values(state.groups ?? {});
    setHidden(groupsEmpty, groupList.length > 0);
    reconcile(
      groups,
      groupList,
      (g) => g.id,
      (g) => {
        const id = uid('group-title');
        const input = h('input', { id, type: 'text', maxlength: 120, autocomplete: 'off', 'data-testid': 'group-title' });
        const label = h('label', { for: id, class: 'visually-hidden' });
        const count = h('span', { class: 'panel-muted' });
        const rename = h('button', { type: 'button', class: 'button button--small', 'data-action': 'rename', 'data-testid': 'group-rename' });
        const remove = h('button', { type: 'button', class: 'button button--small button--danger', 'data-testid': 'group-delete' });
        confirmTwice(remove, 'panel.groups.delete_confirm', () => {
          /** @type {{group_id: string, result?: Promise<unknown>}} */
          const detail = { group_id: g.id };
          emit(el, 'delete-group-panel', detail);
          detail.result?.then(() => {
            announcer.announce(t('panel.groups.deleted'));
            groupsHeading.setAttribute('tabindex', '-1');
            groupsHeading.focus();
          }, () => {});
        });
        return h(
          'li',
          { class: 'panel-list__item solutions__group', 'data-testid': 'group-row', 'data-dirty': 'false' },
          h('span', { class: 'solutions__group-title' }, label, input, count),
          h('span', { class: 'panel-row' }, rename, spotlightButton('group', g.id), remove),
        );
      },
      (li, g) => {
        const [titleBox, buttons] = /** @type {HTMLElement[]} */ ([...li.children]);
        const [label, input, count] = /** @type {[HTMLElement, HTMLInputElement, HTMLElement]} */ ([...titleBox.children]);
        const [rename, spot, remove] = /** @type {HTMLElement[]} */ ([...buttons.children]);
        setText(label, t('panel.groups.title_label'));
        if (li.dataset.dirty !== 'true' && !hasFocus(input) && input.value !== g.title) input.value = g.title;
        setText(count, `${t('panel.groups.notes', { count: g.note_ids.length })} · ${t('panel.ranking.dots', { count: state.votes?.[g.id] ?? 0 })}`);
        setText(rename, t('panel.groups.rename'));
        setAttr(rename, 'aria-label', t('panel.groups.rename_label', { title: g.title }));
        if (!remove.classList.contains('button--confirm')) setText(remove, t('panel.groups.delete'));
        setAttr(remove, 'aria-label', remove.classList.contains('button--confirm') ? null : t('panel.groups.delete_label', { title: g.title }));
        updateSpotlightButton(spot, spotlight, g.title);
      },
    );
  }
  return { update };
}
