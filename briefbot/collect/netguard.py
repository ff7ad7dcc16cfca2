"""Addresses found inside feeds reach only the public internet (server-side request forgery).

A feed is written by someone else: an article link, a Reddit post's link, or a redirect such a
link takes could point at this machine (127.0.0.1, ::1, `localhost`), its network (10/8,
192.168/16, fc00::/7), cloud metadata (169.254.169.254) or any other address that is not
public. Such fetches are refused unless the operator allows them (`fetch.allow_private`).

The check is made where the connection is opened, on the address actually connected to: the
host name is resolved once, every address is checked, and the connection goes to a checked
address, so a name that resolves to a public address for a check and a private one for the
connection (DNS rebinding) cannot slip through, and every spelling of an address (2130706433,
0x7f.1, 127.1, ::ffff:127.0.0.1) is judged by what it is. TLS still verifies and sends SNI for
the URL's host name, and the Host header is the URL's (httpcore takes both from the URL).

Written here rather than taken from a library: the SSRF guards for httpx on PyPI are young,
one-maintainer packages, and the check needs to know briefbot's allow list and ports.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052: IPv4 addresses inside IPv6
_IPV4_PART = re.compile(r"^(0[xX][0-9a-fA-F]*|0[0-7]*|[1-9][0-9]*)$")


class ForbiddenAddress(Exception):
    """A fetch of a non-public address that the configuration does not allow."""


def ip_literal(host: str) -> IPAddress | None:
    """The address a URL host spells, in any form resolvers accept, or None for a name.

    IPv6 in brackets or not (a zone such as %eth0 dropped); IPv4 as one to four parts, each
    decimal, octal (leading 0) or hex (0x), the last part filling the remaining bytes, as
    inet_aton(3) and the WHATWG URL standard read them: 2130706433, 0x7f.1, 0177.0.0.1 and
    127.1 are all 127.0.0.1."""
    host = host.strip().rstrip(".").removeprefix("[").removesuffix("]")
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    parts = host.split(".")
    if not 1 <= len(parts) <= 4 or not all(_IPV4_PART.match(part) for part in parts):
        return None
    numbers = [_ipv4_number(part) for part in parts]
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    value = last
    for position, number in enumerate(leading):
        value += number << (8 * (3 - position))
    return ipaddress.IPv4Address(value)


def _ipv4_number(part: str) -> int:
    if part[:2].lower() == "0x":
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    return int(part)


def is_public(address: IPAddress) -> bool:
    """True for an address on the public internet: not loopback, private, shared (CGN),
    link-local, multicast, reserved, unspecified or documentation, also when an IPv6 address
    carries an IPv4 one (IPv4-mapped, 6to4, Teredo, NAT64)."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return is_public(embedded)
    return address.is_global and not (
        address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
    )


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class AllowRule:
    """One `fetch.allow_private` entry: an address or network, or a host name, and a port
    (None: any port)."""

    network: IPNetwork | None
    name: str | None
    port: int | None

    @classmethod
    def parse(cls, entry: str) -> AllowRule:
        """'127.0.0.1:8737', '10.0.0.0/8', '[::1]:8080', 'fd00::/8', 'intranet', 'nas:5000';
        raises ValueError for anything else."""
        text = entry.strip()
        host, port = text, None
        if text.startswith("["):
            host, closed, rest = text[1:].partition("]")
            if not closed:
                raise ValueError(f"an IPv6 address in brackets, got {entry!r}")
            if rest:
                port = _port(rest.removeprefix(":"), entry) if rest.startswith(":") else -1
        elif text.count(":") == 1:
            host, _, port_text = text.partition(":")
            port = _port(port_text, entry)
        if port == -1 or not host:
            raise ValueError(f"not an address, network or host name: {entry!r}")
        if "/" in host:
            try:
                return cls(ipaddress.ip_network(host, strict=False), None, port)
            except ValueError:
                raise ValueError(f"not a network such as 10.0.0.0/8: {entry!r}") from None
        literal = ip_literal(host)
        if literal is not None:
            return cls(ipaddress.ip_network(literal), None, port)
        if not re.fullmatch(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*", host):
            raise ValueError(f"not an address, network or host name: {entry!r}")
        return cls(None, host.lower(), port)

    def allows(self, host: str, port: int, address: IPAddress) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.name is not None:
            return host.lower().rstrip(".") == self.name
        assert self.network is not None
        return address.version == self.network.version and address in self.network


def _port(text: str, entry: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(f"not a port (1-65535) in {entry!r}")
    return int(text)


class AddressPolicy:
    """Which addresses an untrusted fetch may connect to: public ones, and those allowed."""

    def __init__(self, allowed: Iterable[str] = ()) -> None:
        self.rules = [AllowRule.parse(entry) for entry in allowed]

    def permits(self, host: str, port: int, address: IPAddress) -> bool:
        return is_public(address) or any(rule.allows(host, port, address) for rule in self.rules)

    async def addresses(self, host: str, port: int) -> list[IPAddress]:
        """The addresses `host` may be reached at, resolved once; raises ForbiddenAddress
        when it resolves only to addresses that are neither public nor allowed."""
        literal = ip_literal(host)
        if literal is not None:
            found = [literal]
        else:
            try:
                infos = await asyncio.get_running_loop().getaddrinfo(
                    host, port, type=socket.SOCK_STREAM
                )
            except OSError as error:
                raise httpcore.ConnectError(f"cannot resolve {host}: {error}") from error
            found = list(dict.fromkeys(ipaddress.ip_address(info[4][0]) for info in infos))
        permitted = [address for address in found if self.permits(host, port, address)]
        if not permitted:
            shown = ", ".join(str(address) for address in found)
            raise ForbiddenAddress(
                f"refused: {host} is not a public address ({shown}); "
                "fetch.allow_private can allow it"
            )
        return permitted


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend, connecting only to addresses the policy permits."""

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error: Exception | None = None
        for address in await self._policy.addresses(host, port):
            try:
                return await self._backend.connect_tcp(
                    str(address), port, timeout, local_address, socket_options
                )
            except httpcore.ConnectError as error:
                last_error = error
        assert last_error is not None
        raise last_error

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise ForbiddenAddress("refused: no Unix sockets for addresses found in feeds")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a GuardedBackend. httpx takes no network backend, so the pool
    it builds is replaced by the same pool over the guarded backend (httpx 0.27-0.28)."""

    def __init__(self, policy: AddressPolicy, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )
