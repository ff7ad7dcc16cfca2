"""A per-client rate limit for the web form: exact over a sliding window, O(1) per check and
bounded in memory however many clients come."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict, deque
from collections.abc import Callable

# An IPv6 client usually holds a whole /64 (RFC 6177, SLAAC): counted as one client.
IPV6_CLIENT_PREFIX = 64


def client_key(address: str) -> str:
    """The key a client is counted under: its IPv4 address, its IPv6 /64, or the text as given
    when it is no IP address (a Unix socket's peer)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_CLIENT_PREFIX), strict=False))
    return str(ip)


class RateLimiter:
    """At most `limit` events per `window` seconds for each key, over a sliding window.

    Each key keeps the times of its last `limit` events (a deque of that length), so a check
    looks at one deque end: O(1). Keys sit in an OrderedDict from least to most recently seen;
    each check first drops keys at the old end whose newest event left the window (each key
    is dropped once, so amortised O(1)), and when more than `max_keys` are active the least
    recently seen go (a flood from more addresses than that can reset a quiet client's count;
    it cannot grow the memory).
    """

    def __init__(
        self,
        limit: int,
        window: float,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit, self._window, self._max_keys, self._clock = limit, window, max_keys, clock
        self._events: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        """How many keys are remembered."""
        return len(self._events)

    def allow(self, key: str) -> bool:
        """Count an event for `key`; False (and not counted) when the key is over its limit."""
        now = self._clock()
        self._forget_quiet(now)
        events = self._events.get(key)
        if events is None:
            events = self._events[key] = deque(maxlen=self._limit)
        else:
            self._events.move_to_end(key)
        if len(events) == self._limit and events[0] > now - self._window:
            return False
        events.append(now)  # a full deque drops its oldest time
        while len(self._events) > self._max_keys:
            self._events.popitem(last=False)
        return True

    def _forget_quiet(self, now: float) -> None:
        while self._events:
            oldest_key, events = next(iter(self._events.items()))
            if events and events[-1] > now - self._window:
                return
            del self._events[oldest_key]
