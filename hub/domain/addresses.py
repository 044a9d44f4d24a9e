"""Which IP addresses the hub may send requests to on a user's behalf: public unicast only.

Python's `is_global` alone lets through multicast (224.0.0.0/4), and IPv6 forms that carry an
IPv4 address inside them and reach it: NAT64 (64:ff9b::/96), 6to4 (2002::/16), IPv4-compatible
(::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses. A URL naming 64:ff9b::7f00:1 reaches
127.0.0.1 on a NAT64 network, so the IPv4 inside is judged as if it had been given itself.
"""

from __future__ import annotations

import ipaddress
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

# Never public, whatever `is_global` says (its tables change between Python releases).
REFUSED_V4 = tuple(
    IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",  # IETF protocol assignments
        "192.0.2.0/24",  # documentation
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, and the broadcast address
    )
)
REFUSED_V6 = tuple(
    IPv6Network(n)
    for n in (
        "::/128",  # unspecified
        "::1/128",
        "64:ff9b:1::/48",  # local-use NAT64: where it leads is up to the local network
        "100::/64",  # discard
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) among them
        "2001:db8::/32",  # documentation
        "3fff::/20",  # documentation
        "5f00::/16",  # SRv6 segment identifiers
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated, still routed by some stacks)
        "ff00::/8",  # multicast
    )
)
# Every global unicast IPv6 address lies here; anything else is special or unassigned.
GLOBAL_UNICAST_V6 = IPv6Network("2000::/3")
NAT64_WELL_KNOWN = IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = IPv6Network("::/96")


def is_public(address: IPv4Address | IPv6Address) -> bool:
    """Whether a request to `address` leaves for the public internet (and nowhere else)."""
    if isinstance(address, IPv4Address):
        return _is_public_v4(address)
    return all(_is_public_v4(v4) for v4 in embedded_ipv4(address)) and _is_public_v6(address)


def is_public_text(text: str) -> bool:
    """`is_public` of an address written as text; False for anything that is not one."""
    try:
        return is_public(ipaddress.ip_address(text.split("%", 1)[0]))
    except ValueError:
        return False


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses an IPv6 address carries and may be routed to (none for most)."""
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in NAT64_WELL_KNOWN or address in IPV4_COMPATIBLE:
        return [IPv4Address(int(address) & 0xFFFF_FFFF)]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)
    return []


def _is_public_v4(address: IPv4Address) -> bool:
    return address.is_global and not any(address in network for network in REFUSED_V4)


def _is_public_v6(address: IPv6Address) -> bool:
    if address.ipv4_mapped is not None or address in NAT64_WELL_KNOWN:
        # Judged by the IPv4 inside (is_public has): it is where the packets go.
        return True
    if address in IPV4_COMPATIBLE:
        # Deprecated (RFC 4291), and ::, ::1 live here: never a real public destination.
        return False
    return (
        address in GLOBAL_UNICAST_V6
        and address.is_global
        and not any(address in network for network in REFUSED_V6)
    )
