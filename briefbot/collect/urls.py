"""Canonical URLs: one address per article, whatever tracking, AMP or mobile variant the link
carried, and the real target where a known redirector wraps it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

URL_CHARS = 2048  # the longest link kept (the sitemaps protocol's limit); longer ones are junk

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


class BadURL(ValueError):
    """A link that cannot be an article's address; the message says why."""


# Whitespace and controls cannot stand in a URL (RFC 3986 §2); browsers would encode a space,
# but in a feed's link it is a sign of a broken template.
_NOT_IN_URL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def web_url(link: str, base: str = "") -> str:
    """The canonical form of `link`, resolved against `base` when relative (RFC 3986 §5).

    Raises BadURL for what cannot be an article's address: a scheme other than http(s), no
    host, a port out of range, whitespace or control characters, over URL_CHARS characters."""
    link = (link or "").strip()
    if not link:
        raise BadURL("no link")
    if len(link) > URL_CHARS:
        raise BadURL(f"link longer than {URL_CHARS:,} characters")
    try:
        absolute = _checked(urljoin(base, link) if base else link)
        return canonical_url(_checked(unwrap_redirect(absolute)))
    except ValueError as error:  # urllib's own: a port out of range, a broken IPv6 host
        if isinstance(error, BadURL):
            raise
        raise BadURL(f"bad link {link[:80]!r}: {error}") from error


def _checked(url: str) -> str:
    if _NOT_IN_URL.search(url):
        raise BadURL(f"link with a space or control character: {url[:80]!r}")
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise BadURL(f"not an http(s) link: {url[:80]!r}")
    parts.port  # noqa: B018 - raises ValueError for a port out of range
    if not parts.hostname:
        raise BadURL(f"no host in {url[:80]!r}")
    return url


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
