"""Entry dates: every date a feed gives is read into UTC (RFC 822 with or without a zone, zone
abbreviations, localised day and month names, ISO 8601 variants); a date that cannot be true is
no date, whatever its zone; an item's day is its local day in the brief's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import feedparser
import pytest

from briefbot.collect.dates import feed_date
from briefbot.models import Brief
from briefbot.pick import day_window
from briefbot.render import local_day
from briefbot.store import Store
from tests.feeds import NOW, atom, collect_feed, rss

MOMENT = datetime(2026, 5, 13, 21, 30, tzinfo=UTC)


def read(text: str, now: datetime = NOW) -> datetime | None:
    """As a collector reads an entry's date: with feedparser's own reading beside it."""
    [entry] = feedparser.parse(rss(f"<item><title>t</title><pubDate>{text}</pubDate></item>"))[
        "entries"
    ]
    return feed_date(entry.get("published"), entry.get("published_parsed"), now)


@pytest.mark.parametrize(
    "text",
    [
        "Wed, 13 May 2026 21:30:00",  # RFC 822 without a zone: UTC
        "Wed, 13 May 2026 21:30:00 GMT",
        "Wed, 13 May 2026 23:30:00 +0200",
        "Wed, 13 May 2026 23:30:00 CEST",  # case 05
        "Wed, 13 May 2026 23:30:00 MEST",
        "Wed, 13 May 2026 23:30:00 MESZ",
        "Wed, 13 May 2026 14:30:00 PDT",
        "Wed, 13 May 2026 16:30:00 EST",
        "Thu, 14 May 2026 03:00:00 IST",  # India, +05:30 (see dates.ZONE_OFFSETS)
        "Thu, 14 May 2026 07:30:00 AEST",
        "Wed, 13 May 2026 22:30:00 BST",
        "Thu, 14 May 2026 00:30:00 EAT",  # not in the table: dateparser knows it
        "Wed, 13 May 2026 23:30:00 +0200 (CEST)",
        "Mi, 13 Mai 2026 23:30:00 +0200",  # German day and month names (case 04)
        "mer., 13 mai 2026 23:30:00 +0200",  # French
        "mié, 13 may 2026 23:30:00 +0200",  # Spanish
        "Wednesday, 13-May-26 21:30:00 GMT",  # RFC 850
        "Wed, 13 May 26 21:30:00 +0000",  # a two-digit year
        "2026-05-13T21:30:00Z",
        "2026-05-13T23:30:00+02:00",
        "2026-05-13T23:30:00+0200",
        "2026-05-13T21:30Z",  # no seconds
        "2026-05-13 21:30:00",  # a space for the T, no zone: UTC
        "2026-05-13t21:30:00z",
        "2026-05-13T21:30:00.000000Z",  # fractional seconds
        "20260513T213000Z",  # the basic format
        "2026-05-13T17:30:00-04:00",
    ],
)
def test_every_form_of_a_date_gives_the_same_moment(text):
    assert read(text) == MOMENT


@pytest.mark.parametrize("zone", ["Z", "+14:00", "-12:00", "+01:00", ""])
@pytest.mark.parametrize("day", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_impossible_iso_dates_are_no_date_whatever_their_zone(day, zone):
    assert read(day + zone) is None


@pytest.mark.parametrize("zone", ["+0000", "-1200", "+1400", "CEST", "PDT", ""])
@pytest.mark.parametrize(
    "day", ["Mon, 01 Jan 0001 00:00:00", "Fri, 31 Dec 9999 23:59:59", "Thu, 01 Jan 1970 00:00:00"]
)
def test_impossible_rfc822_dates_are_no_date_whatever_their_zone(day, zone):
    assert read(f"{day} {zone}".strip()) is None


def test_the_future_is_two_days_away_at_most():
    assert read("Fri, 15 May 2026 07:00:00 +0000") == NOW + timedelta(days=1)
    assert read("Sun, 17 May 2026 07:00:00 +0000") is None
    assert read("Sun, 17 May 2026 07:00:00 +0000", now=NOW + timedelta(days=2)) is not None
    assert read("not a date") is None and read("") is None


def test_an_impossible_published_date_gives_way_to_the_updated_one(feed_server):
    entries = (
        "<entry><title>a</title><id>urn:a</id><link href='https://n.example/a'/>"
        "<published>0001-01-01T00:00:00Z</published><updated>2026-05-13T21:30:00Z</updated>"
        "</entry><entry><title>b</title><id>urn:b</id><link href='https://n.example/b'/>"
        "<updated>9999-12-31T23:59:59+14:00</updated></entry>"
    )
    first, second = collect_feed(feed_server, atom(entries)).items
    assert first.published == MOMENT and second.published is None


CASE_04 = rss(
    "<item><title>Old story from two weeks ago</title><link>https://wire.example/old</link>"
    "<pubDate>Thu, 30 Apr 2026 08:57:00</pubDate></item>"
    "<item><title>Old story with a German weekday</title><link>https://wire.example/old-de"
    "</link><pubDate>Do, 30 Apr 2026 08:57:00 +0200</pubDate></item>"
    "<item><title>Fresh story from this morning</title><link>https://wire.example/fresh</link>"
    "<pubDate>Thu, 14 May 2026 06:00:00 +0000</pubDate></item>"
    "<item><title>Undated story</title><link>https://wire.example/undated</link></item>"
    "<item><title>Story from year one</title><link>https://wire.example/year-one</link>"
    "<pubDate>Mon, 01 Jan 0001 00:00:00 +0000</pubDate></item>"
)


def test_old_items_fall_outside_the_brief_window_and_undated_ones_are_seen_now(
    feed_server, tmp_path
):
    result = collect_feed(feed_server, CASE_04)
    published = {item.title: item.published for item in result.items}
    assert published == {
        "Old story from two weeks ago": datetime(2026, 4, 30, 8, 57, tzinfo=UTC),
        "Old story with a German weekday": datetime(2026, 4, 30, 6, 57, tzinfo=UTC),
        "Fresh story from this morning": datetime(2026, 5, 14, 6, 0, tzinfo=UTC),
        "Undated story": None,
        "Story from year one": None,  # an impossible date is no date
    }
    with Store(tmp_path / "b.db") as store:
        store.save_items(result.items, NOW)
        window = day_window(date(2026, 5, 14), ZoneInfo("UTC"), NOW, lookback_hours=36)
        candidates = {item.title for item in store.items_between(*window)}
    # an undated item is dated when first seen: now
    assert candidates == {"Fresh story from this morning", "Undated story", "Story from year one"}


CASE_05 = rss(
    "".join(
        f"<item><title>Item stamped {zone}</title><link>https://regional.example/{n}</link>"
        f"<pubDate>Wed, 13 May 2026 23:30:00 {zone}</pubDate></item>"
        for n, zone in enumerate(["MEST", "CEST", "+0200"])
    )
)


def test_an_items_day_is_its_local_day_in_the_briefs_zone(feed_server):
    berlin = ZoneInfo("Europe/Berlin")
    collected = datetime(2026, 5, 14, 7, 0, tzinfo=berlin)
    result = collect_feed(feed_server, CASE_05, now=collected)
    assert {item.published for item in result.items} == {MOMENT}
    brief = Brief("t", date(2026, 5, 14), collected, [], [])
    assert {local_day(item.published, brief) for item in result.items} == {"2026-05-13"}
    # the same moment is the 14th in Tokyo and the 13th in New York
    for zone, day in (("Asia/Tokyo", "2026-05-14"), ("America/New_York", "2026-05-13")):
        elsewhere = Brief("t", date(2026, 5, 14), collected.astimezone(ZoneInfo(zone)), [], [])
        assert local_day(MOMENT, elsewhere) == day
