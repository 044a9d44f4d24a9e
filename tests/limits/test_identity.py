"""Who a client is: X-Forwarded-For only behind trusted proxies, IPv6 by /64, keyed digests."""

from __future__ import annotations

import hashlib

from hub.limits.identity import ClientIdentity

KEY = b"k" * 32
PROXIES = ClientIdentity.of(KEY, ["10.0.0.0/8", "2001:db8:ffff::/48"])
DIRECT = ClientIdentity.of(KEY, [])


def xff(*values: str) -> list[tuple[bytes, bytes]]:
    return [(b"x-forwarded-for", value.encode()) for value in values]


def test_without_trusted_proxies_a_spoofed_header_is_ignored() -> None:
    assert DIRECT.address("203.0.113.7", xff("198.51.100.1")) == "203.0.113.7"
    assert DIRECT.client_key("203.0.113.7", xff("198.51.100.1")) == DIRECT.client_key(
        "203.0.113.7", xff("192.0.2.99")
    )


def test_behind_a_trusted_proxy_the_header_is_walked_from_the_right() -> None:
    # The client wrote "1.1.1.1" itself; the outer proxy appended the real peer it saw, the
    # inner proxy (10.0.0.2) the outer one.
    headers = xff("1.1.1.1, 198.51.100.23", "10.0.0.2")
    assert PROXIES.address("10.0.0.1", headers) == "198.51.100.23"


def test_a_peer_that_is_not_a_trusted_proxy_is_the_client() -> None:
    assert PROXIES.address("198.51.100.5", xff("10.0.0.9")) == "198.51.100.5"


def test_garbage_in_the_header_stops_the_walk_at_the_last_trusted_hop() -> None:
    assert PROXIES.address("10.0.0.1", xff("not an address")) == "10.0.0.1"
    assert PROXIES.address("10.0.0.1", xff("198.51.100.1, junk, 10.0.0.7")) == "10.0.0.7"


def test_ipv6_clients_are_grouped_by_64_and_mapped_ipv4_is_ipv4() -> None:
    a = DIRECT.client_key("2001:db8:1:2:aaaa::1", [])
    b = DIRECT.client_key("2001:db8:1:2:bbbb::ffff", [])
    other = DIRECT.client_key("2001:db8:1:3::1", [])
    assert a == b != other
    assert DIRECT.address("::ffff:198.51.100.4", []) == "198.51.100.4"
    assert PROXIES.address("2001:db8:ffff:1::1", xff("2001:db8:5:6:7::8")) == "2001:db8:5:6::/64"


def test_the_key_is_a_keyed_digest_that_cannot_be_recomputed_without_the_key() -> None:
    key = DIRECT.client_key("198.51.100.4", [])
    assert "198.51.100.4" not in key
    unkeyed = hashlib.sha256(b"198.51.100.4").hexdigest()[:32]
    assert key.removeprefix("client:") != unkeyed
    assert ClientIdentity.of(b"x" * 32, []).client_key("198.51.100.4", []) != key
    assert DIRECT.client_key("198.51.100.4", []) == key
