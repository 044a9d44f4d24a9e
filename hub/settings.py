"""Every HUB_* environment variable the hub reads, typed, in one place."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hub.domain.enums import EntryKind
from hub.domain.flags import DEFAULT_RECHECK_WEIGHT
from hub.domain.kinds import KINDS
from hub.domain.kinds.spec import Lifetime
from hub.domain.open_data import LICENCE, LICENCE_URL
from hub.limits.table import build_table


class SettingsError(ValueError):
    """A HUB_* variable holds a value the hub cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _optional_bool(env: Mapping[str, str], name: str) -> bool | None:
    if not env.get(name, "").strip() or env[name].strip().lower() == "auto":
        return None
    return _bool(env, name, False)


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list (blank items dropped)."""
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A list of CIDRs (or single addresses), each checked, in their canonical spelling."""
    found = []
    for item in _list(env, name):
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SettingsError(f"{name}: {item!r} is not an address or CIDR") from None
    return tuple(found)


def _rate_limit_scale(env: Mapping[str, str]) -> float:
    """HUB_RATE_LIMITS: on (1), off (0), or a factor every limit is multiplied by."""
    raw = env.get("HUB_RATE_LIMITS", "").strip().lower()
    if raw in ("", "on", "true", "1"):
        return 1.0
    if raw in ("off", "false", "0"):
        return 0.0
    try:
        scale = float(raw.removeprefix("x"))
    except ValueError:
        scale = -1.0
    if scale <= 0:
        raise SettingsError(f"HUB_RATE_LIMITS must be on, off or a positive factor, got {raw!r}")
    return scale


# HUB_RATE_LIMIT_<NAME>_<SCOPE>=20/minute;100/hour (or off) changes one limit of the table in
# hub/limits/table.py; SCOPE is CLIENT, ACCOUNT, TARGET or GLOBAL.
_RATE_LIMIT_PREFIX = "HUB_RATE_LIMIT_"


def _rate_limit_overrides(env: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    overrides = tuple(
        sorted(
            (name.removeprefix(_RATE_LIMIT_PREFIX).lower(), value.strip())
            for name, value in env.items()
            if name.startswith(_RATE_LIMIT_PREFIX) and value.strip()
        )
    )
    try:
        build_table(1.0, overrides)
    except ValueError as error:
        raise SettingsError(str(error)) from None
    return overrides


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (the first when unset), case-insensitive."""
    raw = env.get(name, "").strip().lower() or choices[0]
    if raw not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
    return raw


def _str(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name)
    return raw if raw else None


@dataclass(frozen=True)
class Settings:
    """The hub's configuration; build it with `Settings.from_env()`."""

    # PostgreSQL URL; None means the embedded PostgreSQL under data_dir.
    database_url: str | None = None
    # Who applies migrations, when that should be another role than the app's (the embedded
    # default: its superuser migrates, an unprivileged role serves). None: database_url.
    migrate_database_url: str | None = None
    data_dir: Path = Path(".hub-data")
    redis_url: str | None = None
    meili_url: str | None = None
    meili_key: str | None = None
    secret_key: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # "zh" or "en": the language of user errors when Accept-Language names neither.
    default_language: str = "zh"
    db_pool_min: int = 1
    db_pool_max: int = 10
    max_body_bytes: int = 1_048_576
    # A spreadsheet uploaded to importEntries (multipart requests may be this large instead).
    max_import_bytes: int = 8_388_608
    max_query_depth: int = 12
    max_query_tokens: int = 2_000
    max_query_aliases: int = 30
    # Fields a document may select once its fragments are spread out (hub/graphql/expansion.py).
    max_expanded_fields: int = 20_000
    max_page_size: int = 100
    # The estimated cost one operation may reach (hub/graphql/cost): anonymous and signed-in.
    query_cost_anonymous: int = 150_000
    query_cost_signed_in: int = 500_000
    # Answer the public list queries by the compiled path (hub/graphql/compiled); off: strawberry.
    compiled_reads: bool = True
    # How long a need stays current before it must be confirmed again.
    need_lifetime_hours: int = 72
    offer_lifetime_hours: int = 168
    session_days: int = 30
    # A session unused this long ends, whatever its lifetime (session_days) says.
    session_idle_hours: int = 24
    # Sessions one user may hold at once; signing in ends the least recently used beyond it.
    max_sessions: int = 10
    # API tokens expire: createApiToken's expiresInDays defaults to, and may not exceed, this.
    api_token_max_days: int = 90
    # A PROPOSED pledge not accepted within this many hours is cancelled (the expiry job).
    pledge_proposal_hours: int = 72
    # PROPOSED pledges one pledger (account, else client address) may hold on one need.
    pledge_open_proposals: int = 3
    # Run background jobs inside `hub serve`; None: only on the embedded database.
    in_process_jobs: bool | None = None
    # Server processes of `hub serve`, all on one port (SO_REUSEPORT); 0: one per core.
    workers: int = 0
    # Independent reviewers who must verify an entry before it is VERIFIED.
    reviews_required: int = 1
    review_lease_minutes: int = 15
    # The weight of distinct reporters (hub/domain/flags.py) that puts a verified entry up for a
    # reviewer's recheck; reports never unpublish an entry on their own.
    flag_recheck_weight: int = DEFAULT_RECHECK_WEIGHT
    # A reviewer on the same client address as an entry's submission may not review it (off
    # only where the hub cannot tell clients apart, behind a proxy it does not trust).
    review_link_by_address: bool = True
    reveals_per_hour: int = 30
    # How often the background jobs sign and store a checkpoint of the audit trail's heads.
    audit_checkpoint_minutes: int = 60
    # Messages one sender may leave for posters per hour (sendMessage).
    messages_per_hour: int = 10
    # The licence the open data exports are published under (hub/http/exports.py).
    export_licence: str = LICENCE
    export_licence_url: str = LICENCE_URL
    reconfirmation_days: int = 30
    linkcheck_enabled: bool = True
    # Let the source checker fetch private and loopback addresses (tests, closed networks).
    linkcheck_allow_private: bool = False
    # One source check, redirects included, ends after this long; at most this many redirects.
    linkcheck_timeout_seconds: float = 10.0
    linkcheck_max_redirects: int = 5
    # Cookies carry Secure: true, false, or None ("auto": Secure except for plain HTTP from a
    # loopback client; hub.http.cookies.secure_cookies).
    cookie_secure: bool | None = None
    # Live events: a subscriber this many events behind is disconnected (and resumes with after).
    live_queue_size: int = 1000
    # How far back a reconnecting subscriber may replay with `after`.
    live_replay_hours: int = 24
    live_max_subscriptions: int = 20
    # Keep-alive pings to WebSocket clients, and the relay's fallback poll.
    live_keepalive_seconds: int = 15
    # How long a WebSocket may stay open without sending connection_init.
    live_init_timeout_seconds: int = 10
    live_poll_seconds: float = 2.0
    # permessage-deflate on WebSockets, without context takeover (hub.http.websocket_protocol).
    live_compression: bool = True
    # `hub serve` runs on glibc's allocator, which gives memory back (hub.http.memory_release).
    system_malloc: bool = True
    # How long shutdown waits for connections and requests to finish.
    shutdown_grace_seconds: int = 10
    # Memory tracing (hub/memory_trace.py, for bench/live_memory.py): frames kept per
    # allocation, 0 off; and where SIGUSR2 writes snapshots (None: the system's temp folder).
    tracemalloc_frames: int = 0
    tracemalloc_dir: str | None = None
    # Webhooks (workers/webhooks.py): the deadline of one delivery (connect, send, answer, all
    # of it: a receiver trickling its answer is cut off); retries back off from the first
    # delay, tripling up to the longest, for at most max_attempts tries of one event.
    webhook_timeout_seconds: float = 10.0
    webhook_retry_first_seconds: float = 10.0
    webhook_retry_max_seconds: float = 3600.0
    webhook_max_attempts: int = 8
    # A webhook is disabled after this many events given up on in a row, or failing this long.
    webhook_disable_after_failures: int = 5
    webhook_disable_after_hours: int = 24
    # Let webhooks reach private and loopback addresses (tests, closed networks), over http.
    webhook_allow_private: bool = False
    webhook_allow_http: bool = False
    webhook_max_per_user: int = 10
    # Webhooks one worker delivers to at once (each one event at a time, in order).
    webhook_concurrency: int = 8
    # Of those, at most this many to one receiver host, so that a slow host cannot take them all.
    webhook_concurrency_per_host: int = 2
    webhook_log_days: int = 14
    # Outbox rows (entry_event) every reader has passed are deleted once this many days old
    # (workers/outbox_retention.py); never sooner than the replay window (live_replay_hours).
    outbox_retention_days: int = 30
    # The read cache (hub/http/read_cache.py): how long a stored response may be served at
    # most (0 turns the cache off), and the bytes it may hold per process.
    read_cache_seconds: int = 5
    read_cache_bytes: int = 64 * 1024 * 1024
    # Search results kept per process and backend while the index has not moved
    # (hub/search/cache.py); 0 turns that cache off.
    search_cache_entries: int = 2048
    # Matching (matchingOffers, matchingNeeds, an entry's page): one call scores at most
    # matching_candidates VERIFIED candidates, reads at most matching_max_items of their items,
    # compares at most matching_max_pairs item pairs and spends at most matching_budget_ms.
    # Calls run in worker threads, matching_concurrency at a time per process; one that waits
    # longer than matching_wait_ms for a thread is refused (MATCHING_BUSY).
    matching_candidates: int = 200
    matching_max_items: int = 2_000
    matching_max_pairs: int = 20_000
    matching_budget_ms: int = 250
    matching_concurrency: int = 1
    matching_wait_ms: int = 2_000
    # Exports (hub/http/exports.py): a download whose client takes longer than
    # export_idle_seconds to take one chunk, or that lasts longer than export_total_seconds,
    # is cut off.
    export_idle_seconds: float = 30.0
    export_total_seconds: float = 600.0
    # Rate limits (hub/limits): 1 as declared, 0 off, another factor scales every limit.
    rate_limit_scale: float = 1.0
    # (name_scope, spec) pairs changing single limits, e.g. ("submit_client", "5/minute").
    rate_limit_overrides: tuple[tuple[str, str], ...] = ()
    # Proxies whose X-Forwarded-For is believed (CIDRs); none: the socket's peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    # Origins (scheme://host[:port]) other than the hub's own whose pages may open WebSockets
    # (browsers send the session cookie with them); "*" allows any.
    allowed_origins: tuple[str, ...] = ()
    # WebSockets one client (one address, one IPv6 /64) and everyone may hold open per process.
    live_max_sockets_per_client: int = 20
    live_max_sockets: int = 10_000
    # argon2 hashes (64 MiB each) run at once per process, and how long a caller waits for one.
    password_hash_concurrency: int = 2
    password_hash_wait_seconds: float = 5.0
    # The server (hub/http/server.py): connections and requests at once per process, before
    # 503; the seconds a client has to send its request's headers, and its body.
    http_limit_concurrency: int = 12_000
    http_keep_alive_seconds: int = 5
    http_header_timeout_seconds: float = 10.0
    http_body_timeout_seconds: float = 60.0
    # Observability (hub/observability, docs/operations: metrics list). Log lines: "text" (as
    # before) or "json": one object per line with the request id, and an access log line per
    # request naming its operation, never its path or query string.
    log_format: str = "text"
    # /metrics answers only a request bearing this token ("Authorization: Bearer <token>");
    # unset, /metrics is off (404): its figures tell how busy the hub is, so never public.
    metrics_token: str | None = None
    # Where `hub serve --workers N` keeps prometheus-client's per-process files, so that one
    # scrape sees every process (a folder of their own: every *.db in it is read, and the
    # previous run's are deleted at start); None: a fresh temporary folder, removed on exit.
    metrics_dir: Path | None = None
    # OpenTelemetry tracing (the `otel` extra): spans for requests and SQL statements, sent by
    # OTLP over HTTP to this URL (e.g. http://collector:4318); "env" leaves the exporter to the
    # standard OTEL_EXPORTER_OTLP_* variables. None: no tracing.
    otel_endpoint: str | None = None

    def dsn(self) -> str:
        """The database URL; SettingsError when none is set (the embedded one not started)."""
        if self.database_url is None:
            raise SettingsError("no database URL: set HUB_DATABASE_URL or use the embedded one")
        return self.database_url

    def migrate_dsn(self) -> str:
        """The URL migrations run with."""
        return self.migrate_database_url or self.dsn()

    def entry_lifetimes(self) -> dict[EntryKind, int]:
        """Hours each kind of entry stays current before it needs confirming again."""
        hours = {Lifetime.NEED: self.need_lifetime_hours, Lifetime.OFFER: self.offer_lifetime_hours}
        return {kind.kind: hours[kind.lifetime] for kind in KINDS}

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read the settings from the environment (or the mapping given)."""
        env = os.environ if env is None else env
        language = env.get("HUB_DEFAULT_LANGUAGE", "zh").strip().lower() or "zh"
        if language not in ("zh", "en"):
            raise SettingsError(f"HUB_DEFAULT_LANGUAGE must be zh or en, got {language!r}")
        return cls(
            database_url=_str(env, "HUB_DATABASE_URL"),
            migrate_database_url=_str(env, "HUB_MIGRATE_DATABASE_URL"),
            data_dir=Path(env.get("HUB_DATA_DIR") or ".hub-data"),
            redis_url=_str(env, "HUB_REDIS_URL"),
            meili_url=_str(env, "HUB_MEILI_URL"),
            meili_key=_str(env, "HUB_MEILI_KEY"),
            secret_key=_str(env, "HUB_SECRET_KEY"),
            host=env.get("HUB_HOST") or "127.0.0.1",
            port=_int(env, "HUB_PORT", 8000, minimum=0),
            default_language=language,
            db_pool_min=_int(env, "HUB_DB_POOL_MIN", 1, minimum=0),
            db_pool_max=_int(env, "HUB_DB_POOL_MAX", 10, minimum=1),
            max_body_bytes=_int(env, "HUB_MAX_BODY_BYTES", 1_048_576, minimum=1024),
            max_import_bytes=_int(env, "HUB_MAX_IMPORT_BYTES", 8_388_608, minimum=1024),
            max_query_depth=_int(env, "HUB_MAX_QUERY_DEPTH", 12, minimum=2),
            max_query_tokens=_int(env, "HUB_MAX_QUERY_TOKENS", 2_000, minimum=50),
            max_query_aliases=_int(env, "HUB_MAX_QUERY_ALIASES", 30, minimum=0),
            max_expanded_fields=_int(env, "HUB_MAX_EXPANDED_FIELDS", 20_000, minimum=100),
            max_page_size=_int(env, "HUB_MAX_PAGE_SIZE", 100, minimum=1),
            query_cost_anonymous=_int(env, "HUB_QUERY_COST_ANONYMOUS", 150_000, minimum=100),
            query_cost_signed_in=_int(env, "HUB_QUERY_COST_SIGNED_IN", 500_000, minimum=100),
            compiled_reads=_bool(env, "HUB_COMPILED_READS", True),
            need_lifetime_hours=_int(env, "HUB_NEED_LIFETIME_HOURS", 72, minimum=1),
            offer_lifetime_hours=_int(env, "HUB_OFFER_LIFETIME_HOURS", 168, minimum=1),
            session_days=_int(env, "HUB_SESSION_DAYS", 30, minimum=1),
            session_idle_hours=_int(env, "HUB_SESSION_IDLE_HOURS", 24, minimum=1),
            max_sessions=_int(env, "HUB_MAX_SESSIONS", 10, minimum=1),
            api_token_max_days=_int(env, "HUB_API_TOKEN_MAX_DAYS", 90, minimum=1),
            pledge_proposal_hours=_int(env, "HUB_PLEDGE_PROPOSAL_HOURS", 72, minimum=1),
            pledge_open_proposals=_int(env, "HUB_PLEDGE_OPEN_PROPOSALS", 3, minimum=1),
            in_process_jobs=_optional_bool(env, "HUB_IN_PROCESS_JOBS"),
            workers=_int(env, "HUB_WORKERS", 0, minimum=0),
            tracemalloc_frames=_int(env, "HUB_TRACEMALLOC", 0, minimum=0),
            tracemalloc_dir=env.get("HUB_TRACEMALLOC_DIR", "").strip() or None,
            reviews_required=_int(env, "HUB_REVIEWS_REQUIRED", 1, minimum=1),
            review_lease_minutes=_int(env, "HUB_REVIEW_LEASE_MINUTES", 15, minimum=1),
            flag_recheck_weight=_int(
                env, "HUB_FLAG_RECHECK_WEIGHT", DEFAULT_RECHECK_WEIGHT, minimum=1
            ),
            review_link_by_address=_bool(env, "HUB_REVIEW_LINK_BY_ADDRESS", True),
            reveals_per_hour=_int(env, "HUB_REVEALS_PER_HOUR", 30, minimum=0),
            audit_checkpoint_minutes=_int(env, "HUB_AUDIT_CHECKPOINT_MINUTES", 60, minimum=1),
            messages_per_hour=_int(env, "HUB_MESSAGES_PER_HOUR", 10, minimum=0),
            export_licence=env.get("HUB_EXPORT_LICENCE", "").strip() or LICENCE,
            export_licence_url=env.get("HUB_EXPORT_LICENCE_URL", "").strip() or LICENCE_URL,
            reconfirmation_days=_int(env, "HUB_RECONFIRMATION_DAYS", 30, minimum=1),
            linkcheck_enabled=_bool(env, "HUB_LINKCHECK_ENABLED", True),
            linkcheck_allow_private=_bool(env, "HUB_LINKCHECK_ALLOW_PRIVATE", False),
            linkcheck_timeout_seconds=_int(env, "HUB_LINKCHECK_TIMEOUT_MS", 10_000, minimum=10)
            / 1000,
            linkcheck_max_redirects=_int(env, "HUB_LINKCHECK_MAX_REDIRECTS", 5, minimum=0),
            cookie_secure=_optional_bool(env, "HUB_COOKIE_SECURE"),
            live_queue_size=_int(env, "HUB_LIVE_QUEUE_SIZE", 1000, minimum=1),
            live_replay_hours=_int(env, "HUB_LIVE_REPLAY_HOURS", 24, minimum=1),
            live_max_subscriptions=_int(env, "HUB_LIVE_MAX_SUBSCRIPTIONS", 20, minimum=1),
            live_keepalive_seconds=_int(env, "HUB_LIVE_KEEPALIVE_SECONDS", 15, minimum=1),
            live_init_timeout_seconds=_int(env, "HUB_LIVE_INIT_TIMEOUT_SECONDS", 10, minimum=1),
            live_poll_seconds=_int(env, "HUB_LIVE_POLL_MS", 2000, minimum=10) / 1000,
            live_compression=_bool(env, "HUB_LIVE_COMPRESSION", True),
            system_malloc=_bool(env, "HUB_SYSTEM_MALLOC", True),
            shutdown_grace_seconds=_int(env, "HUB_SHUTDOWN_GRACE_SECONDS", 10, minimum=0),
            webhook_timeout_seconds=_int(env, "HUB_WEBHOOK_TIMEOUT_MS", 10_000, minimum=10) / 1000,
            webhook_retry_first_seconds=_int(env, "HUB_WEBHOOK_RETRY_FIRST_MS", 10_000, minimum=1)
            / 1000,
            webhook_retry_max_seconds=_int(env, "HUB_WEBHOOK_RETRY_MAX_MS", 3_600_000, minimum=1)
            / 1000,
            webhook_max_attempts=_int(env, "HUB_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1),
            webhook_disable_after_failures=_int(
                env, "HUB_WEBHOOK_DISABLE_AFTER_FAILURES", 5, minimum=1
            ),
            webhook_disable_after_hours=_int(env, "HUB_WEBHOOK_DISABLE_AFTER_HOURS", 24, minimum=1),
            webhook_allow_private=_bool(env, "HUB_WEBHOOK_ALLOW_PRIVATE", False),
            webhook_allow_http=_bool(env, "HUB_WEBHOOK_ALLOW_HTTP", False),
            webhook_max_per_user=_int(env, "HUB_WEBHOOK_MAX_PER_USER", 10, minimum=1),
            webhook_concurrency=_int(env, "HUB_WEBHOOK_CONCURRENCY", 8, minimum=1),
            webhook_concurrency_per_host=_int(
                env, "HUB_WEBHOOK_CONCURRENCY_PER_HOST", 2, minimum=1
            ),
            webhook_log_days=_int(env, "HUB_WEBHOOK_LOG_DAYS", 14, minimum=1),
            outbox_retention_days=_int(env, "HUB_OUTBOX_RETENTION_DAYS", 30, minimum=1),
            read_cache_seconds=_int(env, "HUB_READ_CACHE_SECONDS", 5, minimum=0),
            read_cache_bytes=_int(env, "HUB_READ_CACHE_BYTES", 64 * 1024 * 1024, minimum=0),
            search_cache_entries=_int(env, "HUB_SEARCH_CACHE_ENTRIES", 2048, minimum=0),
            matching_candidates=_int(env, "HUB_MATCHING_CANDIDATES", 200, minimum=1),
            matching_max_items=_int(env, "HUB_MATCHING_MAX_ITEMS", 2_000, minimum=1),
            matching_max_pairs=_int(env, "HUB_MATCHING_MAX_PAIRS", 20_000, minimum=1),
            matching_budget_ms=_int(env, "HUB_MATCHING_BUDGET_MS", 250, minimum=1),
            matching_concurrency=_int(env, "HUB_MATCHING_CONCURRENCY", 1, minimum=1),
            matching_wait_ms=_int(env, "HUB_MATCHING_WAIT_MS", 2_000, minimum=0),
            export_idle_seconds=_int(env, "HUB_EXPORT_IDLE_MS", 30_000, minimum=10) / 1000,
            export_total_seconds=_int(env, "HUB_EXPORT_TOTAL_MS", 600_000, minimum=10) / 1000,
            rate_limit_scale=_rate_limit_scale(env),
            rate_limit_overrides=_rate_limit_overrides(env),
            trusted_proxies=_networks(env, "HUB_TRUSTED_PROXIES"),
            allowed_origins=_list(env, "HUB_ALLOWED_ORIGINS"),
            live_max_sockets_per_client=_int(env, "HUB_LIVE_MAX_SOCKETS_PER_CLIENT", 20, minimum=1),
            live_max_sockets=_int(env, "HUB_LIVE_MAX_SOCKETS", 10_000, minimum=1),
            password_hash_concurrency=_int(env, "HUB_PASSWORD_HASH_CONCURRENCY", 2, minimum=1),
            password_hash_wait_seconds=_int(env, "HUB_PASSWORD_HASH_WAIT_MS", 5000, minimum=0)
            / 1000,
            http_limit_concurrency=_int(env, "HUB_HTTP_LIMIT_CONCURRENCY", 12_000, minimum=10),
            http_keep_alive_seconds=_int(env, "HUB_HTTP_KEEP_ALIVE_SECONDS", 5, minimum=1),
            http_header_timeout_seconds=_int(env, "HUB_HTTP_HEADER_TIMEOUT_MS", 10_000, minimum=100)
            / 1000,
            http_body_timeout_seconds=_int(env, "HUB_HTTP_BODY_TIMEOUT_MS", 60_000, minimum=100)
            / 1000,
            log_format=_choice(env, "HUB_LOG_FORMAT", ("text", "json")),
            metrics_token=_str(env, "HUB_METRICS_TOKEN"),
            metrics_dir=Path(env["HUB_METRICS_DIR"]) if env.get("HUB_METRICS_DIR") else None,
            otel_endpoint=_str(env, "HUB_OTEL_ENDPOINT"),
        )
