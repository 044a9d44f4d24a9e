"""Which addresses count as public: a table of what must be refused and what must pass."""

from __future__ import annotations

import ipaddress

import pytest

from hub.domain.addresses import embedded_ipv4, is_public_text

REFUSED = {
    # IPv4 special ranges
    "0.0.0.0": "unspecified",  # noqa: S104 - an address to refuse, not to bind
    "0.1.2.3": "this network (0/8)",
    "10.1.2.3": "private",
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT, last",
    "127.0.0.1": "loopback",
    "127.255.255.254": "loopback, elsewhere in 127/8",
    "169.254.169.254": "link-local: cloud metadata",
    "172.16.0.1": "private",
    "172.31.255.255": "private, last",
    "192.0.0.8": "IETF protocol assignments",
    "192.0.2.1": "documentation",
    "192.88.99.1": "6to4 relay anycast",
    "192.168.1.1": "private",
    "198.18.0.1": "benchmarking",
    "198.51.100.7": "documentation",
    "203.0.113.9": "documentation",
    "224.0.0.1": "multicast (is_global says True)",
    "239.255.255.250": "multicast, SSDP",
    "240.0.0.1": "reserved",
    "255.255.255.255": "broadcast",
    # IPv6 special ranges
    "::": "unspecified",
    "::1": "loopback",
    "fe80::1": "link-local",
    "fe80::1%eth0": "link-local with a zone",
    "fec0::1": "site-local",
    "fc00::1": "unique local",
    "fd12:3456::1": "unique local",
    "ff02::1": "multicast",
    "ff0e::1": "multicast, global scope",
    "100::1": "discard",
    "2001:db8::1": "documentation",
    "3fff::1": "documentation (is_global says True)",
    "5f00::1": "SRv6",
    "2001:10::1": "ORCHID",
    "4000::1": "outside 2000::/3",
    # IPv4 inside IPv6
    "::ffff:127.0.0.1": "IPv4-mapped loopback",
    "::ffff:169.254.169.254": "IPv4-mapped metadata",
    "::ffff:10.0.0.1": "IPv4-mapped private",
    "::127.0.0.1": "IPv4-compatible loopback",
    "::8.8.8.8": "IPv4-compatible (deprecated) even of a public address",
    "64:ff9b::7f00:1": "NAT64 of 127.0.0.1",
    "64:ff9b::a9fe:a9fe": "NAT64 of 169.254.169.254",
    "64:ff9b::a00:1": "NAT64 of 10.0.0.1",
    "64:ff9b:1::808:808": "local-use NAT64",
    "2002:7f00:1::1": "6to4 of 127.0.0.1",
    "2002:a9fe:a9fe::1": "6to4 of 169.254.169.254",
    "2002:c0a8:101::1": "6to4 of 192.168.1.1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": "Teredo",
    "2001:0:7f00:1:0:0:80ff:fffe": "Teredo with a loopback server",
    # not addresses at all
    "localhost": "a name",
    "": "nothing",
}
PUBLIC = {
    "8.8.8.8": "public IPv4",
    "93.184.215.14": "public IPv4",
    "1.1.1.1": "public IPv4",
    "2606:4700:4700::1111": "public IPv6",
    "2a00:1450:4001:80b::200e": "public IPv6",
    "::ffff:8.8.8.8": "IPv4-mapped public",
    "64:ff9b::808:808": "NAT64 of 8.8.8.8 (IPv6-only networks reach IPv4 so)",
    "2002:808:808::1": "6to4 of 8.8.8.8",
}


@pytest.mark.parametrize(("address", "why"), REFUSED.items(), ids=list(REFUSED))
def test_special_addresses_are_refused(address: str, why: str) -> None:
    assert not is_public_text(address), why


@pytest.mark.parametrize(("address", "why"), PUBLIC.items(), ids=list(PUBLIC))
def test_public_addresses_pass(address: str, why: str) -> None:
    assert is_public_text(address), why


@pytest.mark.parametrize(
    ("address", "inside"),
    [
        ("::ffff:127.0.0.1", ["127.0.0.1"]),
        ("::127.0.0.1", ["127.0.0.1"]),
        ("64:ff9b::a9fe:a9fe", ["169.254.169.254"]),
        ("2002:a9fe:a9fe::1", ["169.254.169.254"]),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", ["65.54.227.120", "192.0.2.45"]),
        ("2606:4700:4700::1111", []),
    ],
)
def test_the_ipv4_inside_is_found(address: str, inside: list[str]) -> None:
    found = embedded_ipv4(ipaddress.IPv6Address(address))
    assert [str(a) for a in found] == inside
