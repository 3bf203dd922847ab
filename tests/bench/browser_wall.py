"""The wall in a real browser: Debian's Chromium shows the projector and a participant's wall of a board
of N notes while 20 new notes a second arrive, against a real server on loopback.

    python -m tests.bench.browser_wall [--sizes 150,500,2000] [--rate 20] [--duration 10] [--quick]
                                       [--out results.json]

For each size it reports, for each page: the time from navigation to the first frame showing the
whole wall (every card in place), frames per second while the notes arrive, long tasks (> 50 ms,
PerformanceObserver 'longtask') after that first paint, and the delay from a note's ack (at the
client that wrote it) to the first frame after its card entered the page (p50 / p95). Both clocks
are this machine's wall clock. The participant's list turns pages: before the arrivals the bench
presses its "Plus récentes" once, and then nothing: the list follows the newest notes by itself.
The participant's page is opened once the projector has painted (two screens, two machines); the
arrivals are taken with both open. Bounded: at most 5,000 notes, every wait has a deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from tests.support.chromium import ARGS as CHROMIUM_ARGS
from tests.support.chromium import CHROMIUM
from tests.support.client import create_board, join_board
from tests.support.pages import open_as
from tests.support.server import ServerProcess

ARGS = [
    *CHROMIUM_ARGS,
    # Two pages are shown at once, as on two screens: neither may be throttled as a hidden tab.
    "--disable-background-timer-throttling",
    "--disable-renderer-backgrounding",
    "--disable-backgrounding-occluded-windows",
]
# The seeding and the arrivals send faster than a person does; the defaults stay on elsewhere.
UNLIMITED = {"ATELIER_RATE_PER_SECOND": "1000000", "ATELIER_RATE_BURST": "1000000"}
MAX_NOTES = 5000
WRITERS = 12  # participants who wrote the seeded notes
TEXTS = [
    "Un bus numérique itinérant",
    "Former les agents d'accueil des mairies à repérer les personnes en difficulté",
    "Des permanences",
    "Un numéro unique, gratuit, avec une vraie personne au bout du fil, tous les jours de la semaine",
    "Prêter des tablettes configurées et simples, avec un accompagnement les premières semaines chez soi. "
    * 4,
]

# Installed before the page's own scripts: frames, long tasks, when each card first shows.
PROBE = """
(() => {
  const bench = { frames: 0, longtasks: [], appear: {}, firstPaint: null, expected: null, state: null };
  window.__bench = bench;
  // When the board's state arrives (the socket's first frame, the welcome): the wall's own cost
  // starts there, after the page's modules, catalogue and connection.
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', () => { if (bench.state === null) bench.state = performance.now(); });
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longtasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (error) { bench.noLongtask = String(error); }
  const pending = [];
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        const card = node.matches('[data-note-id]') ? node : node.querySelector?.('[data-note-id]');
        if (card) pending.push(card.dataset.noteId);
      }
    }
  }).observe(document, { childList: true, subtree: true });
  const frame = () => {
    bench.frames += 1;
    if (pending.length) {
      // The first frame after the card entered the page: it is on screen from this paint.
      const now = Date.now();
      for (const id of pending.splice(0)) if (!(id in bench.appear)) bench.appear[id] = now;
    }
    if (bench.firstPaint === null && bench.expected !== null) {
      const shown = document.querySelectorAll('.wall [data-note-id]').length;
      const line = document.querySelector('[data-testid=wall-window]');
      const windowed = line && !line.hidden && shown > 0;
      // The participant's list turns pages: its first page, whose line says it is of all the notes.
      const pages = document.querySelector('.notes-panel__pages');
      const range = pages && !pages.hidden
        && document.querySelector('[data-testid=notes-page]')?.textContent.match(/(\\d+)\\D+(\\d+)\\D+(\\d+)/);
      const paged = !!range && Number(range[3]) === bench.expected && shown === Number(range[2]) - Number(range[1]) + 1;
      if (shown === bench.expected || windowed || paged) {
        bench.firstPaint = { ms: performance.now(), shown, paged, listed: paged ? Number(range[3]) : shown };
      }
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
"""


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)


class RawClient:
    """A socket that only sends commands and reads answers: it keeps no folded state, so that a
    Python client copying a 2,000-note state per event never is what the benchmark measures."""

    def __init__(self, server: ServerProcess, code: str, token: str) -> None:
        self.url, self.code, self.token = f"{server.ws_url}/ws/{code}", code, token
        self.ws: Any = None
        self.cid = 0
        self.frames: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader: asyncio.Task[None] | None = None

    async def connect(self) -> RawClient:
        import websockets

        self.ws = await websockets.connect(self.url, max_size=2**24, ping_interval=None)
        hello = {"type": "hello", "protocol": 1, "token": self.token, "last_seq": None}
        await self.ws.send(orjson.dumps(hello).decode())  # a text frame: the protocol refuses binary ones
        welcome = orjson.loads(await asyncio.wait_for(self.ws.recv(), 30))
        assert welcome["type"] == "welcome", welcome
        # Always read, so that the server never takes this socket for a slow reader.
        self.reader = asyncio.create_task(self._drain())
        return self

    async def _drain(self) -> None:
        import websockets

        try:
            async for raw in self.ws:
                frame = orjson.loads(raw)
                if frame["type"] in ("ack", "error") or frame.get("name") == "note.added":
                    self.frames.put_nowait(frame)
        except websockets.ConnectionClosed:
            pass

    async def send(self, name: str, args: dict[str, Any]) -> str:
        self.cid += 1
        cid = f"b{self.cid}"
        await self.ws.send(orjson.dumps({"type": "cmd", "cid": cid, "name": name, "args": args}).decode())
        return cid

    async def answers(
        self, cids: set[str], notes: bool = False
    ) -> dict[str, tuple[dict[str, Any], dict[str, Any] | None, float]]:
        """Read until every cid is answered (and, with `notes`, its note.added event has come):
        {cid: (answer, its note.added event, the ack's wall time)}."""
        acks: dict[str, tuple[dict[str, Any], float]] = {}
        events: dict[int, dict[str, Any]] = {}
        while len(acks) < len(cids) or (notes and any(a["seq"] not in events for a, _ in acks.values())):
            frame = await asyncio.wait_for(self.frames.get(), 60)
            if frame["type"] in ("ack", "error") and frame.get("cid") in cids:
                acks[frame["cid"]] = (frame, time.time() * 1000)
                assert frame["type"] == "ack", frame
            elif frame["type"] == "event" and frame["name"] == "note.added":
                events[frame["seq"]] = frame
        return {cid: (answer, events.get(answer["seq"]), at) for cid, (answer, at) in acks.items()}

    async def ok(self, name: str, args: dict[str, Any]) -> None:
        cid = await self.send(name, args)
        await self.answers({cid})

    async def close(self) -> None:
        await self.ws.close()
        if self.reader:
            await self.reader


async def _seed(server: ServerProcess, notes: int) -> dict[str, Any]:
    """A board in inspiration with `notes` notes of mixed lengths from WRITERS participants."""
    board = await create_board(server.url, "Banc d'essai du mur")
    code = board["code"]
    fac = await RawClient(server, code, board["facilitator_token"]).connect()
    await fac.ok("phase.set", {"phase": "inspiration"})
    await fac.ok("question.set", {"text": "Comment aller vers les habitants qui ne viennent jamais ?"})
    joined = [await join_board(server.url, code, f"Personne {i + 1}") for i in range(WRITERS)]
    writers = [await RawClient(server, code, j["token"]).connect() for j in joined]

    async def write(index: int, client: RawClient) -> None:
        # Pipelined in batches: the seeding is not what is measured.
        mine = list(range(index, notes, len(writers)))
        for start in range(0, len(mine), 50):
            cids = set()
            for k in mine[start:start + 50]:
                text = f"{TEXTS[k % len(TEXTS)][:500 - 8]} #{k}"
                color = ["yellow", "pink", "blue", "green"][k % 4]
                cids.add(await client.send("note.add", {"text": text, "color": color}))
            await client.answers(cids)

    await asyncio.gather(*(write(i, c) for i, c in enumerate(writers)))
    return {"board": board, "code": code, "fac": fac, "writers": writers, "joined": joined}


async def _open(browser: Any, url: str, code: str, credential: dict[str, str], width: int, height: int,
                expected: int) -> Any:
    page = await open_as(browser, url, code, credential, width, height, PROBE, f"window.__bench.expected = {expected};")
    return page, page.errors


async def _follow_newest(page: Any) -> bool:
    """Press "Plus récentes" when the list is paged, wait for a frame; whether it now shows the newest
    notes (False when all fit on one page: nothing to press, and they are all in view)."""
    newest = page.get_by_test_id("notes-newest")
    if not await newest.is_visible():
        return False
    if await newest.get_attribute("aria-disabled") != "true":
        await newest.click()
    await page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    line = await page.get_by_test_id("notes-page").text_content() or ""
    numbers = [int(n) for n in re.findall(r"\d+", line)]
    assert len(numbers) == 3 and numbers[1] == numbers[2], f"not on the newest notes: {line!r}"
    return True


async def _run_size(browser: Any, server: ServerProcess, notes: int, rate: float, duration: float) -> dict[str, Any]:
    seeded = await _seed(server, notes)
    code, board = seeded["code"], seeded["board"]
    me = seeded["joined"][0]
    # Each page is opened once the one before has painted its wall: in a room they are two screens
    # on two machines, and one's loading would otherwise be counted in the other's first paint. The
    # arrivals below are taken with both open at once.
    pages: dict[str, tuple[Any, list[str]]] = {}
    for name, path, who, size in (
        ("projector", "/projector", board, (1920, 1080)),
        ("participant", "", me, (1366, 768)),
    ):
        role = "facilitator" if who is board else "participant"
        token = who.get("facilitator_token") or who["token"]
        credential = {"token": token, "participant_id": who["participant_id"], "role": role}
        pages[name] = await _open(browser, f"{server.url}/b/{code}{path}", code, credential, *size, notes)
        await pages[name][0].wait_for_function("() => window.__bench.firstPaint !== null", timeout=120_000, polling=100)
    result: dict[str, Any] = {"notes": notes, "pages": {}}
    # The arrivals: one participant writes at `rate` notes a second; the ack's time is kept per note.
    sender = seeded["writers"][-1]
    # Only the sender and the pages listen now: the other writers' sockets would load this machine.
    for client in seeded["writers"][:-1]:
        await client.close()
    # The participant reads the newest notes, as one following the room would: one press of the
    # list's "Plus récentes" before the arrivals, then no click at all; the follow mode of the list
    # must bring each new note into view.
    result["participant_follows"] = await _follow_newest(pages["participant"][0])
    acks: dict[str, float] = {}
    committed: dict[str, float] = {}
    starts = {name: await page.evaluate("() => [window.__bench.frames, performance.now()]")
              for name, (page, _) in pages.items()}
    count = max(1, int(rate * duration))
    began = time.monotonic()
    for k in range(count):
        target = began + k / rate
        await asyncio.sleep(max(0.0, target - time.monotonic()))
        text = f"Nouvelle idée {k} : {TEXTS[k % len(TEXTS)][:400]}"
        cid = await sender.send("note.add", {"text": text})
        _, event, acked = (await sender.answers({cid}, notes=True))[cid]
        assert event is not None
        note = event["data"]["note"]
        acks[note["id"]] = acked
        committed[note["id"]] = float(note["created_ms"])
    # Let the last ones land before reading the pages.
    await asyncio.sleep(1.0)
    for name, (page, errors) in pages.items():
        frames0, t0 = starts[name]
        probe = await page.evaluate(
            "() => ({ frames: window.__bench.frames, now: performance.now(), longtasks: window.__bench.longtasks,"
            " appear: window.__bench.appear, firstPaint: window.__bench.firstPaint, state: window.__bench.state,"
            " noLongtask: window.__bench.noLongtask ?? null })"
        )
        first = probe["firstPaint"]
        after = [t["duration"] for t in probe["longtasks"] if t["start"] >= first["ms"]]
        during = [t["duration"] for t in probe["longtasks"] if t["start"] >= t0]
        # From the commit (the note's created_ms, stamped by the server just before its ack leaves)
        # and from the ack as the writer's asyncio loop saw it (late when that loop is busy).
        from_commit = [probe["appear"][i] - at for i, at in committed.items() if i in probe["appear"]]
        from_ack = [probe["appear"][i] - at for i, at in acks.items() if i in probe["appear"]]
        result["pages"][name] = {
            "first_paint_ms": round(first["ms"], 1),
            "first_paint_from_state_ms": round(first["ms"] - probe["state"], 1) if probe["state"] else None,
            "cards_at_first_paint": first["shown"],
            # A paged list paints one page of cards; its line says how many notes it lists in all.
            "paged_at_first_paint": bool(first.get("paged")),
            "notes_listed_at_first_paint": first.get("listed", first["shown"]),
            "fps": round((probe["frames"] - frames0) / ((probe["now"] - t0) / 1000), 1),
            "long_tasks_after_first_paint": len(after),
            "long_tasks_over_100ms_after_first_paint": sum(1 for d in after if d > 100),
            "longest_task_after_first_paint_ms": round(max(after), 1) if after else 0,
            "long_tasks_during_arrivals": len(during),
            "longest_task_during_arrivals_ms": round(max(during), 1) if during else 0,
            "long_tasks_api": probe["noLongtask"] is None,
            "arrived": len(acks),
            "seen": len(from_commit),
            "delay_ms": {"p50": percentile(from_commit, 0.5), "p95": percentile(from_commit, 0.95),
                         "max": round(max(from_commit), 1) if from_commit else None},
            "delay_from_ack_seen_by_writer_ms": {"p50": percentile(from_ack, 0.5), "p95": percentile(from_ack, 0.95)},
            "page_errors": errors,
        }
    for page, _ in pages.values():
        await page.context.close()
    await seeded["fac"].close()
    await sender.close()
    return result


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    sizes = [min(MAX_NOTES, int(s)) for s in args.sizes.split(",")]
    data = Path(tempfile.mkdtemp(prefix="atelier-wall-bench-"))
    server = ServerProcess(data / "data", env=UNLIMITED).start()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": {"nproc": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "params": {"sizes": sizes, "rate": args.rate, "duration": args.duration,
                   "projector": "1920x1080", "participant": "1366x768"},
        "results": {},
    }
    try:
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            report["browser"] = browser.version
            try:
                for size in sizes:
                    report["results"][str(size)] = await asyncio.wait_for(
                        _run_size(browser, server, size, args.rate, args.duration), timeout=600
                    )
            finally:
                await browser.close()
    finally:
        server.stop()
        shutil.rmtree(data, ignore_errors=True)
    return report


def _print(report: dict[str, Any]) -> None:
    print(f"wall in Chromium {report.get('browser', '?')}, {report['params']['rate']} notes/s for "
          f"{report['params']['duration']} s, {report['machine']['nproc']} cores")
    print(f"{'notes':>6} {'page':<12} {'1st paint':>10} {'(state)':>8} {'fps':>6} {'long':>5} {'>100':>5} "
          f"{'longest':>8} {'delay p50':>10} {'p95':>7} {'seen':>9}")
    for size, result in report["results"].items():
        for name, p in result["pages"].items():
            print(f"{size:>6} {name:<12} {p['first_paint_ms']:>7} ms {p['first_paint_from_state_ms']!s:>8} "
                  f"{p['fps']:>6} {p['long_tasks_after_first_paint']:>5} "
                  f"{p['long_tasks_over_100ms_after_first_paint']:>5} {p['longest_task_after_first_paint_ms']:>5} ms "
                  f"{p['delay_ms']['p50']!s:>7} ms {p['delay_ms']['p95']!s:>7} {p['seen']:>4}/{p['arrived']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="150,500,2000")
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--quick", action="store_true", help="tiny scale, to check the harness")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.rate, args.duration = "12,40", 10.0, 1.5
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        print(f"Chromium is missing at {CHROMIUM}", file=sys.stderr)
        return 2
    report = asyncio.run(main_async(args))
    _print(report)
    if args.out:
        args.out.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
