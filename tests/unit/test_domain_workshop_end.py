"""The agenda as run has a beginning and an end (the introduction is timed, a workshop ends), and remarks
and closing answers keep the anonymity of the board's notes."""

from __future__ import annotations

import pytest

from atelier.domain import DomainError
from atelier.domain.events import Viewer
from atelier.domain.views import event_for, view_state
from atelier.exports.report import agenda_rows

from .exports_workshop import AWA, FAC, JEAN, LEA, MINUTE, Workshop, workshop


def _started() -> Workshop:
    w = Workshop()
    w.do(FAC, "participant.join", {"name": "Claire", "role": "facilitator"})
    w.do(AWA, "participant.join", {"name": "Awa"})
    w.do(JEAN, "participant.join", {"name": "Jean"})
    return w


def test_the_introduction_is_timed_from_its_first_timer() -> None:
    w = _started()
    w.do(FAC, "timer.start", {"seconds": None})
    began = w.now
    w.do(FAC, "phase.set", {"phase": "presentation"}, minutes=6)
    assert w.state.phase_log[0] == {"phase": "intro", "started_ms": began, "ended_ms": w.now}
    assert w.state.phase_log[1]["phase"] == "presentation"
    rows = {row[0]: row for row in agenda_rows(w.state, "fr")}
    assert rows["Introduction"][2] == "6"


def test_a_later_timer_does_not_open_the_log_again() -> None:
    w = _started()
    w.do(FAC, "phase.set", {"phase": "inspiration"})
    w.do(FAC, "timer.start", {"seconds": 60})
    assert [e["phase"] for e in w.state.phase_log] == ["inspiration"]


def test_ending_the_workshop_closes_the_conclusion_and_locks_the_board() -> None:
    w = workshop()
    assert agenda_rows(w.state, "fr")[-1][3] == "en cours"
    events = w.do(FAC, "workshop.end", minutes=5)
    assert [e.name for e in events] == ["workshop.ended", "board.locked"]
    last = w.state.phase_log[-1]
    assert last["phase"] == "conclusion" and last["ended_ms"] == w.now
    assert w.state.ended_ms == w.now and w.state.locked
    conclusion = agenda_rows(w.state, "fr")[-1]
    assert conclusion[3] == "" and conclusion[2] == str(round((w.now - last["started_ms"]) / MINUTE))
    assert view_state(w.state, Viewer(AWA, "participant"))["board"]["ended_ms"] == w.now
    with pytest.raises(DomainError) as caught:
        w.do(FAC, "workshop.end")
    assert caught.value.code == "conflict"


def test_only_facilitators_end_a_workshop() -> None:
    w = workshop()
    w.do(FAC, "phase.set", {"phase": "conclusion"})
    with pytest.raises(DomainError) as caught:
        w.do(AWA, "workshop.end")
    assert caught.value.code == "forbidden"


def test_a_phase_after_the_end_resumes_the_workshop() -> None:
    w = workshop()
    w.do(FAC, "workshop.end")
    w.do(FAC, "phase.set", {"phase": "sharing"})
    assert w.state.ended_ms is None and w.state.phase_log[-1]["ended_ms"] is None


def _sharing(anonymous: bool) -> tuple[Workshop, str]:
    w = workshop(anonymous=anonymous)
    sheet = next(iter(w.state.sheets))
    w.do(FAC, "phase.set", {"phase": "sharing"})
    return w, sheet


@pytest.mark.parametrize("anonymous", [True, False])
def test_remarks_follow_the_anonymity_of_the_notes(anonymous: bool) -> None:
    w, sheet = _sharing(anonymous)
    (event,) = w.do(AWA, "remark.add", {"sheet_id": sheet, "kind": "for", "text": "Bonne idée"})
    rid = event.data["remark"]["id"]
    other = Viewer(JEAN, "participant")
    projector = Viewer(None, None, projector=True)
    seen = None if anonymous else AWA
    assert event_for(event, other)[1]["remark"]["author"] == seen
    assert event_for(event, projector)[1]["remark"]["author"] == seen
    assert view_state(w.state, other)["remarks"][rid]["author"] == seen
    # Its author and the facilitators see who wrote it.
    assert event_for(event, Viewer(AWA, "participant"))[1]["remark"]["author"] == AWA
    assert view_state(w.state, Viewer(FAC, "facilitator"))["remarks"][rid]["author"] == AWA


@pytest.mark.parametrize("anonymous", [True, False])
def test_closing_answers_follow_the_anonymity_of_the_notes(anonymous: bool) -> None:
    w = workshop(anonymous=anonymous)
    (event,) = w.do(LEA, "closing.answer", {"question": "takeaway", "text": "Des contacts"})
    aid = event.data["answer"]["id"]
    seen = None if anonymous else LEA
    assert event_for(event, Viewer(AWA, "participant"))[1]["answer"]["author"] == seen
    assert view_state(w.state, Viewer(AWA, "participant"))["closing"][aid]["author"] == seen
    assert view_state(w.state, Viewer(LEA, "participant"))["closing"][aid]["author"] == LEA
