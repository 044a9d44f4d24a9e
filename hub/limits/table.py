"""The named rate limits and their defaults: one table, changed by settings.

A limit names what it counts (`submit`, `sign_in`...) and, for each scope, how often it may
happen, in the notation of the `limits` library ("20/minute;120/hour": both must hold):

- client: per client (an address, an IPv6 /64; see hub.limits.identity), for anonymous callers
  and accounts nobody has vouched for yet;
- account: per signed-in account;
- target: per thing aimed at (signIn: the e-mail), whoever asks;
- everyone: all anonymous callers together, a circuit breaker against many addresses at once;
  signed-in callers are never counted in it, so volunteers keep working through a flood.

The defaults let a real volunteer work (a hospital posting ten needs in a minute) and stop a
script. HUB_RATE_LIMITS scales them all (off, or a factor) and HUB_RATE_LIMIT_<NAME>_<SCOPE>
replaces one (see hub.settings).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from limits import RateLimitItem, parse_many

SCOPES = ("client", "account", "target", "everyone")


@dataclass(frozen=True)
class Limit:
    """How often one named thing may happen, per scope (None: not limited in that scope)."""

    client: str | None = None
    account: str | None = None
    target: str | None = None
    everyone: str | None = None


DEFAULT_LIMITS: dict[str, Limit] = {
    # Publishing an entry or an organization (submit*, registerOrganization).
    "submit": Limit(
        client="20/minute;120/hour", account="30/minute;300/hour", everyone="2000/hour"
    ),
    # Changing or closing what one published, reconfirming it.
    "edit": Limit(client="60/minute;600/hour", account="120/minute;2000/hour"),
    "sign_up": Limit(client="5/minute;20/hour", everyone="500/hour"),
    # Per client against credential stuffing, per e-mail against guessing one password from
    # many addresses; both are counted before argon2 runs.
    "sign_in": Limit(client="10/minute;60/hour", target="5/minute;30/hour"),
    "sign_out": Limit(client="60/minute", account="60/minute"),
    # API tokens, webhooks, organization claims: a signed-in user's own settings.
    "settings": Limit(client="20/minute", account="20/minute;200/hour"),
    # Reviewers' and coordinators' work (claims, reviews, roles, merges).
    "review": Limit(account="120/minute;3000/hour"),
    "flag": Limit(client="5/minute;20/hour", account="10/minute;60/hour", everyone="1000/hour"),
    # A burst limit; the hourly one (HUB_REVEALS_PER_HOUR) is counted in contact_reveal.
    "reveal": Limit(account="10/minute"),
    "import": Limit(account="10/minute;60/hour"),
    "pledge": Limit(client="10/minute;60/hour", account="30/minute;300/hour", everyone="2000/hour"),
    # Moving a pledge on, carriers and shipments.
    "pledge_update": Limit(client="60/minute;600/hour", account="120/minute;2000/hour"),
    # A burst limit; the hourly one (HUB_MESSAGES_PER_HOUR) is kept with the messages.
    "message": Limit(client="5/minute", account="10/minute"),
    "ws_connect": Limit(client="30/minute;300/hour", account="60/minute"),
}


@dataclass(frozen=True)
class Rates:
    """A limit made ready to count: for each scope, the windows that must all have room."""

    scopes: dict[str, tuple[RateLimitItem, ...]] = field(default_factory=dict)

    def of(self, scope: str) -> tuple[RateLimitItem, ...]:
        """The windows of `scope` (empty: not limited there)."""
        return self.scopes.get(scope, ())


def _scaled(items: list[RateLimitItem], scale: float) -> tuple[RateLimitItem, ...]:
    return tuple(
        type(item)(max(1, round(item.amount * scale)), item.multiples, item.namespace)
        for item in items
    )


def _parse(spec: str | None, scale: float, where: str) -> tuple[RateLimitItem, ...]:
    if spec is None or spec.strip().lower() in ("", "off", "none"):
        return ()
    try:
        return _scaled(parse_many(spec), scale)
    except ValueError:
        raise ValueError(f"{where}: {spec!r} is not a rate such as 20/minute;120/hour") from None


def build_table(
    scale: float = 1.0,
    overrides: tuple[tuple[str, str], ...] = (),
    limits: dict[str, Limit] | None = None,
) -> dict[str, Rates]:
    """The limits to count: `limits` (the defaults) with `overrides` ("submit_client" ->
    "5/minute") applied and every amount multiplied by `scale`; an empty table when the scale
    is 0 (HUB_RATE_LIMITS=off). ValueError for an override naming no limit or a bad rate."""
    declared = dict(DEFAULT_LIMITS if limits is None else limits)
    for key, spec in overrides:
        name, _, scope = key.rpartition("_")
        if name not in declared or scope not in SCOPES:
            raise ValueError(
                f"HUB_RATE_LIMIT_{key.upper()}: no such limit (names: "
                f"{', '.join(sorted(declared))}; scopes: {', '.join(SCOPES)})"
            )
        declared[name] = replace(declared[name], **{scope: spec})
    if scale <= 0:
        return {}
    return {
        name: Rates(
            {
                scope: rates
                for scope in SCOPES
                if (rates := _parse(getattr(limit, scope), scale, f"{name}.{scope}"))
            }
        )
        for name, limit in declared.items()
    }
