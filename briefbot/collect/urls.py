"""Canonical URLs: one address per article, whatever tracking, AMP or mobile variant the link
carried, and the real target where a known redirector wraps it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")
_TRACKING_KEYS = {
    "fbclid",
    "gclid",
    "dclid",
    "msclkid",
    "mc_cid",
    "mc_eid",
    "ref",
    "ref_src",
    "igshid",
    "cmpid",
    "yclid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "amp",
    "outputtype",
    "share",
    "s",
    "si",
}
_MOBILE_HOSTS = re.compile(r"^(m|mobile|amp)\.")
_AMP_PATH = re.compile(r"(/amp)+/?$|\.amp(?=\.html?$|$)")
# Redirectors that carry the real address in a query parameter.
_REDIRECTORS = {
    "www.google.com": ("url", "q"),
    "google.com": ("url", "q"),
    "l.facebook.com": ("u",),
    "lm.facebook.com": ("u",),
    "out.reddit.com": ("url",),
    "t.umblr.com": ("z",),
    "href.li": (),
    "news.ycombinator.com": (),
}


def unwrap_redirect(url: str) -> str:
    """The real target of a known redirector link, else the URL itself."""
    parts = urlsplit(url)
    keys = _REDIRECTORS.get((parts.hostname or "").lower())
    if keys is None:
        return url
    query = dict(parse_qsl(parts.query))
    for key in keys:
        target = query.get(key, "")
        if target.startswith(("http://", "https://")):
            return target
    if (parts.hostname or "") == "href.li" and parts.query.startswith("http"):
        return parts.query
    return url


def canonical_url(url: str) -> str:
    """Lower-case scheme and host; no default port, fragment, tracking parameters, trailing
    slash, AMP or mobile variant; known redirectors unwrapped."""
    parts = urlsplit(unwrap_redirect(url.strip()))
    scheme = parts.scheme.lower()
    host = _MOBILE_HOSTS.sub("", (parts.hostname or "").lower())
    default_port = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    path = _AMP_PATH.sub("", parts.path).rstrip("/") or "/"
    query = urlencode(
        sorted(
            (key, value)
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
            if key.lower() not in _TRACKING_KEYS and not key.lower().startswith(_TRACKING_PREFIXES)
        )
    )
    return urlunsplit((scheme, netloc, path, query, ""))
