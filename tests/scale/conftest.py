"""Scale-out fixtures: several real `atelier serve` processes on one PostgreSQL and one Redis, and
throwaway Redis / PostgreSQL servers that a test may stop and start again."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from glob import glob
from pathlib import Path

import pytest

from tests.conftest import IN_CI, need_service
from tests.support.server import ServerProcess, free_port

# Fast beats, so that repairs and presence expiry happen within a test's patience.
FAST = {"ATELIER_HEARTBEAT_SECONDS": "1", "ATELIER_RATE_BURST": "500", "ATELIER_RATE_PER_SECOND": "500"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/scale/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.scale)


ServerFactory = Callable[..., ServerProcess]


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[ServerFactory]:
    """Start `atelier serve` processes with the given environment; all are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str], name: str = "node") -> ServerProcess:
        proc = ServerProcess(tmp_path / f"{name}{len(started)}", env={**FAST, **env})
        started.append(proc)
        return proc.start()

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def scale_env(pg_url: str, redis_url: str) -> dict[str, str]:
    return {"DATABASE_URL": pg_url, "REDIS_URL": redis_url}


@pytest.fixture
def cluster(servers: ServerFactory, scale_env: dict[str, str]) -> tuple[ServerProcess, ServerProcess]:
    """Two identical processes on one PostgreSQL and one Redis: the scale-out shape without Docker."""
    return servers(scale_env, "a"), servers(scale_env, "b")


class OwnRedis:
    """A redis-server of this test's own, on a port of its own, that the test may kill and start again
    (the machine's shared Redis is never touched)."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> OwnRedis:
        self.workdir.mkdir(parents=True, exist_ok=True)
        log = (self.workdir / "redis.log").open("ab")
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(self.workdir)],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        _wait_port(self.port, self.proc)
        return self

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)


def _wait_port(port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        if IN_CI:
            pytest.fail("redis-server is not installed (CI=true requires it)")
        pytest.skip("redis-server is not installed")
    server = OwnRedis(tmp_path / "redis").start()
    try:
        yield server
    finally:
        server.kill()


class OwnPostgres:
    """A throwaway PostgreSQL cluster (initdb in a temp dir, run by the `postgres` user since initdb
    refuses root) that a test may stop and start again; the machine's PostgreSQL is never touched."""

    def __init__(self) -> None:
        bins = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        if not bins:
            raise FileNotFoundError("pg_ctl")
        self.bin = Path(bins[-1]).parent
        self.port = free_port()
        # Not under pytest's tmp dir: that one is private to root, and the server runs as postgres.
        self.root = Path(tempfile.mkdtemp(prefix="atelier-pg-"))
        self.data = self.root / "data"
        self.user = None if os.geteuid() != 0 else "postgres"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)

    def init(self) -> OwnPostgres:
        self.root.chmod(0o755)
        if self.user:
            shutil.chown(self.root, self.user, self.user)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        return self

    def start(self) -> OwnPostgres:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "pg.log"), "-w", "start")
        _wait_port(self.port)
        return self

    def stop(self) -> None:
        # fast: open transactions are rolled back and clients are cut off, as in an outage.
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def own_postgres() -> Iterator[OwnPostgres]:
    try:
        server = OwnPostgres().init().start()
    except (FileNotFoundError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        text = f"cannot run a throwaway PostgreSQL: {exc} {detail.decode(errors='replace')}"
        if IN_CI:
            pytest.fail(text)
        pytest.skip(text)
    try:
        yield server
    finally:
        server.cleanup()


@pytest.fixture(params=["sqlite-memory", "postgres-redis"])
def shape_env(request: pytest.FixtureRequest) -> dict[str, str]:
    """Both shapes of the same code: the embedded default and the scale-out one."""
    if request.param == "sqlite-memory":
        return {"DATABASE_URL": "", "REDIS_URL": ""}  # whatever the caller's environment says
    need_service("PostgreSQL", "127.0.0.1", 5432)
    need_service("Redis", "127.0.0.1", 6379)
    return {
        "DATABASE_URL": request.getfixturevalue("pg_url"),
        "REDIS_URL": request.getfixturevalue("redis_url"),
    }


@pytest.fixture
def shaped_server(servers: ServerFactory, shape_env: dict[str, str]) -> ServerProcess:
    return servers(shape_env, "shape")
