"""The wire contract: golden client frames that parse or fail with a coded error, golden server messages,
and every error code the backend can send having a message in French and in English."""

from __future__ import annotations

import ast
import builtins
import json
import re
import string
from pathlib import Path
from typing import Any

import pytest

from atelier import protocol
from atelier.domain import DomainError, Viewer, event_for, view_state
from atelier.domain.decide import HANDLERS, HTTP_ONLY
from atelier.messages import message
from tests.unit.builders import (
    FAC,
    OTHER,
    PAR,
    RawEvent,
    act,
    board,
    group_created,
    note_added,
    queue_changed,
    run,
    solution_retained,
    subgroups_split,
    timer_changed,
)

ROOT = Path(__file__).resolve().parents[2]
BACKEND = ROOT / "backend" / "atelier"
GOLDEN = Path(__file__).parent / "golden"
CLIENT = GOLDEN / "client"
SERVER = GOLDEN / "server"
VALID = sorted((CLIENT / "valid").iterdir())
INVALID = sorted((CLIENT / "invalid").iterdir())
VALID_EXPECTED: dict[str, Any] = json.loads((CLIENT / "valid.expected.json").read_text("utf-8"))
INVALID_EXPECTED: dict[str, Any] = json.loads((CLIENT / "invalid.expected.json").read_text("utf-8"))


def raw_frame(path: Path) -> str:
    text = path.read_text("utf-8")
    return text.rstrip("\n") if path.suffix == ".json" else text


def parse(raw: str | bytes) -> dict[str, Any]:
    """What the socket handler does with a frame: the envelope, then the command's arguments."""
    frame = protocol.parse_client_frame(raw)
    if isinstance(frame, protocol.Cmd):
        return {"type": "cmd", "cid": frame.cid, "name": frame.name, "args": protocol.parse_args(frame)}
    return frame.model_dump()


def refusal(raw: str | bytes) -> dict[str, Any]:
    with pytest.raises(protocol.ProtocolError) as caught:
        parse(raw)
    return {"code": caught.value.code, "field": caught.value.field, "cid": caught.value.cid}


# --- client frames ------------------------------------------------------------------------------


def test_every_golden_file_has_an_expectation() -> None:
    assert {p.stem for p in VALID} == set(VALID_EXPECTED)
    assert {p.stem for p in INVALID} == set(INVALID_EXPECTED)
    assert len(VALID) > 40 and len(INVALID) > 40


def test_every_command_has_a_valid_golden_frame() -> None:
    # The protocol, the domain and the samples agree on which commands exist.
    assert set(protocol.COMMAND_ARGS) == set(HANDLERS) - HTTP_ONLY
    sampled = {VALID_EXPECTED[p.stem]["name"] for p in VALID if p.stem.startswith("cmd_")}
    assert sampled == set(protocol.COMMAND_ARGS)
    assert {"hello", "ping"} <= {VALID_EXPECTED[p.stem]["type"] for p in VALID}


@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_frame(path: Path, as_bytes: bool) -> None:
    raw = raw_frame(path)
    assert parse(raw.encode() if as_bytes else raw) == VALID_EXPECTED[path.stem]


@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "binary"])
@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_frame(path: Path, as_bytes: bool) -> None:
    raw = raw_frame(path)
    assert refusal(raw.encode() if as_bytes else raw) == INVALID_EXPECTED[path.stem]


def _padded_ping(size: int) -> str:
    """A valid ping of exactly `size` bytes: JSON allows any amount of whitespace."""
    frame = '{"type": "ping"}'
    return frame[:-1] + " " * (size - len(frame)) + "}"


def test_a_frame_of_exactly_64_kib_is_read() -> None:
    raw = _padded_ping(64 * 1024)
    assert len(raw.encode()) == protocol.MAX_FRAME_BYTES
    assert parse(raw) == {"type": "ping"}
    assert parse(raw.encode()) == {"type": "ping"}


@pytest.mark.parametrize("as_bytes", [False, True], ids=["text", "binary"])
def test_a_frame_over_64_kib_is_too_large(as_bytes: bool) -> None:
    raw = _padded_ping(64 * 1024 + 1)
    assert refusal(raw.encode() if as_bytes else raw) == {"code": "too_large", "field": None, "cid": None}


def test_the_limit_counts_bytes_not_characters() -> None:
    # 40 000 "é" are 80 000 bytes on the wire, though only 40 000 characters.
    raw = json.dumps({"type": "cmd", "cid": "c-1", "name": "x", "args": {"a": "é" * 40_000}}, ensure_ascii=False)
    assert len(raw) < protocol.MAX_FRAME_BYTES < len(raw.encode())
    assert refusal(raw) == {"code": "too_large", "field": None, "cid": None}


def test_text_is_cleaned_of_control_characters() -> None:
    args = parse(raw_frame(CLIENT / "valid" / "cmd_note.add_minimal.json"))["args"]
    assert args["text"] == "Un bus numérique"
    kept = protocol.clean_text("ligne 1\n\tligne 2\x00\x1b[31m")
    assert kept == "ligne 1\n\tligne 2[31m"  # tab and newline stay; NUL and ESC go


def _cmd(name: str, args: dict[str, Any]) -> str:
    return json.dumps({"type": "cmd", "cid": "c-1", "name": name, "args": args})


@pytest.mark.parametrize(
    ("name", "args", "field"),
    [
        ("board.configure", {"title": "   "}, "title"),
        ("board.configure", {"questions": ["Qui ?", "\t \n"]}, "questions"),
        ("group.create", {"title": " \x00 ", "note_ids": ["n1"]}, "title"),
        ("queue.join", {"name": "  "}, "name"),
        ("note.add", {"text": "\n\x1b  "}, "text"),
    ],
)
def test_text_that_is_only_blanks_or_control_characters_is_refused_where_text_is_required(
    name: str, args: dict[str, Any], field: str
) -> None:
    assert refusal(_cmd(name, args)) == {"code": "bad_request", "field": field, "cid": "c-1"}


def test_every_free_text_is_cleaned_not_only_notes() -> None:
    assert parse(_cmd("board.configure", {"title": " Feuille\x07 de route  "}))["args"]["title"] == "Feuille de route"
    assert parse(_cmd("group.create", {"title": "\x1b[1mAccès", "note_ids": ["n1"]}))["args"]["title"] == "[1mAccès"
    link = {"url": "https://example.org", "title": "  Guide\x00 "}
    assert parse(_cmd("board.configure", {"links": [link]}))["args"]["links"][0]["title"] == "Guide"
    assert protocol.BoardCreate.model_validate({"title": "\tAtelier 1 \x0c"}).title == "Atelier 1"
    assert protocol.Join.model_validate({"name": " Awa\x00 "}).name == "Awa"
    for body, model in (({"title": " \x0b "}, protocol.BoardCreate), ({"name": "\u0000"}, protocol.Join)):
        with pytest.raises(protocol.ValidationError):
            model.model_validate(body)


def test_every_command_model_forbids_extra_fields() -> None:
    for name, model in protocol.COMMAND_ARGS.items():
        assert model.model_config.get("extra") == "forbid", name
    for model in (protocol.Hello, protocol.Cmd, protocol.Ping):
        assert model.model_config.get("extra") == "forbid"


def _domain_board() -> Any:
    """A board where every id of the golden samples exists, in convergence."""
    events: list[RawEvent] = [
        note_added("n_1", PAR),
        note_added("n_2", OTHER),
        note_added("n_3", PAR),
        group_created("g_1", "n_1", "n_2"),
        solution_retained("s_1", "f_1", "n_1"),
        subgroups_split("choice", ("sg_1", [PAR], None)),
        queue_changed(("q_1", PAR, None)),
        timer_changed("running", 600, 1_764_340_600_000, 600_000),
    ]
    return board("convergence", *events)


@pytest.mark.parametrize("path", [p for p in VALID if p.stem.startswith("cmd_")], ids=lambda p: p.stem)
def test_the_domain_understands_every_valid_frame(path: Path) -> None:
    """The normalised arguments reach decide() with the names it reads: no KeyError, no TypeError."""
    frame = VALID_EXPECTED[path.stem]
    for actor in (FAC, PAR):
        try:
            events = run(_domain_board(), actor, frame["name"], frame["args"])
        except DomainError as exc:
            assert exc.code in protocol.ERROR_CODES
        else:
            assert events


# --- server messages ----------------------------------------------------------------------------


def golden(name: str) -> Any:
    return json.loads((SERVER / f"{name}.json").read_text("utf-8"))


def wire(message_: dict[str, Any]) -> Any:
    """What a client receives: the message as encoded once by protocol.encode."""
    return json.loads(protocol.encode(message_))


def _welcome_board() -> Any:
    state = board("convergence", note_added("n_1", PAR, "Un bus numérique"), note_added("n_2", OTHER, "Un annuaire"))
    act(state, PAR, "vote.add", {"note_id": "n_1", "group_id": None})
    return state


def test_ack() -> None:
    assert wire(protocol.ack("c-1a2b", 43)) == golden("ack")


def test_error_with_a_cid_in_french() -> None:
    text = message("vote_budget_exhausted", "fr", None, budget=3)
    assert wire(protocol.error("vote_budget_exhausted", text, cid="c-1a2b")) == golden("error")


def test_error_naming_a_field_in_english() -> None:
    text = message("too_large", "en", "text")
    assert wire(protocol.error("too_large", text, cid="c-9", field="text")) == golden("error_en_field")


def test_error_for_a_frame_without_cid() -> None:
    assert wire(protocol.error("bad_request", message("bad_request", "fr"))) == golden("error_frame")


def test_event_and_hidden_event() -> None:
    state = board("convergence", note_added("n_1", OTHER))
    (vote,) = run(state, PAR, "vote.add", {"note_id": "n_1", "group_id": None})
    assert wire(protocol.event_message(43, *event_for(vote, Viewer(PAR, "participant")))) == golden("event")
    assert wire(protocol.event_message(44, *event_for(vote, Viewer(OTHER, "participant")))) == golden("event_hidden")


def test_volatile_messages() -> None:
    assert wire(protocol.pong(44)) == golden("pong")
    assert wire(protocol.presence(["p_fac", "p_par"])) == golden("presence")
    assert wire(protocol.heartbeat(44)) == golden("heartbeat")


def test_welcome_with_replay() -> None:
    state = board("convergence", note_added("n_1", OTHER))
    first = act(state, PAR, "vote.add", {"note_id": "n_1", "group_id": None})
    second = act(state, PAR, "vote.add", {"note_id": "n_1", "group_id": None})
    other = Viewer(OTHER, "participant")
    replay = [protocol.event_message(43 + i, *event_for(ev, other)) for i, ev in enumerate(first + second)]
    you = {"id": OTHER, "role": "participant", "view": "board"}
    msg = protocol.welcome(seq=44, server_time_ms=1_764_340_000_000, you=you, replay=replay)
    assert wire(msg) == golden("welcome_replay")


@pytest.mark.parametrize("reset", [False, True])
def test_welcome_with_state(reset: bool) -> None:
    you = {"id": PAR, "role": "participant", "view": "board"}
    state = view_state(_welcome_board(), Viewer(PAR, "participant"))
    msg = protocol.welcome(seq=12, server_time_ms=1_764_340_000_000, you=you, state=state, reset=reset)
    assert wire(msg) == golden("welcome_reset" if reset else "welcome_state")


def test_the_state_has_the_documented_keys() -> None:
    # docs/protocol.md, "State (as a given viewer sees it)", read by hand.
    state = golden("welcome_state")["state"]
    assert set(state) == {"board", "timer", "participants", "notes", "votes", "my_votes", "organisations",
                          "personas", "groups", "solutions", "sheets", "remarks", "subgroups", "subgroup_mode",
                          "queue", "closing", "done", "access_links"}  # fmt: skip
    assert set(state["board"]) == {"code", "title", "language", "phase", "phases", "locked", "question",
                                   "vote_budget", "votes_revealed", "status", "axis", "goal", "context", "links",
                                   "questions", "settings", "next_steps", "spotlight", "phase_log",
                                   "ended_ms"}  # fmt: skip
    assert set(state["timer"]) == {"status", "duration", "ends_at_ms", "remaining_ms"}
    for note in state["notes"].values():
        assert set(note) == {"id", "text", "color", "x", "y", "author", "for", "phase", "created_ms", "question",
                             "persona", "presented", "private", "group", "anonymous"}  # fmt: skip
    for participant in state["participants"].values():
        assert set(participant) == {"id", "name", "role", "organisation"}
    assert set(state["queue"]) == {"entries", "speaker", "timer"}


# --- error codes and their messages ---------------------------------------------------------------

# Where an error code is the n-th positional argument of a call, for the helpers that are not
# exception classes. Exception classes (any name ending in "Error" that is not a builtin) take it first.
CODE_ARGUMENT = {"_refuse": 1, "error_response": 1, "_error": 1}
BUILTIN_ERRORS = {name for name in dir(builtins) if name.endswith("Error")}


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def used_codes(source: str) -> list[tuple[str, str | None, set[str]]]:
    """(code, field, keyword names) of every place `source` raises or sends a coded error."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        if name in CODE_ARGUMENT:
            position = CODE_ARGUMENT[name]
        elif name.endswith("Error") and name not in BUILTIN_ERRORS:
            position = 0
        else:
            continue
        if len(node.args) <= position:
            continue
        code = node.args[position]
        if not (isinstance(code, ast.Constant) and isinstance(code.value, str)):
            continue
        field_node = node.args[position + 1] if len(node.args) > position + 1 else None
        field = field_node.value if isinstance(field_node, ast.Constant) else None
        found.append((code.value, field, {k.arg for k in node.keywords if k.arg}))
    return found


def backend_codes() -> dict[str, list[tuple[str | None, set[str], str]]]:
    """Every coded error in backend/atelier: code -> [(field, keyword names, where)]."""
    codes: dict[str, list[tuple[str | None, set[str], str]]] = {}
    for path in sorted(BACKEND.rglob("*.py")):
        for code, field, keywords in used_codes(path.read_text("utf-8")):
            codes.setdefault(code, []).append((field, keywords, str(path.relative_to(ROOT))))
    return codes


def test_the_scanner_finds_codes() -> None:
    # So that a scanner that finds nothing cannot pass the tests below.
    sample = "\n".join(
        [
            'raise DomainError("vote_budget_exhausted", budget=3)',
            'raise ValueError("zero")',
            'await _refuse(websocket, "unauthorized", lang)',
            'raise BoardFileError("too_large", "file")',
            'return error_response(request, "unavailable")',
        ]
    )
    assert sorted(used_codes(sample), key=lambda found: found[0]) == [
        ("too_large", "file", set()),
        ("unauthorized", None, set()),
        ("unavailable", None, set()),
        ("vote_budget_exhausted", None, {"budget"}),
    ]
    codes = backend_codes()
    assert {"not_found", "forbidden", "conflict", "unauthorized", "too_large", "bad_request"} <= set(codes)
    assert len(codes) >= 10


def test_every_code_the_backend_sends_is_a_protocol_error_code() -> None:
    unknown = {code: where for code, uses in backend_codes().items() for *_, where in uses
               if code not in protocol.ERROR_CODES}  # fmt: skip
    assert unknown == {}


def test_error_codes_match_the_documentation() -> None:
    doc = (ROOT / "docs" / "protocol.md").read_text("utf-8")
    section = doc.split("## Error codes", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"`([a-z_]+)`", section)
    assert sorted(documented) == sorted(protocol.ERROR_CODES)


def catalogue(lang: str) -> dict[str, str]:
    return json.loads((BACKEND / "locales" / f"{lang}.json").read_text("utf-8"))


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_french_and_english_have_the_same_messages() -> None:
    fr, en = catalogue("fr"), catalogue("en")
    assert set(fr) == set(en)
    for key in fr:
        assert placeholders(fr[key]) == placeholders(en[key]), key
        assert fr[key].strip() and en[key].strip(), key


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_error_code_has_a_message(lang: str) -> None:
    texts = catalogue(lang)
    assert set(protocol.ERROR_CODES) <= set(texts)
    for key in texts:  # and every message belongs to a code
        assert key.split(".")[0] in protocol.ERROR_CODES, key


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_raised_error_renders_without_a_placeholder_left(lang: str) -> None:
    for code, uses in backend_codes().items():
        for field, keywords, where in uses:
            params = {name: 7 for name in keywords}
            text = message(code, lang, field, **params)
            assert "{" not in text, f"{code} ({field}) raised in {where} leaves a placeholder: {text}"


def test_http_statuses_are_for_protocol_codes() -> None:
    from atelier.api.errors import STATUS

    assert set(STATUS) <= set(protocol.ERROR_CODES)
