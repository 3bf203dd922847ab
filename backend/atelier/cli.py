"""`atelier serve`, `atelier migrate`: the command line."""

from __future__ import annotations

import argparse
import logging
import sys

from .settings import Settings, get_settings


def _serve(settings: Settings, host: str, port: int, workers: int) -> int:
    import uvicorn

    from .store.migrate import migrate

    # Each worker is a process with its own in-memory broker: they would not see each other's events.
    if workers > 1 and (not settings.redis_url or settings.redis_url.startswith("memory://")):
        print(
            "atelier: several workers need a shared broker: set REDIS_URL (e.g. redis://localhost:6379/0)"
            " and a shared database (DATABASE_URL=postgresql://…), or run one worker.",
            file=sys.stderr,
        )
        return 2
    if workers > 1 and settings.resolved_database_url().startswith("sqlite"):
        print("atelier: several workers need PostgreSQL: set DATABASE_URL=postgresql://…", file=sys.stderr)
        return 2
    migrate(settings.resolved_database_url())
    shown = "localhost" if host in ("0.0.0.0", "127.0.0.1", "::") else host
    print(f"Atelier is running: open http://{shown}:{port}/", flush=True)
    from .listener import GuardedH11Protocol, GuardedWebSocketProtocol

    uvicorn.run(
        "atelier.main:app",
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level,
        # h11 with a header timeout and a cap per address (listener.py); HTTP is not the hot path.
        http=GuardedH11Protocol,
        # websockets-sansio: hub.py writes fan-out frames straight to its transports (wire.py)
        ws=GuardedWebSocketProtocol,
        timeout_keep_alive=settings.keep_alive_seconds,
        h11_max_incomplete_event_size=settings.max_header_bytes,
        # One setting says whose X-Forwarded-For is believed, for uvicorn's `client` and for ours.
        forwarded_allow_ips=settings.trusted_proxies,
        ws_per_message_deflate=settings.ws_per_message_deflate,
        ws_max_size=1024 * 1024,  # frames over 64 KiB get a coded error; over 1 MiB the socket closes
        access_log=False,  # URLs carry room codes, never tokens; still, keep logs lean
        timeout_graceful_shutdown=10,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="atelier", description="Atelier workshop board")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the board server")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--workers", type=int, default=None)
    sub.add_parser("migrate", help="bring the database schema up to date")
    args = parser.parse_args(argv)
    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        return _serve(
            settings,
            args.host or settings.host,
            args.port or settings.port,
            args.workers or settings.workers,
        )
    if args.command == "migrate":
        from .store.migrate import migrate

        migrate(settings.resolved_database_url())
        print("Database schema is up to date.")
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())
