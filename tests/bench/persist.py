"""Persistence throughput in-process: events appended per second through BoardService + EventStore
on SQLite (or any DATABASE_URL), under many concurrent commands on many boards.

Run by tests/bench/run.py as `python -m tests.bench.persist SPEC.json OUT.json`. No socket is
involved: this is the command pipeline (decide, group commit, fold, publish to the in-memory broker,
snapshots) as the socket endpoint calls it, so its figure bounds what one process can accept.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson
import psutil

from atelier.broker.memory import MemoryBroker
from atelier.clock import SystemClock
from atelier.domain import Command
from atelier.service import BoardService
from atelier.settings import async_database_url
from atelier.store import EventStore
from atelier.store.db import make_engine
from atelier.store.migrate import migrate

from .loadgen import MAX_WINDOW_S, NOTE_FILLER, event_loop_runner, percentiles

MAX_BOARDS = 1000
MAX_CONCURRENCY = 5000


async def bench(boards: int, per_board: int, concurrency: int, duration: float, url: str) -> dict[str, Any]:
    boards, concurrency = min(boards, MAX_BOARDS), min(concurrency, MAX_CONCURRENCY)
    duration = min(duration, MAX_WINDOW_S)
    await asyncio.to_thread(migrate, url)
    store = EventStore(make_engine(url))
    service = BoardService(store, MemoryBroker(), SystemClock())
    service.start()
    try:
        t0 = time.monotonic()
        actors: list[tuple[str, str, str]] = []  # (board, participant, their note)
        for b in range(boards):
            created = await service.create_board(title=f"Bench {b}", language="fr")
            await service.execute(
                created.board_id, created.participant_id, Command("phase.set", {"phase": "divergence"})
            )

            async def join(board_id: str, i: int) -> tuple[str, str, str]:
                pid, _ = await service.join(board_id=board_id, name=f"P{i}", organisation=None)
                await service.execute(board_id, pid, Command("note.add", {"text": NOTE_FILLER}))
                rt = await service.runtime(board_id)
                note = next(n for n in rt.state.notes.values() if n.author == pid)
                return board_id, pid, note.id

            actors += await asyncio.gather(*(join(created.board_id, i) for i in range(per_board)))
        setup_s = time.monotonic() - t0

        latencies: list[int] = []
        errors: dict[str, int] = {}
        done = 0
        me = psutil.Process()
        load_before = os.getloadavg()[0]  # the machine is shared: a figure means little without it
        cpu0 = sum(me.cpu_times()[:2])
        start = time.monotonic()
        until = start + duration

        async def worker(w: int) -> None:
            nonlocal done
            board_id, pid, note = actors[w % len(actors)]
            k = 0
            while time.monotonic() < until:
                k += 1
                if k % 2:
                    cmd = Command("note.edit", {"id": note, "text": f"{k} {NOTE_FILLER}"})
                else:
                    cmd = Command("note.move", {"id": note, "x": float(k % 3000), "y": float(w % 2000)})
                t = time.monotonic_ns()
                try:
                    await service.execute(board_id, pid, cmd, cid=f"w{w}-{k}")
                except Exception as exc:  # counted, never fatal: the figure must say what failed
                    code = getattr(exc, "code", type(exc).__name__)
                    errors[code] = errors.get(code, 0) + 1
                    continue
                latencies.append(time.monotonic_ns() - t)
                done += 1

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
        elapsed = time.monotonic() - start
        cpu = (sum(me.cpu_times()[:2]) - cpu0) / elapsed * 100
        return {
            "scenario": "persist",
            "target": "atelier",
            "database": url.split(":", 1)[0],
            "params": {"boards": boards, "per_board": per_board, "concurrency": concurrency, "duration": duration},
            "setup_s": round(setup_s, 2),
            "window_s": round(elapsed, 3),
            "commands": done,
            "events_per_s": round(done / elapsed, 1),
            "execute_ms": percentiles(latencies),
            "errors": sum(errors.values()),
            "error_codes": errors,
            "process_cpu_pct": round(cpu, 1),
            "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],  # before, after the window
        }
    finally:
        await service.close()
        await store.close()


def main() -> None:
    spec = orjson.loads(Path(sys.argv[1]).read_bytes())
    params = spec["params"]
    with tempfile.TemporaryDirectory(prefix="atelier-persist-") as tmp:
        url = async_database_url(spec.get("database_url") or f"sqlite:///{tmp}/atelier.db")
        result = event_loop_runner()(bench(url=url, **params))
    Path(sys.argv[2]).write_bytes(orjson.dumps(result, option=orjson.OPT_INDENT_2))


if __name__ == "__main__":
    main()
