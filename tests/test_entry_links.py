"""Entry links: each entry its own item (distinct GUIDs on one link are distinct items), entries
without a link kept through their enclosure, a permalink GUID or the feed's site, relative
links resolved against the document's base (RFC 3986 §5.1: xml:base, else the feed's URL),
and an entry whose link is no web address skipped and counted while the rest are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest

from briefbot.collect.urls import URL_CHARS, BadURL, web_url
from briefbot.pick import rank_stories
from briefbot.store import Store
from tests.feeds import NOW, atom, collect_feed, rss

VENDORS = [("Alpha", "router firmware"), ("Beta", "database server"), ("Gamma", "printer driver")]


def advisories(guids: bool = True) -> str:
    """Case 01: three entries, one <link>, three GUIDs (isPermaLink="false")."""
    return rss(
        "".join(
            f"<item><title>CAN-100{n}: Vendor {vendor} {product} flaw</title>"
            + (f'<guid isPermaLink="false">CAN-100{n}</guid>' if guids else "")
            + "<link>https://advisories.example/upcoming/</link>"
            f"<description>A flaw in Vendor {vendor} {product} was reported.</description>"
            "<pubDate>Wed, 13 May 2026 20:00:00 +0000</pubDate></item>"
            for n, (vendor, product) in enumerate(VENDORS, start=1)
        ),
        channel_link="https://advisories.example/upcoming/",
    )


@pytest.mark.parametrize("guids", [True, False], ids=["distinct GUIDs", "no GUIDs"])
def test_entries_sharing_one_link_are_items_and_stories_of_their_own(feed_server, tmp_path, guids):
    result = collect_feed(feed_server, advisories(guids))
    assert [item.url for item in result.items] == ["https://advisories.example/upcoming"] * 3
    assert len({item.identity for item in result.items}) == 3
    if guids:
        assert result.items[0].key == "https://advisories.example/upcoming#CAN-1001"
    with Store(tmp_path / "b.db") as store:
        assert store.save_items(result.items, NOW) == 3
        stored = store.items_between(NOW - timedelta(days=1), NOW)
    stories = rank_stories(stored, NOW)
    assert sorted((story.lead.title, story.lead.teaser) for story in stories) == [
        (f"CAN-100{n}: Vendor {vendor} {product} flaw", f"A flaw in Vendor {vendor} {product}"
         " was reported.")
        for n, (vendor, product) in enumerate(VENDORS, start=1)
    ]  # fmt: skip


def test_an_entry_seen_twice_in_one_feed_is_one_item(feed_server):
    entry = (
        "<item><title>Nova 2 released</title><guid>https://n.example/nova-2</guid>"
        "<link>https://n.example/nova-2</link></item>"
    )
    result = collect_feed(feed_server, rss(entry * 2))
    assert {item.identity for item in result.items} == {"https://n.example/nova-2"}


PODCAST = rss(
    # case 13: enclosures and non-permalink GUIDs, no <link>
    "<item><title>Episode 12: Open models on small machines</title>"
    '<guid isPermaLink="false">podcast-ep-12</guid>'
    '<enclosure url="https://cdn.podcast.example/ep12.mp3" length="31000000" type="audio/mpeg"/>'
    "<description>Running open-weight models on laptops.</description></item>"
    "<item><title>Episode 11: Benchmarks and their limits</title>"
    '<guid isPermaLink="false">podcast-ep-11</guid>'
    '<enclosure url="media/ep11.mp3" length="29000000" type="audio/mpeg"/>'
    "<description>Why leaderboards disagree.</description></item>"
    # a permalink GUID is the entry's address (RSS 2.0: isPermaLink defaults to true)
    "<item><title>Show notes</title><guid>https://podcast.example/notes/12</guid></item>"
    # nothing but a non-permalink GUID: the feed's site
    '<item><title>Trailer</title><guid isPermaLink="false">trailer</guid></item>'
    '<item><title>Bonus</title><guid isPermaLink="false">bonus</guid></item>',
    channel_link="https://podcast.example/",
)


def test_entries_without_a_link_are_kept_through_enclosure_guid_or_site(feed_server):
    result = collect_feed(feed_server, PODCAST, path="/shows/feed.xml")
    links = {item.title.split(":")[0]: (item.url, item.has_own_page) for item in result.items}
    base = feed_server.url("/shows")
    assert links == {
        "Episode 12": ("https://cdn.podcast.example/ep12.mp3", False),
        "Episode 11": (f"{base}/media/ep11.mp3", False),
        "Show notes": ("https://podcast.example/notes/12", True),
        "Trailer": ("https://podcast.example/", False),
        "Bonus": ("https://podcast.example/", False),
    }  # fmt: skip
    trailer, bonus = result.items[3:]
    assert trailer.identity != bonus.identity  # two entries on the site's link, told apart
    assert result.skipped == ()


def test_an_entry_with_no_link_at_all_is_skipped_and_counted(feed_server):
    orphan = rss(
        "<item><title>Episode 12</title><guid isPermaLink='false'>ep-12</guid></item>"
        "<item><title>Episode 13</title><link>https://podcast.example/13</link></item>",
        channel_link="",
    )
    result = collect_feed(feed_server, orphan)
    assert [item.title for item in result.items] == ["Episode 13"]
    assert result.skipped == ("entry 1: no link, enclosure, permalink GUID or site link",)


def test_relative_links_are_resolved_against_the_documents_base(feed_server):
    items = (
        "<item><title>Root-relative</title><link>/2026/05/root</link></item>"
        "<item><title>Path-relative</title><link>posts/path</link></item>"
        "<item><title>Scheme-relative</title><link>//cdn.example/x</link></item>"
    )
    result = collect_feed(feed_server, rss(items), path="/blog/feed.xml")
    assert [item.url for item in result.items] == [
        feed_server.url("/2026/05/root"),
        feed_server.url("/blog/posts/path"),
        "http://cdn.example/x",
    ]
    entries = (
        '<entry><title>a</title><id>urn:a</id><link href="posts/1"/>'
        "<updated>2026-05-14T06:00:00Z</updated></entry>"
        '<entry xml:base="https://other.example/x/"><title>b</title><id>urn:b</id>'
        '<link href="y/2"/><updated>2026-05-14T06:00:00Z</updated></entry>'
    )
    result = collect_feed(feed_server, atom(entries, base="https://atom.example/blog/"))
    assert [item.url for item in result.items] == [
        "https://atom.example/blog/posts/1",
        "https://other.example/x/y/2",
    ]


BAD_LINKS = [
    ("http://127.0.0.1:99999/x", "Port out of range"),  # issue 15: it sank the whole feed
    ("https://news.example/a story", "space or control character"),
    ("https://news.example/a\tstory", "space or control character"),
    ("javascript:alert(1)", "not an http(s) link"),
    ("ftp://files.example/report.pdf", "not an http(s) link"),
    ("mailto:desk@news.example", "not an http(s) link"),
    ("https://news.example/" + "a" * URL_CHARS, "longer than 2,048 characters"),
]


def test_an_entry_with_a_bad_link_is_skipped_and_counted_and_the_rest_kept(feed_server):
    items = "".join(
        f"<item><title>Bad {n}</title><link>{link}</link></item>"
        f"<item><title>Good {n}</title><link>https://news.example/good/{n}</link></item>"
        for n, (link, _) in enumerate(BAD_LINKS)
    )
    result = collect_feed(feed_server, rss(items))
    assert [item.title for item in result.items] == [f"Good {n}" for n in range(len(BAD_LINKS))]
    assert len(result.skipped) == len(BAD_LINKS)
    for reason, (_, why) in zip(result.skipped, BAD_LINKS, strict=True):
        assert why in reason, reason


def test_a_link_feedparser_cannot_read_at_all_leaves_the_entry_on_the_site(feed_server):
    broken = rss("<item><title>Broken</title><link>http://[::1/broken</link></item>")
    [item] = collect_feed(feed_server, broken).items  # feedparser hands the link over empty
    assert (item.url, item.has_own_page) == ("https://site.example/", False)


@pytest.mark.parametrize(
    ("link", "why"),
    [*BAD_LINKS, ("http:///no-host", "no host"), ("http://[::1/broken", "Invalid IPv6 URL")],
)
def test_a_link_that_is_no_web_address_is_refused(link, why):
    with pytest.raises(BadURL, match=why.replace("(", r"\(").replace(")", r"\)")):
        web_url(link)


def test_links_found_through_a_redirector_are_checked_too():
    with pytest.raises(BadURL, match="Port out of range"):
        web_url("https://www.google.com/url?q=http://127.0.0.1:99999/y")
    assert web_url("/a?utm_source=x", "https://n.example/feed") == "https://n.example/a"
