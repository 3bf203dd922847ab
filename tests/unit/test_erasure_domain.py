"""A person's erasure in the domain: the event holds no personal data, and the redacted past folds
to exactly the state the live board reaches by folding the erasure."""

from __future__ import annotations

import itertools

import orjson

from atelier import domain
from atelier.domain import Command, Context
from atelier.domain.copying import COPIED, RESET, template_of
from atelier.domain.erasure import erasure_for, redact
from atelier.domain.model import BoardState
from atelier.exports.anonymity import without_hidden_authors

CANARY = "Josiane Canari"


def _board() -> tuple[BoardState, list[domain.Event], Context]:
    ids = itertools.count()
    ctx = Context(now_ms=1_764_340_000_000, new_id=lambda p: f"{p}_{next(ids)}", personas=("social-worker",))
    events = domain.create_board("ABC234", "Atelier", "fr")
    state = domain.initial(events[0].data)
    log = list(events)

    def send(actor: str, name: str, args: dict) -> list[domain.Event]:
        out = domain.decide(state, actor, Command(name, args), ctx)
        for event in out:
            domain.apply(state, event)
        log.extend(out)
        return out

    send("p_fac", "participant.join", {"name": "Animation", "role": "facilitator"})
    send("p_par", "participant.join", {"name": CANARY, "organisation": "ccas"})
    send("p_fac", "phase.set", {"phase": "inspiration"})
    send("p_par", "note.add", {"text": "Constat"})
    send("p_fac", "note.add", {"text": "Pour elle", "for": CANARY})
    send("p_fac", "queue.join", {"name": CANARY})
    send("p_par", "queue.join", {})
    send("p_fac", "phase.set", {"phase": "conclusion"})
    send("p_par", "closing.answer", {"question": "feeling", "text": "Bien"})
    return state, log, ctx


def test_erasure_event_holds_no_name_and_the_redacted_past_folds_to_the_same_state() -> None:
    state, log, ctx = _board()
    erasure = erasure_for(state, {"id": "p_par", "for": None})
    [event] = domain.decide(state, "p_fac", Command("participant.erase", {"id": "p_par", "for": None}), ctx)
    assert CANARY.encode() not in orjson.dumps(event.data)
    domain.apply(state, event)
    assert state.participants["p_par"].name != CANARY and state.participants["p_par"].organisation is None
    assert all(n.for_ is None for n in state.notes.values())
    assert all(n.anonymous for n in state.notes.values() if n.author == "p_par")
    assert all(a.anonymous for a in state.closing.values())
    assert all(e.get("name") != CANARY for e in state.queue)
    assert CANARY.encode() not in orjson.dumps(state.to_json())

    redacted = [
        domain.Event(e.name, redact(e.data, erasure), e.restricted, redact(e.public, erasure), e.subjects)
        for e in log
    ]
    assert all(CANARY.encode() not in orjson.dumps([e.data, e.public]) for e in redacted)
    again = domain.initial(redacted[0].data)
    for e in [*redacted[1:], event]:
        domain.apply(again, e)
    assert again.to_json() == state.to_json()
    # The notes stay, now anonymous: an export drops their author.
    exported = without_hidden_authors(state)
    assert [n.text for n in exported.notes.values()] == [n.text for n in state.notes.values()]
    assert all(n.author is None for n in exported.notes.values() if n.text == "Constat")


def test_redact_returns_what_it_was_given_when_nothing_matches() -> None:
    state, log, _ = _board()
    erasure = erasure_for(state, {"id": None, "for": "Quelqu'un d'autre"})
    for e in log:
        assert redact(e.data, erasure) is e.data


def test_a_copy_takes_the_preparation_and_nothing_of_the_workshop() -> None:
    # Every field of a board is either copied or reset: a new field must be placed in one of the two.
    assert set(COPIED) | set(RESET) == set(BoardState.__dataclass_fields__)
    assert not set(COPIED) & set(RESET)
    state, _, _ = _board()
    state.goal, state.context, state.questions = "But", "Contexte", ["Comment ?"]
    copy = BoardState.from_json(template_of(state))
    fresh = BoardState(code=state.code, title=state.title, language=state.language)
    for name in COPIED:
        assert getattr(copy, name) == getattr(state, name), name
    for name in RESET:
        if name not in ("status", "timer"):
            assert getattr(copy, name) == getattr(fresh, name), name
    assert copy.status == "draft"
    assert CANARY.encode() not in orjson.dumps(copy.to_json())
