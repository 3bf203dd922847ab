"""board.json: written whole, read back strictly, and folded into a new board equal to the old one."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from pydantic import BaseModel

from atelier.domain import BoardState, apply, create_board, import_board, initial, model
from atelier.domain.model import SHEET_FIELDS, Participant
from atelier.exports.board import NOT_EXPORTED, board_json
from atelier.exports.board_schema import (
    MAX_FILE_BYTES,
    BoardFileError,
    ClosingModel,
    GroupModel,
    NoteModel,
    ParticipantModel,
    RemarkModel,
    SettingsModel,
    SheetFieldModel,
    SheetFieldsModel,
    SheetModel,
    SolutionModel,
    StateModel,
    SubgroupModel,
    TimerModel,
    read_board_file,
)
from tests.unit.exports_workshop import workshop


def exported() -> dict[str, Any]:
    w = workshop()
    return orjson.loads(board_json(w.state, "fr", w.now))


def test_the_file_names_its_format_and_holds_the_whole_state() -> None:
    w = workshop()
    document = orjson.loads(board_json(w.state, "fr", 123))
    assert (document["format"], document["version"], document["exported_ms"]) == ("atelier.board", 1, 123)
    assert BoardState.from_json(document["state"]) == w.state


def test_a_file_reads_back_as_it_was_written() -> None:
    w = workshop(anonymous=False, anonymous_closing=True)
    raw = board_json(w.state, "fr", w.now)
    assert read_board_file(raw) == orjson.loads(raw)["state"]


def test_importing_folds_into_an_equal_board_with_its_own_code_and_facilitator() -> None:
    original = workshop().state
    state_json = read_board_file(board_json(original, "fr", 0))
    fresh = initial(create_board("NEWONE", original.title, original.language)[0].data)
    newcomer = {"id": "p_new", "name": "Animation", "role": "facilitator", "organisation": None}
    apply(fresh, ("participant.joined", {"participant": newcomer}))
    apply(fresh, import_board(state_json))
    assert fresh.code == "NEWONE"
    assert fresh.participants.pop("p_new") == Participant(**newcomer)
    assert dataclasses.replace(fresh, code=original.code) == original


@pytest.mark.parametrize(
    ("part", "schema"),
    [
        (BoardState, StateModel),
        (model.Participant, ParticipantModel),
        (model.Timer, TimerModel),
        (model.Settings, SettingsModel),
        (model.Group, GroupModel),
        (model.Solution, SolutionModel),
        (model.Sheet, SheetModel),
        (model.SheetField, SheetFieldModel),
        (model.Remark, RemarkModel),
        (model.Subgroup, SubgroupModel),
        (model.ClosingAnswer, ClosingModel),
    ],
)
def test_the_schema_covers_every_field_of_the_state(part: type, schema: type[BaseModel]) -> None:
    """A field added to the state must be added to the import schema too, or no new export imports."""
    assert set(schema.model_fields) == {f.name for f in dataclasses.fields(part)} - NOT_EXPORTED


def test_the_schema_covers_a_note_and_the_eight_sheet_fields() -> None:
    note = next(iter(workshop().state.notes.values())).public()
    assert {info.alias or name for name, info in NoteModel.model_fields.items()} == set(note)
    assert tuple(SheetFieldsModel.model_fields) == SHEET_FIELDS


Spoil = Callable[[dict[str, Any]], Any]


def first(table: dict[str, Any]) -> dict[str, Any]:
    return next(iter(table.values()))


BAD_REQUEST = "bad_request"
BAD: dict[str, tuple[Spoil, str, str]] = {
    "colour outside the list": (lambda s: first(s["notes"]).update(color="red"), BAD_REQUEST, "color"),
    "markup in a colour": (lambda s: first(s["notes"]).update(color="<img src=x onerror=f()>"), BAD_REQUEST, "color"),
    "x far off the board": (lambda s: first(s["notes"]).update(x=1e9), BAD_REQUEST, "x"),
    "negative y": (lambda s: first(s["notes"]).update(y=-1.0), BAD_REQUEST, "y"),
    "coordinate as text": (lambda s: first(s["notes"]).update(x="10"), BAD_REQUEST, "x"),
    "boolean as a number": (lambda s: first(s["notes"]).update(presented=1), BAD_REQUEST, "presented"),
    "note too long": (lambda s: first(s["notes"]).update(text="a" * 501), "too_large", "text"),
    "control character": (lambda s: first(s["notes"]).update(text="bip\x07"), BAD_REQUEST, "text"),
    "id with markup": (lambda s: s["notes"].update({"<b>": first(s["notes"])}), BAD_REQUEST, "notes"),
    "key is not the id": (lambda s: s["notes"].update({"n_other": first(s["notes"])}), BAD_REQUEST, "notes"),
    "extra key in the state": (lambda s: s.update(theme="dark"), BAD_REQUEST, "state"),
    "extra key in a note": (lambda s: first(s["notes"]).update(rotation=45), BAD_REQUEST, "notes"),
    "missing field": (lambda s: s.pop("closing"), BAD_REQUEST, "closing"),
    "ninth sheet field": (
        lambda s: first(s["sheets"])["fields"].update(budget={"text": "", "version": 0, "by": None}),
        BAD_REQUEST,
        "fields",
    ),
    "unknown remark kind": (lambda s: first(s["remarks"]).update(kind="maybe"), BAD_REQUEST, "kind"),
    "unknown closing question": (lambda s: first(s["closing"]).update(question="mood"), BAD_REQUEST, "question"),
    "unknown role": (lambda s: first(s["participants"]).update(role="admin"), BAD_REQUEST, "role"),
    "unknown organisation": (lambda s: first(s["participants"]).update(organisation="x"), BAD_REQUEST, "organisation"),
    "unknown phase": (lambda s: s.update(phase="party"), BAD_REQUEST, "phase"),
    "phases out of order": (lambda s: s["phases"].reverse(), BAD_REQUEST, "phases"),
    "budget out of range": (lambda s: s.update(vote_budget=0), BAD_REQUEST, "vote_budget"),
    "dots out of range": (lambda s: first(s["votes"]).update({next(iter(s["notes"])): 500}), BAD_REQUEST, "votes"),
    "javascript link": (lambda s: s["links"].append({"url": "javascript:alert(1)", "title": "x"}), BAD_REQUEST, "url"),
    "timer status": (lambda s: s["timer"].update(status="<script>"), BAD_REQUEST, "status"),
    "note of a stranger": (lambda s: first(s["notes"]).update(author="p_ghost"), BAD_REQUEST, "author"),
    "vote on a missing note": (lambda s: first(s["votes"]).update(n_ghost=1), BAD_REQUEST, "votes"),
    "group missing a note of it": (lambda s: first(s["groups"])["note_ids"].pop(), BAD_REQUEST, "group"),
    "solution without its sheet": (lambda s: first(s["solutions"]).update(sheet_id="f_ghost"), BAD_REQUEST, "sheet_id"),
    "spotlight on nothing": (lambda s: s.update(spotlight={"kind": "note", "id": "n_ghost"}), BAD_REQUEST, "spotlight"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_spoilt_file_is_refused_with_a_code_and_the_field(case: str) -> None:
    spoil, code, field = BAD[case]
    document = copy.deepcopy(exported())
    spoil(document["state"])
    with pytest.raises(BoardFileError) as caught:
        read_board_file(orjson.dumps(document))
    assert (caught.value.code, caught.value.field) == (code, field)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (b"not json", "file"),
        (b"[1, 2]", "file"),
        (b'{"format": "atelier.board", "version": 2, "exported_ms": 0, "state": {}}', "version"),
        (b'{"format": "trello", "version": 1, "exported_ms": 0, "state": {}}', "format"),
    ],
)
def test_what_is_not_a_board_file_is_refused(raw: bytes, field: str) -> None:
    with pytest.raises(BoardFileError) as caught:
        read_board_file(raw)
    assert (caught.value.code, caught.value.field) == ("bad_request", field)


def test_an_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(BoardFileError) as caught:
        read_board_file(b" " * (MAX_FILE_BYTES + 1))
    assert (caught.value.code, caught.value.field) == ("too_large", "file")
