"""SQLite writes on one dedicated thread with a synchronous sqlite3 connection.

Through aiosqlite every statement of a transaction is a hop to its worker thread and back (a queue,
a future, a wake-up of the event loop), and each hop waits for the GIL behind a busy event loop: a
group commit of BEGIN, three INSERTs and COMMIT cost five such round trips. Here a whole unit of work
(usually one transaction: begin, one executemany per table, commit) is ONE hop: the event loop hands
a plain function to the thread and is woken once, when it is done.

One connection writes for the whole process, so its own writes never wait for each other on SQLite's
lock; other processes sharing the file still do, through BEGIN IMMEDIATE and the busy timeout. Reads
stay on the async engine: under WAL they run beside this writer instead of queueing behind its fsyncs.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterator
from queue import SimpleQueue
from typing import Any, TypeVar

from .db import connect_sqlite

T = TypeVar("T")

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[[sqlite3.Connection], Any]]


def _resolve(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # its caller went away; the work was done all the same
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE … COMMIT, rolled back on any error. IMMEDIATE takes the write lock up front:
    a deferred transaction that later needs it can fail with `database is locked` at once instead
    of waiting (another process holds it)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


class SqliteWriter:
    """Runs functions of a sqlite3 connection, one at a time and in submission order, on its thread."""

    def __init__(self, path: str) -> None:
        self._path = path
        self._jobs: SimpleQueue[_Job | None] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    async def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work(conn)` on the writer thread; its result or its exception (sqlite3's own errors, for
        the caller to map). The thread finishes a unit of work even if the caller is cancelled."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._ensure_thread()
        self._jobs.put((loop, future, work))
        return await future

    async def close(self) -> None:
        """Finish what was submitted, then close the connection and stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._jobs.put(None)
        await asyncio.to_thread(thread.join)

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._lock:
            if self._thread is None:
                # Daemon: a process that exits without closing the store must not hang on this thread.
                # Nothing is lost that way: a unit of work is acknowledged only after its COMMIT.
                self._thread = threading.Thread(target=self._serve, name="atelier-sqlite-writer", daemon=True)
                self._thread.start()

    def _serve(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            while (job := self._jobs.get()) is not None:
                loop, future, work = job
                result: Any = None
                error: BaseException | None = None
                try:
                    if conn is None:
                        conn = connect_sqlite(self._path)  # opened here: sqlite3 ties it to its thread
                    result = work(conn)
                except BaseException as exc:  # handed to the caller, whatever it is
                    error = exc
                    if conn is not None and conn.in_transaction:
                        # A unit of work never leaves a transaction open behind it.
                        with contextlib.suppress(sqlite3.Error):
                            conn.execute("ROLLBACK")
                with contextlib.suppress(RuntimeError):  # the caller's loop is closed: nobody waits
                    loop.call_soon_threadsafe(_resolve, future, result, error)
        finally:
            if conn is not None:
                conn.close()
