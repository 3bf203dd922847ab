"""A shared welcome is exactly each member's view: `audience` names a stand-in only when the viewer
sees nothing of their own, and the stand-in's view then equals theirs."""

from __future__ import annotations

from atelier.domain import Viewer, view_state
from atelier.domain.views import audience

from .builders import COF, FAC, OTHER, PAR, board, note_added, vote_added


def check(state, viewer: Viewer) -> Viewer | None:
    stand_in = audience(state, viewer)
    if stand_in is not None:
        assert stand_in.id is None
        assert view_state(state, stand_in) == view_state(state, viewer)
    return stand_in


def test_stand_ins_see_exactly_what_their_audience_sees() -> None:
    state = board(
        "convergence",
        note_added("n1", PAR, anonymous=True),
        note_added("n2", OTHER, anonymous=False),
        vote_added("n2", FAC),
    )
    assert check(state, Viewer(PAR, "participant")) is None  # their own anonymous note
    assert check(state, Viewer(OTHER, "participant")) is not None  # an open note is everyone's
    assert check(state, Viewer(FAC, "facilitator")) is None  # their own votes
    assert check(state, Viewer(COF, "co_facilitator")) is not None
    assert check(state, Viewer(FAC, "facilitator", projector=True)) is not None
    assert check(state, Viewer("p_new", "participant")) is not None


def test_a_voter_has_a_welcome_of_their_own() -> None:
    state = board("convergence", note_added("n2", OTHER, anonymous=False), vote_added("n2", OTHER))
    assert check(state, Viewer(OTHER, "participant")) is None
