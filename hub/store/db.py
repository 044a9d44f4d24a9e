"""The connection pool and transactions."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # A pooled connection is a proxy; migrations also run on plain connections.
    Connection: TypeAlias = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
    Pool: TypeAlias = asyncpg.Pool[asyncpg.Record]
else:
    Connection = asyncpg.Connection
    Pool = asyncpg.Pool
QueryObserver = Callable[[str], None]
BeforeCommit = Callable[["Connection"], Awaitable[None]]
# What losing the database looks like, for loops that wait and retry (the live relay).
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


class _TransactionState:
    """What the steps of one `Database.transaction` leave for its end: the work to do last,
    just before COMMIT, and whatever those steps keep for it (by key)."""

    def __init__(self) -> None:
        self.before_commit: list[BeforeCommit] = []
        # Steps that go after every other (the audit appends): the locks they take come last.
        self.at_commit: list[BeforeCommit] = []
        self.kept: dict[str, Any] = {}

    async def run_steps(self, conn: Connection) -> None:
        """Every step, `at_commit` ones after the others; a step may add another."""
        done = done_last = 0
        while True:
            if done < len(self.before_commit):
                await self.before_commit[done](conn)
                done += 1
            elif done_last < len(self.at_commit):
                await self.at_commit[done_last](conn)
                done_last += 1
            else:
                return


# The state of each open Database.transaction, by the id of its connection (a connection is in
# at most one at a time, and the entry goes when the transaction ends).
_STATES: dict[int, _TransactionState] = {}


def kept(conn: Connection) -> dict[str, Any] | None:
    """The mapping the current `Database.transaction` of `conn` keeps for its last steps (see
    `before_commit`); None when `conn` is in no such transaction."""
    state = _STATES.get(id(conn))
    return None if state is None else state.kept


def before_commit(conn: Connection, step: BeforeCommit, *, last: bool = False) -> bool:
    """Run `step` as the last thing `conn`'s `Database.transaction` does before COMMIT (steps
    in the order they were added, those added with `last` after all others), not at all when
    it rolls back. False, and nothing added, when `conn` is in no such transaction.

    `last` is for the audit appends: the subject locks they take then come after any lock an
    ordinary step takes, one order for every transaction, so that none waits in a cycle."""
    state = _STATES.get(id(conn))
    if state is None:
        return False
    (state.at_commit if last else state.before_commit).append(step)
    return True


async def _keep_session(conn: Connection) -> None:
    """What a connection goes back to the pool with: nothing to undo.

    asyncpg's default sends `pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL` on
    every release, a round trip as costly as the one statement a compiled read runs. The hub
    leaves no session state on pooled connections (advisory locks are transaction-level,
    LISTEN and the migrations' session lock use connections of their own, settings are SET
    LOCAL; tests/store/test_session_state.py holds the code to that), and asyncpg still rolls
    back a transaction left open before calling this.
    """


class Listening:
    """A LISTENing connection; `lost` tells when the server went away."""

    def __init__(self, conn: asyncpg.Connection[asyncpg.Record]) -> None:
        self._conn = conn

    @property
    def lost(self) -> bool:
        """Whether the connection closed under the listener."""
        return self._conn.is_closed()


class Database:
    """A pool of connections to the hub's PostgreSQL database."""

    def __init__(self, pool: Pool, dsn: str = "") -> None:
        self._pool = pool
        self._dsn = dsn
        self._observers: list[QueryObserver] = []

    @classmethod
    async def connect(
        cls, dsn: str, *, min_size: int = 1, max_size: int = 10, name: str = "crisis-hub"
    ) -> Database:
        """Open a pool to `dsn`; its sessions carry `name` as their application_name, so that
        pg_stat_activity tells the pools apart."""
        observers: list[QueryObserver] = []

        def log_query(record: Any) -> None:
            for observer in observers:
                observer(record.query)

        async def init(conn: Connection) -> None:
            await conn.set_type_codec(
                "jsonb", encoder=json.dumps, decoder=json.loads, schema="pg_catalog"
            )
            conn.add_query_logger(log_query)

        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            init=init,
            reset=_keep_session,
            command_timeout=30,
            server_settings={"application_name": name},
        )
        database = cls(pool, dsn)
        database._observers = observers
        return database

    @property
    def max_size(self) -> int:
        """How many connections the pool may hold at once."""
        return self._pool.get_max_size()

    def pool_usage(self) -> tuple[int, int]:
        """(connections the pool holds, of which idle) now."""
        return self._pool.get_size(), self._pool.get_idle_size()

    def observe_queries(self, observer: QueryObserver) -> Callable[[], None]:
        """Call `observer` with the text of every statement run; returns the undo function."""
        self._observers.append(observer)
        return lambda: self._observers.remove(observer)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A pooled connection, outside any explicit transaction (for reads)."""
        async with self._pool.acquire() as conn:
            yield conn

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Connection]:
        """A pooled connection inside a transaction that commits when the block succeeds.

        Steps added with `before_commit` run after the block, inside the transaction: what
        must hold a lock until COMMIT (the audit chain's) holds it only for them.
        """
        async with self._pool.acquire() as conn, conn.transaction():
            state = _STATES[id(conn)] = _TransactionState()
            try:
                yield conn
                # A step may add another (the audit records of a late step): run until none is left.
                await state.run_steps(conn)
            finally:
                del _STATES[id(conn)]

    @asynccontextmanager
    async def listening(
        self, channel: str, on_notify: Callable[[str], None]
    ) -> AsyncIterator[Listening]:
        """A connection of its own, outside the pool, calling `on_notify(payload)` per NOTIFY."""
        conn: asyncpg.Connection[asyncpg.Record] = await asyncpg.connect(self._dsn, timeout=10)
        try:
            await conn.add_listener(channel, lambda _c, _pid, _ch, payload: on_notify(payload))
            yield Listening(conn)
        finally:
            if not conn.is_closed():
                await conn.close(timeout=5)

    async def close(self) -> None:
        """Close every connection of the pool."""
        await self._pool.close()
