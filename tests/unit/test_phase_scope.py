"""A spotlight ends with its phase; a question belongs to the phase it was asked in unless kept."""

from __future__ import annotations

from tests.unit.builders import FAC, MINUTES, act, board, note_added, phase_changed


def _names(events) -> list[str]:
    return [e.name for e in events]


def test_a_phase_change_ends_the_spotlight_and_the_question() -> None:
    state = board("convergence", note_added("n_1", "p_par"))
    act(state, FAC, "spotlight.set", {"kind": "note", "id": "n_1"})
    act(state, FAC, "question.set", {"text": "Comment aller vers ?"})
    events = act(state, FAC, "phase.set", {"phase": "sharing"})
    assert _names(events) == ["phase.changed", "spotlight.changed", "question.changed"]
    assert state.phase == "sharing" and state.spotlight is None and state.question == ""


def test_the_facilitator_keeps_the_question_but_never_the_spotlight() -> None:
    state = board("divergence", note_added("n_1", "p_par"))
    act(state, FAC, "spotlight.set", {"kind": "note", "id": "n_1"})
    act(state, FAC, "question.set", {"text": "Et si vous étiez ce persona ?"})
    events = act(state, FAC, "phase.set", {"phase": "convergence", "keep_question": True})
    assert _names(events) == ["phase.changed", "spotlight.changed"]
    assert state.question == "Et si vous étiez ce persona ?" and state.spotlight is None


def test_nothing_to_end_means_one_event() -> None:
    state = board("divergence")
    assert _names(act(state, FAC, "phase.set", {"phase": "convergence"})) == ["phase.changed"]


def test_setting_the_same_phase_again_keeps_what_it_shows() -> None:
    state = board("sharing", note_added("n_1", "p_par", phase="sharing"), phase_changed("sharing", MINUTES["sharing"]))
    act(state, FAC, "spotlight.set", {"kind": "note", "id": "n_1"})
    act(state, FAC, "question.set", {"text": "Vos remarques ?"})
    assert _names(act(state, FAC, "phase.set", {"phase": "sharing"})) == ["phase.changed"]
    assert state.spotlight == {"kind": "note", "id": "n_1"} and state.question == "Vos remarques ?"
