"""Where a URL given by a user leads: requests on their behalf go to public addresses only.

Used by the source link checker and by webhooks, so that nobody can make the hub fetch from or
post into its own network (a cloud metadata service, an admin port on localhost). Private,
loopback, link-local and reserved addresses are refused unless the operator allows them
(closed networks, tests). What counts as public is hub.domain.addresses'.

Names are resolved here, by one `Resolver`, and hub.services.outbound connects to the very
addresses this returned: a name cannot resolve to a public address for the check and to a
private one for the connection (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from hub.domain.addresses import is_public_text

# A host name -> the IP addresses it resolves to, as text, in the order to try them.
Resolver = Callable[[str], Awaitable[list[str]]]


class Refused(Exception):
    """The URL points somewhere the hub must not go."""


class Unresolvable(Refused):
    """The URL's host name does not resolve."""


async def system_resolver(host: str) -> list[str]:
    """The addresses the system's resolver gives for `host` (no duplicates, its order)."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Unresolvable(f"{host} does not resolve") from error
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


async def checked_addresses(
    host: str, allow_private: bool, resolver: Resolver = system_resolver
) -> list[str]:
    """The addresses to connect to for `host`: resolved once, every one of them public (unless
    `allow_private`); Refused if any is not, Unresolvable if there are none."""
    literal = _literal(host)
    addresses = [literal] if literal is not None else await resolver(host)
    if not addresses:
        raise Unresolvable(f"{host} does not resolve")
    if not allow_private and not all(is_public_text(a) for a in addresses):
        raise Refused(f"{host} resolves to a non-public address")
    return addresses


async def ensure_public_address(
    url: str, allow_private: bool, resolver: Resolver = system_resolver
) -> None:
    """Return if every address `url`'s host resolves to is public; raise Refused otherwise.

    A check ahead of time (a form's answer); the request itself must go through
    hub.services.outbound, which checks again the addresses it connects to."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if host is None:
        raise Refused("no host")
    if allow_private:
        return
    await checked_addresses(host, allow_private, resolver)
