"""create_app(settings): the ASGI application, its routes and its lifespan."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from hub.graphql.audience import DocumentPolicy
from hub.graphql.schema import build_schema
from hub.http.audit_head import audit_head
from hub.http.body_limit import BodyLimitMiddleware
from hub.http.exports import export_routes
from hub.http.graphql_cache import GraphQLReadCache
from hub.http.graphql_view import HubGraphQL
from hub.http.health import healthz, readyz
from hub.http.memory_release import freeze_startup_objects
from hub.http.metrics_endpoint import metrics
from hub.http.metrics_sampler import sample_forever
from hub.http.persisted_queries import PersistedQueries
from hub.http.read_cache import ReadCache
from hub.http.request_observer import RequestObserver
from hub.limits.limiter import RateLimiter, storage_for
from hub.limits.sockets import SocketCaps
from hub.limits.table import build_table
from hub.live.hub import LiveHub
from hub.memory_trace import start_tracing
from hub.observability.tracing import start_tracing as start_otel
from hub.search.segment import warm_up
from hub.search.setup import search_service
from hub.services.client_identity import client_identity
from hub.services.passwords import HashingPool
from hub.services.taxonomy import TaxonomyCache
from hub.settings import Settings
from hub.store.data_version import DataVersion
from hub.store.db import Database
from hub.store.migrate import migrate_database
from hub.web.page_cache import PageCache
from hub.web.pages import web_routes

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "http" / "static"


# Background work run inside the server process for the lifespan (the embedded default).
Background = Callable[[Database, asyncio.Event], Coroutine[Any, Any, None]]


def create_app(
    settings: Settings, *, run_migrations: bool = True, background: Background | None = None
) -> Starlette:
    """The hub as an ASGI app; `settings.database_url` must be set (see hub.embedded)."""
    dsn = settings.dsn()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Off unless HUB_TRACEMALLOC asks for it: snapshots on SIGUSR2 for bench/live_memory.py.
        stop_tracing = (
            start_tracing(settings.tracemalloc_frames, settings.tracemalloc_dir)
            if settings.tracemalloc_frames
            else None
        )
        db = await Database.connect(
            dsn, min_size=settings.db_pool_min, max_size=settings.db_pool_max
        )
        # Rate limits (hub/limits): counted in Redis when there is one, so that every process
        # of `hub serve --workers N` (and every host) shares them; in this process otherwise.
        limiter = RateLimiter(
            build_table(settings.rate_limit_scale, settings.rate_limit_overrides),
            storage_for(settings.redis_url),
        )
        hashing = HashingPool(
            settings.password_hash_concurrency, settings.password_hash_wait_seconds
        )
        try:
            if run_migrations:
                applied = await migrate_database(settings.migrate_dsn())
                if applied:
                    log.info("applied migrations: %s", ", ".join(applied))
            app.state.db = db
            app.state.settings = settings
            app.state.identity = await client_identity(db, settings)
            app.state.limiter = limiter
            app.state.hashing = hashing
            app.state.sockets = SocketCaps(
                settings.live_max_sockets_per_client, settings.live_max_sockets
            )
            app.state.taxonomy = TaxonomyCache(db)
            app.state.search = search = search_service(db, settings)
            await search.check_at_startup()
            # jieba's dictionary takes a second or two to load: not on the first search.
            asyncio.get_running_loop().run_in_executor(None, warm_up)
            app.state.live = live = await LiveHub.open(settings)
            stop = asyncio.Event()
            task = None
            listener = asyncio.create_task(
                read_cache.version.listen(db, stop), name="read-cache-version"
            )
            sampler = (
                asyncio.create_task(sample_forever(app.state, stop), name="metrics-sampler")
                if settings.metrics_token
                else None
            )
            try:
                await live.start()
                if background is not None:
                    log.info("background jobs run in this process")
                    task = asyncio.create_task(background(db, stop), name="background-jobs")
                freeze_startup_objects()
                yield
            finally:
                stop.set()
                if task is not None:
                    await task
                await listener
                if sampler is not None:
                    await sampler
                await live.close_connections("server shutting down")
                await live.stop()
                await search.aclose()
        finally:
            hashing.close()
            await limiter.aclose()
            await db.close()
            if stop_tracing is not None:
                stop_tracing()

    graphql_schema = build_schema(settings)
    graphql = HubGraphQL(graphql_schema, settings)
    # The read cache (hub/http/read_cache.py): one per process, its version moved by the
    # database's notifications (the lifespan's listener) and by this process's mutations.
    read_cache = ReadCache(
        DataVersion(), settings.read_cache_bytes, float(settings.read_cache_seconds)
    )
    persisted = PersistedQueries()
    static = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1024)
    routes = [
        Mount("/static", app=static, name="static"),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/audit/head", audit_head),
        Route("/metrics", metrics),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        *export_routes(),
        # Last: the pages own every other path ("/needs", "/entries/...").
        *web_routes(),
    ]
    # Spans per request when HUB_OTEL_ENDPOINT is set and the otel extra is installed.
    spans: list[Middleware] = []
    if settings.otel_endpoint and start_otel(settings.otel_endpoint):
        from hub.http.request_spans import RequestSpans

        spans.append(Middleware(RequestSpans))
    application = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[
            # Outermost: the request id is in the context of everything below, logs included.
            Middleware(
                RequestObserver,
                metrics=settings.metrics_token is not None,
                access_log=settings.log_format == "json",
            ),
            *spans,
            Middleware(
                BodyLimitMiddleware,
                max_bytes=settings.max_body_bytes,
                upload_max_bytes=settings.max_import_bytes,
                timeout_seconds=settings.http_body_timeout_seconds,
            ),
            Middleware(
                GraphQLReadCache,
                cache=read_cache,
                persisted=persisted,
                policy=DocumentPolicy(graphql_schema._schema),
                default_language=settings.default_language,
            ),
            Middleware(PageCache, cache=read_cache, secure_cookies=settings.cookie_secure),
        ],
    )
    # The pages run their GraphQL documents through the same view (and so the same context).
    application.state.graphql = graphql
    application.state.read_cache = read_cache
    application.state.data_version = read_cache.version
    application.state.persisted_queries = persisted
    return application
