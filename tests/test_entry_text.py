"""Entry text: titles and teasers read by their declared type (RFC 4287 §3.1.1: `text` is
plain text, `html` is HTML after one XML unescape, `xhtml` is markup), HTML unescaped exactly
once, whitespace folded, nothing lost or doubled."""

from __future__ import annotations

import pytest

from briefbot.collect.text import decoded, html_to_text
from tests.feeds import atom, collect_feed, rss

# (the <title> element as the feed has it, the title a reader must see)
ATOM_TITLES = [
    ('<title type="html">AT&amp;amp;T and Verizon sign a roaming deal</title>',
     "AT&T and Verizon sign a roaming deal"),  # case 02
    ('<title type="text">AT&amp;T &lt;3 open weights</title>', "AT&T <3 open weights"),
    ("<title>Escaping &lt;b&gt; in a text title</title>", "Escaping <b> in a text title"),
    ('<title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;#8217; &amp;rarr; &amp;#x27;</title>',
     "Bold \u2019 → '"),  # numeric, named and hex references, each decoded once
    ('<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">AT&amp;T <b>Harbor</b>'
     "&#8217;s 1.0</div></title>", "AT&T Harbor\u2019s 1.0"),
    ('<title type="html"><![CDATA[Caf&eacute; &amp;amp; <i>bar</i>]]></title>',
     "Café &amp; bar"),  # HTML in CDATA: one unescape, not two
    ('<title type="text"><![CDATA[Plain <3 &amp; text]]></title>', "Plain <3 &amp; text"),
    ('<title type="html">Line\n  broken\ttitle&amp;nbsp;here</title>',
     "Line broken title here"),
]  # fmt: skip

RSS_TITLES = [
    ("Don&amp;#x27;t forget to back up", "Don't forget to back up"),  # case 02
    ("Chipmaker&amp;#8217;s new accelerator", "Chipmaker\u2019s new accelerator"),  # case 02
    ("AT&amp;T &lt;3", "AT&T <3"),
    ("Fish &amp;amp; chips", "Fish & chips"),
    ("Caf&amp;eacute; au lait", "Café au lait"),
    ("&lt;b&gt;Bold&lt;/b&gt; news", "Bold news"),
    ("<![CDATA[Caf&eacute; & <i>bar</i>]]>", "Café & bar"),
    ("<![CDATA[AT&T <3 open models]]>", "AT&T <3 open models"),
    ("Tom &amp; Jerry &lt; 3", "Tom & Jerry < 3"),
    ("\n   Split\n   over\tlines&#160;here   ", "Split over lines here"),
]


def test_atom_titles_are_read_by_their_declared_type(feed_server):
    entries = "".join(
        f'<entry>{title}<id>urn:{n}</id><link href="https://news.example/{n}"/>'
        "<updated>2026-05-14T06:00:00Z</updated></entry>"
        for n, (title, _) in enumerate(ATOM_TITLES)
    )
    result = collect_feed(feed_server, atom(entries))
    assert [item.title for item in result.items] == [expected for _, expected in ATOM_TITLES]


def test_rss_titles_that_feedparser_classes_html_are_unescaped_once(feed_server):
    items = "".join(
        f"<item><title>{title}</title><link>https://forum.example/post/{n}</link></item>"
        for n, (title, _) in enumerate(RSS_TITLES)
    )
    result = collect_feed(feed_server, rss(items))
    assert [item.title for item in result.items] == [expected for _, expected in RSS_TITLES]


def test_teasers_keep_paragraphs_and_are_read_by_type(feed_server):
    entries = (
        '<entry><title>a</title><id>urn:a</id><link href="https://n.example/a"/>'
        '<updated>2026-05-14T06:00:00Z</updated><summary type="html">&lt;p&gt;First&lt;/p&gt;'
        "&lt;p&gt;Second &amp;amp; third,&amp;nbsp;and&lt;br&gt;a fourth&lt;/p&gt;</summary>"
        "</entry>"
        '<entry><title>b</title><id>urn:b</id><link href="https://n.example/b"/>'
        "<updated>2026-05-14T06:00:00Z</updated><summary>Plain &lt;not a tag&gt; &amp;amp; "
        "text</summary></entry>"
    )
    html_teaser, plain_teaser = (
        item.teaser for item in collect_feed(feed_server, atom(entries)).items
    )
    assert html_teaser == "First\n\nSecond & third, and\n\na fourth"
    assert plain_teaser == "Plain <not a tag> &amp; text"
    items = (
        "<item><title>c</title><link>https://n.example/c</link><description>&lt;p&gt;One "
        "&amp;amp; two&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;p&gt;Three&lt;/p&gt;"
        "</description></item>"
    )
    [rss_item] = collect_feed(feed_server, rss(items), path="/rss.xml").items
    assert rss_item.teaser == "One & two\n\nThree"


@pytest.mark.parametrize(
    ("value", "content_type", "text"),
    [
        ("AT&amp;T", "text/html", "AT&T"),
        ("AT&amp;T", "text/plain", "AT&amp;T"),
        ("a <b>b</b> c", "application/xhtml+xml", "a b c"),
        ("a <b>b</b> c", "text/plain", "a <b>b</b> c"),
        ("&lt;b&gt;", "html", "<b>"),
        ("x &#8217; &#x2019; &rsquo; y", "text/html", "x \u2019 \u2019 \u2019 y"),
    ],
)
def test_text_is_decoded_by_its_type_exactly_once(value, content_type, text):
    assert decoded(value, content_type) == text


def test_html_without_tags_is_still_html():
    assert html_to_text("Fish &amp;amp; chips &copy; 2026") == "Fish &amp; chips © 2026"
    assert html_to_text("A\x00 NUL in HTML <b>bold</b>") == "A NUL in HTML bold"
