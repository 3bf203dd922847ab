"""The wall in real Chromium: notes of mixed lengths (some of 500 characters), revealed, then grouped,
never cover one another on the participant's wall (phone and laptop), the facilitator's and the
projector; a clamped note can always be read whole; the question is said once, as a heading; a note
keeps its colour in the grouping list; axe finds nothing on the wall."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.look import AXE_TAGS, screenshot
from tests.support.client import Participant, create_board, join_board
from tests.support.pages import open_as
from tests.support.server import ServerProcess

pytestmark = pytest.mark.asyncio

Q1 = "Comment aller vers les habitants qui ne viennent jamais dans nos lieux ?"
Q2 = "Si vous étiez une personne âgée isolée, qu'est-ce qui vous aiderait ?"
LONG = (
    "Créer un réseau de médiateurs numériques qui se déplacent dans les villages, les marchés et les "
    "salles des fêtes, avec un calendrier connu de tous, affiché en mairie, à la pharmacie et chez le "
    "boulanger ; chaque passage commence par un café et une démonstration sur les démarches du moment "
    "(impôts, santé, retraite), puis un temps individuel pour ceux qui le souhaitent, sans rendez-vous, "
    "et une fiche simple à emporter avec les contacts utiles et les horaires du prochain passage aussi."
)[:500]
TEXTS = [
    "Un bus",
    "Former les agents d'accueil des mairies à repérer les personnes en difficulté numérique",
    "Des permanences",
    LONG,
    "Un numéro de téléphone unique, gratuit, avec une vraie personne au bout du fil",
    "Ateliers",
    "Prêter des tablettes configurées et simples, avec un accompagnement les premières semaines chez soi",
    LONG.replace("villages", "quartiers"),
    "Aller sur les marchés",
    "Travailler avec les facteurs, qui passent chez tout le monde et connaissent les habitants",
]
COLORS = ["yellow", "pink", "blue", "green", "orange", "purple"]

# Pairs of [data-note-id] cards (visible ones) whose boxes intersect by more than a pixel. With
# `clip`, each box is first cut to the scrolling regions that hold it (what a person sees of it): a
# wall that scrolls in its own region hides the cards scrolled out of it, they cover nothing below.
OVERLAPS_JS = """(arg) => {
  const [root, clip] = Array.isArray(arg) ? arg : [arg, false];
  const scope = root ? document.querySelector(root) : document;
  const seen = (el) => {
    const r = el.getBoundingClientRect();
    let { left, top, right, bottom } = r;
    for (let a = el.parentElement; clip && a; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
      const c = a.getBoundingClientRect();
      left = Math.max(left, c.left); top = Math.max(top, c.top);
      right = Math.min(right, c.right); bottom = Math.min(bottom, c.bottom);
    }
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  const boxes = [...scope.querySelectorAll('[data-note-id]')]
    .filter((el) => el.checkVisibility())
    .map((el) => ({ id: el.dataset.noteId, kind: el.className.split(' ')[0], r: seen(el) }))
    .filter((b) => b.r.width > 0 && b.r.height > 0);
  const out = [];
  for (let i = 0; i < boxes.length; i += 1) {
    for (let j = i + 1; j < boxes.length; j += 1) {
      const a = boxes[i].r, b = boxes[j].r;
      const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (w > 1 && h > 1) out.push(`${boxes[i].id} × ${boxes[j].id}`);
    }
  }
  const groups = [...scope.querySelectorAll('.wall__section[data-kind="group"]')].filter((el) => el.checkVisibility())
    .map((el) => el.querySelector('h2, h3, h4')?.textContent ?? el.textContent.slice(0, 40));
  return { count: boxes.length, ids: boxes.map((b) => b.id), groups, overlaps: out };
}"""

# Card texts cut by their box, and whether each has a visible way to read it whole.
CLIPPED_JS = """() => [...document.querySelectorAll('.wall [data-note-id]')]
  .filter((el) => el.checkVisibility())
  .map((el) => {
    const text = el.querySelector('.note__text');
    const more = el.querySelector('[data-testid="note-more"]');
    return { id: el.dataset.noteId, clipped: text.scrollHeight > text.clientHeight + 1,
             more: !!more && more.checkVisibility(), text: text.textContent };
  })"""




async def _wait_cards(page: Any, scope: str, count: int) -> None:
    """Wait for the wall to show every note, or, on a projector whose region is too small for them
    all at a readable size, the most recent ones with a line saying how many of how many; on the
    participant's page, a page of the list whose line says which of the n notes it holds, or the
    button that unfolds the earlier phases' notes (the caller opens it)."""
    await page.wait_for_function(
        """([scope, n]) => {
          const shown = document.querySelectorAll(`${scope} .wall [data-note-id]`).length;
          const line = document.querySelector(`${scope} [data-testid=wall-window]`);
          const says = (k) => line && line.textContent.includes(` ${k} `);
          const earlier = document.querySelector(`${scope} [data-testid=notes-earlier]`);
          if (earlier && !earlier.hidden && earlier.getAttribute('aria-pressed') === 'false') return true;
          const pages = document.querySelector(`${scope} .notes-panel__pages`);
          const line2 = document.querySelector(`${scope} [data-testid=notes-page]`);
          const range = pages && !pages.hidden && line2?.textContent.match(/(\\d+)\\D+(\\d+)\\D+(\\d+)/);
          const paged = !!range && Number(range[3]) === n
            && shown === Number(range[2]) - Number(range[1]) + 1;
          return shown === n || paged || (line && !line.hidden && says(shown) && says(n));
        }""",
        arg=[scope, count],
        timeout=15_000,
    )
    # Two frames: the projector's fit settles in one.
    await page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


async def _axe_wall(page: Any, scope: str) -> list[str]:
    from axe_playwright_python.async_playwright import Axe

    results = await Axe().run(
        page,
        context={"include": [[scope]]},
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']}: {[n.get('target') for n in v.get('nodes', [])][:3]}"
        for v in results.response.get("violations", [])
    ]


async def _check(page: Any, scope: str, count: int, name: str, groups: int = 0) -> None:
    """Every note of the board, on every page of the wall, covers no other."""
    await _wait_cards(page, scope, count)
    # The participant's page keeps the earlier phases' notes behind a button: open it.
    earlier = page.locator(f"{scope} [data-testid=notes-earlier]")
    if await earlier.is_visible() and await earlier.get_attribute("aria-pressed") == "false":
        await earlier.click()
        await _wait_cards(page, scope, count)
    # On a phone the list turns pages: check each, from the first.
    previous = page.locator(f"{scope} [data-testid=notes-previous]")
    following = page.locator(f"{scope} [data-testid=notes-next]")
    while await previous.is_visible() and await previous.get_attribute("aria-disabled") != "true":
        await previous.click()
    await _wait_cards(page, scope, count)
    seen: set[str] = set()
    titles: set[str] = set()
    number = 1
    if groups:
        # The groups show (on a phone's first page at least one), unless a projector too small for the
        # whole wall shows only the most recent notes.
        await page.wait_for_function(
            """([scope, n]) => {
              const shown = document.querySelectorAll(`${scope} .wall__section[data-kind="group"]`).length;
              const pages = document.querySelector(`${scope} .notes-panel__pages`);
              return shown === n || (shown > 0 && pages && !pages.hidden)
                || !document.querySelector(`${scope} [data-testid=wall-window]`).hidden;
            }""",
            arg=[scope, groups],
        )
    while True:
        ids, shown_groups = await _check_shown(page, scope, name if number == 1 else f"{name}-page{number}")
        seen |= ids
        titles |= shown_groups
        if not await following.is_visible() or await following.get_attribute("aria-disabled") == "true":
            break
        await following.click()
        number += 1
        await _wait_cards(page, scope, count)
    windowed = await page.locator(f"{scope} [data-testid=wall-window]").is_visible()
    assert len(seen) >= count or (windowed and "projector" in name), (name, len(seen), count)
    assert len(titles) >= groups or (windowed and "projector" in name), (name, titles)


async def _check_shown(page: Any, scope: str, name: str) -> tuple[set[str], set[str]]:
    """The cards shown now cover no other; returns their ids."""
    # Cards out of sight are not rendered (content-visibility: auto) and measure as placeholders:
    # lay them all out, as each is once scrolled to, to measure the wall a person sees.
    await page.evaluate(
        "() => document.querySelectorAll('.wall__item').forEach((el) => { el.style.contentVisibility = 'visible'; })"
    )
    await screenshot(page, "wall", name)
    result = await page.evaluate(OVERLAPS_JS, scope)
    assert result["count"] > 0, (name, result)
    assert result["overlaps"] == [], (name, result["overlaps"])
    # The question is said once, as its section's heading; no card repeats it.
    for question in (Q1, Q2):
        shown = await page.evaluate(
            "([scope, q]) => [...document.querySelectorAll(`${scope} .wall *`)]"
            ".filter((el) => el.checkVisibility()"
            " && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.includes(q))).length",
            [scope, question],
        )
        assert shown <= 1, (name, question, shown)
    assert await _axe_wall(page, scope) == [], name
    assert page.errors == [], page.errors
    return set(result["ids"]), set(result["groups"])


async def test_notes_of_mixed_lengths_never_cover_each_other_on_any_wall(server: ServerProcess, browser: Any) -> None:
    board = await create_board(server.url, "Aller vers les publics")
    code = board["code"]
    fac = await Participant(server.ws_url, code, board["facilitator_token"]).connect()
    joined = [await join_board(server.url, code, name) for name in ("Alice", "Bruno", "Chloé")]
    people = [await Participant(server.ws_url, code, j["token"]).connect() for j in joined]

    # Two questions in inspiration, then private writing in divergence, revealed.
    await fac.ok("phase.set", {"phase": "inspiration"})
    await fac.ok("question.set", {"text": Q1})
    for i, text in enumerate(TEXTS[:6]):
        await people[i % 3].ok("note.add", {"text": text, "color": COLORS[i % 6]})
    await fac.ok("question.set", {"text": Q2})
    await fac.ok("phase.set", {"phase": "divergence"})
    for i, text in enumerate(TEXTS[6:] + TEXTS[:4]):
        distinct = f"{text} ({i})" if len(text) < 480 else text
        await people[i % 3].ok("note.add", {"text": distinct, "color": COLORS[(i + 1) % 6]})
    seq = await fac.ok("notes.reveal")
    await fac.wait_seq(seq)
    total = len(fac.state["notes"])
    assert total == 14

    alice = joined[0]
    credentials = {
        "participant": {"token": alice["token"], "participant_id": alice["participant_id"], "role": "participant"},
        "facilitator": {
            "token": board["facilitator_token"],
            "participant_id": board["participant_id"],
            "role": "facilitator",
        },
    }
    projector_wall = "[data-testid=region-wall]"
    screens = [
        ("participant-390x844", f"{server.url}/b/{code}", "participant", 390, 844, "#notes"),
        ("participant-1366x768", f"{server.url}/b/{code}", "participant", 1366, 768, "#notes"),
        ("facilitator-1366x768", f"{server.url}/b/{code}/facilitate", "facilitator", 1366, 768, "#notes"),
        ("projector-1920x1080", f"{server.url}/b/{code}/projector", "facilitator", 1920, 1080, projector_wall),
        ("projector-1024x768", f"{server.url}/b/{code}/projector", "facilitator", 1024, 768, projector_wall),
    ]
    pages = {}
    for name, url, who, width, height, scope in screens:
        pages[name] = (await open_as(browser, url, code, credentials[who], width, height), scope)
    for name, (page, scope) in pages.items():
        await _check(page, scope, total, f"{name}-revealed")

    # A clamped note can be read whole: its toggle opens it, and it still covers nothing.
    page, scope = pages["participant-1366x768"]
    cards = await page.evaluate(CLIPPED_JS)
    clipped = [c for c in cards if c["clipped"]]
    assert clipped, "the 500-character notes are clamped on the wall"
    assert all(c["more"] for c in clipped), clipped
    first = page.locator(f'.wall [data-note-id="{clipped[0]["id"]}"]')
    await first.get_by_test_id("note-more").click()
    assert await first.get_by_test_id("note-more").get_attribute("aria-expanded") == "true"
    after = {c["id"]: c for c in await page.evaluate(CLIPPED_JS)}
    assert not after[clipped[0]["id"]]["clipped"]
    assert (await page.evaluate(OVERLAPS_JS, scope))["overlaps"] == []
    await screenshot(page, "wall", "participant-1366x768-opened")
    # On the projector nothing is cut by a box: long notes end at a word with an ellipsis there...
    for name in ("projector-1920x1080", "projector-1024x768"):
        ppage, _ = pages[name]
        texts = await ppage.evaluate(
            "() => [...document.querySelectorAll('.wall [data-note-id] .note__text')].map((t) => "
            "({ clipped: t.scrollHeight > t.clientHeight + 1, text: t.textContent }))"
        )
        assert not [t for t in texts if t["clipped"]], (name, texts)
        assert any(t["text"].endswith("…") for t in texts)
        size = await ppage.evaluate(
            "() => Math.min(...[...document.querySelectorAll("
            "'.wall [data-note-id] .note__meta, .wall [data-note-id] .note__text')]"
            ".map((e) => parseFloat(getComputedStyle(e).fontSize)))"
        )
        # 14 px at 1920 × 1080; a smaller signal is the same picture on the same screen, so in proportion.
        width = int(name.split("-")[1].split("x")[0])
        assert size >= 14 * min(1, width / 1920) - 0.01, (name, size)
    # ... and read whole in the spotlight.
    long_id = next(n["id"] for n in fac.state["notes"].values() if n["text"] == LONG)
    await fac.ok("spotlight.set", {"kind": "note", "id": long_id})
    ppage, _ = pages["projector-1920x1080"]
    await ppage.wait_for_function(
        "(text) => { const spot = document.querySelector('[data-testid=region-spotlight]');"
        " return !!spot && spot.checkVisibility() && spot.textContent.includes(text); }",
        arg=LONG[:200],
    )
    await fac.ok("spotlight.set", {})

    # Convergence: two groups; the rest stays by question. Still nothing covers anything.
    await fac.ok("phase.set", {"phase": "convergence"})
    ids = [n["id"] for n in sorted(fac.state["notes"].values(), key=lambda n: n["created_ms"])]
    await fac.ok("group.create", {"title": "Aller au-devant des habitants", "note_ids": ids[0:4]})
    seq = await fac.ok("group.create", {"title": "Un accompagnement humain", "note_ids": ids[6:9]})
    await fac.wait_seq(seq)
    for name, (page, scope) in pages.items():
        # Both groups show (a projector too small for the whole wall shows the most recent notes).
        await _check(page, scope, total, f"{name}-grouped", groups=2)

    # The grouping list shows each note in its own colour.
    page, _ = pages["participant-1366x768"]
    # In convergence the participant's page folds the grouping list behind a button.
    fold = page.get_by_test_id("fold-grouping")
    if await fold.is_visible() and await fold.get_attribute("aria-expanded") == "false":
        await fold.click()
    pink = next(n["id"] for n in fac.state["notes"].values() if n["color"] == "pink")
    chip = page.locator(f'[data-testid="grouping"] [data-note-id="{pink}"]')
    card = page.locator(f'.wall [data-note-id="{pink}"]')
    chip_bg = await chip.evaluate("(el) => getComputedStyle(el).backgroundColor")
    card_bg = await card.evaluate("(el) => getComputedStyle(el).backgroundColor")
    assert chip_bg == card_bg, (chip_bg, card_bg)
    # The whole page: the wall scrolls in its own region, above the grouping list.
    whole = await page.evaluate(OVERLAPS_JS, [None, True])
    assert whole["count"] > total, whole
    assert whole["overlaps"] == [], whole["overlaps"]
    await screenshot(page, "wall", "participant-1366x768-grouping")

    for client in (fac, *people):
        await client.close()
