"""The load generator: one process that joins N participants through the real protocol and drives
a scenario against Atelier or the ceiling, then writes what it measured as JSON.

Run by tests/bench/run.py as `python -m tests.bench.loadgen SPEC.json OUT.json`; the spec names the
target (endpoints and server pids), the scenario and its sizes. Every loop here is bounded: by the
spec's sizes (capped below), by the window's duration, and by a global deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil

from .wsraw import RawClient, Sink, connect

MAX_PARTICIPANTS = 12_000
MAX_WINDOW_S = 120.0
DEFAULT_DEADLINE_S = 900.0
NOTE_FILLER = "Un bus numérique itinérant pour les démarches en ligne"
JOIN_CONCURRENCY = 32
CONNECT_CONCURRENCY = 64
SERVICE_NAMES = frozenset({"postgres", "redis-server"})
BATCH_READ_BYTES = 131072  # an untimed reader's SO_RCVLOWAT during a saturation window


def raise_nofile() -> int:
    """Thousands of sockets need thousands of descriptors: lift the soft limit to the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def event_loop_runner() -> Any:
    """uvloop when present (uvicorn runs the server on it too), else asyncio's own loop."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run
    return uvloop.run


def percentiles(values_ns: list[int]) -> dict[str, float | int]:
    if not values_ns:
        return {"count": 0}
    ordered = sorted(values_ns)
    n = len(ordered)

    def at(q: float) -> float:
        return round(ordered[min(n - 1, max(0, int(q * n + 0.5) - 1))] / 1e6, 3)

    return {
        "count": n,
        "p50": at(0.50),
        "p95": at(0.95),
        "p99": at(0.99),
        "max": round(ordered[-1] / 1e6, 3),
        "mean": round(sum(ordered) / n / 1e6, 3),
    }


def stamp_text(now_ns: int) -> str:
    return f"t={now_ns} {NOTE_FILLER}"


@dataclass
class Member:
    index: int
    board: Board
    token: str
    endpoint: tuple[str, int]
    client: RawClient | None = None
    notes: list[str] = field(default_factory=list)
    votes_left: int = 0
    slow: bool = False


@dataclass
class Board:
    code: str
    facilitator: Member | None = None
    members: list[Member] = field(default_factory=list)
    seed_notes: list[str] = field(default_factory=list)

    audience: int = 0  # connected timed readers: who should receive (and time) a broadcast event

    def recount(self) -> None:
        everyone = [*self.members, *([self.facilitator] if self.facilitator else [])]
        self.audience = sum(
            1 for m in everyone if m.client is not None and m.client.timed and not m.slow and not m.client.closed.done()
        )


class ServerWatch:
    """CPU and RSS of the server processes (psutil on their pids), and of this generator."""

    def __init__(self, pids: list[int]) -> None:
        self.procs = [psutil.Process(pid) for pid in pids]
        self.me = psutil.Process()
        self._t0 = 0.0
        self._cpu0: list[float] = []
        self._me0 = 0.0
        self._all0 = 0.0
        self._services: list[psutil.Process] = []
        self._services0: list[float] = []

    @classmethod
    def _cpu_or_zero(cls, proc: psutil.Process) -> float:
        try:
            return cls._cpu(proc)
        except psutil.Error:  # a backend that ended during the window
            return 0.0

    @staticmethod
    def _busy() -> float:
        """CPU seconds the whole machine spent busy (every core, every process: PostgreSQL, Redis)."""
        t = psutil.cpu_times()
        return t.user + t.nice + t.system + t.irq + t.softirq + t.steal

    @staticmethod
    def _cpu(proc: psutil.Process) -> float:
        times = proc.cpu_times()
        return times.user + times.system

    def rss(self) -> int:
        return sum(p.memory_info().rss for p in self.procs)

    def start(self) -> None:
        self._t0 = time.monotonic()
        self._cpu0 = [self._cpu(p) for p in self.procs]
        self._me0 = self._cpu(self.me)
        self._all0 = self._busy()
        # PostgreSQL's backends and Redis share the cores too: their CPU is reported on its own.
        self._services = [p for p in psutil.process_iter(["name"]) if p.info["name"] in SERVICE_NAMES]
        self._services0 = [self._cpu_or_zero(p) for p in self._services]

    def stop(self) -> dict[str, Any]:
        elapsed = max(1e-6, time.monotonic() - self._t0)
        per = [(self._cpu(p) - c0) / elapsed * 100 for p, c0 in zip(self.procs, self._cpu0, strict=True)]
        return {
            "server_cpu_pct": round(sum(per), 1),
            "server_cpu_pct_each": [round(x, 1) for x in per],
            "gen_cpu_pct": round((self._cpu(self.me) - self._me0) / elapsed * 100, 1),
            "machine_cpu_pct": round((self._busy() - self._all0) / elapsed * 100, 1),
            "services_cpu_pct": round(
                sum(max(0.0, self._cpu_or_zero(p) - c0) for p, c0 in zip(self._services, self._services0, strict=True))
                / elapsed
                * 100,
                1,
            ),
            "server_rss_mib": round(self.rss() / 2**20, 1),
        }


class Spy:
    """py-spy sampling one server process over one phase (setup or window), when asked to."""

    def __init__(self, pid: int, path: str | None) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        exe = shutil.which("py-spy")
        if path is None or exe is None:
            return
        self.proc = subprocess.Popen(
            [exe, "record", "--pid", str(pid), "--format", "raw", "--rate", "100", "--nonblocking", "-o", path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    async def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
        for _ in range(300):
            if self.proc.poll() is not None:
                return
            await asyncio.sleep(0.1)
        self.proc.kill()


class Generator:
    """One scenario against one target (Atelier or the ceiling): set up, measure a window, report."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.kind: str = spec["target"]["kind"]
        self.endpoints: list[tuple[str, int]] = [tuple(e) for e in spec["target"]["endpoints"]]  # type: ignore[misc]
        self.watch = ServerWatch(spec["target"]["pids"])
        self.sink = Sink()
        self.boards: list[Board] = []
        self.result: dict[str, Any] = {"target": self.kind, "scenario": spec["scenario"], "params": spec["params"]}
        self.failures: dict[str, int] = {}
        self.sent_stamped = 0
        self.rng = random.Random(spec.get("seed", 1))

    def fail(self, what: str) -> None:
        self.failures[what] = self.failures.get(what, 0) + 1

    # --- setup -------------------------------------------------------------------------------

    async def make_boards(self, boards: int, per_board: int, *, slow: int = 0, placement: str = "spread") -> None:
        """Create boards and join participants (HTTP for Atelier; synthetic ids for the ceiling).

        With several endpoints, `placement` says which process a participant lands on: "spread" puts
        a board's participants on every process in turn (a proxy balancing each connection), "board"
        puts a whole board on one process (a proxy hashing the socket's path `/ws/{code}`, as
        deploy/nginx.conf does), boards taking the processes in turn."""
        if placement not in ("spread", "board"):
            raise SystemExit(f"unknown placement {placement!r}")
        total = boards * per_board
        if total > MAX_PARTICIPANTS:
            raise SystemExit(f"refusing {total} participants (cap {MAX_PARTICIPANTS})")
        t0 = time.monotonic()
        n_ep = len(self.endpoints)
        if self.kind == "ceiling":
            for b in range(boards):
                board = Board(code=f"R{b:05d}")
                board.facilitator = Member(-1, board, f"f_{b}", self.endpoints[0])
                board.members = [
                    Member(i, board, f"p_{b}_{i}", self.endpoints[(b if placement == "board" else i) % n_ep])
                    for i in range(per_board)
                ]
                self.boards.append(board)
        else:
            base = f"http://{self.endpoints[0][0]}:{self.endpoints[0][1]}"
            limits = httpx.Limits(max_connections=JOIN_CONCURRENCY, max_keepalive_connections=JOIN_CONCURRENCY)
            sem = asyncio.Semaphore(JOIN_CONCURRENCY)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as http:

                async def create(b: int) -> Board:
                    async with sem:
                        r = await http.post("/api/boards", json={"title": f"Bench {b}", "language": "fr"})
                    r.raise_for_status()
                    body = r.json()
                    board = Board(code=body["code"])
                    board.facilitator = Member(-1, board, body["facilitator_token"], self.endpoints[0])
                    return board

                self.boards = list(await asyncio.gather(*(create(b) for b in range(boards))))

                async def join(b: int, board: Board, i: int) -> Member | None:
                    endpoint = self.endpoints[(b if placement == "board" else i) % n_ep]
                    url = f"http://{endpoint[0]}:{endpoint[1]}/api/boards/{board.code}/join"
                    try:
                        async with sem:
                            r = await http.post(url, json={"name": f"P{i}", "organisation": "commune"})
                        r.raise_for_status()
                    except httpx.HTTPError:
                        self.fail("join")
                        return None
                    return Member(i, board, r.json()["token"], endpoint)

                for b, board in enumerate(self.boards):
                    if placement == "board":
                        board.facilitator.endpoint = self.endpoints[b % n_ep]  # type: ignore[union-attr]
                    joined = await asyncio.gather(*(join(b, board, i) for i in range(per_board)))
                    board.members = [m for m in joined if m is not None]
        for board in self.boards[:1]:
            for m in board.members[:slow]:
                m.slow = True
        self.result["join_s"] = round(time.monotonic() - t0, 2)
        self.result["boards"] = boards
        self.result["participants"] = total

    async def connect_all(self) -> None:
        """Open every socket (bounded concurrency), facilitators first, and time it."""
        everyone = [b.facilitator for b in self.boards if b.facilitator] + [m for b in self.boards for m in b.members]
        rss0 = self.watch.rss()
        t0 = time.monotonic()
        sem = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def one(m: Member) -> None:
            host, port = m.endpoint
            hello = {"type": "hello", "protocol": 1, "token": m.token, "last_seq": None}
            try:
                async with sem:
                    m.client = await connect(
                        self.sink,
                        host,
                        port,
                        f"/ws/{m.board.code}",
                        hello,
                        rcvbuf=4096 if m.slow else None,
                        timeout=120,
                    )
            except (OSError, RuntimeError, TimeoutError, ConnectionError):
                self.fail("connect")
                return
            if m.slow:
                m.client.pause_reading()  # from now on this participant never reads again

        facilitators = [m for m in everyone if m.index < 0]
        spy = self.spy("connect")
        await asyncio.gather(*(one(m) for m in facilitators))
        await asyncio.gather(*(one(m) for m in everyone if m.index >= 0))
        await spy.stop()
        self.result["connect_s"] = round(time.monotonic() - t0, 2)
        connected = sum(1 for m in everyone if m.client is not None)
        self.result["connected"] = connected
        await asyncio.sleep(1.0)  # let presence storms settle before reading memory
        rss1 = self.watch.rss()
        self.result["rss_before_ws_mib"] = round(rss0 / 2**20, 1)
        self.result["rss_after_ws_mib"] = round(rss1 / 2**20, 1)
        self.result["rss_per_conn_kib"] = round((rss1 - rss0) / max(1, connected) / 1024, 1)
        self.result["setup_skipped_mib"] = round(self.sink.skipped_bytes / 2**20, 1)

    async def facilitate(self, name: str, args: dict[str, Any]) -> None:
        """The same facilitator command on every board, waiting for each ack."""
        futures = []
        for board in self.boards:
            assert board.facilitator and board.facilitator.client
            futures.append(board.facilitator.client.cmd(name, args, "setup", want=True))
        await asyncio.wait_for(asyncio.gather(*futures), 60)

    async def open_writing(self) -> None:
        """Divergence, with private writing off: notes written now reach every participant (with it
        on, the default, others get a `hidden` frame of the same cost but nothing to time)."""
        await self.facilitate("board.configure", {"settings": {"private_writing": False}})
        await self.facilitate("phase.set", {"phase": "divergence"})

    async def seed_notes(self, per_board: int) -> None:
        """Facilitators add notes everyone can vote on; their ids come back in the events."""
        for board in self.boards:
            fac = board.facilitator
            assert fac and fac.client
            waiters = []
            for k in range(per_board):
                stamp = time.monotonic_ns() + k
                waiters.append(fac.client.expect_note(stamp))
                fac.client.cmd("note.add", {"text": stamp_text(stamp)}, "setup")
            board.seed_notes = list(await asyncio.wait_for(asyncio.gather(*waiters), 60))

    async def settle(self, timeout: float = 10.0, quiet_timeout: float = 60.0) -> None:
        """Wait until no command is outstanding and the server has gone quiet (a connection storm
        can leave it busy for a while), then forget everything seen so far."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(m.client and m.client.pending for m in self.members()):
            await asyncio.sleep(0.02)
        deadline = time.monotonic() + quiet_timeout
        while time.monotonic() < deadline:
            self.watch.start()
            await asyncio.sleep(0.5)
            if self.watch.stop()["server_cpu_pct"] < 15 * len(self.watch.procs):
                break
        self.result["settle_s"] = round(time.monotonic() - deadline + quiet_timeout, 2)
        for board in self.boards:
            board.recount()
        self.reset_counts()

    def reset_counts(self) -> None:
        skipped = self.sink.skipped_bytes
        self.sink = Sink()
        self.sink.skipped_bytes = skipped
        for m in self.members():
            if m.client:
                m.client.sink = self.sink
        self.sent_stamped = 0

    def members(self) -> list[Member]:
        return [m for b in self.boards for m in ([b.facilitator] if b.facilitator else []) + b.members]

    def participants(self) -> list[Member]:
        return [m for b in self.boards for m in b.members if m.client is not None and not m.slow]

    # --- actions -----------------------------------------------------------------------------

    def send_stamped(self, m: Member, *, prefer_add: float = 0.5) -> None:
        """note.add or note.edit with the send stamp in the text: every receiver can time it."""
        assert m.client is not None
        now = time.monotonic_ns()
        text = stamp_text(now)
        if m.notes and self.rng.random() >= prefer_add:
            m.client.cmd("note.edit", {"id": self.rng.choice(m.notes), "text": text}, "note.edit")
        else:
            fut = m.client.expect_note(now)
            fut.add_done_callback(lambda f, m=m: m.notes.append(f.result()) if not f.exception() else None)
            m.client.cmd("note.add", {"text": text}, "note.add")
        self.sink.expected_stamped += m.board.audience
        self.sent_stamped += 1

    def send_move(self, m: Member) -> bool:
        assert m.client is not None
        if not m.notes:
            return False
        args = {"id": self.rng.choice(m.notes), "x": self.rng.uniform(0, 3000), "y": self.rng.uniform(0, 2000)}
        m.client.cmd("note.move", args, "note.move")
        return True

    def send_vote(self, m: Member) -> bool:
        assert m.client is not None
        if m.votes_left <= 0 or not m.board.seed_notes:
            return False
        m.votes_left -= 1
        m.client.cmd("vote.add", {"note_id": self.rng.choice(m.board.seed_notes)}, "vote.add")
        return True

    # --- measurement -------------------------------------------------------------------------

    async def drain(self, timeout: float) -> None:
        """After the window: wait for every ack and every stamped delivery (bounded)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = any(m.client and m.client.pending for m in self.members())
            if not pending and len(self.sink.latencies) >= self.sink.expected_stamped:
                break
            await asyncio.sleep(0.02)

    def finish(self, window_s: float, events_in_window: int, watch: dict[str, Any]) -> None:
        sink = self.sink
        unanswered = sum(len(m.client.pending) for m in self.members() if m.client)
        if unanswered:
            self.failures["unanswered"] = unanswered
        closes = {str(k): v for k, v in sink.closes.items()}
        slow_codes = [m.client.close_code for m in self.members() if m.slow and m.client]
        self.result.update(
            {
                "window_s": round(window_s, 3),
                "sent_stamped": self.sent_stamped,
                "expected_deliveries": sink.expected_stamped,
                "recorded_deliveries": len(sink.latencies),
                "lost": max(0, sink.expected_stamped - len(sink.latencies)),
                "latency_ms": percentiles(sink.latencies),
                "ack_ms": {k: percentiles(v) for k, v in sorted(sink.ack_latencies.items())},
                "acks": sum(len(v) for v in sink.ack_latencies.values()),
                "events_received": sink.events,
                "delivered_per_s": round(events_in_window / window_s, 1) if window_s else 0.0,
                "error_frames": dict(sink.errors),
                "closes": closes,
                "failures": dict(self.failures),
                **watch,
            }
        )
        # The slow reader is closed on purpose by a server that protects the room: not an error.
        expected_slow = {str(c) for c in slow_codes if c is not None}
        unexpected = {k: v for k, v in closes.items() if k not in expected_slow}
        self.result["slow_reader_close"] = slow_codes or None
        self.result["errors"] = sum(sink.errors.values()) + sum(unexpected.values()) + sum(self.failures.values())

    def spy(self, phase: str) -> Spy:
        prefix = self.spec.get("profile")
        return Spy(self.spec["target"]["pids"][0], f"{prefix}-{phase}.txt" if prefix else None)

    async def window(self, seconds: float, body: Any, flush: Any = None) -> tuple[float, int, dict[str, Any]]:
        """Run `body` for `seconds` with CPU and delivered events measured over that span only.
        `flush`, awaited before the span closes, makes readers that let data wait in their socket take
        it, so that what was delivered in the span is counted in it."""
        seconds = min(seconds, MAX_WINDOW_S)
        spy = self.spy("window")
        self.watch.start()
        e0 = self.sink.events
        t0 = time.monotonic()
        task = asyncio.create_task(body(t0 + seconds))
        try:
            await asyncio.wait_for(asyncio.shield(task), seconds + 30)
        except TimeoutError:
            task.cancel()
            self.fail("window_overrun")
        if flush is not None:
            await flush()
        elapsed = time.monotonic() - t0
        events = self.sink.events - e0
        watch = self.watch.stop()
        await spy.stop()
        return elapsed, events, watch

    # --- scenarios ---------------------------------------------------------------------------

    async def run(self) -> dict[str, Any]:
        scenario = self.spec["scenario"]
        handler = getattr(self, f"scenario_{scenario}")
        await handler(**self.spec["params"])
        with contextlib.suppress(Exception):
            for m in self.members():
                if m.client:
                    m.client.close()
        await asyncio.sleep(0.2)
        return self.result

    async def scenario_plenary(
        self, participants: int, rate: float, duration: float, slow: int = 0, placement: str = "spread"
    ) -> None:
        """One board, `rate` stamped notes per second in total from random participants."""
        await self.make_boards(1, participants, slow=slow, placement=placement)
        await self.connect_all()
        await self.open_writing()
        await self.settle()
        people = self.participants()

        async def body(until: float) -> None:
            k, t0 = 0, time.monotonic()
            while True:
                at = t0 + k / rate
                if at >= until:
                    break
                delay = at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                self.send_stamped(self.rng.choice(people))
                k += 1

        elapsed, events, watch = await self.window(duration, body)
        await self.drain(15)
        self.finish(elapsed, events, watch)

    # (h) is the plenary shape in a room of 200, with `slow` participants whose sockets stop reading.
    scenario_slowreader = scenario_plenary

    async def scenario_workshops(
        self,
        boards: int,
        per_board: int,
        interval: float,
        duration: float,
        votes: int = 3,
        placement: str = "spread",
    ) -> None:
        """Many small rooms: each participant acts every `interval` s on average. Two thirds of the
        window in divergence (add, edit, move), the last third in convergence (move, vote)."""
        await self.make_boards(boards, per_board, placement=placement)
        await self.connect_all()
        await self.open_writing()
        await self.seed_notes(3)
        await self.facilitate("votes.configure", {"budget": max(1, min(20, votes))})
        await self.settle()
        people = self.participants()
        for m in people:
            m.votes_left = votes
        split = duration * 2 / 3

        async def run_phase(until: float, converge: bool) -> None:
            heap = [(time.monotonic() + self.rng.uniform(0, interval), i) for i in range(len(people))]
            heapq.heapify(heap)
            while heap:
                at, i = heap[0]
                if at >= until:
                    break
                delay = at - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                heapq.heapreplace(heap, (at + self.rng.uniform(0.5, 1.5) * interval, i))
                m = people[i]
                if converge:
                    if not (self.rng.random() < 0.5 and self.send_vote(m)):
                        self.send_move(m) or self.send_vote(m)
                else:
                    roll = self.rng.random()
                    if roll < 0.3 and self.send_move(m):
                        continue
                    self.send_stamped(m, prefer_add=0.6 if len(m.notes) < 3 else 0.2)

        async def body(until: float) -> None:
            await run_phase(min(until, time.monotonic() + split), converge=False)
            # Let divergence commands land before the phase turns, or they are refused (as in life).
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and any(m.client and m.client.pending for m in people):
                await asyncio.sleep(0.01)
            await self.facilitate("phase.set", {"phase": "convergence"})
            await run_phase(until, converge=True)

        elapsed, events, watch = await self.window(duration, body)
        await self.drain(15)
        self.finish(elapsed, events, watch)

    async def scenario_burst(self, participants: int, votes: int, spread: float = 1.0) -> None:
        """Convergence: every participant casts `votes` dots at random moments within `spread` s."""
        await self.make_boards(1, participants)
        await self.connect_all()
        await self.open_writing()
        await self.seed_notes(10)
        await self.facilitate("phase.set", {"phase": "convergence"})
        await self.facilitate("votes.configure", {"budget": max(1, min(20, votes))})
        await self.settle()
        people = self.participants()
        board = self.boards[0]
        total_votes = votes * len(people)
        expected_events = total_votes * board.audience
        times = sorted((self.rng.uniform(0, spread), i) for i in range(len(people)) for _ in range(votes))
        for m in people:
            m.votes_left = votes
        converged: dict[str, float] = {}

        async def body(until: float) -> None:
            t0 = time.monotonic()
            for offset, i in times:
                delay = t0 + offset - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                self.send_vote(people[i])
            deadline = t0 + 60
            while time.monotonic() < deadline:
                acked = len(self.sink.ack_latencies.get("vote.add", []))
                if "acked_s" not in converged and acked + sum(self.sink.errors.values()) >= total_votes:
                    converged["acked_s"] = time.monotonic() - t0
                if self.sink.events >= expected_events:
                    converged["delivered_s"] = time.monotonic() - t0
                    break
                await asyncio.sleep(0.002)

        elapsed, events, watch = await self.window(spread + 60, body)
        await self.drain(10)
        self.finish(elapsed, events, watch)
        self.result["votes"] = total_votes
        self.result["expected_vote_events"] = expected_events
        self.result["all_acked_s"] = round(converged.get("acked_s", float("nan")), 3)
        self.result["all_delivered_s"] = round(converged.get("delivered_s", float("nan")), 3)
        # Throughput over the burst itself, not the 60 s bound of the window.
        span = converged.get("delivered_s")
        self.result["delivered_per_s"] = round(events / span, 1) if span else self.result["delivered_per_s"]

    async def scenario_idle(self, participants: int, per_board: int = 100, hold: float = 5.0) -> None:
        """Connections only: memory per connection, and what holding them costs in CPU."""
        boards = max(1, (participants + per_board - 1) // per_board)
        await self.make_boards(boards, min(per_board, participants))
        await self.connect_all()
        await self.settle()

        async def body(until: float) -> None:
            await asyncio.sleep(max(0.0, until - time.monotonic()))

        elapsed, events, watch = await self.window(hold, body)
        self.finish(elapsed, events, watch)

    async def scenario_saturation(
        self,
        participants: int,
        senders: int,
        inflight: int,
        duration: float,
        rooms: int = 1,
        placement: str = "spread",
        timed: int | None = None,
    ) -> None:
        """`rooms` rooms of `participants` each; in every room `senders` people each keep `inflight`
        stamped edits outstanding, as fast as acks return.

        With `timed`, only that many readers per room (the first senders) record latencies; the
        others count what they receive (senders still time their acks), and readers that send nothing
        are woken by the kernel only once 128 KiB wait (SO_RCVLOWAT),
        so that the generator's cost per delivered frame stays far below the server's: at
        saturation, reading and timing every frame in Python costs the generator about what
        sending it costs the server, and on two shared cores it would be the generator that
        saturates."""
        await self.make_boards(rooms, participants, placement=placement)
        await self.connect_all()
        await self.open_writing()
        readers = [[m for m in b.members if m.client is not None and not m.slow] for b in self.boards]
        people = [m for room in readers for m in room[:senders]]
        untimed = [] if timed is None else [m.client for room in readers for m in room[timed:]]
        for client in untimed:
            assert client is not None
            client.timed = False
        batched = [m.client for room in readers for m in room[max(senders, timed or 0) :]] if timed is not None else []
        for m in people:
            assert m.client is not None
            stamp = time.monotonic_ns()
            fut = m.client.expect_note(stamp)
            m.client.cmd("note.add", {"text": stamp_text(stamp)}, "setup")
            m.notes.append(await asyncio.wait_for(fut, 30))
        await self.settle()

        committed = {b.code: 0 for b in self.boards}  # acknowledged edits per board: events every reader gets
        counting = [(m.board.code, m.client) for room in readers for m in room if m.client in untimed]
        before: dict[int, int] = {}

        async def lane(m: Member, until: float) -> None:
            assert m.client is not None
            while time.monotonic() < until and not m.client.closed.done():
                now = time.monotonic_ns()
                fut = m.client.cmd("note.edit", {"id": m.notes[0], "text": stamp_text(now)}, "note.edit", want=True)
                self.sink.expected_stamped += m.board.audience
                self.sent_stamped += 1
                assert fut is not None
                try:
                    await asyncio.wait_for(fut, 30)
                    committed[m.board.code] += 1
                except (RuntimeError, ConnectionError, TimeoutError):
                    await asyncio.sleep(0.01)

        async def body(until: float) -> None:
            for _, client in counting:
                before[id(client)] = client.events  # type: ignore[union-attr]
            for client in batched:
                client.batch_reads(BATCH_READ_BYTES)  # type: ignore[union-attr]
                client.count_only()  # type: ignore[union-attr]
            await asyncio.gather(*(lane(m, until) for m in people for _ in range(inflight)))

        async def flush() -> None:
            # Lowering SO_RCVLOWAT makes the kernel signal a socket that holds data at once: the
            # bytes delivered during the window are read (and counted) within it. Without this, up to
            # BATCH_READ_BYTES per reader would go uncounted: the same bytes whatever the throughput,
            # which would favour the faster of two runs compared.
            for client in batched:
                client.batch_reads(1)  # type: ignore[union-attr]
            for _ in range(3):
                await asyncio.sleep(0.002)

        elapsed, events, watch = await self.window(duration, body, flush)
        await self.drain(15)

        def counted() -> int:
            return sum(c.events - before[id(c)] for _, c in counting)  # type: ignore[union-attr]

        # The counting readers must have had every event too (bounded wait for what their sockets hold).
        expected = sum(committed[code] for code, _ in counting)
        deadline = time.monotonic() + 10
        while counted() < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        self.finish(elapsed, events, watch)
        self.result["commands_per_s"] = round(self.sent_stamped / elapsed, 1)
        self.result["counting_readers"] = len(counting)
        self.result["counted_deliveries"] = counted()
        self.result["expected_counted"] = expected


async def amain(spec: dict[str, Any]) -> dict[str, Any]:
    raise_nofile()
    gen = Generator(spec)
    return await asyncio.wait_for(gen.run(), spec.get("deadline_s", DEFAULT_DEADLINE_S))


def main() -> None:
    spec = orjson.loads(Path(sys.argv[1]).read_bytes())
    result = event_loop_runner()(amain(spec))
    Path(sys.argv[2]).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
