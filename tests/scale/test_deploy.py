"""The deployment around the processes: docker-compose.yml and its proxy config checked as data (no
Docker engine here; the same topology runs for real in the other scale tests), the CLI's refusal of
several workers without a shared broker, and migrations on PostgreSQL."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
import yaml
from alembic.script import ScriptDirectory

from atelier.settings import async_database_url
from atelier.store.migrate import alembic_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def _depends(service: dict) -> dict[str, str]:
    return {name: spec["condition"] for name, spec in service.get("depends_on", {}).items()}


def _apps(compose: dict) -> dict[str, dict]:
    return {
        name: s for name, s in compose["services"].items() if s.get("command", [])[:2] == ["atelier", "serve"]
    }


def test_compose_runs_two_replicas_on_postgres_and_redis(compose):
    apps = _apps(compose)
    assert len(apps) >= 2
    for service in apps.values():
        env = service["environment"]
        assert env["DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env["DATABASE_URL"]
        assert env["REDIS_URL"].startswith("redis://redis:")
        assert env["ATELIER_HOST"] == "0.0.0.0"
        assert "ports" not in service  # reachable only through the proxy
        assert _depends(service) == {
            "migrate": "service_completed_successfully",
            "postgres": "service_healthy",
            "redis": "service_healthy",
        }
        assert "/readyz" in " ".join(service["healthcheck"]["test"])
    # Identical replicas: the same image, command and settings.
    first, *others = apps.values()
    assert all(other == first for other in others)


def test_compose_services_have_healthchecks_and_the_database_a_volume(compose):
    services = compose["services"]
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    volume = services["postgres"]["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in compose["volumes"]


def test_compose_migrates_once_before_the_replicas_start(compose):
    migrate = compose["services"]["migrate"]
    assert migrate["command"] == ["atelier", "migrate"]
    assert _depends(migrate) == {"postgres": "service_healthy"}
    assert migrate["restart"] == "no"
    app_env = next(iter(_apps(compose).values()))["environment"]
    assert migrate["environment"]["DATABASE_URL"] == app_env["DATABASE_URL"]


def test_proxy_upgrades_websockets_to_every_replica(compose):
    proxy = compose["services"]["proxy"]
    source, target = proxy["volumes"][0].split(":")[:2]
    config = (ROOT / source).read_text()
    assert target.startswith("/etc/nginx/")
    assert re.search(r"proxy_set_header\s+Upgrade\s+\$http_upgrade;", config)
    assert re.search(r"proxy_set_header\s+Connection\s+\$connection_upgrade;", config)
    assert re.search(r"map\s+\$http_upgrade\s+\$connection_upgrade", config)
    assert "proxy_http_version 1.1;" in config
    assert re.search(r"proxy_set_header\s+Host\s+\$http_host;", config)  # the Origin check needs the port
    upstreams = set(re.findall(r"^\s*server\s+([\w-]+):8000", config, flags=re.M))
    assert upstreams == set(_apps(compose))
    assert set(_depends(proxy)) == set(_apps(compose))


def test_proxy_sends_each_board_to_one_replica(compose):
    """A board's socket, API and pages hash to the same replica on its code (nginx's map regexes are
    PCRE; Python's `re` reads them once `(?<name>` is spelled `(?P<name>`)."""
    source = compose["services"]["proxy"]["volumes"][0].split(":")[0]
    config = (ROOT / source).read_text()
    block = re.search(r"map\s+\$uri\s+\$(\w+)\s*\{(.*?)\}", config, flags=re.S)
    assert block, "a map from the path to the board"
    variable, body = block.groups()
    upstream = re.search(r"upstream\s+atelier\s*\{(.*?)\}", config, flags=re.S)
    assert upstream and re.search(rf"^\s*hash\s+\${variable}\s+consistent;", upstream.group(1), flags=re.M)
    rules = re.findall(r"^\s*~(\S+)\s+\$(\w+);", body, flags=re.M)

    def board_of(path: str) -> str | None:
        for pattern, name in rules:
            found = re.match(pattern.replace("(?<", "(?P<"), path)
            if found:
                return found.group(name)
        return None

    code = "K7M2QX"
    for path in (f"/ws/{code}", f"/api/boards/{code}/join", f"/api/boards/{code}/export/board.json", f"/b/{code}"):
        assert board_of(path) == code, path
    assert board_of("/api/boards") is None  # creating a board is not about one yet
    assert re.search(r"^\s*default\s+\$request_id;", body, flags=re.M)


def test_dockerfile_builds_a_non_root_server_image():
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1\d", text, flags=re.M)
    assert re.search(r"^USER (?!root)\w+", text, flags=re.M)
    assert re.search(r'^CMD \["atelier", "serve"\]', text, flags=re.M)
    assert "EXPOSE 8000" in text and "ATELIER_HOST=0.0.0.0" in text
    for copied in re.findall(r"^COPY (\S+)", text, flags=re.M):
        assert (ROOT / copied).exists(), copied


def _cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    return subprocess.run(
        [sys.executable, "-m", "atelier.cli", *args],
        env={**clean, "ATELIER_DATA_DIR": str(cwd / "data"), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("redis_url", [None, "memory://"])
def test_several_workers_with_the_in_memory_broker_are_refused(tmp_path, redis_url):
    env = {"REDIS_URL": redis_url} if redis_url else {}
    done = _cli("serve", "--workers", "2", "--port", "1", env=env, cwd=tmp_path)
    assert done.returncode == 2
    assert "REDIS_URL" in done.stderr and "one worker" in done.stderr
    assert not (tmp_path / "data" / "atelier.db").exists()  # refused before touching anything


def test_several_workers_on_sqlite_are_refused(tmp_path):
    done = _cli("serve", "--workers", "2", "--port", "1", env={"REDIS_URL": "redis://127.0.0.1:1/0"}, cwd=tmp_path)
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr


def test_migrations_run_on_postgres_even_from_two_processes_at_once(tmp_path, pg_url):
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "atelier.cli", "migrate"],
            env={**os.environ, "DATABASE_URL": pg_url},
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    for run in runs:
        output, _ = run.communicate(timeout=120)
        assert run.returncode == 0, output
    head = ScriptDirectory.from_config(alembic_config(async_database_url(pg_url))).get_current_head()

    async def inspect() -> tuple[str, set[str]]:
        conn = await asyncpg.connect(pg_url)
        try:
            version = await conn.fetchval("SELECT version_num FROM alembic_version")
            rows = await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = {r["tablename"] for r in rows}
        finally:
            await conn.close()
        return version, tables

    version, tables = asyncio.run(inspect())
    assert version == head
    assert {"board", "event", "command", "credential", "snapshot"} <= tables
