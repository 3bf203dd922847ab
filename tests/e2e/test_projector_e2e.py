"""The projector through a whole scripted workshop, opened from a projector link in fresh browsers at
the room's three beamer sizes: never a scrollbar, nothing cut, each step's key texts on screen, nothing
left over from an earlier spotlight, no two note cards on top of each other, axe-core clean."""

from __future__ import annotations

import re
from typing import Any

import orjson
import pytest

from tests.e2e.look import axe_violations, screenshot
from tests.support.workshop import FIELDS, STAGES, Workshop

pytestmark = pytest.mark.asyncio

SIZES = ((1920, 1080), (1280, 720), (1024, 768))
AXE_SIZE = (1280, 720)
WAIT_MS = 15_000

# Everything the layout assertions measure, in one pass over the page.
MEASURE = """
() => {
  const doc = document.scrollingElement || document.documentElement;
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    if (!shown(el) || el.clientWidth <= 1 || el.clientHeight <= 1) continue;  // visually-hidden helpers
    const style = getComputedStyle(el);
    // A note card has a known footprint, its text clamped with an ellipsis and shown whole in the
    // spotlight (DESIGN.md, "Cards have a footprint"): that is a layout, not a cut.
    if (el.closest('[data-note-id]') && style.webkitLineClamp && style.webkitLineClamp !== 'none') continue;
    const boxes = [style.overflowX, style.overflowY];
    if (!boxes.some((o) => o === 'hidden' || o === 'auto' || o === 'scroll' || o === 'clip')) continue;
    if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
      const name = `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`;
      clipped.push(`${name} ${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight}`);
    }
  }
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || !shown(el) || el.closest('.visually-hidden, .skip-link')) continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < 14) small.push(`${size}px: ${node.textContent.trim().slice(0, 40)}`);
  }
  const cards = [...document.querySelectorAll('[data-note-id]')].filter(shown).map((el) => {
    const r = el.getBoundingClientRect();
    return { id: el.dataset.noteId, x: r.left, y: r.top, w: r.width, h: r.height };
  });
  const overlaps = [];
  for (let i = 0; i < cards.length; i += 1) {
    for (let j = i + 1; j < cards.length; j += 1) {
      const a = cards[i], b = cards[j];
      const apart = a.x >= b.x + b.w - 1 || b.x >= a.x + a.w - 1 || a.y >= b.y + b.h - 1 || b.y >= a.y + a.h - 1;
      if (!apart) overlaps.push(`${a.id}/${b.id}`);
    }
  }
  // A region's content never runs past its own box (under its page indicator, say).
  for (const body of document.querySelectorAll('.region__body')) {
    if (shown(body) && body.scrollHeight > body.clientHeight + 1) {
      clipped.push(`${body.parentElement.dataset.region} runs over its box`);
    }
  }
  // A page indicator only where there are pages to turn.
  const pagers = [...document.querySelectorAll('[data-testid="pager"]')].filter(shown)
    .filter((el) => !(Number(el.closest('[data-pages]')?.dataset.pages) >= 2)).map((el) => el.textContent);
  return {
    pagers,
    scrolls: doc.scrollHeight > innerHeight + 1 || doc.scrollWidth > innerWidth + 1,
    page: `${doc.scrollWidth}x${doc.scrollHeight}`,
    clipped, small, cards: cards.length, overlaps,
    pages: Math.max(1, ...[...document.querySelectorAll('[data-pages]')].filter(shown)
      .map((el) => Number(el.dataset.pages))),
    step: document.body.dataset.step,
  };
}
"""

# The texts among `texts` that are shown whole inside the viewport now (their smallest element).
ON_SCREEN = """
([texts, outside]) => {
  const shown = (el) => el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const inside = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.top >= -1 && r.left >= -1
      && r.bottom <= innerHeight + 1 && r.right <= innerWidth + 1;
  };
  const found = [];
  for (const text of texts) {
    const holders = [...document.querySelectorAll('main *, header *')].filter((el) => el.textContent.includes(text)
      && !(outside && el.closest(outside))
      && ![...el.children].some((c) => c.textContent.includes(text)));
    if (holders.some((el) => shown(el) && inside(el))) found.push(text);
  }
  return found;
}
"""


def _key_texts(w: Workshop, stage: str) -> list[str]:
    """What the room must be able to read at that stage."""
    s = w.state
    board = s["board"]
    if stage == "joining":
        return [w.code, board["goal"]]
    if stage == "presentation":
        return [board["goal"], "Diagnostic territorial 2026"]
    if stage in ("inspiration", "writing", "wall", "voting"):
        return [board["question"]]
    if stage == "speaker":
        speaker = s["queue"]["speaker"]
        name = s["participants"][speaker["participant"]]["name"]
        ideas = [n["text"] for n in s["notes"].values() if n["author"] == speaker["participant"] and n.get("presented")]
        return [name, *ideas]
    if stage == "reveal":
        tallies = s["votes"]
        best = sorted(tallies, key=lambda t: -tallies[t])[:5]
        return [s["notes"][t]["text"] if t in s["notes"] else s["groups"][t]["title"] for t in best]
    if stage in ("subgroups", "sharing"):
        return [s["sheets"][sheet]["fields"]["name"]["text"] for sheet in w.sheets]
    if stage == "presenting":
        sheet = s["sheets"][w.sheets[0]]
        return [sheet["fields"][f]["text"] for f in FIELDS] + [r["text"] for r in s["remarks"].values()]
    if stage == "closing":
        return [a["text"] for a in s["closing"].values()]
    if stage == "next_steps":
        return ["Prochain atelier le 12 janvier"]
    raise AssertionError(stage)


def _stale_texts(w: Workshop, stage: str) -> list[str]:
    """What an earlier phase's question or spotlight showed, that must not be on screen any more."""
    at = STAGES.index(stage)
    stale = []
    if at >= STAGES.index("writing"):
        stale.append("Qu'observez-vous")  # inspiration's question
    if at >= STAGES.index("speaker"):
        stale.append("Comment pourrions-nous")  # divergence's question
    if at >= STAGES.index("closing"):
        stale.append(w.state["sheets"][w.sheets[0]]["fields"]["objectives"]["text"])  # sharing's spotlight
    return stale


async def _look(browser: Any, w: Workshop, link: str, stage: str, size: tuple[int, int]) -> list[str]:
    """Open the projector from the link in a fresh browser; what is wrong with it at this stage."""
    width, height = size
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
    problems: list[str] = []
    try:
        page = await context.new_page()
        page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
        await page.goto(f"{w.url}{link}")
        await page.locator("body[data-step]").wait_for(state="attached", timeout=WAIT_MS)
        assert "#k=" not in page.url, "the secret stays in the address bar"
        await page.evaluate("document.fonts.ready")
        # Let the fitting of this state settle (one frame after the last render).
        await page.wait_for_timeout(400)
        where = f"{stage} {width}x{height}"
        m = await page.evaluate(MEASURE)
        if m["step"] != stage:  # the stages of the driver are named after the projector's steps
            problems.append(f"{where}: the projector shows step {m['step']}")
        if m["scrolls"]:
            problems.append(f"{where}: the page scrolls ({m['page']})")
        problems += [f"{where}: clipped {c}" for c in m["clipped"]]
        problems += [f"{where}: a page indicator with no pages: {p}" for p in m["pagers"]]
        if width == 1920:
            problems += [f"{where}: text under 14 px: {s}" for s in m["small"][:5]]
        problems += [f"{where}: cards overlap {o}" for o in m["overlaps"][:5]]
        if stage == "wall" and m["cards"] == 0:
            problems.append(f"{where}: no [data-note-id] card on the wall")
        wanted = _key_texts(w, stage)
        seen: set[str] = set()
        for _ in range(m["pages"]):  # pages that turn: a presenter's remote sends PageDown
            seen |= set(await page.evaluate(ON_SCREEN, [wanted, None]))
            await page.keyboard.press("PageDown")
            await page.wait_for_timeout(150)
        problems += [f"{where}: not on screen: {t[:60]!r}" for t in wanted if t not in seen]
        # The wall's section headings name the question its notes answered: that is what the notes are
        # about, not the phase's question.
        stale = await page.evaluate(ON_SCREEN, [_stale_texts(w, stage), ".region--wall"])
        problems += [f"{where}: left over from earlier: {t[:60]!r}" for t in stale]
        if stage == "writing":
            html = await page.content()
            leaked = [
                n["text"] for n in w.state["notes"].values() if n["phase"] == "divergence" and n["text"][:30] in html
            ]
            if leaked:
                problems.append(f"{where}: private notes on the projector: {leaked[:2]}")
        await screenshot(page, "projector", f"{STAGES.index(stage):02d}", stage, f"{width}x{height}")
        if size == AXE_SIZE:  # once per step: axe takes seconds a run on these machines
            problems += [f"{where}: axe {v}" for v in await axe_violations(page)]
    finally:
        await context.close()
    return problems


async def test_the_projector_shows_each_step_whole_at_every_beamer_size(browser: Any, shared_server: Any) -> None:
    w = await Workshop.start(shared_server.url, shared_server.ws_url)
    try:
        link = await w.projector_link()
        assert link.startswith(f"/b/{w.code}/projector#k=")
        problems: list[str] = []
        for stage in STAGES:
            await w.advance(stage)
            for size in SIZES:
                found = await _look(browser, w, link, stage, size)
                print("\n".join(found))  # shown with -s while the test runs
                problems += found
        assert not problems, "\n".join(problems)
    finally:
        await w.close()


async def test_the_cockpit_makes_a_projector_link_that_a_fresh_browser_opens_and_revoking_closes(
    browser: Any, shared_server: Any
) -> None:
    from playwright.async_api import expect

    w = await Workshop.start(shared_server.url, shared_server.ws_url)
    cockpit_context = await browser.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    room_pc = await browser.new_context(viewport={"width": 1280, "height": 720}, locale="fr-FR")
    try:
        await w.advance("joining")
        cockpit = await cockpit_context.new_page()
        await cockpit.goto(f"{w.url}/b/{w.code}")
        credential = {"token": w.token, "participant_id": w.fac.you["id"], "role": "facilitator"}
        await cockpit.evaluate(
            "([k, v]) => localStorage.setItem(k, v)", [f"atelier:board:{w.code}", orjson.dumps(credential).decode()]
        )
        await cockpit.goto(f"{w.url}/b/{w.code}/facilitate")
        # The projector link panel lives in the cockpit's access tab.
        await cockpit.get_by_test_id("tab-access").click()
        panel = cockpit.get_by_test_id("projector-link-panel")
        await expect(panel).to_be_visible()
        await panel.get_by_test_id("projector-link-create").click()
        url_box = panel.get_by_test_id("projector-link-url")
        await expect(url_box).to_have_value(re.compile(rf"^{re.escape(w.url)}/b/{w.code}/projector#k=[A-Za-z0-9_-]+$"))
        link = await url_box.input_value()
        qr = panel.get_by_test_id("projector-link-qr")
        await expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml"))
        assert await qr.evaluate("img => img.complete && img.naturalWidth > 0")
        await expect(panel.get_by_test_id("projector-link-live")).to_contain_text("1")
        assert not [v for v in await axe_violations(cockpit) if "projector-link" in v]

        # The room PC has never seen this board: the link alone opens the projector, read only.
        screen = await room_pc.new_page()
        await screen.goto(link)
        await expect(screen.get_by_test_id("room-code")).to_have_text(w.code)
        assert "#k=" not in screen.url
        assert await screen.evaluate(f"localStorage.getItem('atelier:board:{w.code}')") is None

        await panel.get_by_test_id("projector-link-revoke").click()
        await expect(panel.get_by_test_id("projector-link-message")).to_contain_text("révoqués")
        # Its socket is closed and the page says why, instead of showing a board that no longer moves.
        await expect(screen.locator("#notice")).to_be_visible(timeout=WAIT_MS)
        await expect(screen.locator("#screen")).to_be_hidden()
        await screen.reload()
        await expect(screen.locator("#notice")).to_be_visible(timeout=WAIT_MS)
    finally:
        await cockpit_context.close()
        await room_pc.close()
        await w.close()
