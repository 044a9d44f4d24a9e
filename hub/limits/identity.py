"""Who a request comes from, as a key the limits count by.

Behind a reverse proxy every request arrives from the proxy, so the client's own address is in
X-Forwarded-For. Only proxies the operator names (HUB_TRUSTED_PROXIES) are believed: the header
is read from the right, each trusted hop skipped, and the first address that is not one of them
is the client. Anyone can write the header, so without a trusted peer it is ignored.

An IPv6 client usually holds a whole /64 and can change address within it at will, so it is
counted by its /64. The key is a keyed HMAC of the address: the store (Redis, a table of flag
reporters) never holds addresses, and the 2^32 IPv4 addresses cannot be tried one by one
against it without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Headers as ASGI gives them: lower-case names, raw bytes.
RawHeaders = Iterable[tuple[bytes, bytes]]
UNKNOWN = "unknown"


def _address(text: str) -> Address | None:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _forwarded_for(headers: RawHeaders) -> list[str]:
    hops: list[str] = []
    for name, value in headers:
        if name == b"x-forwarded-for":
            hops += [hop.strip() for hop in value.decode("latin-1").split(",")]
    return hops


def grouped(address: Address) -> str:
    """What one client is counted as: an IPv4 address, or an IPv6 address's /64."""
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(frozen=True)
class ClientIdentity:
    """Reads client addresses behind `trusted` proxies and turns them into keyed digests."""

    key: bytes
    trusted: tuple[Network, ...] = ()

    @classmethod
    def of(cls, key: bytes, trusted_proxies: Iterable[str]) -> ClientIdentity:
        """From the settings' CIDRs (already checked by hub.settings)."""
        return cls(key, tuple(ipaddress.ip_network(c, strict=False) for c in trusted_proxies))

    def _is_trusted(self, address: Address) -> bool:
        return any(address in network for network in self.trusted)

    def address(self, peer: str | None, headers: RawHeaders) -> str:
        """The client's address, grouped (see `grouped`); UNKNOWN without a peer."""
        current = _address(peer) if peer else None
        if current is None:
            return peer or UNKNOWN
        if self.trusted and self._is_trusted(current):
            for hop in reversed(_forwarded_for(headers)):
                forwarded = _address(hop)
                if forwarded is None:
                    # A hop a trusted proxy wrote cannot be garbage: this one was written by
                    # the client; the last trusted hop is as far as we can see.
                    break
                current = forwarded
                if not self._is_trusted(forwarded):
                    break
        return grouped(current)

    def digest(self, purpose: str, value: str) -> str:
        """A keyed digest of `value` for `purpose` (the same value gives the same digest for
        every process that shares the key)."""
        mac = hmac.new(self.key, f"{purpose}\0{value}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def client_key(self, peer: str | None, headers: RawHeaders) -> str:
        """The key the limits count a client by: "client:" and a digest of its address."""
        return "client:" + self.digest("client", self.address(peer, headers))
