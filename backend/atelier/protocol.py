"""Wire protocol v1: the JSON shape of every message, parsed strictly, encoded once (docs/protocol.md)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from .domain.model import COLORS, LANGUAGES, MAX_COORD, MAX_FIELD_TEXT, MAX_TEXT, ORGANISATION_KINDS
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
    "not_open",
    "too_many",
    "joining_closed",
)

# Control characters other than tab and newline never belong in a note; they are dropped rather
# than refused so that a paste from a word processor still works.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str) -> str:
    return _CONTROL.sub("", value).strip()


# Text must be valid Unicode to be stored, encoded and shown: a lone surrogate (which JSON's \\ud800
# escape lets through the HTTP parser) cannot be encoded as UTF-8 at all, and the non-characters
# (U+FDD0–U+FDEF, U+xFFFE and U+xFFFF of every plane) are not text. Both are refused, not dropped:
# they never come from a keyboard, and dropping them would change what the person sent.
_NOT_TEXT = re.compile(
    "[\ud800-\udfff\ufdd0-\ufdef" + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF)
                                            for plane in range(17)) + "]"
)


def check_unicode(value: str) -> str:
    """`value` if it is valid Unicode text; ValueError (bad_request on its field) otherwise."""
    if _NOT_TEXT.search(value):
        raise ValueError("not unicode text")
    return value


def clean_valid_text(value: str) -> str:
    """What every free text goes through: refused unless valid Unicode, then cleaned."""
    return clean_text(check_unicode(value))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Coord = Annotated[float, Field(ge=0, le=MAX_COORD, strict=True, allow_inf_nan=False)]
Id = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
Color = Literal["yellow", "pink", "blue", "green", "orange", "purple"]
assert set(Color.__args__) == set(COLORS)  # type: ignore[attr-defined]


def _cleaned(value: object) -> object:
    return clean_valid_text(value) if isinstance(value, str) else value


def _text(max_length: int, min_length: int = 1) -> Any:
    """Free text a person typed (a note, a title, a name): control characters dropped and the ends
    trimmed before the length is checked, so that "   " is refused as empty wherever text is required."""
    return Annotated[str, BeforeValidator(_cleaned), Field(min_length=min_length, max_length=max_length, strict=True)]


class NoteAdd(Strict):
    text: _text(MAX_TEXT)
    color: Color | None = None
    persona: Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$")] | None = None
    x: Coord | None = None
    y: Coord | None = None
    # A name typed by a facilitator for someone without a device: free text like any other.
    for_: Annotated[_text(60) | None, Field(alias="for")] = None


class NoteEdit(Strict):
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
    """A dot goes on a note or on a group: exactly one of the two."""

    note_id: Id | None = None
    group_id: Id | None = None

    @model_validator(mode="after")
    def _one_target(self) -> VoteRef:
        if (self.note_id is None) == (self.group_id is None):
            raise ValueError("note_id or group_id")
        return self


class VotesConfigure(Strict):
    budget: Annotated[int, Field(ge=1, le=20, strict=True)]


class VotesReveal(Strict):
    revealed: Annotated[bool, Field(strict=True)] = True


class PhaseSet(Strict):
    phase: Phase
    # The question belongs to the phase it was asked in: cleared on a phase change unless kept.
    keep_question: Annotated[bool, Field(strict=True)] | None = None


class QuestionSet(Strict):
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


class ParticipantRef(Strict):
    id: Id


class Joining(Strict):
    open: Annotated[bool, Field(strict=True)]


class Link(Strict):
    url: Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s]+$"), AfterValidator(check_unicode)]
    title: _text(120, min_length=0) = ""


class BoardSettings(Strict):
    private_writing: Annotated[bool, Field(strict=True)] | None = None
    anonymous: Annotated[bool, Field(strict=True)] | None = None
    anonymous_closing: Annotated[bool, Field(strict=True)] | None = None
    solutions_target: Annotated[int, Field(ge=1, le=12, strict=True)] | None = None


class BoardConfigure(Strict):
    title: _text(120) | None = None
    axis: Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$")] | None = None
    goal: _text(1000, min_length=0) | None = None
    context: _text(5000, min_length=0) | None = None
    links: Annotated[list[Link], Field(max_length=20)] | None = None
    questions: Annotated[list[_text(300)], Field(max_length=30)] | None = None
    settings: BoardSettings | None = None


class AgendaPhase(Strict):
    id: Phase
    minutes: Annotated[int, Field(ge=0, le=480, strict=True)]
    skipped: Annotated[bool, Field(strict=True)] = False


class AgendaSet(Strict):
    phases: Annotated[list[AgendaPhase], Field(min_length=7, max_length=7)]


class QueueJoin(Strict):
    name: _text(60) | None = None


class QueueLeave(Strict):
    entry_id: Id


class QueueNext(Strict):
    seconds: Annotated[int, Field(ge=10, le=3600, strict=True)] | None = None


GroupTitle = _text(120)


class GroupCreate(Strict):
    title: GroupTitle
    note_ids: Annotated[list[Id], Field(min_length=1, max_length=200)]


class GroupAdd(Strict):
    group_id: Id
    note_id: Id


class GroupNoteRef(Strict):
    note_id: Id


class GroupRename(Strict):
    group_id: Id
    title: GroupTitle


class GroupRef(Strict):
    group_id: Id


class SolutionRef(Strict):
    solution_id: Id


class SubgroupsSplit(Strict):
    count: Annotated[int, Field(ge=1, le=12, strict=True)]
    mode: Literal["random", "manual", "choice"]


class SubgroupAssign(Strict):
    participant_id: Id
    subgroup_id: Id


class SubgroupRef(Strict):
    subgroup_id: Id


class SubgroupSolution(Strict):
    subgroup_id: Id
    solution_id: Id


SheetFieldName = Literal["name", "objectives", "description", "lead", "partners", "targets", "means", "indicators"]


class SheetEdit(Strict):
    sheet_id: Id
    field: SheetFieldName
    text: _text(MAX_FIELD_TEXT, min_length=0)
    base_version: Annotated[int, Field(ge=0, strict=True)]


class SheetLink(Strict):
    sheet_id: Id
    note_id: Id


class RemarkAdd(Strict):
    sheet_id: Id
    kind: Literal["for", "against", "suggestion"]
    text: _text(MAX_TEXT)


class SharingPresent(Strict):
    subgroup_id: Id
    seconds: Annotated[int, Field(ge=10, le=3600, strict=True)] | None = None


class ClosingAnswerArgs(Strict):
    question: Literal["feeling", "difficulty", "learning", "takeaway"]
    text: _text(MAX_TEXT)


class NextSteps(Strict):
    text: _text(MAX_FIELD_TEXT, min_length=0)


class Done(Strict):
    done: Annotated[bool, Field(strict=True)]


class Spotlight(Strict):
    kind: Literal["note", "group", "sheet", "subgroup"] | None = None
    id: Id | None = None

    @model_validator(mode="after")
    def _both_or_none(self) -> Spotlight:
        if (self.kind is None) != (self.id is None):
            raise ValueError("kind and id")
        return self


class ParticipantErase(Strict):
    """Erase a participant's personal data (`id`), and/or a name typed in `for` notes (`for`)."""

    id: Id | None = None
    for_: Annotated[_text(60) | None, Field(alias="for")] = None

    @model_validator(mode="after")
    def _someone(self) -> ParticipantErase:
        if self.id is None and self.for_ is None:
            raise ValueError("id or for")
        return self


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
    "workshop.end": Empty,
    "participant.role": RoleSet,
    "participant.remove": ParticipantRef,
    "board.joining": Joining,
    "board.configure": BoardConfigure,
    "agenda.set": AgendaSet,
    "board.open": Empty,
    "personas.deal": Empty,
    "notes.reveal": Empty,
    "note.present": NoteRef,
    "queue.join": QueueJoin,
    "queue.leave": QueueLeave,
    "queue.next": QueueNext,
    "group.create": GroupCreate,
    "group.add": GroupAdd,
    "group.remove": GroupNoteRef,
    "group.rename": GroupRename,
    "group.delete": GroupRef,
    "solution.retain": VoteRef,
    "solution.release": SolutionRef,
    "subgroups.split": SubgroupsSplit,
    "subgroup.assign": SubgroupAssign,
    "subgroup.choose": SubgroupRef,
    "subgroup.solution": SubgroupSolution,
    "sheet.edit": SheetEdit,
    "sheet.link": SheetLink,
    "remark.add": RemarkAdd,
    "sharing.present": SharingPresent,
    "closing.answer": ClosingAnswerArgs,
    "next_steps.set": NextSteps,
    "participant.done": Done,
    "spotlight.set": Spotlight,
    "participant.erase": ParticipantErase,
}

Cid = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class Hello(Strict):
    type: Literal["hello"]
    protocol: Annotated[int, Field(strict=True)]  # `true` or `"1"` is not version 1
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
    if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
        return "bad_request", "type"  # no `type`, or not one of hello, cmd, ping
    loc = [str(part) for part in err["loc"][skip:] if not isinstance(part, int)]
    field = loc[-1] if loc else None
    if field == "for_":
        field = "for"
    code = "too_large" if err["type"] in ("string_too_long", "too_long") else "bad_request"
    return code, field


def parse_client_frame(raw: str | bytes) -> Hello | Cmd | Ping:
    """Parse one client frame; raise ProtocolError with the best code and field we can name."""
    if isinstance(raw, bytes):
        # Messages are JSON text; a binary frame is refused whatever it holds (it could smuggle what
        # a text frame's UTF-8 check keeps out).
        raise ProtocolError("bad_request", "frame")
    # The limit is in bytes: 40k accented characters are 80 KiB on the wire. A character is at most
    # 4 bytes in UTF-8, so only a long text frame is measured (encoding each frame would cost more).
    if len(raw) > MAX_FRAME_BYTES or (
        isinstance(raw, str)
        and len(raw) * 4 > MAX_FRAME_BYTES
        and len(raw.encode("utf-8", "surrogatepass")) > MAX_FRAME_BYTES
    ):
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
    title: _text(120)
    language: Literal["fr", "en"] = "fr"
    axis: Annotated[str, Field(max_length=40, pattern=r"^[a-z0-9-]+$")] | None = None
    draft: bool = False


class Join(Strict):
    name: _text(60)
    organisation: Literal[ORGANISATION_KINDS] | None = None  # type: ignore[valid-type]


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
