"""The FastAPI application: wiring of store, broker, service and hub, and the security headers."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from .api import boards, exports, health, link_qr, links, privacy, templates, throttle, ws
from .api.deps import Services
from .api.errors import HANDLERS
from .api.exports import IMPORT_PATH
from .api.guard import Guard, on_http_exception
from .api.pages import frontend_dir, pages_router
from .broker import make_broker
from .clock import Clock, OffsetClock, SystemClock
from .exports.write_html import style_hash
from .hub import Hub, RoomDeps
from .load import LoadGauge
from .retention import RetentionSweep
from .service import BoardService, channel, decode_batch
from .settings import Settings, get_settings
from .store import EventStore
from .store.credentials import CredentialCache
from .store.db import make_engine
from .store.migrate import migrate

log = logging.getLogger("atelier")

# No inline script, no third-party origin. 'self' in connect-src covers ws(s):// to the same host.
# The one inline style allowed is the printable report's own stylesheet, by its hash.
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {style_hash()}; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings | None = None, clock: Clock | None = None, *, run_migrations: bool = True) -> FastAPI:
    settings = settings or get_settings()
    clock = clock or (OffsetClock(settings.clock_offset_file) if settings.clock_offset_file else SystemClock())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        url = settings.resolved_database_url()
        if run_migrations:
            await asyncio.to_thread(migrate, url)
        store = EventStore(make_engine(url))
        if settings.alone():
            store.credentials = CredentialCache()
        broker = make_broker(settings.redis_url)
        await broker.start()
        service = BoardService(store, broker, clock, snapshot_every=settings.snapshot_every)
        service.start()

        async def events_between(board_id: str, after: int, upto: int):  # type: ignore[no-untyped-def]
            return await store.events_between(board_id=board_id, after=after, upto=upto)

        async def head(board_id: str) -> int:
            return await store.head(board_id=board_id)

        gauge = LoadGauge()
        gauge.start()
        hub = Hub(
            RoomDeps(
                broker=broker,
                events_between=events_between,
                head=head,
                channel=channel,
                decode=decode_batch,
                heartbeat_seconds=settings.heartbeat_seconds,
                pace_seconds=settings.delivery_pace_ms / 1000,
                busy=gauge.is_busy,
                observe=service.observe,
                gone=service.forget,
            ),
            max_per_key=settings.max_sockets_per_token,
            budget=lambda: ws.RateLimit(settings.rate_per_second, settings.rate_burst),
        )
        app.state.services = Services(settings=settings, boards=service, hub=hub)
        sweep = RetentionSweep(service, settings)
        sweep.start()
        # What exists now (the libraries, the app, its services) lives as long as the process: out of
        # the collector's sight, a full collection no longer walks its ~165,000 objects, a ~110 ms
        # pause that every socket of every board felt, a few times a minute under load.
        gc.freeze()
        try:
            yield
        finally:
            await sweep.stop()
            await hub.shutdown()
            await gauge.stop()
            await service.close()
            await broker.close()
            await store.close()

    app = FastAPI(
        title="Atelier",
        lifespan=lifespan,
        docs_url=None,  # its assets come from a CDN, which intranets do not have
        redoc_url=None,
        openapi_url=None,  # the API's map is docs/protocol.md; the server does not hand it to strangers
        exception_handlers={**HANDLERS, HTTPException: on_http_exception},  # type: ignore[dict-item]
    )
    # Added first, so it runs inside the security headers: its own answers get them too.
    app.add_middleware(Guard, limit=settings.max_body_bytes, limits={IMPORT_PATH: None})

    throttle.install(app, settings)  # inside the security headers: a 429 carries them too

    @app.middleware("http")
    async def security_headers(request: Request, call_next) -> Response:  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.include_router(health.router)
    app.include_router(boards.router)
    app.include_router(privacy.router)
    app.include_router(links.router)
    app.include_router(link_qr.router)
    app.include_router(exports.router)
    app.include_router(templates.router)
    app.include_router(ws.router)
    root = frontend_dir()
    app.include_router(pages_router(root))
    app.mount("/static", StaticFiles(directory=root, check_dir=False), name="static")
    return app
