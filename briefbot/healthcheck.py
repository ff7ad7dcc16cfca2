"""Pinging a monitor (healthchecks.io convention): `<url>/start`, then `<url>` or `<url>/fail`.

A monitor that hears nothing at the expected time alerts on its own, so a ping that cannot be
delivered is only logged: it never changes how a run ends.
"""

from __future__ import annotations

import logging
from typing import Literal

import httpx

log = logging.getLogger(__name__)

PING_TIMEOUT_SECONDS = 10


def ping(url: str | None, signal: Literal["start", "success", "fail"]) -> bool:
    """Tell the monitor at `url` that a run started, succeeded or failed; False if it failed."""
    if not url:
        return False
    target = url if signal == "success" else f"{url.rstrip('/')}/{signal}"
    try:
        response = httpx.get(target, timeout=PING_TIMEOUT_SECONDS, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as error:
        log.warning("healthcheck ping %s failed: %s", target, error)
        return False
    log.debug("healthcheck ping %s: HTTP %d", target, response.status_code)
    return True
