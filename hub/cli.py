"""The `hub` command: serve, migrate, demo, worker, user, audit, search, import, schema."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
from dataclasses import replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg

from hub.cli_support import ProgressBar, database, print_user_errors
from hub.embedded import EmbeddedPostgresError
from hub.observability.json_logs import configure_logging
from hub.schema_files import published_sdl
from hub.settings import Settings, SettingsError

if TYPE_CHECKING:
    from hub.domain.audit import Checkpoint

log = logging.getLogger("hub")
DISTRIBUTION = "crisis-hub"
SDL_PATH = published_sdl()


async def _migrate_and_maybe_demo(settings: Settings, demo: bool) -> None:
    from hub.demo.load import load_demo
    from hub.store.db import Database
    from hub.store.migrate import migrate_database

    applied = await migrate_database(settings.migrate_dsn())
    print(f"migrations applied: {', '.join(applied) or 'none (up to date)'}")
    db = await Database.connect(settings.dsn(), min_size=1, max_size=2)
    try:
        if demo:
            summary = await load_demo(db, settings.entry_lifetimes())
            if summary.skipped:
                print("demo data: the database already holds data; nothing loaded")
            else:
                print(f"demo data loaded: {summary}")
    finally:
        await db.close()


def in_process_jobs(settings: Settings) -> bool:
    """Whether `hub serve` runs the background jobs itself (by default: on the embedded DB)."""
    if settings.in_process_jobs is None:
        return settings.database_url is None
    return settings.in_process_jobs


class _Terminated(Exception):
    """SIGTERM arrived: unwind so that the embedded database is stopped in order."""


def _raise_terminated(signum: int, frame: object) -> None:
    raise _Terminated


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from hub.http.memory_release import use_system_allocator
    from hub.http.processes import default_workers, reserve_port

    if settings.system_malloc:
        use_system_allocator(sys.argv[1:])

    settings = replace(
        settings,
        host=args.host or settings.host,
        port=args.port if args.port is not None else settings.port,
    )
    workers = args.workers if args.workers is not None else settings.workers
    workers = workers or default_workers()
    # The port is held from the start, so that port 0 means one free port for every process
    # and a port in use is reported before the database starts.
    holder = reserve_port(settings.host, settings.port)
    settings = replace(settings, port=holder.getsockname()[1])
    # uvicorn shuts down gracefully on SIGTERM and then raises the signal again; without a
    # handler of ours that would kill the process before the embedded database is stopped.
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        with database(settings, share=False) as ready:
            asyncio.run(_migrate_and_maybe_demo(ready, args.demo))
            print(
                f"Crisis Hub: http://{ready.host}:{ready.port}/  (GraphiQL at /graphql)"
                f"  {workers} process{'es' if workers > 1 else ''}",
                flush=True,
            )
            _run_servers(ready, workers, in_process_jobs(settings))
    except _Terminated:
        log.info("stopped by SIGTERM")
    finally:
        signal.signal(signal.SIGTERM, previous)
        holder.close()
    return 0


def _run_servers(settings: Settings, workers: int, jobs: bool) -> None:
    """One server in this process, or `workers` processes under a supervisor."""
    from hub.app import create_app
    from hub.http.processes import reuse_port_socket, serve_processes
    from hub.http.server import server_for

    if workers > 1:
        serve_processes(settings, workers, jobs)
        return
    background = None
    if jobs:
        from workers.run import run_forever

        background = run_forever
    app = create_app(settings, run_migrations=False, background=background)
    server_for(app, settings).run(sockets=[reuse_port_socket(settings.host, settings.port)])


def _migrate(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings) as ready:
        asyncio.run(_migrate_and_maybe_demo(ready, demo=False))
    return 0


def _demo(settings: Settings, args: argparse.Namespace) -> int:
    with database(settings) as ready:
        asyncio.run(_migrate_and_maybe_demo(ready, demo=True))
    return 0


def _worker(settings: Settings, args: argparse.Namespace) -> int:
    from workers.run import main as worker_main

    with database(settings, share=args.once) as ready:
        return asyncio.run(worker_main(ready.dsn(), once=args.once))


async def _create_user(settings: Settings, args: argparse.Namespace, password: str) -> int:
    from hub.domain.accounts import Role
    from hub.services.accounts import create_user
    from hub.store.db import Database

    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    try:
        outcome = await create_user(
            db, args.email, args.handle, password, Role(args.role), approved=True
        )
    finally:
        await db.close()
    if outcome.value is None:
        return print_user_errors(outcome.errors)
    print(f"created {outcome.value.role.value} {outcome.value.handle} <{outcome.value.email}>")
    return 0


def _user(settings: Settings, args: argparse.Namespace) -> int:
    from hub.admin.accounts import read_password

    password = read_password(args.password_stdin)
    if password is None:
        return 1
    with database(settings) as ready:
        asyncio.run(_migrate_and_maybe_demo(ready, demo=False))
        return asyncio.run(_create_user(ready, args, password))


def _checkpoint_copies(paths: list[str]) -> list[Checkpoint]:
    """Copies of GET /audit/head kept elsewhere: each file one object, or a list of them."""
    from hub.domain.audit import from_published

    copies = []
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        copies += [from_published(item) for item in (data if isinstance(data, list) else [data])]
    return copies


async def _verify_audit(settings: Settings, copies: list[Checkpoint]) -> int:
    from hub.services.audit import verify_chain
    from hub.store.db import Database

    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    try:
        report = await verify_chain(db, settings.secret_key, copies)
    finally:
        await db.close()
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if report.intact:
        print(
            f"audit trail intact: {report.records} records in {report.chains} chains, "
            f"{report.checkpoints_checked} checkpoints checked"
        )
        return 0
    print(f"audit trail BROKEN at record {report.first_broken}: {report.problem}", file=sys.stderr)
    return 1


async def _take_checkpoint(settings: Settings) -> int:
    from hub.domain.audit import published
    from hub.services.audit import TrailBroken, take_checkpoint
    from hub.store.db import Database

    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    try:
        checkpoint = await take_checkpoint(db, settings.secret_key)
    except TrailBroken as error:
        print(f"hub: no checkpoint signed: {error}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    if checkpoint.signature is None:
        print("warning: HUB_SECRET_KEY is not set: the checkpoint is unsigned", file=sys.stderr)
    print(json.dumps(published(checkpoint), indent=2))
    return 0


def _audit(settings: Settings, args: argparse.Namespace) -> int:
    if args.audit_command == "checkpoint":
        with database(settings) as ready:
            return asyncio.run(_take_checkpoint(ready))
    try:
        copies = _checkpoint_copies(args.checkpoint or [])
    except (OSError, ValueError) as error:
        print(f"hub: {error}", file=sys.stderr)
        return 2
    with database(settings) as ready:
        return asyncio.run(_verify_audit(ready, copies))


def _no_meili() -> int:
    print(
        "hub: Meilisearch is not configured: set HUB_MEILI_URL (and HUB_MEILI_KEY)",
        file=sys.stderr,
    )
    return 2


async def _search_setup(settings: Settings) -> int:
    from hub.search.backend import BackendUnavailable
    from hub.search.setup import meili_backend
    from hub.store.db import Database

    db = await Database.connect(settings.dsn(), min_size=1, max_size=1)
    backend = meili_backend(db, settings)
    if backend is None:
        await db.close()
        return _no_meili()
    try:
        await backend.setup()
    except BackendUnavailable as error:
        print(f"hub: {error}", file=sys.stderr)
        return 1
    finally:
        await backend.aclose()
        await db.close()
    print(f"meilisearch: index {backend.index} set up from schema/search/entries.json")
    return 0


async def _search_reindex(settings: Settings, which: str) -> int:
    from hub.search.backend import BackendUnavailable
    from hub.search.reindex import rebuild_meilisearch, rebuild_postgres
    from hub.search.setup import meili_backend
    from hub.store.db import Database

    db = await Database.connect(settings.dsn(), min_size=1, max_size=2)
    progress = ProgressBar(f"reindexing {which}")
    try:
        if which == "postgres":
            count = await rebuild_postgres(db, progress)
        else:
            backend = meili_backend(db, settings)
            if backend is None:
                return _no_meili()
            try:
                count = await rebuild_meilisearch(backend, progress)
            finally:
                await backend.aclose()
    except BackendUnavailable as error:
        progress.finish()
        print(f"hub: {error}", file=sys.stderr)
        return 1
    finally:
        await db.close()
    progress.finish()
    print(f"{which}: index rebuilt with {count} documents")
    return 0


def _search(settings: Settings, args: argparse.Namespace) -> int:
    if args.search_command == "setup":
        if not settings.meili_url:
            return _no_meili()
        with database(settings) as ready:
            return asyncio.run(_search_setup(ready))
    which = args.backend or ("meilisearch" if settings.meili_url else "postgres")
    if which == "meilisearch" and not settings.meili_url:
        return _no_meili()
    with database(settings) as ready:
        return asyncio.run(_search_reindex(ready, which))


def _schema(settings: Settings, args: argparse.Namespace) -> int:
    from hub.graphql.schema import export_sdl

    sdl = export_sdl()
    if args.check:
        if not SDL_PATH.exists() or SDL_PATH.read_text(encoding="utf-8") != sdl:
            print(f"{SDL_PATH} is out of date: run `hub schema --write`", file=sys.stderr)
            return 1
        print(f"{SDL_PATH} is up to date")
    elif args.write:
        SDL_PATH.write_text(sdl, encoding="utf-8")
        print(f"wrote {SDL_PATH}")
    else:
        sys.stdout.write(sdl)
    return 0


def installed_version() -> str:
    """The version of the installed crisis-hub distribution (its wheel's metadata)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        # Run from a checkout on PYTHONPATH, with nothing installed.
        return "(not installed)"


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface."""
    parser = argparse.ArgumentParser(prog="hub", description="Crisis Hub server and tools.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the hub (embedded PostgreSQL by default)")
    serve.add_argument("--host", help="address to listen on (HUB_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (HUB_PORT, default 8000)")
    serve.add_argument("--demo", action="store_true", help="load demo data into an empty database")
    serve.add_argument(
        "--workers",
        type=int,
        help="server processes on the one port (HUB_WORKERS; default: one per core)",
    )
    serve.set_defaults(handler=_serve)

    commands.add_parser("migrate", help="apply pending migrations").set_defaults(handler=_migrate)
    commands.add_parser("demo", help="load demo data into an empty database").set_defaults(
        handler=_demo
    )

    worker = commands.add_parser("worker", help="run the background jobs")
    worker.add_argument("--once", action="store_true", help="run every job once and exit")
    worker.set_defaults(handler=_worker)

    user = commands.add_parser("user", help="manage accounts")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    create = user_commands.add_parser("create", help="create an approved account")
    create.add_argument("--email", required=True)
    create.add_argument("--handle", required=True, help="public name")
    create.add_argument(
        "--role", default="VOLUNTEER", choices=["VOLUNTEER", "REVIEWER", "COORDINATOR", "ADMIN"]
    )
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input instead of a prompt",
    )
    create.set_defaults(handler=_user)
    from hub.admin.accounts import add_arguments as account_arguments

    account_arguments(user_commands)

    audit = commands.add_parser("audit", help="the audit trail")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_commands.add_parser(
        "verify",
        help="recompute the hash chains, check the signed checkpoints, report the first break",
    )
    verify.add_argument(
        "--checkpoint",
        action="append",
        metavar="FILE",
        help="a copy of GET /audit/head kept elsewhere (JSON; repeatable): the trail must "
        "still hold it",
    )
    verify.set_defaults(handler=_audit)
    audit_commands.add_parser(
        "checkpoint", help="sign and store a checkpoint of the audit trail's heads now"
    ).set_defaults(handler=_audit)

    search = commands.add_parser("search", help="the search indexes")
    search_commands = search.add_subparsers(dest="search_command", required=True)
    search_commands.add_parser(
        "setup", help="create the Meilisearch index and apply schema/search/entries.json to it"
    ).set_defaults(handler=_search)
    reindex = search_commands.add_parser(
        "reindex", help="rebuild a search index from PostgreSQL, without downtime"
    )
    reindex.add_argument(
        "--backend",
        choices=["postgres", "meilisearch"],
        help="which index (default: meilisearch when HUB_MEILI_URL is set, else postgres)",
    )
    reindex.set_defaults(handler=_search)

    from hub.imports.cli import add_arguments as import_arguments
    from hub.imports.cli import run as run_import

    importing = commands.add_parser(
        "import", help="import needs, offers, ... from a CSV or XLSX spreadsheet"
    )
    import_arguments(importing)
    importing.set_defaults(handler=run_import)

    from hub.admin.backup_cli import add_arguments as backup_arguments

    backup_arguments(commands)

    schema = commands.add_parser("schema", help="print the GraphQL SDL")
    group = schema.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="write schema/hub.graphql")
    group.add_argument("--check", action="store_true", help="fail if schema/hub.graphql differs")
    schema.set_defaults(handler=_schema)
    return parser


# What connecting to a database that is down, elsewhere or refusing us raises.
_UNREACHABLE = (
    ConnectionError,
    TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InvalidAuthorizationSpecificationError,
    asyncpg.InvalidCatalogNameError,
)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `hub` console script."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        # One-shot commands (migrate, import, backup, ...) log as the servers do.
        configure_logging(settings.log_format)
        code: int = args.handler(settings, args)
    except (SettingsError, EmbeddedPostgresError) as error:
        print(f"hub: {error}", file=sys.stderr)
        return 2
    except (
        OSError,
        asyncpg.PostgresConnectionError,
        asyncpg.InvalidAuthorizationSpecificationError,
    ) as error:
        # The database is down or refuses us: say so in one line, not a stack trace.
        print(f"hub: cannot reach the database: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    raise SystemExit(main())
