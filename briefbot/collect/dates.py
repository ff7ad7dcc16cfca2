"""Dates as feeds give them, read into UTC moments; an impossible date is no date.

Feeds date entries in RFC 822 / RFC 5322 §3.3 form ("Wed, 13 May 2026 23:30:00 +0200"), in
ISO 8601 / RFC 3339 form ("2026-05-13T21:30:00Z") and in many variants of both: no zone, a zone
abbreviation, localised day and month names ("Do, 30 Apr 2026"), no seconds, a space for the
`T`, fractional seconds, the basic format ("20260513T213000Z"). The order of readers:

1. a zone abbreviation is replaced by its offset from `ZONE_OFFSETS` first, because feedparser
   and the standard library read a name they do not know (CEST, IST, AEST) as UTC; a name not
   in the table goes to dateparser first, which knows many;
2. ISO 8601 text is read by python-dateutil's `isoparse` (feedparser misreads the basic
   format);
3. other text by feedparser's own reading of the entry, unless a zone name was replaced;
4. then by the standard library's RFC 5322 parser;
5. and last by dateparser, which knows day and month names in some 200 languages.

A time without a zone is UTC, as feedparser's maintainers state for RFC 822 dates. A moment
before the web (placeholders such as 0001-01-01 or the Unix epoch) or more than two days ahead
of the collection (9999-12-31, wrong clocks) is treated as no date, whatever its zone.
"""

from __future__ import annotations

import calendar
import email.utils
import logging
import re
import time
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache

from dateutil.parser import isoparse

log = logging.getLogger(__name__)

EARLIEST = datetime(1991, 8, 6, tzinfo=UTC)  # the first web page; earlier dates are placeholders
FUTURE_SLACK = timedelta(days=2)  # wrong clocks and zones are hours off, not days

# Zone abbreviations seen in feeds, as hours from UTC. Where one name has several meanings the
# RFC 822 one is kept (CST, the US Central zone) or else the most used one in feeds: IST is
# India Standard Time (+05:30), as in Java's and most zone lists (Irish and Israeli feeds give
# numeric offsets); BST is British Summer Time; AST is Atlantic Standard Time.
ZONE_OFFSETS: dict[str, float] = {
    # North America (RFC 822 §5.1 and the rest)
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    # Europe, in English and in German (MEZ, MESZ) and the older MET, MEST
    "WET": 0, "WEST": 1, "BST": 1, "CET": 1, "CEST": 2, "MET": 1, "MEST": 2, "MEZ": 1,
    "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3,
    # Asia and the Pacific
    "IST": 5.5, "PKT": 5, "ICT": 7, "WIB": 7, "SGT": 8, "HKT": 8, "PHT": 8, "AWST": 8,
    "JST": 9, "KST": 9, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12,
    "NZDT": 13,
}  # fmt: skip
_UTC_NAMES = {"UT", "UTC", "GMT", "Z"}
# A zone name right after the time of day, perhaps in parentheses: "23:30:00 CEST", "23:30 (PDT)"
_ZONE_NAME = re.compile(
    r"(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?)\s*\(?(?P<zone>[A-Za-z]{2,5})\)?$"
)
_ISO = re.compile(
    r"^\d{4}-?\d{2}-?\d{2}"  # 2026-05-13, 20260513
    r"(?:[Tt ]\d{2}(?::?\d{2}){0,2}(?:[.,]\d+)?)?"  # T23:30, T233000, 23:30:00.123
    r"(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$"  # Z, +02, +0200, +02:00
)


def feed_date(text: str | None, parsed: time.struct_time | None, now: datetime) -> datetime | None:
    """The UTC moment a feed's date `text` gives, or None when it gives none that can be true.

    `parsed` is feedparser's own reading of `text` (an entry's `published_parsed` and the
    like), `now` the time of collection (aware). See the module's docstring for the order."""
    try:
        moment = plausible(_read(" ".join((text or "").split()), parsed), now)
    except (ValueError, OverflowError):  # year 0 or 10000 once in UTC, a 31st of February
        moment = None
    if moment is None and text:
        log.debug("no usable date in %r", text)
    return moment


def plausible(moment: datetime | None, now: datetime) -> datetime | None:
    """`moment` in UTC when it can be true: after the web began, at most FUTURE_SLACK after
    `now`. Raises OverflowError or ValueError when it cannot be put in UTC at all."""
    if moment is None:
        return None
    moment = moment.astimezone(UTC)
    return moment if EARLIEST <= moment <= now + FUTURE_SLACK else None


def _read(text: str, parsed: time.struct_time | None) -> datetime | None:
    if not text:
        return _from_struct(parsed) if parsed else None
    zone = _zone_name(text)
    if zone in ZONE_OFFSETS:
        text = with_numeric_zone(text)
    if _ISO.match(text):
        moment = _iso(text)
        if moment is not None:
            return moment
    elif zone and zone not in _UTC_NAMES and zone not in ZONE_OFFSETS:
        # a name not in the table: feedparser would say UTC; dateparser knows many more
        moment = _any_language(text)
        if moment is not None:
            return moment
    if parsed and zone not in ZONE_OFFSETS:
        return _from_struct(parsed)
    return _rfc5322(text) or _any_language(text)


def _zone_name(text: str) -> str | None:
    """The zone abbreviation after the time of day, upper-cased ("23:30:00 CEST" -> CEST)."""
    match = _ZONE_NAME.search(text)
    return match["zone"].upper() if match else None


def with_numeric_zone(text: str) -> str:
    """`text` with a trailing zone abbreviation from `ZONE_OFFSETS` replaced by its offset
    ("23:30:00 CEST" -> "23:30:00 +0200")."""
    match = _ZONE_NAME.search(text)
    if not match or match["zone"].upper() not in ZONE_OFFSETS:
        return text
    minutes = round(ZONE_OFFSETS[match["zone"].upper()] * 60)
    sign = "-" if minutes < 0 else "+"
    offset = f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"
    return f"{text[: match.start()]}{match['time']} {offset}"


def _from_struct(parsed: time.struct_time) -> datetime:
    """feedparser's 9-tuples are in UTC."""
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)


def _utc_if_naive(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(text: str) -> datetime | None:
    try:
        return _utc_if_naive(isoparse(text))
    except (ValueError, OverflowError):
        return None


def _rfc5322(text: str) -> datetime | None:
    """The standard library's reading of an RFC 5322 date, when it read the year as written
    (it takes "0001" for 2001, as if it were a two-digit year)."""
    fields = email.utils.parsedate_tz(text)
    if fields is None or not re.search(rf"(?<!\d){fields[0]}(?!\d)", text):
        return None
    try:
        return _utc_if_naive(email.utils.parsedate_to_datetime(text))
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=4096)
def _any_language(text: str) -> datetime | None:
    """dateparser's reading: localised names ("Mi, 13 Mai 2026"), RFC 850, epoch seconds."""
    try:
        found = _date_parser().get_date_data(text).date_obj
    except (ValueError, OverflowError, TypeError):
        return None
    return _utc_if_naive(found) if found else None


@cache
def _date_parser():
    from dateparser.date import DateDataParser  # imported late: most dates never need it

    return DateDataParser(
        settings={
            "TIMEZONE": "UTC",
            "RETURN_AS_TIMEZONE_AWARE": True,
            "STRICT_PARSING": True,  # day, month and year, or nothing
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # nothing relative
        }
    )
