"""Load generator for the abuse scenarios (run by tests/bench/run.py, one process per run):

- `flood`: a bystander's delivery latency on a board where a facilitator posts stamped notes, with
  and without a participant flooding from 4 sockets (pings, invalid frames and a resent command, as
  fast as TCP lets it, from a process of its own). Atelier only, with its default budgets: the
  ceiling has none.
- `storm`: N sockets of one board (with `notes` notes on it) sending their hello at once, timed to
  the last welcome, against Atelier and the ceiling (told to pad its welcome to Atelier's size);
  meanwhile another workshop's stamped notes are timed (from a process of its own, so that this one's
  work of taking the welcomes in is not counted as the server's). On Atelier, the server's RSS before the
  load, at its peak and after it left; a few never-reading sockets stay through the storm.

    python -m tests.bench.floods spec.json out.json
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import psutil
import websockets

from .loadgen import ServerWatch, Spy, event_loop_runner, percentiles, raise_nofile, stamp_text

_cids = itertools.count(1)
FLOOD_SOCKETS = 4
FLOODER_NICE = 19


def rss_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class Target:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.kind = spec["target"]["kind"]
        host, port = spec["target"]["endpoints"][0]
        self.http = f"http://{host}:{port}"
        self.ws = f"ws://{host}:{port}"
        self.pid = spec["target"]["pids"][0]

    async def board(self, title: str) -> tuple[str, str]:
        """A board's code and facilitator token (made up on the ceiling, which has no HTTP)."""
        if self.kind == "ceiling":
            return secrets.token_hex(3).upper(), "fac-" + secrets.token_hex(8)
        async with httpx.AsyncClient(base_url=self.http, timeout=30) as http:
            made = (await http.post("/api/boards", json={"title": title})).json()
        return made["code"], made["facilitator_token"]

    async def tokens(self, code: str, n: int) -> list[str]:
        if self.kind == "ceiling":
            return [f"p-{i}-{secrets.token_hex(4)}" for i in range(n)]
        sem = asyncio.Semaphore(32)
        async with httpx.AsyncClient(base_url=self.http, timeout=60) as http:

            async def one(i: int) -> str:
                async with sem:
                    answer = await http.post(f"/api/boards/{code}/join", json={"name": f"P{i}"})
                    answer.raise_for_status()
                    return answer.json()["token"]

            return await asyncio.gather(*(one(i) for i in range(n)))


async def spy_on(spec: dict[str, Any], target: Target) -> Spy:
    """py-spy on the server over the measured window, when the run was asked to profile."""
    path = spec.get("profile")
    spy = Spy(target.pid, f"{path}-window.txt" if path else None)
    if path:
        await asyncio.sleep(0.5)  # py-spy takes a moment to attach
    return spy


async def open_socket(target: Target, code: str, token: str, **hello: Any) -> tuple[Any, dict[str, Any]]:
    ws = await websockets.connect(f"{target.ws}/ws/{code}", max_size=2**26, compression=None, open_timeout=60)
    await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": token, "last_seq": None, **hello}).decode())
    welcome = orjson.loads(await asyncio.wait_for(ws.recv(), 120))
    return ws, welcome


async def command(ws: Any, name: str, args: dict[str, Any]) -> None:
    await ws.send(orjson.dumps({"type": "cmd", "cid": f"b{next(_cids)}", "name": name, "args": args}).decode())


class Stamps:
    """Latency of stamped notes at one reader: from the sender's clock to the reader's (one process)."""

    def __init__(self) -> None:
        self.latencies: list[int] = []
        self.sent: list[int] = []  # each latency's send time (perf_counter_ns: one clock per machine)
        self.task: asyncio.Task[None] | None = None

    def read(self, ws: Any) -> None:
        async def run() -> None:
            with contextlib.suppress(websockets.ConnectionClosed):
                async for raw in ws:
                    now = time.perf_counter_ns()
                    if '"t=' not in raw:
                        continue
                    message = orjson.loads(raw)
                    if message.get("type") == "event" and message.get("name") == "note.added":
                        sent = int(message["data"]["note"]["text"].split(" ", 1)[0][2:])
                        self.sent.append(sent)
                        self.latencies.append(now - sent)

        self.task = asyncio.create_task(run())


async def drain(ws: Any) -> None:
    with contextlib.suppress(websockets.ConnectionClosed):
        async for _ in ws:
            pass


async def stamped_sender(ws: Any, rate: float, until: float) -> int:
    sent = 0
    while time.monotonic() < until:
        await command(ws, "note.add", {"text": stamp_text(time.perf_counter_ns())})
        sent += 1
        await asyncio.sleep(1 / rate)
    return sent


async def flood(spec: dict[str, Any]) -> dict[str, Any]:
    p = spec["params"]
    target = Target(spec)
    code, fac_token = await target.board("Inondation")
    tokens = await target.tokens(code, p["participants"] + 2)
    fac, _ = await open_socket(target, code, fac_token)
    await command(fac, "phase.set", {"phase": "inspiration"})
    others = [await open_socket(target, code, t) for t in tokens[2:]]
    drains = [asyncio.create_task(drain(ws)) for ws, _ in others]
    # The bystander reads in a process of its own too: in this one, 200 other readers share its loop.
    bystander = await Child.start(spec, "reader", code=code, token=tokens[0])
    fac_drain = asyncio.create_task(drain(fac))
    # The flooder writes from a process of its own: in this one, its sends would take the loop the
    # bystander reads on, and its cost would be counted as the server's. An attacker's CPU is its own
    # machine's: here it would take one of the two cores the server and the readers share (it wrote
    # 20,000 frames/s at 100 % of a core until TCP pushed back), so it runs at the lowest priority and
    # takes only what they leave.
    flooding = (
        await Child.start(spec, "flooder", nice=FLOODER_NICE, code=code, token=tokens[1]) if p.get("flood") else None
    )
    await asyncio.sleep(1.0)
    spy = await spy_on(spec, target)
    server = psutil.Process(target.pid)
    cpu_before = ServerWatch._cpu(server)
    sent = await stamped_sender(fac, p["rate"], time.monotonic() + p["duration"])
    server_cpu = ServerWatch._cpu(server) - cpu_before
    await spy.stop()
    await asyncio.sleep(1.0)
    flooded = await flooding.stop() if flooding else {"frames": 0, "seconds": 1.0}
    frames = flooded["frames"]
    stamps = (await bystander.stop())["stamps"]
    latencies = [lat for _, lat in stamps]
    first_sent = min((at for at, _ in stamps), default=0)
    for ws in [fac, *(w for w, _ in others)]:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 5)
    for task in [*drains, fac_drain]:
        task.cancel()
    return {
        "params": p,
        "sent_stamped": sent,
        "bystander_latency_ms": percentiles(latencies),
        # When the worst ones were sent (s into the window) and how late they were (ms): a stall
        # shows as several late notes sent together.
        "bystander_worst": [
            [round((at - first_sent) / 1e9, 2), round(lat / 1e6, 1)]
            for at, lat in sorted(stamps, key=lambda pair: -pair[1])[:8]
        ],
        "server_cpu_share": round(server_cpu / p["duration"], 3),  # of one core, over the window
        "flood_frames_sent": frames,
        "flood_frames_per_second": round(frames / flooded["seconds"], 1),
        "errors": 0 if len(latencies) == sent else 1,
    }


async def storm(spec: dict[str, Any]) -> dict[str, Any]:
    p = spec["params"]
    target = Target(spec)
    atelier = target.kind == "atelier"
    code, fac_token = await target.board("Tempête")
    tokens = await target.tokens(code, p["sockets"] + p["stuck"])
    other_code, other_fac = await target.board("Autre atelier")
    other_tokens = await target.tokens(other_code, p["other_participants"])
    fac, _ = await open_socket(target, code, fac_token)
    if atelier:
        await command(fac, "phase.set", {"phase": "inspiration"})
        for i in range(p["notes"]):
            await command(fac, "note.add", {"text": f"{i:04d} " + "Une idée pour le territoire " * 10})
        await asyncio.sleep(1.0)
    fac_drain = asyncio.create_task(drain(fac))
    pad = p.get("pad_bytes", 0)
    extra = {"pad_bytes": pad} if pad else {}  # for the ceiling only: Atelier refuses unknown fields
    probe, welcome = await open_socket(target, code, tokens[0], **extra)
    assert welcome["type"] == "welcome", welcome
    welcome_bytes = len(orjson.dumps(welcome))
    await probe.close()
    rss = {"before": rss_kib(target.pid) if atelier else None}
    # Another workshop goes on during the storm, driven and timed from a process of its own: read
    # here, its latencies would hold this loop's own work of taking a thousand welcomes in.
    other = await Child.start(spec, "other", code=other_code, fac=other_fac, tokens=other_tokens)
    # Readers that never read, through the whole storm.
    stuck = []
    for t in tokens[p["sockets"] : p["sockets"] + p["stuck"]]:
        ws = await websockets.connect(f"{target.ws}/ws/{code}", max_size=2**26, compression=None)
        ws.transport.pause_reading()
        await ws.send(orjson.dumps({"type": "hello", "protocol": 1, "token": t, **extra}).decode())
        stuck.append(ws)
    # The storm's sockets are opened first (handshakes untimed), then all say hello at once.
    sem = asyncio.Semaphore(64)

    async def handshake(token: str) -> Any:
        async with sem:
            return await websockets.connect(f"{target.ws}/ws/{code}", max_size=2**26, compression=None,
                                            open_timeout=120, ping_interval=None)

    sockets = await asyncio.gather(*(handshake(t) for t in tokens[: p["sockets"]]))
    peak = [rss_kib(target.pid) or 0]
    sampling = True

    async def sample() -> None:
        while sampling:
            peak.append(rss_kib(target.pid) or 0)
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample()) if atelier else None
    await asyncio.sleep(1.0)
    hellos = [orjson.dumps({"type": "hello", "protocol": 1, "token": t, "last_seq": None, **extra}).decode()
              for t in tokens[: p["sockets"]]]
    spy = await spy_on(spec, target)
    started_ns = time.perf_counter_ns()
    started = time.perf_counter()

    async def welcome_of(ws: Any, hello: str) -> int:
        await ws.send(hello)
        raw = await asyncio.wait_for(ws.recv(decode=False), 300)
        return len(raw) if raw.startswith(b'{"type":"welcome"') else 0

    sizes = await asyncio.gather(*(welcome_of(ws, h) for ws, h in zip(sockets, hellos, strict=True)))
    storm_s = time.perf_counter() - started
    await spy.stop()
    await asyncio.sleep(1.0)
    # The notes sent from the storm's first hello to a second after its last welcome.
    ended_ns = started_ns + int((storm_s + 1.0) * 1e9)
    timed = await other.stop()
    during = [lat for sent, lat in timed["stamps"] if started_ns <= sent <= ended_ns]
    pinged = [lat for sent, lat in timed["pings"] if started_ns <= sent <= ended_ns]
    for ws in [*sockets, *stuck, fac]:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 2)
            ws.transport.abort()
    sampling = False
    for task in [fac_drain, *([sampler] if sampler else [])]:
        task.cancel()
    after = None
    if atelier:
        await asyncio.sleep(p.get("settle_s", 15))
        after = rss_kib(target.pid)
    rss.update(peak=max(peak) if atelier else None, after=after)
    return {
        "params": p,
        "welcome_bytes": welcome_bytes,
        "welcomed": len(sizes),
        "storm_s": round(storm_s, 3),
        "other_latency_ms": percentiles(during),
        "other_ping_ms": percentiles(pinged),
        "rss_kib": rss,
        "errors": sum(1 for size in sizes if not size),
    }


class Child:
    """A part of a scenario in a child process (`python -m tests.bench.floods` with its own
    scenario): its event loop is not this one's. It says "ready" once its sockets are open, goes on
    until it reads "stop", then leaves what it measured."""

    def __init__(self, proc: asyncio.subprocess.Process, out: Path) -> None:
        self.proc, self.out = proc, out

    @classmethod
    async def start(cls, spec: dict[str, Any], scenario: str, nice: int = 0, **extra: Any) -> Child:
        folder = Path(tempfile.mkdtemp(prefix=f"atelier-{scenario}-"))
        child = {**spec, "scenario": scenario, scenario: extra}
        child.pop("profile", None)
        (folder / "spec.json").write_bytes(orjson.dumps(child))
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.bench.floods", str(folder / "spec.json"), str(folder / "out.json"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            preexec_fn=(lambda: os.nice(nice)) if nice else None,
        )
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 120)
        assert line.strip() == b"ready", line
        return cls(proc, folder / "out.json")

    async def stop(self) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"stop\n")
        await self.proc.stdin.drain()
        await asyncio.wait_for(self.proc.wait(), 60)
        return orjson.loads(self.out.read_bytes())


async def until_stopped() -> None:
    """In a child: say it is ready, then wait for its parent's "stop"."""
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)


async def reader(spec: dict[str, Any]) -> dict[str, Any]:
    """One participant reading the stamped notes, alone in its process."""
    mine = spec["reader"]
    ws, _ = await open_socket(Target(spec), mine["code"], mine["token"])
    stamps = Stamps()
    stamps.read(ws)
    await until_stopped()
    with contextlib.suppress(Exception):
        await asyncio.wait_for(ws.close(), 5)
    if stamps.task:
        stamps.task.cancel()
    return {"stamps": list(zip(stamps.sent, stamps.latencies, strict=True))}


async def flooder(spec: dict[str, Any]) -> dict[str, Any]:
    """One participant's sockets writing pings, invalid frames and a resent command as fast as TCP
    lets them, from a process of their own (in the bystander's, they would take its loop)."""
    mine = spec["flooder"]
    target = Target(spec)
    frames = 0
    stop = asyncio.Event()

    async def flood_one(ws: Any) -> None:
        nonlocal frames
        junk = ['{"type": "ping"}', "not json", orjson.dumps({"type": "cmd", "cid": "x", "name": "note.add",
                                                               "args": {"text": "flood"}}).decode()]
        with contextlib.suppress(websockets.ConnectionClosed):
            while not stop.is_set():
                for frame in junk:
                    await ws.send(frame)  # waits when TCP pushes back: that is the point
                    frames += 1

    sockets = [(await open_socket(target, mine["code"], mine["token"]))[0] for _ in range(FLOOD_SOCKETS)]
    tasks = [asyncio.create_task(flood_one(ws)) for ws in sockets]
    tasks += [asyncio.create_task(drain(ws)) for ws in sockets]
    started = time.monotonic()
    await until_stopped()
    elapsed = time.monotonic() - started
    stop.set()
    for ws in sockets:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 5)
    for task in tasks:
        task.cancel()
    return {"frames": frames, "seconds": elapsed}


async def other_workshop(spec: dict[str, Any]) -> dict[str, Any]:
    p, mine = spec["params"], spec["other"]
    target = Target(spec)
    ofac, _ = await open_socket(target, mine["code"], mine["fac"])
    if target.kind == "atelier":
        await command(ofac, "phase.set", {"phase": "inspiration"})
    others = [await open_socket(target, mine["code"], t) for t in mine["tokens"][1:]]
    # One participant pings 20 times a second: the server's own loop, without a commit in the way.
    pings: list[tuple[int, int]] = []
    drains = [asyncio.create_task(pinger(ws, pings)) for ws, _ in others[:1]]
    drains += [asyncio.create_task(drain(ws)) for ws, _ in others[1:]] + [asyncio.create_task(drain(ofac))]
    reader, _ = await open_socket(target, mine["code"], mine["tokens"][0])
    stamps = Stamps()
    stamps.read(reader)
    sender = asyncio.create_task(stamped_sender(ofac, p["other_rate"], time.monotonic() + 3600))
    await until_stopped()
    sender.cancel()
    for ws in [ofac, reader, *(w for w, _ in others)]:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(ws.close(), 2)
    for task in [*drains, *([stamps.task] if stamps.task else [])]:
        task.cancel()
    return {"stamps": list(zip(stamps.sent, stamps.latencies, strict=True)), "pings": pings}


async def pinger(ws: Any, pings: list[tuple[int, int]]) -> None:
    """(send time, round trip) of pings sent 20 times a second, answered in order."""
    sent: collections.deque[int] = collections.deque()

    async def send() -> None:
        while True:
            sent.append(time.perf_counter_ns())
            await ws.send('{"type": "ping"}')
            await asyncio.sleep(0.05)

    task = asyncio.create_task(send())
    try:
        with contextlib.suppress(websockets.ConnectionClosed):
            async for raw in ws:
                if raw.startswith('{"type":"pong"') and sent:
                    at = sent.popleft()
                    pings.append((at, time.perf_counter_ns() - at))
    finally:
        task.cancel()


async def amain(spec: dict[str, Any]) -> dict[str, Any]:
    raise_nofile()
    run = {"flood": flood, "storm": storm, "other": other_workshop, "flooder": flooder,
           "reader": reader}[spec["scenario"]]
    return await asyncio.wait_for(run(spec), spec.get("deadline_s", 870))


def main() -> None:
    spec = orjson.loads(Path(sys.argv[1]).read_bytes())
    result = event_loop_runner()(amain(spec))
    Path(sys.argv[2]).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
