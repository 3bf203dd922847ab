"""In real Chromium a facilitator runs the phases from the control panel, a participant following."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.support.client import fetch_state

PHASES = ["intro", "presentation", "inspiration", "divergence", "convergence", "sharing", "conclusion"]
NAMES = {
    "intro": "Introduction",
    "presentation": "Présentation",
    "inspiration": "Inspiration",
    "divergence": "Divergence",
    "convergence": "Convergence",
    "sharing": "Partage",
    "conclusion": "Conclusion",
}
NOTE = "Une permanence numérique au marché du samedi"


async def _page(browser, width: int = 1280) -> Page:
    context = await browser.new_context(locale="fr-FR", viewport={"width": width, "height": 900})
    return await context.new_page()


async def test_a_facilitator_runs_every_phase_from_the_control_panel(browser, server):
    panel = await _page(browser)
    problems: list[str] = []
    panel.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    panel.on("pageerror", lambda exc: problems.append(str(exc)))

    # Home: a draft board from the "aller vers" axis template, with the guide's goal shown as help.
    await panel.goto(server.url)
    axis = panel.get_by_test_id("create-axis")
    await expect(axis.locator("option[value='reach-out']")).to_have_count(1)
    await panel.get_by_test_id("create-title").fill("Aller vers les publics éloignés")
    await axis.select_option("reach-out")
    await expect(panel.get_by_test_id("create-axis-goal")).not_to_be_empty()
    await expect(panel.get_by_test_id("create-source")).to_contain_text("ANCT")
    await panel.get_by_test_id("create-draft").check()
    await panel.get_by_test_id("create-submit").click()
    await panel.wait_for_url(re.compile(r"/b/[A-Z0-9]{6}/facilitate$"))
    code = panel.url.rstrip("/").split("/")[-2]
    token = await panel.evaluate(f"JSON.parse(localStorage.getItem('atelier:board:{code}')).token")

    # A draft opens on the preparation tab; the template's questions are there.
    await expect(panel.get_by_test_id("tab-prep")).to_have_attribute("aria-selected", "true")
    await expect(panel.get_by_test_id("prep")).to_be_visible()
    await expect(panel.get_by_test_id("prep-status")).to_contain_text("Brouillon")
    questions = panel.get_by_test_id("prepared-question-text")
    await expect(questions.first).not_to_have_value("")
    question = await questions.first.input_value()

    # A participant in another browser joins the draft: they wait until it opens.
    alice = await _page(browser, 900)
    await alice.goto(f"{server.url}/b/{code}")
    await alice.get_by_test_id("join-name").fill("Alice")
    await alice.get_by_test_id("join-name").press("Enter")
    await expect(alice.get_by_test_id("connection-status")).to_have_attribute("data-status", "connected")
    await expect(alice.get_by_test_id("draft-banner")).to_be_visible()

    await panel.get_by_test_id("board-open").click()
    await expect(panel.get_by_test_id("prep-status")).to_contain_text("ouvert")
    await expect(alice.get_by_test_id("draft-banner")).to_be_hidden()

    # Push a prepared question: the participant sees it.
    await panel.get_by_test_id("prepared-question-show").first.click()
    await expect(alice.get_by_test_id("question")).to_have_text(question)
    await expect(panel.get_by_test_id("prepared-question-shown").first).to_be_visible()
    assert (await fetch_state(server.url, code, token))["state"]["board"]["question"] == question
    # The workshop runs from the first tab.
    await panel.get_by_test_id("tab-live").click()

    # Presentation with the phase select and its apply button, then "Phase suivante" each time.
    await panel.get_by_test_id("phase-select").select_option("presentation")
    await panel.get_by_test_id("phase-apply").click()
    await expect(alice.get_by_test_id("phase-name")).to_contain_text(NAMES["presentation"])
    await expect(panel.get_by_test_id("phase-hint")).not_to_be_empty()
    # The question belongs to the phase it was asked in: moving on ends it (docs/protocol.md).
    await expect(alice.get_by_test_id("question")).to_be_hidden()

    async def next_phase(phase: str) -> None:
        await panel.get_by_test_id("phase-next").click()
        await expect(panel.get_by_test_id("phase-guide")).to_have_attribute("data-phase", phase)
        await expect(alice.get_by_test_id("phase-name")).to_contain_text(NAMES[phase])

    await next_phase("inspiration")
    await panel.get_by_test_id("personas-deal").click()
    await expect(panel.get_by_test_id("persona-row").filter(has_text="Alice")).not_to_have_attribute("data-persona", "")

    await next_phase("divergence")
    # The timer from the panel, running on the participant's screen.
    await panel.get_by_test_id("timer-minutes").fill("25")
    await panel.get_by_test_id("timer-start").click()
    await expect(alice.get_by_test_id("timer")).to_have_attribute("data-status", "running")

    # Alice writes privately; the facilitator reveals the notes.
    await alice.get_by_test_id("note-text").fill(NOTE)
    await alice.get_by_test_id("note-text").press("Control+Enter")
    await expect(panel.get_by_test_id("private-notes-state")).to_contain_text("1")
    await panel.get_by_test_id("reveal-notes").click()
    await expect(panel.get_by_test_id("private-notes-state")).not_to_contain_text("1")

    await next_phase("convergence")
    # Alice puts a dot on her note; the facilitator retains it as a solution.
    vote = alice.get_by_test_id("note").filter(has_text=NOTE).get_by_test_id("vote-add")
    await vote.click()
    item = panel.get_by_test_id("ranking-item").filter(has_text=NOTE)
    await expect(item.get_by_test_id("ranking-tally")).to_have_attribute("data-count", "1")
    await item.get_by_test_id("retain-solution").click()
    await expect(panel.get_by_test_id("solutions-count")).to_have_attribute("data-retained", "1")
    await expect(item).to_have_attribute("data-retained", "true")

    # Two sub-groups, by hand; Alice is put in the second one, which then holds the solution.
    await panel.get_by_test_id("subgroups-count").fill("2")
    await panel.get_by_test_id("subgroups-mode").select_option("manual")
    await panel.get_by_test_id("subgroups-split").click()
    cards = panel.get_by_test_id("subgroup-card")
    await expect(cards).to_have_count(2)
    row = panel.get_by_test_id("assign-row").filter(has_text="Alice")
    second = await cards.nth(1).get_attribute("data-key")
    await row.get_by_test_id("assign-select").select_option(second)
    await row.get_by_test_id("assign-apply").click()
    await expect(row).to_have_attribute("data-subgroup", second)
    await expect(cards.nth(1).get_by_test_id("subgroup-members")).to_contain_text("Alice")
    await expect(cards.nth(0).get_by_test_id("subgroup-solution")).to_contain_text(NOTE)

    await next_phase("sharing")
    await cards.nth(0).get_by_test_id("subgroup-present").click()
    await expect(panel.get_by_test_id("spotlight-state")).to_have_attribute("data-kind", "subgroup")
    spotlight = (await fetch_state(server.url, code, token))["state"]["board"]["spotlight"]
    assert spotlight["kind"] == "subgroup"

    await next_phase("conclusion")
    await expect(panel.get_by_test_id("phase-next")).to_have_attribute("aria-disabled", "true")
    await panel.get_by_test_id("next-steps-input").fill("Compléter les fiches avant le prochain atelier.")
    await panel.get_by_test_id("next-steps-save").click()
    await expect(panel.get_by_test_id("next-steps-state")).to_contain_text("enregistr")

    state = (await fetch_state(server.url, code, token))["state"]
    board = state["board"]
    assert board["status"] == "open"
    assert board["axis"] == "reach-out" and board["goal"]
    assert board["phase"] == "conclusion"
    assert board["question"] == ""
    assert [entry["phase"] for entry in board["phase_log"]] == PHASES[1:]
    assert board["next_steps"] == "Compléter les fiches avant le prochain atelier."
    (note,) = [n for n in state["notes"].values() if n["text"] == NOTE]
    assert note["private"] is False
    (solution,) = state["solutions"].values()
    assert solution["source_id"] == note["id"]
    assert len(state["subgroups"]) == 2
    holders = [g for g in state["subgroups"].values() if g["solution_id"] == solution["id"]]
    assert len(holders) == 1
    alice_id = next(p["id"] for p in state["participants"].values() if p["name"] == "Alice")
    assert state["subgroups"][second]["members"] == [alice_id]
    assert state["personas"].get(alice_id)
    # Like the question, the spotlight ended with its phase (docs/protocol.md, "What belongs to a phase").
    assert board["spotlight"] is None
    assert not problems, problems
