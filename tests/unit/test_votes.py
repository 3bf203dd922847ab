"""Dot voting: the budget, several dots per note, removal, deletion, and who sees which vote when."""

from __future__ import annotations

from typing import Any

import pytest

from atelier.domain import HIDDEN, BoardState, DomainError, Viewer, event_for, view_state
from tests.unit.builders import (
    COF,
    FAC,
    OTHER,
    PAR,
    act,
    board,
    budget,
    note_added,
    revealed,
    run,
    vote_added,
)

FACILITATOR = Viewer(FAC, "facilitator")
CO_FACILITATOR = Viewer(COF, "co_facilitator")
VOTER = Viewer(PAR, "participant")
NEIGHBOUR = Viewer(OTHER, "participant")
PROJECTOR = Viewer(FAC, "facilitator", projector=True)


def voting_board(*more: tuple[str, dict[str, Any]]) -> BoardState:
    """Convergence, three notes by OTHER, nobody has voted yet."""
    return board(
        "convergence",
        note_added("n_1", OTHER, "Un bus numérique"),
        note_added("n_2", OTHER, "Des ateliers en mairie"),
        note_added("n_3", OTHER, "Un annuaire des aidants"),
        *more,
    )


def vote(state: BoardState, actor: str, note_id: str) -> None:
    act(state, actor, "vote.add", {"note_id": note_id})


def refused(state: BoardState, actor: str, name: str, args: dict[str, Any]) -> DomainError:
    with pytest.raises(DomainError) as caught:
        run(state, actor, name, args)
    return caught.value


# --- the budget -----------------------------------------------------------------------------


def test_the_default_budget_is_three_dots() -> None:
    state = voting_board()
    assert state.vote_budget == 3
    assert view_state(state, VOTER)["board"]["vote_budget"] == 3
    for note_id in ("n_1", "n_2", "n_3"):
        vote(state, PAR, note_id)
    exc = refused(state, PAR, "vote.add", {"note_id": "n_1"})
    assert exc.code == "vote_budget_exhausted"
    assert exc.params == {"budget": 3}  # the message says how many dots there were
    assert state.votes[PAR] == {"n_1": 1, "n_2": 1, "n_3": 1}


def test_budgets_are_per_participant() -> None:
    state = voting_board()
    for _ in range(3):
        vote(state, PAR, "n_1")
    vote(state, OTHER, "n_1")  # PAR's empty budget does not touch OTHER's
    vote(state, FAC, "n_1")  # facilitators vote too, with the same budget
    assert state.tallies() == {"n_1": 5}


def test_several_dots_on_one_note() -> None:
    state = voting_board()
    for _ in range(3):
        vote(state, PAR, "n_2")
    assert state.votes[PAR] == {"n_2": 3}
    assert view_state(state, VOTER)["my_votes"] == {"n_2": 3}
    assert view_state(state, FACILITATOR)["votes"] == {"n_2": 3}


def test_removing_a_dot_frees_it() -> None:
    state = voting_board()
    for _ in range(3):
        vote(state, PAR, "n_1")
    (event,) = act(state, PAR, "vote.remove", {"note_id": "n_1"})
    assert (event.name, event.data) == ("vote.removed", {"note_id": "n_1", "participant_id": PAR})
    assert state.votes[PAR] == {"n_1": 2}
    vote(state, PAR, "n_3")
    assert state.dots_used(PAR) == 3


def test_removing_the_last_dot_leaves_no_zero_entry() -> None:
    state = voting_board(vote_added("n_1", PAR))
    act(state, PAR, "vote.remove", {"note_id": "n_1"})
    assert state.tallies() == {}
    assert view_state(state, VOTER)["my_votes"] == {}


@pytest.mark.parametrize(
    "setup",
    [
        [],  # never voted
        [vote_added("n_1", OTHER)],  # someone else's dot is not yours to take
        [vote_added("n_2", PAR)],  # a dot elsewhere does not count
    ],
)
def test_removing_a_vote_you_do_not_have_is_not_found(setup: list[tuple[str, dict[str, Any]]]) -> None:
    state = voting_board(*setup)
    exc = refused(state, PAR, "vote.remove", {"note_id": "n_1"})
    assert (exc.code, exc.field) == ("not_found", "note_id")


def test_voting_on_a_missing_note_is_not_found() -> None:
    exc = refused(voting_board(), PAR, "vote.add", {"note_id": "n_gone"})
    assert (exc.code, exc.field) == ("not_found", "note_id")


def test_lowering_the_budget() -> None:
    state = voting_board()
    vote(state, PAR, "n_1")
    (event,) = act(state, FAC, "votes.configure", {"budget": 2})
    assert (event.name, event.data) == ("votes.configured", {"budget": 2})
    assert view_state(state, VOTER)["board"]["vote_budget"] == 2
    vote(state, PAR, "n_2")
    assert refused(state, PAR, "vote.add", {"note_id": "n_3"}).params == {"budget": 2}


def test_lowering_the_budget_below_the_dots_cast_keeps_them_and_refuses_more() -> None:
    state = voting_board(vote_added("n_1", PAR), vote_added("n_2", PAR), vote_added("n_3", PAR))
    act(state, COF, "votes.configure", {"budget": 1})
    assert state.votes[PAR] == {"n_1": 1, "n_2": 1, "n_3": 1}
    assert refused(state, PAR, "vote.add", {"note_id": "n_1"}).code == "vote_budget_exhausted"
    # Removing dots frees budget only once the participant is below the new budget.
    act(state, PAR, "vote.remove", {"note_id": "n_1"})
    act(state, PAR, "vote.remove", {"note_id": "n_2"})
    assert refused(state, PAR, "vote.add", {"note_id": "n_1"}).code == "vote_budget_exhausted"
    act(state, PAR, "vote.remove", {"note_id": "n_3"})
    vote(state, PAR, "n_1")


def test_raising_the_budget() -> None:
    state = voting_board(budget(3), vote_added("n_1", PAR), vote_added("n_1", PAR), vote_added("n_1", PAR))
    assert refused(state, PAR, "vote.add", {"note_id": "n_2"}).code == "vote_budget_exhausted"
    act(state, FAC, "votes.configure", {"budget": 5})
    vote(state, PAR, "n_2")
    vote(state, PAR, "n_2")
    assert refused(state, PAR, "vote.add", {"note_id": "n_3"}).params == {"budget": 5}


def test_deleting_a_note_takes_its_dots_away() -> None:
    state = voting_board(
        vote_added("n_1", PAR),
        vote_added("n_1", PAR),
        vote_added("n_2", PAR),
        vote_added("n_1", OTHER),
        vote_added("n_3", OTHER),
    )
    (event,) = act(state, FAC, "note.delete", {"id": "n_1"})
    assert (event.name, event.data) == ("note.deleted", {"id": "n_1"})
    assert state.tallies() == {"n_2": 1, "n_3": 1}
    assert state.votes[PAR] == {"n_2": 1}
    assert state.votes[OTHER] == {"n_3": 1}
    assert view_state(state, FACILITATOR)["votes"] == {"n_2": 1, "n_3": 1}
    assert view_state(state, VOTER)["my_votes"] == {"n_2": 1}
    # The two dots PAR had on the deleted note are PAR's to spend again.
    vote(state, PAR, "n_3")
    vote(state, PAR, "n_3")
    assert refused(state, PAR, "vote.add", {"note_id": "n_3"}).code == "vote_budget_exhausted"


# --- who sees a vote ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vote.add", "vote.remove"])
def test_before_the_reveal_a_vote_reaches_only_facilitators_and_the_voter(name: str) -> None:
    state = voting_board(vote_added("n_1", PAR))
    (event,) = run(state, PAR, name, {"note_id": "n_1"})
    full = (event.name, {"note_id": "n_1", "participant_id": PAR})
    assert event_for(event, FACILITATOR) == full
    assert event_for(event, CO_FACILITATOR) == full
    assert event_for(event, VOTER) == full
    assert event_for(event, NEIGHBOUR) == (HIDDEN, {})
    # A projector shows the room what participants see, whoever's token opened it.
    assert event_for(event, PROJECTOR) == (HIDDEN, {})
    assert event_for(event, Viewer(PAR, "participant", projector=True)) == (HIDDEN, {})
    assert event_for(event, Viewer(None, None)) == (HIDDEN, {})


def test_a_facilitators_own_vote_is_hidden_from_the_projector() -> None:
    state = voting_board()
    (event,) = run(state, FAC, "vote.add", {"note_id": "n_1"})
    assert event_for(event, FACILITATOR) == ("vote.added", {"note_id": "n_1", "participant_id": FAC})
    assert event_for(event, PROJECTOR) == (HIDDEN, {})
    assert event_for(event, VOTER) == (HIDDEN, {})


@pytest.mark.parametrize("name", ["vote.add", "vote.remove"])
def test_after_the_reveal_votes_reach_everyone(name: str) -> None:
    state = voting_board(vote_added("n_1", PAR), revealed(True, {"n_1": 1}))
    (event,) = run(state, PAR, name, {"note_id": "n_1"})
    full = (event.name, {"note_id": "n_1", "participant_id": PAR})
    for viewer in (FACILITATOR, CO_FACILITATOR, VOTER, NEIGHBOUR, PROJECTOR):
        assert event_for(event, viewer) == full


def test_the_state_shows_tallies_to_facilitators_only_until_the_reveal() -> None:
    state = voting_board(
        vote_added("n_1", PAR), vote_added("n_1", PAR), vote_added("n_2", OTHER), vote_added("n_2", FAC)
    )
    tallies = {"n_1": 2, "n_2": 2}
    assert view_state(state, FACILITATOR)["votes"] == tallies
    assert view_state(state, CO_FACILITATOR)["votes"] == tallies
    assert view_state(state, VOTER)["votes"] == {}
    assert view_state(state, NEIGHBOUR)["votes"] == {}
    assert view_state(state, PROJECTOR)["votes"] == {}
    assert view_state(state, VOTER)["my_votes"] == {"n_1": 2}
    assert view_state(state, NEIGHBOUR)["my_votes"] == {"n_2": 1}
    assert view_state(state, FACILITATOR)["my_votes"] == {"n_2": 1}
    assert view_state(state, PROJECTOR)["my_votes"] == {}  # even though FAC voted

    (event,) = act(state, FAC, "votes.reveal", {"revealed": True})
    assert (event.name, event.data) == ("votes.revealed", {"revealed": True, "votes": tallies})
    assert not event.restricted
    for viewer in (FACILITATOR, CO_FACILITATOR, VOTER, NEIGHBOUR, PROJECTOR):
        assert view_state(state, viewer)["votes"] == tallies
        assert view_state(state, viewer)["board"]["votes_revealed"] is True
    assert view_state(state, PROJECTOR)["my_votes"] == {}
    assert view_state(state, VOTER)["my_votes"] == {"n_1": 2}


def test_hiding_the_votes_again_clears_participants_tallies_only() -> None:
    state = voting_board(vote_added("n_1", PAR), revealed(True, {"n_1": 1}))
    (event,) = act(state, FAC, "votes.reveal", {"revealed": False})
    assert event_for(event, FACILITATOR) == ("votes.revealed", {"revealed": False, "votes": {"n_1": 1}})
    assert event_for(event, VOTER) == ("votes.revealed", {"revealed": False, "votes": {}})
    assert event_for(event, PROJECTOR) == ("votes.revealed", {"revealed": False, "votes": {}})
    assert view_state(state, VOTER)["votes"] == {}
    assert view_state(state, FACILITATOR)["votes"] == {"n_1": 1}
    # And new votes are private again.
    (vote_event,) = run(state, OTHER, "vote.add", {"note_id": "n_1"})
    assert event_for(vote_event, VOTER) == (HIDDEN, {})


def test_the_reveal_needs_no_convergence() -> None:
    # Results are shown during sharing too: revealing is a facilitator's call in any phase.
    state = board("sharing", note_added("n_1", OTHER), vote_added("n_1", PAR))
    (event,) = run(state, COF, "votes.reveal", {"revealed": True})
    assert event.data == {"revealed": True, "votes": {"n_1": 1}}
