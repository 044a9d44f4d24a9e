"""Where a URL given by a user leads: requests on their behalf go to public addresses only.

Used by the source link checker and by webhooks, so that nobody can make the hub fetch from or
post into its own network (a cloud metadata service, an admin port on localhost). Private,
loopback, link-local and reserved addresses are refused unless the operator allows them
(closed networks, tests).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit


class Refused(Exception):
    """The URL points somewhere the hub must not go."""


class Unresolvable(Refused):
    """The URL's host name does not resolve."""


async def ensure_public_address(url: str, allow_private: bool) -> None:
    """Return if every address `url`'s host resolves to is public; raise Refused otherwise."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if host is None:
        raise Refused("no host")
    if allow_private:
        return
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise Unresolvable(f"{host} does not resolve") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise Refused(f"{host} resolves to a non-public address")
