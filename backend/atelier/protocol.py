"""Wire protocol v1: the JSON shape of every message, parsed strictly, encoded once (docs/protocol.md)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .domain.model import COLORS, LANGUAGES, MAX_COORD, MAX_TEXT, ORGANISATION_KINDS
from .domain.phases import Phase

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 64 * 1024

ERROR_CODES = (
    "bad_request",
    "unknown_command",
    "too_large",
    "unauthorized",
    "forbidden",
    "not_found",
    "not_allowed_in_phase",
    "vote_budget_exhausted",
    "board_locked",
    "rate_limited",
    "unavailable",
    "conflict",
)

# Control characters other than tab and newline never belong in a note; they are dropped rather
# than refused so that a paste from a word processor still works.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value).strip()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Coord = Annotated[float, Field(ge=0, le=MAX_COORD, strict=True, allow_inf_nan=False)]
Id = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
Color = Literal["yellow", "pink", "blue", "green", "orange", "purple"]
assert set(Color.__args__) == set(COLORS)  # type: ignore[attr-defined]


def _text(max_length: int, min_length: int = 1) -> Any:
    return Annotated[str, Field(min_length=min_length, max_length=max_length, strict=True)]


class NoteText(Strict):
    @field_validator("text", mode="before", check_fields=False)
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


class NoteAdd(NoteText):
    text: _text(MAX_TEXT)
    color: Color | None = None
    x: Coord | None = None
    y: Coord | None = None
    for_: Annotated[str | None, Field(alias="for", max_length=60)] = None


class NoteEdit(NoteText):
    id: Id
    text: _text(MAX_TEXT)


class NoteMove(Strict):
    id: Id
    x: Coord
    y: Coord


class NoteRecolor(Strict):
    id: Id
    color: Color


class NoteRef(Strict):
    id: Id


class VoteRef(Strict):
    note_id: Id


class VotesConfigure(Strict):
    budget: Annotated[int, Field(ge=1, le=20, strict=True)]


class VotesReveal(Strict):
    revealed: Annotated[bool, Field(strict=True)] = True


class PhaseSet(Strict):
    phase: Phase


class QuestionSet(NoteText):
    text: _text(300, min_length=0)


class TimerStart(Strict):
    seconds: Annotated[int, Field(ge=1, le=14400, strict=True)] | None = None


class TimerAdd(Strict):
    seconds: Annotated[int, Field(ge=-3600, le=3600, strict=True)]

    @field_validator("seconds")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("zero")
        return value


class Empty(Strict):
    pass


class BoardLock(Strict):
    locked: Annotated[bool, Field(strict=True)]


class RoleSet(Strict):
    id: Id
    role: Literal["co_facilitator", "participant"]


# The commands a client may send over the socket, with the shape of their arguments.
COMMAND_ARGS: dict[str, type[Strict]] = {
    "note.add": NoteAdd,
    "note.edit": NoteEdit,
    "note.move": NoteMove,
    "note.recolor": NoteRecolor,
    "note.delete": NoteRef,
    "vote.add": VoteRef,
    "vote.remove": VoteRef,
    "votes.configure": VotesConfigure,
    "votes.reveal": VotesReveal,
    "phase.set": PhaseSet,
    "question.set": QuestionSet,
    "timer.start": TimerStart,
    "timer.pause": Empty,
    "timer.resume": Empty,
    "timer.add": TimerAdd,
    "timer.reset": Empty,
    "board.lock": BoardLock,
    "participant.role": RoleSet,
}

Cid = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Hello(Strict):
    type: Literal["hello"]
    protocol: int
    token: Annotated[str, Field(min_length=1, max_length=200)]
    last_seq: Annotated[int, Field(ge=0, strict=True)] | None = None
    lang: Literal["fr", "en"] | None = None
    view: Literal["board", "projector"] = "board"


class Cmd(Strict):
    type: Literal["cmd"]
    cid: Cid
    name: Annotated[str, Field(max_length=64)]
    args: dict[str, Any] = Field(default_factory=dict)


class Ping(Strict):
    type: Literal["ping"]


ClientMessage = Annotated[Hello | Cmd | Ping, Field(discriminator="type")]


class ProtocolError(Exception):
    """A frame or argument that does not fit the protocol; carries the error code and field."""

    def __init__(self, code: str, field: str | None = None, cid: str | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.cid = cid


class _Envelope(BaseModel):
    message: ClientMessage


def _first_error(exc: ValidationError, skip: int = 0) -> tuple[str, str | None]:
    err = exc.errors()[0]
    loc = [str(part) for part in err["loc"][skip:] if not isinstance(part, int)]
    field = loc[-1] if loc else None
    if field == "for_":
        field = "for"
    code = "too_large" if err["type"] in ("string_too_long", "too_long") else "bad_request"
    return code, field


def parse_client_frame(raw: str | bytes) -> Hello | Cmd | Ping:
    """Parse one client frame; raise ProtocolError with the best code and field we can name."""
    if len(raw) > MAX_FRAME_BYTES:
        raise ProtocolError("too_large")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise ProtocolError("bad_request") from None
    if not isinstance(data, dict):
        raise ProtocolError("bad_request")
    cid = data.get("cid") if isinstance(data.get("cid"), str) and len(data["cid"]) <= 64 else None
    try:
        return _Envelope(message=data).message
    except ValidationError as exc:
        code, field = _first_error(exc, skip=2)
        raise ProtocolError(code, field, cid) from None


def parse_args(cmd: Cmd) -> dict[str, Any]:
    """Validate a command's arguments; return them normalised, with the protocol's key names."""
    model = COMMAND_ARGS.get(cmd.name)
    if model is None:
        raise ProtocolError("unknown_command", "name", cmd.cid)
    try:
        args = model.model_validate(cmd.args)
    except ValidationError as exc:
        code, field = _first_error(exc)
        raise ProtocolError(code, field, cmd.cid) from None
    return args.model_dump(by_alias=True, exclude_none=False, mode="json")


# --- HTTP bodies -----------------------------------------------------------------------------


class BoardCreate(Strict):
    title: Annotated[str, Field(min_length=1, max_length=120)]
    language: Literal["fr", "en"] = "fr"

    @field_validator("title", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


class Join(Strict):
    name: Annotated[str, Field(min_length=1, max_length=60)]
    organisation: Literal[ORGANISATION_KINDS] | None = None  # type: ignore[valid-type]

    @field_validator("name", mode="before")
    @classmethod
    def _clean(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value


assert set(LANGUAGES) == {"fr", "en"}


# --- server messages: encoded here and nowhere else ------------------------------------------


def encode(message: dict[str, Any]) -> str:
    return orjson.dumps(message).decode()


def event_message(seq: int, name: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"type": "event", "seq": seq, "name": name, "data": data}


def welcome(
    *,
    seq: int,
    server_time_ms: int,
    you: dict[str, Any],
    state: dict[str, Any] | None = None,
    replay: list[dict[str, Any]] | None = None,
    reset: bool = False,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "seq": seq,
        "server_time_ms": server_time_ms,
        "you": you,
    }
    if replay is not None:
        message["replay"] = replay
    else:
        message["state"] = state
        if reset:
            message["reset"] = True
    return message


def ack(cid: str, seq: int) -> dict[str, Any]:
    return {"type": "ack", "cid": cid, "seq": seq}


def error(code: str, message: str, *, cid: str | None = None, field: str | None = None) -> dict[str, Any]:
    return {"type": "error", "cid": cid, "code": code, "field": field, "message": message}


def presence(online: list[str]) -> dict[str, Any]:
    return {"type": "presence", "online": online}


def heartbeat(seq: int) -> dict[str, Any]:
    return {"type": "heartbeat", "seq": seq}


def pong(seq: int) -> dict[str, Any]:
    return {"type": "pong", "seq": seq}
