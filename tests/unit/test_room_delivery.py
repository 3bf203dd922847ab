"""A room's fan-out: every client gets exactly the frames `event_for` gives its viewer, in seq order, and
everyone who sees a run as others do is written the very same bytes (encoded and joined once)."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import orjson
import pytest

from atelier import hub, protocol
from atelier.domain import Event, Viewer, event_for
from atelier.hub import CLOSE_RELOAD, Client, Room, RoomDeps
from atelier.store import StoredEvent


class FakeDirect:
    """Stands for a socket's transport on the direct path: records each write as given."""

    gone = False

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.disconnected = False
        self.aborted = False

    def abort_if_open(self) -> None:
        if not self.disconnected:
            self.aborted = True

    def buffered(self) -> int:
        return 0

    def write(self, wire: bytes) -> None:
        self.writes.append(wire)


class Conn:
    async def send_text(self, data: str) -> None:  # pragma: no cover - the direct path is used
        raise AssertionError("the direct path is expected")

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed = code


def frames_of(wire: bytes) -> list[dict[str, Any]]:
    """Split unmasked server text frames (as wire.text_frame writes them) and parse each."""
    out, pos = [], 0
    while pos < len(wire):
        size, head = wire[pos + 1] & 0x7F, 2
        if size == 126:
            size, head = int.from_bytes(wire[pos + 2 : pos + 4], "big"), 4
        elif size == 127:
            size, head = int.from_bytes(wire[pos + 2 : pos + 10], "big"), 10
        out.append(orjson.loads(wire[pos + head : pos + head + size]))
        pos += head + size
    return out


def make_room() -> Room:
    deps = RoomDeps(
        broker=None,  # type: ignore[arg-type]  # _deliver touches no broker
        events_between=None,  # type: ignore[arg-type]
        head=None,  # type: ignore[arg-type]
        channel=str,
        decode=None,  # type: ignore[arg-type]
        heartbeat_seconds=15.0,
    )
    return Room("b1", deps, presence=None)  # type: ignore[arg-type]


def make_client(viewer: Viewer, sent_seq: int) -> tuple[Client, FakeDirect]:
    client = Client(Conn(), viewer, "fr", buffer_limit=1 << 20)
    direct = FakeDirect()
    client._direct = direct  # type: ignore[assignment]
    client.sent_seq = sent_seq
    return client, direct


VIEWERS = [
    Viewer("fac", "facilitator"),
    Viewer("cof", "co_facilitator"),
    Viewer("fac", "facilitator", projector=True),
    Viewer("p1", "participant"),
    Viewer("p2", "participant"),
    Viewer("p1", "participant", projector=True),
    *[Viewer(f"x{i}", "participant") for i in range(6)],
]


def random_event(rng: random.Random, seq: int) -> Event:
    kind = rng.random()
    data = {"id": f"n{seq}", "text": f"texte {seq}"}
    if kind < 0.4:
        return Event("note.edited", data)
    subjects = tuple(rng.sample(["p1", "p2", "x0"], rng.randint(0, 2)))
    public = None if kind < 0.7 else {"id": f"n{seq}"}
    return Event("note.added", data, restricted=True, public=public, subjects=subjects)


@pytest.mark.parametrize("seed", range(40))
async def test_every_client_gets_what_event_for_gives_it(seed: int) -> None:
    rng = random.Random(seed)
    room = make_room()
    room.delivered_seq = 10
    run = [StoredEvent(seq, random_event(rng, seq)) for seq in range(11, 11 + rng.randint(1, 6))]
    clients = []
    for viewer in VIEWERS:
        # Most clients have had everything before the run; some registered mid-run (their welcome
        # already held part of it) and one is ahead of it.
        had = rng.choice([10, 10, 10, 11, 12, 20])
        client, direct = make_client(viewer, had)
        room.clients.add(client)
        clients.append((client, direct, had))
    room._deliver(run)
    assert room.delivered_seq == run[-1].seq
    for client, direct, had in clients:
        expected = [
            protocol.event_message(item.seq, *event_for(item.event, client.viewer)) for item in run if item.seq > had
        ]
        got = [f for wire in direct.writes for f in frames_of(wire)]
        assert got == expected, client.viewer
        assert len(direct.writes) == (1 if expected else 0)  # the run is one write
        assert client.sent_seq == max(had, run[-1].seq)


async def test_those_who_see_the_run_alike_share_one_buffer() -> None:
    room = make_room()
    secret = Event("note.added", {"id": "n1", "text": "x"}, restricted=True, subjects=("p1",))
    run = [StoredEvent(1, secret), StoredEvent(2, Event("note.moved", {"id": "n0", "x": 1, "y": 2}))]
    others = [make_client(Viewer(f"x{i}", "participant"), 0) for i in range(5)]
    author = make_client(Viewer("p1", "participant"), 0)
    facilitator = make_client(Viewer("fac", "facilitator"), 0)
    for client, _ in [*others, author, facilitator]:
        room.clients.add(client)
    room._deliver(run)
    shared = {id(direct.writes[0]) for _, direct in others}
    assert len(shared) == 1, "the same bytes object goes to every ordinary participant"
    assert [f["name"] for f in frames_of(others[0][1].writes[0])] == ["hidden", "note.moved"]
    assert [f["name"] for f in frames_of(author[1].writes[0])] == ["note.added", "note.moved"]
    assert [f["name"] for f in frames_of(facilitator[1].writes[0])] == ["note.added", "note.moved"]


async def test_a_role_change_reloads_only_whom_it_concerns_once_sent() -> None:
    room = make_room()
    change = Event("participant.role_changed", {"id": "p1", "role": "co_facilitator"})
    run = [StoredEvent(1, Event("note.moved", {"id": "n0", "x": 1, "y": 2})), StoredEvent(2, change)]
    concerned, _ = make_client(Viewer("p1", "participant"), 0)
    welcomed_after, _ = make_client(Viewer("p1", "co_facilitator"), 2)  # its welcome already had it
    other, _ = make_client(Viewer("p2", "participant"), 0)
    for client in (concerned, welcomed_after, other):
        room.clients.add(client)
    room._deliver(run)
    assert concerned.closed and not welcomed_after.closed and not other.closed
    await concerned._task  # type: ignore[misc]
    assert concerned.conn.closed == CLOSE_RELOAD  # type: ignore[attr-defined]


@pytest.mark.parametrize("peer_took_the_close", [False, True])
async def test_a_closed_socket_whose_peer_never_takes_the_close_is_dropped(monkeypatch, peer_took_the_close) -> None:
    monkeypatch.setattr(hub, "CLOSE_GRACE_SECONDS", 0.05)
    client, direct = make_client(Viewer("p1", "participant"), 0)
    client.close_soon(hub.CLOSE_TOO_SLOW, front=True)
    await client._task  # type: ignore[misc]  # the close frame was asked for
    assert client.conn.closed == hub.CLOSE_TOO_SLOW  # type: ignore[attr-defined]
    direct.disconnected = peer_took_the_close
    assert not direct.aborted
    await asyncio.sleep(0.2)
    assert direct.aborted is (not peer_took_the_close)
