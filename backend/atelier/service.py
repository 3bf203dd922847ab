"""The command pipeline: check (domain), persist (group commit), then publish (broker)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import secrets
from collections import OrderedDict
from collections.abc import Awaitable
from dataclasses import dataclass, field

import orjson

from . import domain, templates
from .broker import ERASED, Broker
from .clock import Clock
from .domain import BoardState, Command, Context, DomainError, Event
from .domain.erasure import REWRITES_THE_PAST, erasure_for, redact
from .domain.model import Role
from .store import Conflict, EventStore, StoredEvent, Unavailable
from .store.erasure import append_redacting, delete_stragglers, erase_board
from .store.repository import Append, hash_token
from .writer import GroupWriter

log = logging.getLogger("atelier.service")

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud in a room
CODE_LENGTH = 6
MAX_RETRIES = 8  # board codes drawn before giving up
MAX_APPEND_ATTEMPTS = 50  # a command losing the race for a seq this often in a row gets `conflict`
CLOSE_DRAIN_SECONDS = 10.0


MAX_BATCH = 256  # commands of one board decided and committed together
BATCH_ATTEMPTS = 3  # a run that lost its seqs to another process is decided again this many times
RECENT_ANSWERS = 256  # per board: a client resends what it sent since its last ack, a few commands
MAX_OBSERVED = 4096  # events kept for a busy board to fold; beyond, conflicts catch it up instead
CONTENDED_SECONDS = 5.0  # after losing a seq to another process, decide under the board's lease this long
LEASE_SLOTS = 4  # boards of this process holding a lease (and a database connection) at once
STRAGGLER_DELAY_SECONDS = 5.0  # after erasing a board, rows written by a command racing it are deleted again
WRITER_LANES = 2  # group commits in flight at once where the database runs them in parallel (PostgreSQL)


def _settle_error(item: Pending, exc: Exception) -> None:
    if not item.future.done():
        item.future.set_exception(exc)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch not in "- _")


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(8)}"


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 bits


_random = secrets.SystemRandom()


def _shuffle(items: list[str]) -> list[str]:
    shuffled = list(items)
    _random.shuffle(shuffled)
    return shuffled


@functools.cache
def persona_ids() -> tuple[str, ...]:
    """Read once: the template catalogue is fixed for the life of the process, and this was rebuilt
    for every run of commands."""
    return tuple(p.id for p in templates.personas())


def axis_setup(axis: str | None, language: str) -> dict[str, object]:
    """What a board created from an axis template starts with: its goal and its questions."""
    if axis is None:
        return {}
    found = templates.axis(axis)
    if found is None:
        raise DomainError("not_found", "axis")
    text = templates.localized(found, language)
    return {"axis": axis, "goal": text["goal"], "questions": [q["text"] for q in text["questions"]]}


def channel(board_id: str) -> str:
    return f"atelier:board:{board_id}"


def encode_batch(board_id: str, stored: list[StoredEvent]) -> bytes:
    return orjson.dumps(
        {
            "board": board_id,
            "events": [
                {
                    "seq": s.seq,
                    "name": s.event.name,
                    "data": s.event.data,
                    "restricted": s.event.restricted,
                    "public": s.event.public,
                    "subjects": list(s.event.subjects),
                }
                for s in stored
            ],
        }
    )


def decode_batch(raw: bytes) -> list[StoredEvent]:
    message = orjson.loads(raw)
    return [
        StoredEvent(
            seq=e["seq"],
            event=Event(e["name"], e["data"], e["restricted"], e["public"], tuple(e["subjects"])),
        )
        for e in message["events"]
    ]


@dataclass
class Runtime:
    """A board's state as this process last saw it, and the lock that serialises its commands here."""

    board_id: str
    state: BoardState
    seq: int
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    snapshot_seq: int = 0
    # Commands waiting for this board's lock; whoever holds it answers them all in one transaction.
    queue: list[Pending] = field(default_factory=list)
    stale: bool = False  # the copy holds uncommitted decisions and must be reloaded before use
    drainer: asyncio.Task[None] | None = None
    # Events committed (by any process) that arrived while this board was busy: folded before the
    # next decision, so a busy board's copy keeps up with the other processes' writes too.
    observed: list[StoredEvent] = field(default_factory=list)
    contended_until: float = 0.0  # loop time until which this board's runs are decided under its lease
    # (actor, cid) -> seq of the commands this process committed lately: a resent command is answered
    # from here, without a database read, and never sinks the run it arrives in (its insert would
    # fail the whole run's transaction, which would then be decided again one command at a time).
    answers: OrderedDict[tuple[str, str], int] = field(default_factory=OrderedDict)

    def answered(self, actor: str, cid: str | None, seq: int) -> None:
        if cid is None:
            return
        self.answers[(actor, cid)] = seq
        if len(self.answers) > RECENT_ANSWERS:
            self.answers.popitem(last=False)

    def answer_of(self, actor: str, cid: str | None) -> int | None:
        if cid is None:
            return None
        seq = self.answers.get((actor, cid))
        if seq is not None:
            # Kept as recent: a client resending the same command stays answered from here however
            # many others the board commits meanwhile.
            self.answers.move_to_end((actor, cid))
        return seq


def _consume(future: asyncio.Future[int]) -> None:
    # An answer nobody waits for any more (the socket closed) must not be logged as lost.
    if not future.cancelled():
        future.exception()


@dataclass(slots=True)
class Pending:
    actor_id: str
    cmd: Command
    cid: str | None
    credential: tuple[str, str] | None
    future: asyncio.Future[int]


@dataclass(frozen=True)
class Created:
    board_id: str
    code: str
    participant_id: str
    token: str


class BoardService:
    def __init__(
        self,
        store: EventStore,
        broker: Broker,
        clock: Clock,
        *,
        snapshot_every: int = 200,
        cache_size: int = 2000,
    ) -> None:
        self.store = store
        self.broker = broker
        self.clock = clock
        self.writer = GroupWriter(store, lanes=WRITER_LANES if store.concurrent_writes else 1)
        self.snapshot_every = snapshot_every
        self._runtimes: OrderedDict[str, Runtime] = OrderedDict()
        self._loading: dict[str, asyncio.Lock] = {}
        self._cache_size = cache_size
        self._closing = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._lease_slots = asyncio.Semaphore(LEASE_SLOTS)
        self._background: set[asyncio.Task[None]] = set()
        self._idle.set()

    def start(self) -> None:
        self.writer.start()

    async def close(self, timeout: float = CLOSE_DRAIN_SECONDS) -> None:
        """Refuse new commands, let those in flight finish (commit and publish), then stop the writer.
        Closing the writer first would cancel commands whose events may already be committing."""
        self._closing = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        if self._in_flight:
            log.warning("closing with %d command(s) still in flight", self._in_flight)
        for task in list(self._background):
            task.cancel()
        await self.writer.close()

    def _context(self) -> Context:
        return Context(now_ms=self.clock.now_ms(), new_id=new_id, personas=persona_ids(), shuffle=_shuffle)

    # --- boards and participants -------------------------------------------------------------

    async def create_board(
        self,
        *,
        title: str,
        language: str,
        axis: str | None = None,
        draft: bool = False,
        facilitator_name: str | None = None,
    ) -> Created:
        now = self.clock.now_ms()
        setup = axis_setup(axis, language)
        board_id = new_id("b")
        participant_id = new_id("p")
        token = new_token()
        name = facilitator_name or ("Animation" if language == "fr" else "Facilitator")
        for _ in range(MAX_RETRIES):
            code = new_code()
            events = domain.create_board(code, title, language, status="draft" if draft else "open")
            state = domain.initial(events[0].data)
            steps = [Command("participant.join", {"name": name, "role": Role.FACILITATOR.value})]
            if setup:
                steps.append(Command("board.configure", setup))
            for step in steps:
                for event in domain.decide(state, participant_id, step, self._context()):
                    domain.apply(state, event)
                    events.append(event)
            append = Append(
                board_id=board_id,
                first_seq=1,
                events=events,
                actor=participant_id,
                created_ms=now,
                credential=(hash_token(token), participant_id),
            )
            try:
                await self.store.create_board(board_id=board_id, code=code, created_ms=now, append=append)
            except Conflict:
                continue  # the code was taken: draw another
            return Created(board_id, code, participant_id, token)
        raise DomainError("conflict", "code")

    async def import_board(self, *, state_json: dict, language: str) -> Created:
        """A new board holding an exported board's content (already validated by the caller).

        Created as usual first, so its log still starts with `board.created` and its facilitator's
        join, then one `board.imported` event replaces everything but the code and adds that
        facilitator to the imported participants."""
        created = await self.create_board(title=state_json["title"], language=language)
        event = domain.import_board(state_json)
        rt = await self.runtime(created.board_id)
        async with rt.lock:
            for _ in range(MAX_APPEND_ATTEMPTS):
                append = Append(
                    board_id=created.board_id,
                    first_seq=rt.seq + 1,
                    events=[event],
                    actor=created.participant_id,
                    created_ms=self.clock.now_ms(),
                )
                try:
                    await self.writer.submit(append)
                except Conflict:
                    await self.catch_up(rt)  # nobody else knows the code yet, but stay correct if so
                    continue
                stored = [StoredEvent(append.first_seq, event)]
                self._fold(rt, stored)
                await self._publish(created.board_id, stored)
                await self._maybe_snapshot(rt)
                return created
        raise DomainError("conflict")

    async def join(self, *, board_id: str, name: str, organisation: str | None) -> tuple[str, str]:
        participant_id = new_id("p")
        token = new_token()
        await self.execute(
            board_id,
            participant_id,
            Command("participant.join", {"name": name, "organisation": organisation}),
            credential=(hash_token(token), participant_id),
        )
        return participant_id, token

    async def create_link(self, *, board_id: str, actor_id: str, kind: str) -> tuple[str, str]:
        """A new access link of `kind` made by `actor_id`: (link id, secret). The secret is stored
        hashed, in the same commit as the event that makes the link live."""
        link_id = new_id("l")
        secret = new_token()
        await self.execute(
            board_id,
            actor_id,
            Command("link.create", {"id": link_id, "kind": kind}),
            credential=(hash_token(secret), link_id),
        )
        return link_id, secret

    async def revoke_links(self, *, board_id: str, actor_id: str, kind: str) -> None:
        await self.execute(board_id, actor_id, Command("links.revoke", {"kind": kind}))

    # --- state ---------------------------------------------------------------------------------

    async def runtime(self, board_id: str) -> Runtime:
        rt = self._runtimes.get(board_id)
        if rt is not None:
            self._runtimes.move_to_end(board_id)
            return rt
        lock = self._loading.setdefault(board_id, asyncio.Lock())
        async with lock:
            rt = self._runtimes.get(board_id)
            if rt is None:
                rt = await self._load(board_id)
                self._runtimes[board_id] = rt
                self._evict()
        self._loading.pop(board_id, None)
        return rt

    def _evict(self) -> None:
        while len(self._runtimes) > self._cache_size:
            oldest, rt = next(iter(self._runtimes.items()))
            if rt.lock.locked():
                break
            del self._runtimes[oldest]

    async def _load(self, board_id: str) -> Runtime:
        snapshot = await self.store.latest_snapshot(board_id=board_id)
        if snapshot is None:
            events = await self.store.events_after(board_id=board_id, seq=0)
            if not events:
                raise DomainError("not_found", "board")
            state = domain.initial(events[0].event.data)
            rt = Runtime(board_id, state, 1)
            self._fold(rt, events[1:])
        else:
            seq, state = snapshot
            rt = Runtime(board_id, state, seq, snapshot_seq=seq)
            self._fold(rt, await self.store.events_after(board_id=board_id, seq=seq))
        return rt

    @staticmethod
    def _fold(rt: Runtime, stored: list[StoredEvent]) -> None:
        for item in stored:
            if item.seq != rt.seq + 1:
                raise RuntimeError("event log is not contiguous")
            domain.apply(rt.state, item.event)
            rt.seq = item.seq

    async def catch_up(self, rt: Runtime) -> None:
        """Fold what other processes committed since this one last looked."""
        if rt.stale:
            await self._reload(rt)
            return
        self._fold(rt, await self.store.events_after(board_id=rt.board_id, seq=rt.seq))

    def observe(self, board_id: str, run: list[StoredEvent]) -> None:
        """Follow a run of committed events a room delivered (from any process). With several
        processes serving one board, this process's next command is then decided at the head instead
        of first conflicting with what another process wrote (a failed insert, a read, a retry, and
        under load a collapse: the slower commits get, the staler the copies and the more conflicts)."""
        rt = self._runtimes.get(board_id)
        if rt is None or not run or run[-1].seq <= rt.seq:
            return  # nothing new: usually this process's own events, back through the broker
        if rt.lock.locked() or rt.stale:
            if len(rt.observed) < MAX_OBSERVED:
                rt.observed.extend(item for item in run if item.seq > rt.seq)  # folded before the next run
            return
        self._follow(rt, run)

    def _follow(self, rt: Runtime, run: list[StoredEvent]) -> None:
        """Fold what follows on from rt.seq; anything else is left to the conflict path."""
        fresh = [item for item in run if item.seq > rt.seq]
        if not fresh or fresh[0].seq != rt.seq + 1:
            return
        try:
            self._fold(rt, fresh)
        except Exception:
            rt.stale = True  # reloaded from the database before its next use
            log.warning("could not follow board %s; it will be reloaded", rt.board_id)

    async def current(self, board_id: str) -> Runtime:
        """The board at the database's head (a cheap read when nothing changed elsewhere)."""
        rt = await self.runtime(board_id)
        async with rt.lock:
            await self.catch_up(rt)
        return rt

    # --- commands ------------------------------------------------------------------------------

    async def execute(
        self,
        board_id: str,
        actor_id: str,
        cmd: Command,
        *,
        cid: str | None = None,
        credential: tuple[str, str] | None = None,
    ) -> int:
        """Run one command; return the seq of its last event. Raises DomainError or Unavailable."""
        if self._closing:
            raise Unavailable("shutting down")  # the client retries on another process
        self._in_flight += 1
        self._idle.clear()
        try:
            if cmd.name in REWRITES_THE_PAST:
                return await self._execute_rewriting(board_id, actor_id, cmd, cid)
            # One coroutine per command, not three: this path runs for every command there is.
            rt = self._runtimes.get(board_id)
            if rt is None:
                rt = await self.runtime(board_id)
            else:
                self._runtimes.move_to_end(board_id)
            item = Pending(actor_id, cmd, cid, credential, asyncio.get_running_loop().create_future())
            item.future.add_done_callback(_consume)
            rt.queue.append(item)
            # The draining runs in its own task: a caller that goes away (its socket closed) must not
            # interrupt the answers of the others it was serving.
            if rt.drainer is None or rt.drainer.done():
                rt.drainer = asyncio.create_task(self._drain_task(rt), name=f"atelier-drain-{board_id}")
            return await item.future
        finally:
            self._in_flight -= 1
            if not self._in_flight:
                self._idle.set()

    async def _drain_task(self, rt: Runtime) -> None:
        try:
            async with rt.lock:
                await self._drain(rt)
        except BaseException as exc:
            failure = exc if isinstance(exc, Exception) else Unavailable("shutting down")
            for item in rt.queue:
                _settle_error(item, failure)
            rt.queue.clear()
            raise

    async def _drain(self, rt: Runtime) -> None:
        """Answer every command waiting for this board, in arrival order. Holding the lock across a
        commit caps a room at one transaction at a time, so the commands that queued meanwhile are
        decided together and committed in one transaction (a burst of 200 votes is a few commits)."""
        while rt.queue:
            batch = rt.queue[:MAX_BATCH]
            del rt.queue[: len(batch)]
            if rt.observed:
                observed, rt.observed = rt.observed, []
                if not rt.stale:
                    self._follow(rt, observed)
            if rt.stale and not await self._or_fail(batch, self._reload(rt)):
                continue
            if self._contended(rt):
                await self._leased(rt, batch)
            else:
                await self._decide_and_commit(rt, batch)

    async def _decide_and_commit(self, rt: Runtime, batch: list[Pending]) -> None:
        if len(batch) == 1:
            await self._settle(batch[0], self._execute_one(rt, batch[0]))
        else:
            await self._execute_batch(rt, batch)

    def _contended(self, rt: Runtime) -> bool:
        return rt.contended_until > asyncio.get_running_loop().time() and self.store.leases

    async def _leased(self, rt: Runtime, batch: list[Pending]) -> None:
        """A board that another process also writes to, busily: optimistic appends would have both
        processes decide at the same head and one of them throw its run away each time. Under the
        board's lease only one decides at a time, after folding what the other committed. At most
        LEASE_SLOTS boards hold a lease (and a database connection) at once; the others go on as before."""
        if self._lease_slots.locked():
            await self._decide_and_commit(rt, batch)
            return
        async with self._lease_slots, self.store.board_lease(board_id=rt.board_id) as held:
            if held and not await self._or_fail(batch, self.catch_up(rt)):
                return
            await self._decide_and_commit(rt, batch)

    @staticmethod
    async def _or_fail(batch: list[Pending], work: Awaitable[None]) -> bool:
        """Run what must precede deciding `batch`; if it fails, that failure is every command's answer."""
        try:
            await work
        except Exception as exc:
            for item in batch:
                _settle_error(item, exc)
            return False
        return True

    def _mark_contended(self, rt: Runtime) -> None:
        """Another process took a seq on this board: decide its next runs under the board's lease."""
        rt.contended_until = asyncio.get_running_loop().time() + CONTENDED_SECONDS

    async def _settle(self, item: Pending, work: Awaitable[int]) -> None:
        try:
            seq = await work
        except Exception as exc:
            _settle_error(item, exc)
        else:
            if not item.future.done():
                item.future.set_result(seq)

    async def _reload(self, rt: Runtime) -> None:
        """Forget uncommitted decisions: fold the board again from the database."""
        rt.stale = True
        fresh = await self._load(rt.board_id)
        rt.state, rt.seq, rt.snapshot_seq = fresh.state, fresh.seq, fresh.snapshot_seq
        rt.stale = False

    async def _execute_batch(self, rt: Runtime, batch: list[Pending], attempt: int = 0) -> None:
        """Decide a run of commands on the board in turn, commit them in one transaction, then answer.
        A refusal or a cid seen twice in the run is answered by the one-command path, which re-checks
        at the database's head; a run that lost its seqs to another process is decided again at the
        head (BATCH_ATTEMPTS), then goes one command at a time too."""
        alone: list[Pending] = []
        answered: list[tuple[Pending, int]] = []
        resent: list[tuple[Pending, int]] = []
        appends: list[Append] = []
        stored_all: list[StoredEvent] = []
        try:
            # A resent cid is not looked up beforehand (a read per run would cost more than resends
            # ever do): if it was accepted before, its insert fails the run, which then goes one
            # command at a time, where the first answer is found and returned.
            seen: set[tuple[str, str]] = set()
            ctx = self._context()
            board_id, state, now_ms = rt.board_id, rt.state, ctx.now_ms
            decide, apply = domain.decide, domain.apply
            for item in batch:
                cid = item.cid
                if cid is not None:
                    key = (item.actor_id, cid)
                    if key in seen:
                        alone.append(item)
                        continue
                    known = rt.answer_of(item.actor_id, cid)
                    if known is not None:
                        resent.append((item, known))
                        continue
                try:
                    events = decide(state, item.actor_id, item.cmd, ctx)
                except DomainError:
                    alone.append(item)
                    continue
                first = rt.seq + 1
                rt.stale = True  # decisions folded before their commit
                appends.append(
                    Append(
                        board_id=board_id,
                        first_seq=first,
                        events=events,
                        actor=item.actor_id,
                        created_ms=now_ms,
                        cid=cid,
                        credential=item.credential,
                    )
                )
                # Folded here in order, seq by seq: the same as _fold, without a list per command.
                for ev in events:
                    apply(state, ev)
                    rt.seq += 1
                    stored_all.append(StoredEvent(rt.seq, ev))
                answered.append((item, rt.seq))
                if cid is not None:
                    seen.add(key)
            if appends:
                await self.writer.submit_unit(appends)
            rt.stale = False
        except Exception as failure:
            # Nothing of this run was committed: start again from the database.
            if not await self._or_fail(batch, self._reload(rt)):
                return
            # A resent command this process no longer remembers fails its run's insert: one query
            # finds every such command of the run, and the run is decided again without them (they
            # get their first answer), still as one transaction. Without it, each run a resender sat
            # in was decided again one command at a time, a commit each, for everyone in it.
            resends = await self._remember_committed(rt, batch)
            if isinstance(failure, Conflict) and not resends:
                self._mark_contended(rt)
            if (resends or isinstance(failure, Conflict)) and attempt < BATCH_ATTEMPTS - 1:
                # Another process committed on this board meanwhile, the usual case when several
                # serve one busy board: decide the run again at the head, still as one transaction.
                # One command at a time would cost a commit each and make the next conflict likelier.
                await self._execute_batch(rt, batch, attempt + 1)
                return
            # Still conflicting, or failing otherwise: one command at a time, where each gets its
            # own answer.
            for item in batch:
                await self._settle(item, self._execute_one(rt, item))
            return
        for item, seq in answered:
            rt.answered(item.actor_id, item.cid, seq)
        for item, seq in (*answered, *resent):
            if not item.future.done():
                item.future.set_result(seq)
        if stored_all:
            await self._publish(rt.board_id, stored_all)
            await self._maybe_snapshot(rt)
        for item in alone:
            await self._settle(item, self._execute_one(rt, item))

    async def _remember_committed(self, rt: Runtime, batch: list[Pending]) -> int:
        """Put the run's commands that were committed before among the board's answers; how many."""
        keys = [(item.actor_id, item.cid) for item in batch if item.cid is not None]
        try:
            found = await self.store.command_seqs(board_id=rt.board_id, keys=keys)
        except Exception:
            return 0  # the run goes one command at a time, where each resend is still found
        for (actor, cid), seq in found.items():
            rt.answered(actor, cid, seq)
        return len(found)

    async def _execute_one(self, rt: Runtime, item: Pending) -> int:
        # Per-board ordering is optimistic append, the same on SQLite and PostgreSQL and whatever the
        # number of processes: decide against this process's copy of the board, then insert the events
        # at seq = head + 1. The primary key (board_id, seq) lets exactly one writer have a given seq;
        # a loser gets Conflict, folds what the winner committed (catch_up) and decides again, so every
        # decision was made on the state it is appended to (no 4th dot when the budget is 3, seq
        # contiguous, no duplicate). A refusal is likewise re-decided after catching up, so that a stale
        # copy never refuses what the head allows. rt.lock only keeps this process's own commands for one board from
        # racing each other. No row lock is held across processes.
        known = rt.answer_of(item.actor_id, item.cid)
        if known is not None:
            return known
        for attempt in range(MAX_APPEND_ATTEMPTS):
            try:
                events = domain.decide(rt.state, item.actor_id, item.cmd, self._context())
            except DomainError:
                # A resent command that already succeeded must get its first answer, even if
                # deciding it again now would fail (e.g. the last dot of a budget).
                if item.cid is not None:
                    seq = await self.store.command_seq(board_id=rt.board_id, actor=item.actor_id, cid=item.cid)
                    if seq is not None:
                        return seq
                # This copy may lag behind what another process committed (the phase moved on,
                # a dot was removed there): a refusal stands only once decided at the head.
                behind = rt.seq
                await self.catch_up(rt)
                if rt.seq != behind:
                    continue
                raise
            append = Append(
                board_id=rt.board_id,
                first_seq=rt.seq + 1,
                events=events,
                actor=item.actor_id,
                created_ms=self.clock.now_ms(),
                cid=item.cid,
                credential=item.credential,
            )
            try:
                await self.writer.submit(append)
            except Conflict:
                self._mark_contended(rt)
                if item.cid is not None:
                    seq = await self.store.command_seq(board_id=rt.board_id, actor=item.actor_id, cid=item.cid)
                    if seq is not None:
                        return seq  # the same command, committed before: nothing changes
                if attempt >= 2:
                    # Losing repeatedly to another process: step aside a little so both progress.
                    await asyncio.sleep(random.uniform(0, min(0.002 * attempt, 0.05)))
                await self.catch_up(rt)  # another process took this seq: decide again
                continue
            stored = [StoredEvent(append.first_seq + i, ev) for i, ev in enumerate(events)]
            self._fold(rt, stored)
            rt.answered(item.actor_id, item.cid, rt.seq)
            await self._publish(rt.board_id, stored)
            await self._maybe_snapshot(rt)
            return rt.seq
        raise DomainError("conflict")

    async def _execute_rewriting(self, board_id: str, actor_id: str, cmd: Command, cid: str | None) -> int:
        """A person's erasure: its event and the redaction of the board's past commit together
        (store/erasure.py), outside the group writer, under the board's lock like every decision here."""
        rt = await self.runtime(board_id)
        async with rt.lock:
            for _ in range(MAX_APPEND_ATTEMPTS):
                await self.catch_up(rt)
                if cid is not None:
                    seq = await self.store.command_seq(board_id=board_id, actor=actor_id, cid=cid)
                    if seq is not None:
                        return seq
                events = domain.decide(rt.state, actor_id, cmd, self._context())
                who = erasure_for(rt.state, cmd.args)
                append = Append(
                    board_id=board_id,
                    first_seq=rt.seq + 1,
                    events=events,
                    actor=actor_id,
                    created_ms=self.clock.now_ms(),
                    cid=cid,
                )
                after = BoardState.from_json(rt.state.to_json())
                for event in events:
                    domain.apply(after, event)
                try:
                    await append_redacting(
                        self.store,
                        append,
                        redact=functools.partial(redact, erasure=who),
                        participant_id=who.participant_id,
                        snapshot=orjson.dumps(after.to_json()).decode(),
                    )
                except Conflict:
                    continue
                stored = [StoredEvent(append.first_seq + i, ev) for i, ev in enumerate(events)]
                self._fold(rt, stored)
                rt.snapshot_seq = rt.seq
                await self._publish(board_id, stored)
                return rt.seq
        raise DomainError("conflict")

    async def erase_board(self, board_id: str, *, only_if_expired: int | None = None) -> bool:
        """Every row of the board gone, its code never given again, its sockets closed on every process.
        Returns whether this call erased it (False: gone already, or no longer past its date)."""
        code = await self.store.board_code(board_id=board_id)
        if code is None:
            return False
        erased = await erase_board(
            self.store, board_id=board_id, code=code, now_ms=self.clock.now_ms(), only_if_expired=only_if_expired
        )
        if not erased:
            return False
        self.forget(board_id)
        try:
            await self.broker.publish(channel(board_id), ERASED)
        except Exception:
            log.warning("could not announce an erasure; sockets of other processes close at their next command")
        # A command another process decided just before the erasure may still commit after it: its
        # rows are deleted again shortly (and by every retention sweep for a day).
        task = asyncio.create_task(self._delete_stragglers_soon(), name="atelier-erasure-stragglers")
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return True

    async def _delete_stragglers_soon(self) -> None:
        await asyncio.sleep(STRAGGLER_DELAY_SECONDS)
        with contextlib.suppress(Exception):
            await delete_stragglers(self.store, since_ms=self.clock.now_ms() - 60_000)

    def forget(self, board_id: str) -> None:
        """Drop this process's copy of an erased board (the names it holds go with it)."""
        self._runtimes.pop(board_id, None)

    async def _publish(self, board_id: str, stored: list[StoredEvent]) -> None:
        try:
            await self.broker.publish(channel(board_id), encode_batch(board_id, stored))
        except Exception:
            # Committed already: subscribers repair the gap from the database on the next heartbeat.
            log.warning("publish failed for board %s; subscribers will catch up", board_id)

    async def _maybe_snapshot(self, rt: Runtime) -> None:
        if rt.seq - rt.snapshot_seq < self.snapshot_every:
            return
        rt.snapshot_seq = rt.seq
        try:
            await self.store.save_snapshot(board_id=rt.board_id, seq=rt.seq, state=rt.state)
        except Exception:
            log.warning("snapshot failed for board %s", rt.board_id)
