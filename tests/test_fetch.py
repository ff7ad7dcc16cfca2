"""The fetcher's HTTP policy on real servers on 127.0.0.1: encodings, content codings and
decompression bombs, deadlines, permanent redirects, 410 Gone, capped cache lifetimes, each
source's own agent and headers, and no fetch of non-public addresses found inside feeds."""

from __future__ import annotations

import asyncio
import codecs
import gzip
import socket
import threading
import time
import tracemalloc
import zlib
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

import brotli
import httpx
import pytest

from briefbot.cli import sources_table
from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import fetch_article_texts
from briefbot.collect.charsets import decode_document
from briefbot.collect.freshness import fresh_until, retry_at
from briefbot.collect.http import GONE_MESSAGE
from briefbot.collect.netguard import AddressPolicy, ip_literal, is_public
from briefbot.config import ConfigError, FetchSettings, parse_settings
from briefbot.models import Brief
from briefbot.render import render_brief
from briefbot.store import Store
from tests.conftest import FeedServer

NOW = datetime(2026, 7, 3, 12, 0, tzinfo=UTC)
FETCH = FetchSettings(timeout_seconds=3, max_bytes=4_000_000)
UTF8 = '<?xml version="1.0" encoding="utf-8"?>'
DATA = Path(__file__).parent / "data"


def feed(*titles: str, declaration: str = UTF8, base: str = "https://example.org") -> str:
    """An RSS 2.0 document with one item per title; each item's text repeats its title."""
    items = "".join(
        f"<item><title>{title}</title><link>{base}/{number}</link>"
        f"<guid>{base}/{number}</guid><pubDate>Fri, 03 Jul 2026 08:00:00 GMT</pubDate>"
        f"<description>{title}</description></item>"
        for number, title in enumerate(titles)
    )
    return (
        f'{declaration}<rss version="2.0"><channel><title>Test</title><link>{base}/</link>'
        f"<description>A test feed</description>{items}</channel></rss>"
    )


def rss(name: str, url: str, **extra: object) -> dict:
    return {"type": "rss", "name": name, "url": url, **extra}


def settings_of(*entries: dict, **fetch: object):
    return parse_settings({"title": "t", "sources": list(entries), "fetch": fetch})


def collect(*entries: dict, fetch: FetchSettings = FETCH, memory=None, now=NOW):
    sources = parse_settings({"title": "t", "sources": list(entries)}).sources
    return asyncio.run(collect_all(sources, fetch, memory, now))


def remembered(results) -> CollectMemory:
    """What the pipeline hands the next run: each result's fetch state by configured URL."""
    return CollectMemory({result.address: result.state for result in results if result.state})


def allowing(server: FeedServer, fetch: FetchSettings = FETCH) -> FetchSettings:
    """Fetch settings that let links inside feeds reach this test server, as the demo does."""
    netloc = server.base.removeprefix("http://")
    return fetch.model_copy(update={"allow_private": [netloc]})


def titles(result) -> list[str]:
    assert result.ok, result.error
    return [item.title for item in result.items]


# -- polite fetching (the tests removed in b970da4, restored with inputs of their own) ---------

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Small Atom</title><id>urn:small</id>
<updated>2026-07-03T08:00:00Z</updated>
<entry><title>Parse podcast categories</title><id>urn:1</id><link href="https://example.org/1"/>
<updated>2026-07-03T08:00:00Z</updated><summary>Categories are parsed now.</summary></entry>
<entry><title>Using vale with vim</title><id>urn:2</id><link href="https://example.org/2"/>
<updated>2026-07-02T08:00:00Z</updated><summary>A prose linter in the editor.</summary></entry>
</feed>
"""


def test_unchanged_feeds_answer_304_and_cost_no_parsing(feed_server):
    by_etag = feed_server.serve("/etag.xml", ATOM, etag='"v1"')
    by_date = feed_server.serve("/date.xml", ATOM, last_modified="Fri, 03 Jul 2026 10:00:00 GMT")
    feeds = (rss("etag", by_etag), rss("date", by_date))
    first = collect(*feeds)
    assert [r.status for r in first] == ["ok", "ok"] and feed_server.bodies_sent == 2
    assert first[0].state.etag == '"v1"' and first[1].state.last_modified.startswith("Fri")

    later = NOW + timedelta(minutes=30)
    second = collect(*feeds, memory=remembered(first), now=later)
    assert [r.status for r in second] == ["not modified", "not modified"]
    assert all(r.ok and not r.items for r in second)
    assert feed_server.bodies_sent == 2 and feed_server.not_modified == 2
    assert second[0].state.etag == '"v1"' and second[0].state.last_success == later
    assert second[1].state.last_modified == "Fri, 03 Jul 2026 10:00:00 GMT"


def test_a_304_without_validators_keeps_the_stored_ones(feed_server):
    url = feed_server.serve("/bare.xml", ATOM, etag='"v1"', bare_304=True)
    first = collect(rss("bare", url))
    second = collect(rss("bare", url), memory=remembered(first), now=NOW + timedelta(hours=1))
    assert second[0].status == "not modified" and second[0].state.etag == '"v1"'
    third = collect(rss("bare", url), memory=remembered(second), now=NOW + timedelta(hours=2))
    assert third[0].status == "not modified" and feed_server.bodies_sent == 1
    assert feed_server.request_headers["/bare.xml"][-1].get("If-None-Match") == '"v1"'


def test_fresh_feed_is_not_asked_again_before_max_age(feed_server):
    url = feed_server.serve("/fresh.xml", ATOM, headers={"Cache-Control": "public, max-age=3600"})
    first = collect(rss("fresh", url))
    assert first[0].state.fresh_until == NOW + timedelta(hours=1)
    soon = collect(rss("fresh", url), memory=remembered(first), now=NOW + timedelta(minutes=59))
    assert soon[0].status == "fresh" and feed_server.hits["/fresh.xml"] == 1
    later = collect(rss("fresh", url), memory=remembered(first), now=NOW + timedelta(minutes=61))
    assert later[0].status == "ok" and feed_server.hits["/fresh.xml"] == 2


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_on_429_is_honoured(feed_server, status):
    url = feed_server.serve("/busy.xml", "slow down", status=status, headers={"Retry-After": "120"})
    first = collect(rss("busy", url))
    assert not first[0].ok and f"HTTP {status}" in first[0].error
    retry_at_ = first[0].state.retry_after
    assert retry_at_ is not None and abs((retry_at_ - datetime.now(UTC)).total_seconds() - 120) < 10
    waiting = collect(rss("busy", url), memory=remembered(first), now=datetime.now(UTC))
    assert "waiting" in waiting[0].error and feed_server.hits["/busy.xml"] == 1
    assert waiting[0].state.consecutive_failures == 1


def test_a_success_after_failures_sets_the_count_back_to_zero(feed_server):
    url = feed_server.serve("/back.xml", "down", status=500, content_type="text/plain")
    first = collect(rss("back", url))
    second = collect(rss("back", url), memory=remembered(first), now=NOW + timedelta(days=1))
    assert second[0].state.consecutive_failures == 2
    feed_server.serve("/back.xml", ATOM)
    third = collect(rss("back", url), memory=remembered(second), now=NOW + timedelta(days=2))
    assert third[0].ok and third[0].state.consecutive_failures == 0


def test_requests_per_host_are_capped(feed_server):
    feeds = [rss(f"feed {n}", feed_server.serve(f"/{n}.xml", ATOM, delay=0.2)) for n in range(12)]
    results = collect(*feeds, fetch=FETCH.model_copy(update={"per_host": 3}))
    assert all(result.ok for result in results)
    assert 1 < feed_server.max_in_flight <= 3


def test_redirects_are_followed_and_the_final_url_recorded(feed_server):
    new = feed_server.serve("/new.xml", ATOM)
    old = feed_server.serve("/old.xml", "", status=301, headers={"Location": new})
    [result] = collect(rss("moved", old))
    assert result.ok and result.state.final_url == new
    assert result.address == old and result.state.moved_to == new  # a 301 is adopted


def test_a_failure_counts_up_and_forgets_validators(feed_server):
    url = feed_server.serve("/flaky.xml", ATOM, etag='"a"')
    first = collect(rss("flaky", url))
    feed_server.serve("/flaky.xml", "<rss><channel><item><title>cut", etag='"b"')
    second = collect(rss("flaky", url), memory=remembered(first))
    assert not second[0].ok and second[0].state.consecutive_failures == 1
    assert (
        second[0].state.etag == "" and second[0].state.last_success == first[0].state.last_success
    )


# -- encodings: BOM, then HTTP charset, then the document's declaration, then detection ------

HELLO = "Привет, мир: Café"
RUSSIAN = [
    "Новая модель с открытыми весами вышла сегодня",
    "Учёные обучили сеть на русских текстах",
    "Цитата дня: «машины учатся быстрее нас»",
    "Как запустить большую языковую модель на ноутбуке",
    "Обзор: восемь видеокарт для локального вывода",
]
FRENCH = [
    "Perturbateurs endocriniens : quels effets sur le cerveau ?",
    "Le réchauffement accélère la fonte des glaciers",
    "Un été très chaud prévu dans le sud de la France",
    "Les élèves de troisième passent le brevet",
    "Déjà vu : à quoi est dû ce phénomène étrange ?",
]


@pytest.mark.parametrize(
    ("bom", "encoding", "declared", "header"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8", "windows-1251"),  # case 08
        (codecs.BOM_UTF8, "utf-8", "utf-8", "iso-8859-1"),  # case 08's control
        (codecs.BOM_UTF8, "utf-8", "windows-1251", "koi8-r"),  # declaration wrong too
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", "utf-8"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16", "windows-1251"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16", ""),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32", "utf-8"),
    ],
)
def test_a_byte_order_mark_beats_the_http_charset(feed_server, bom, encoding, declared, header):
    document = feed(
        HELLO, "Новая модель.", declaration=f'<?xml version="1.0" encoding="{declared}"?>'
    )
    content_type = "application/rss+xml" + (f"; charset={header}" if header else "")
    url = feed_server.serve("/feed.xml", bom + document.encode(encoding), content_type=content_type)
    [result] = collect(rss("A", url))
    assert titles(result) == [HELLO, "Новая модель."]
    assert result.items[1].teaser == "Новая модель."


@pytest.mark.parametrize(
    ("encoding", "header", "texts"),
    [
        ("utf-8", "windows-1251", [HELLO, *RUSSIAN[:2]]),
        ("utf-8", "iso-8859-1", [HELLO, *FRENCH[:2]]),
        ("windows-1251", "utf-8", RUSSIAN),
        ("iso-8859-1", "utf-8", FRENCH),
        ("iso-8859-1", "windows-1251", FRENCH),
        ("windows-1251", "iso-8859-1", RUSSIAN),
    ],
)
def test_a_wrong_http_charset_gives_way_to_a_right_declaration(
    feed_server, encoding, header, texts
):
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>'
    body = feed(*texts, declaration=declaration).encode(encoding)
    url = feed_server.serve("/f.xml", body, content_type=f"text/xml; charset={header}")
    [result] = collect(rss("A", url))
    assert titles(result) == texts


@pytest.mark.parametrize(("encoding", "texts"), [("windows-1251", RUSSIAN), ("iso-8859-1", FRENCH)])
@pytest.mark.parametrize("header", ["", "{encoding}"])
def test_undeclared_legacy_encodings_are_read_right(feed_server, encoding, texts, header):
    """No BOM and no declaration: the HTTP charset when there is one, else detection."""
    body = feed(*texts, declaration="").encode(encoding)
    charset = header.format(encoding=encoding)
    content_type = "application/rss+xml" + (f"; charset={charset}" if charset else "")
    url = feed_server.serve("/f.xml", body, content_type=content_type)
    [result] = collect(rss("A", url))
    assert titles(result) == texts


def test_the_decoder_says_what_decided():
    body = feed(*RUSSIAN, declaration="").encode("windows-1251")
    assert decode_document(body, "text/xml").how == "detected"
    assert decode_document(body, "text/xml; charset=windows-1251").how == "HTTP charset"
    declared = feed(*RUSSIAN, declaration='<?xml version="1.0" encoding="windows-1251"?>')
    assert decode_document(declared.encode("cp1251"), "text/xml").how == "declaration"
    assert decode_document(codecs.BOM_UTF8 + b"<rss/>", "text/xml; charset=koi8-r").how == "BOM"
    assert decode_document(b"<rss/>", "").how == "UTF-8 by default"


PARAGRAPH = (
    "Привет, мир. Новая модель с открытыми весами вышла сегодня, и её можно запустить на "
    "обычном ноутбуке без видеокарты. Разработчики говорят, что она отвечает быстрее "
    "прежней и лучше понимает длинные документы. "
)


FRENCH_PARAGRAPH = (
    "Déjà vu : à quoi est dû ce phénomène étrange ? Les chercheurs l'ont étudié tout l'été "
    "et pensent que la mémoire crée une impression de familiarité. "
)
HEBREW_PARAGRAPH = "שלום עולם. מודל חדש שוחרר היום, ואפשר להריץ אותו על מחשב נייד רגיל. "


def page(meta: str = "", prefix: str = "", paragraph: str = PARAGRAPH) -> str:
    return (
        f"{prefix}<!DOCTYPE html><html><head>{meta}<title>Новости</title></head><body>"
        f"<nav>Главная | Войти</nav><article><h1>Новая модель</h1>"
        + "".join(f"<p>{paragraph}</p>" for _ in range(6))
        + "</article><footer>Все права защищены</footer></body></html>"
    )


@pytest.mark.parametrize(
    ("document", "encoding", "content_type"),
    [
        (page('<meta charset="windows-1251">'), "cp1251", "text/html"),
        (page('<meta charset="windows-1251">'), "cp1251", "text/html; charset=utf-8"),
        (
            page('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'),
            "koi8-r",
            "text/html",
        ),
        (page(), "cp1251", "text/html; charset=windows-1251"),
        (page(), "koi8-r", "text/html; charset=koi8-r"),
        (page('<meta charset="utf-8">'), "utf-8", "text/html; charset=iso-8859-1"),
        (page('<meta charset="utf-8">', prefix="\ufeff"), "utf-8", "text/html; charset=cp1251"),
        (page(), "utf-16", "text/html; charset=windows-1251"),  # with its BOM
    ],
)
def test_article_pages_reach_the_extractor_decoded(feed_server, document, encoding, content_type):
    url = feed_server.serve("/a.html", document.encode(encoding), content_type=content_type)
    texts = asyncio.run(fetch_article_texts([url], allowing(feed_server)))
    assert PARAGRAPH.split(".")[1].strip() in texts[url]
    assert "Новая модель" in texts[url] and "Главная" not in texts[url]


@pytest.mark.parametrize(
    ("paragraph", "encoding"), [(FRENCH_PARAGRAPH, "iso-8859-1"), (HEBREW_PARAGRAPH, "cp1255")]
)
def test_a_page_s_http_charset_reaches_the_extractor(feed_server, paragraph, encoding):
    """Only the header names the encoding: trafilatura left to guess from bytes reads these
    French and Hebrew pages wrong ("Déją vu", "їьхэ")."""
    document = (
        "<!DOCTYPE html><html><head><title>News</title></head><body><nav>Home | Login</nav>"
        "<article><h1>Title</h1>"
        + f"<p>{paragraph}</p>" * 6
        + "</article><footer>All rights reserved</footer></body></html>"
    )
    url = feed_server.serve(
        "/a.html", document.encode(encoding), content_type=f"text/html; charset={encoding}"
    )
    texts = asyncio.run(fetch_article_texts([url], allowing(feed_server)))
    assert paragraph.split(".")[0] in texts[url]


# -- content codings: mislabelled bodies recovered, real ones undone, bombs stopped ------------

STATION = feed("Station opens in a new sector", "Trade route announced").encode()


def raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("label", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("GZip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", raw_deflate),
        ("br", brotli.compress),
        ("identity", bytes),
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
        ("br,deflate", lambda data: zlib.compress(brotli.compress(data))),
        ("gzip", lambda data: gzip.compress(data[:100]) + gzip.compress(data[100:])),  # 2 members
    ],
)
def test_content_codings_are_undone(feed_server, label, encode):
    url = feed_server.serve("/f.xml", encode(STATION), headers={"Content-Encoding": label})
    [result] = collect(rss("A", url))
    assert titles(result) == ["Station opens in a new sector", "Trade route announced"]


@pytest.mark.parametrize(
    ("label", "encode"),
    [
        ("gzip", bytes),  # case 09
        ("deflate", bytes),
        ("br", bytes),
        ("gzip, gzip", bytes),
        ("br, gzip", bytes),
        ("gzip, gzip", gzip.compress),  # named twice, applied once
        ("compress", bytes),  # codings briefbot does not know, on a plain body
        ("zstd", bytes),
        ("x-made-up", bytes),
    ],
)
def test_mislabelled_content_encodings_are_recovered(feed_server, label, encode):
    url = feed_server.serve("/feed/", encode(STATION), headers={"Content-Encoding": label})
    [result] = collect(rss("A", url))
    assert titles(result) == ["Station opens in a new sector", "Trade route announced"]


def test_a_coding_cut_short_is_a_clear_failure(feed_server):
    body = gzip.compress(feed(*(f"Item {n}" for n in range(400))).encode())
    url = feed_server.serve("/f.xml", body[: len(body) // 2], headers={"Content-Encoding": "gzip"})
    [result] = collect(rss("A", url))
    assert not result.ok and result.error == "the gzip body is cut short"


def gzip_of_zeros(size: int) -> bytes:
    """gzip members of 16 MiB of zeros each, `size` bytes in all once inflated."""
    member = gzip.compress(bytes(1 << 24), compresslevel=9)
    return member * (size >> 24)


def streamed(packer, size: int) -> bytes:
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def brotli_of_zeros(size: int) -> bytes:
    packer = brotli.Compressor(quality=1)
    block = bytes(1 << 20)
    return b"".join(packer.process(block) for _ in range(size >> 20)) + packer.finish()


GIB = 1 << 30
BOMBS = {
    "gzip": lambda: gzip_of_zeros(GIB),
    "gzip, gzip": lambda: gzip.compress(gzip_of_zeros(2 * GIB)),  # issue 15's 2 GiB bomb
    "deflate": lambda: streamed(zlib.compressobj(1), 256 << 20),
    "br": lambda: brotli_of_zeros(256 << 20),
    "br, gzip": lambda: gzip.compress(brotli_of_zeros(256 << 20)),
}


@pytest.mark.parametrize("label", list(BOMBS))
def test_decompression_bombs_stop_at_the_cap(feed_server, label):
    body = BOMBS[label]()
    assert len(body) < 2_000_000
    url = feed_server.serve("/bomb.xml", body, headers={"Content-Encoding": label})
    tracemalloc.start()
    try:
        started = time.monotonic()
        [result] = collect(
            rss("Bomb", url), fetch=FETCH.model_copy(update={"max_bytes": 3_000_000})
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert not result.ok and result.error == "body too large (over 3,000,000 bytes decoded)"
    assert peak < 40_000_000, f"{peak:,} bytes held"  # the cap, a raw body and their pieces
    assert time.monotonic() - started < 10


# -- deadlines: each request in all, each stage in all -----------------------------------------


class TrickleServer:
    """Answers very slowly on 127.0.0.1: `head` first, then `tail` one byte every `interval`
    seconds, until the client hangs up or the server stops."""

    def __init__(self, head: bytes, tail: bytes, interval: float = 0.2) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._head, self._tail, self._interval = head, tail, interval
        self._stop = threading.Event()
        self.connections = 0

    def __enter__(self) -> TrickleServer:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                connection.sendall(self._head)
                for byte in self._tail:
                    if self._stop.wait(self._interval):
                        return
                    connection.sendall(bytes([byte]))
            except OSError:
                return


TRICKLED_BODY = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n"


@pytest.mark.parametrize(
    ("head", "tail"),
    [
        (TRICKLED_BODY, b"<" * 100_000),  # issue 15: 200, then one byte at a time
        (b"", TRICKLED_BODY),  # even the status line and headers trickle
    ],
)
def test_a_trickling_server_fails_at_the_total_deadline(head, tail):
    with TrickleServer(head, tail) as server:
        started = time.monotonic()
        [result] = collect(
            rss("Slow", f"{server.base}/feed.xml"),
            fetch=FETCH.model_copy(update={"timeout_seconds": 1}),
        )
        took = time.monotonic() - started
    assert not result.ok and result.error == "timed out: no whole answer within 1 s"
    assert took < 3, took
    assert result.state.consecutive_failures == 1


def test_a_source_past_the_stage_deadline_is_a_failed_source(feed_server):
    body = feed("A story")
    sources = [rss(f"S{n}", feed_server.serve(f"/{n}.xml", body, delay=0.7)) for n in range(5)]
    fetch = FETCH.model_copy(update={"per_host": 1, "stage_seconds": 1.5})
    started = time.monotonic()
    results = collect(*sources, fetch=fetch)
    took = time.monotonic() - started
    done = [result for result in results if result.ok]
    late = [result for result in results if not result.ok]
    assert 1 <= len(done) <= 2 and len(late) >= 3
    assert all(result.error == "not collected within the stage's 1.5 s" for result in late)
    assert all(result.state.consecutive_failures == 1 for result in late)
    assert took < 3, took


def test_the_full_text_stage_has_a_deadline(feed_server):
    fast = feed_server.serve("/fast.html", page().encode(), content_type="text/html")
    slow = [
        feed_server.serve(f"/slow{n}.html", page().encode(), content_type="text/html", delay=2)
        for n in range(3)
    ]
    fetch = allowing(feed_server).model_copy(update={"stage_seconds": 1, "timeout_seconds": 5})
    started = time.monotonic()
    texts = asyncio.run(fetch_article_texts([fast, *slow], fetch))
    assert list(texts) == [fast]
    assert time.monotonic() - started < 2.5


# -- permanent redirects adopted; temporary ones not -------------------------------------------


@pytest.mark.parametrize("status", [301, 308])
def test_a_permanent_redirect_is_adopted_and_reported(feed_server, tmp_path, status):
    new = feed_server.serve("/new/feed.xml", feed("Moved item"), etag='"v1"')
    old = feed_server.serve(
        "/old/feed.xml", "", status=status, headers={"Location": "/new/feed.xml"}
    )
    first = collect(rss("Moved", old))
    assert titles(first[0]) == ["Moved item"]
    assert first[0].state.moved_to == new and first[0].address == old

    second = collect(rss("Moved", old), memory=remembered(first), now=NOW + timedelta(days=1))
    assert feed_server.hits == {"/old/feed.xml": 1, "/new/feed.xml": 2}
    assert second[0].status == "not modified"
    assert feed_server.request_headers["/new/feed.xml"][1]["If-None-Match"] == '"v1"'
    assert second[0].state.moved_to == new

    with Store(tmp_path / "b.db") as store:
        store.save_source_health(second)
    table = sources_table(settings_of(rss("Moved", old)), tmp_path / "b.db")
    assert f"Moved: moved to {new}: update sources.yaml" in table


@pytest.mark.parametrize("status", [302, 303, 307])
def test_a_temporary_redirect_is_followed_every_run(feed_server, status):
    new = feed_server.serve("/new.xml", feed("Item"))
    old = feed_server.serve("/old.xml", "", status=status, headers={"Location": new})
    first = collect(rss("Moved", old))
    assert titles(first[0]) == ["Item"] and first[0].state.final_url == new
    assert first[0].state.moved_to == ""
    collect(rss("Moved", old), memory=remembered(first), now=NOW + timedelta(days=1))
    assert feed_server.hits == {"/old.xml": 2, "/new.xml": 2}


def test_a_chain_is_adopted_up_to_its_first_temporary_hop(feed_server):
    feed_server.serve("/c.xml", feed("Item"))
    middle = feed_server.serve("/b.xml", "", status=302, headers={"Location": "/c.xml"})
    start = feed_server.serve("/a.xml", "", status=301, headers={"Location": "/b.xml"})
    first = collect(rss("Chain", start))
    assert first[0].state.moved_to == middle
    collect(rss("Chain", start), memory=remembered(first), now=NOW + timedelta(days=1))
    assert feed_server.hits == {"/a.xml": 1, "/b.xml": 2, "/c.xml": 2}


def test_a_changed_url_forgets_the_move(feed_server):
    new = feed_server.serve("/new.xml", feed("Item"), etag='"v1"')
    old = feed_server.serve("/old.xml", "", status=301, headers={"Location": new})
    other = feed_server.serve("/other.xml", feed("Other item"))
    first = collect(rss("Feed", old))
    changed = collect(rss("Feed", other), memory=remembered(first), now=NOW + timedelta(days=1))
    assert titles(changed[0]) == ["Other item"] and changed[0].state.moved_to == ""
    # the operator took up the move: the new URL is asked with the validators it gave
    taken = collect(rss("Feed", new), memory=remembered(first), now=NOW + timedelta(days=1))
    assert taken[0].status == "not modified" and feed_server.hits["/old.xml"] == 1


# -- 410 Gone: said once, never asked again until the URL changes -------------------------------


def footer(results) -> str:
    brief = Brief("T", NOW.date(), NOW, [], [], source_results=list(results))
    markdown = render_brief(brief)["md"]
    return markdown[markdown.index("Sources:") :]


def test_410_marks_a_source_gone_until_its_url_changes(feed_server, tmp_path):
    gone = feed_server.serve("/rss/100893/", "", status=410, content_type="text/html")
    good = feed_server.serve("/good.xml", feed("A story"))
    first = collect(rss("Old", gone), rss("Good", good))
    assert first[0].status == "gone" and first[0].error == GONE_MESSAGE and not first[0].ok
    said = footer(first)
    assert said.count("gone (HTTP 410): remove it from sources.yaml") == 1
    assert "Failed: Old" not in said and "1 of 2 answered" in said

    later = NOW + timedelta(days=1)
    second = collect(rss("Old", gone), rss("Good", good), memory=remembered(first), now=later)
    third = collect(rss("Old", gone), rss("Good", good), memory=remembered(second), now=later)
    assert feed_server.hits == {"/rss/100893/": 1, "/good.xml": 3}
    assert third[0].status == "gone" and third[0].ok and third[0].error is None
    assert third[0].state.gone_since == NOW
    quiet = footer(third)
    assert "gone" not in quiet and "1 of 1 answered" in quiet

    with Store(tmp_path / "b.db") as store:
        store.save_source_health(third)
        assert store.fetch_states()[gone].gone_since == NOW
    table = sources_table(settings_of(rss("Old", gone)), tmp_path / "b.db")
    assert table.splitlines()[2].split()[:3] == ["Old", "rss", "gone"]
    assert "Old: gone (HTTP 410) since 2026-07-03, not fetched again: remove it" in table

    moved = feed_server.serve("/rss/100894/", feed("Back again"))
    again = collect(rss("Old", moved), memory=remembered(third), now=later)
    assert titles(again[0]) == ["Back again"]


@pytest.mark.parametrize("status", [404, 451, 500, 502])
def test_other_error_statuses_stay_failures_and_are_asked_again(feed_server, status):
    url = feed_server.serve("/f.xml", "no", status=status, content_type="text/plain")
    first = collect(rss("F", url))
    second = collect(rss("F", url), memory=remembered(first), now=NOW + timedelta(days=1))
    assert second[0].status == "failed" and second[0].error == f"HTTP {status}"
    assert second[0].state.consecutive_failures == 2 and second[0].state.gone_since is None
    assert feed_server.hits["/f.xml"] == 2


# -- cache lifetimes and Retry-After capped -----------------------------------------------------


def test_cache_lifetimes_are_capped():
    def lifetime(**headers: str) -> timedelta | None:
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        moment = fresh_until(httpx.Headers(named), NOW, max_hours=6)
        return moment - NOW if moment else None

    six_hours = timedelta(hours=6)
    assert lifetime(cache_control="max-age=315360000") == six_hours  # ten years
    assert lifetime(cache_control="max-age=" + "9" * 30) == six_hours
    assert lifetime(cache_control="public, max-age=3600") == timedelta(hours=1)
    assert lifetime(cache_control="max-age=3600", age="600") == timedelta(minutes=50)
    assert lifetime(cache_control="max-age=60", age="600") is None
    assert lifetime(cache_control="no-cache, max-age=3600") is None
    assert lifetime(cache_control="no-store") is None
    assert lifetime(expires="Thu, 01 Jan 2099 00:00:00 GMT") == six_hours
    assert lifetime(
        expires="Fri, 03 Jul 2026 13:00:00 GMT", date="Fri, 03 Jul 2026 12:00:00 GMT"
    ) == timedelta(hours=1)
    assert lifetime(expires="0") is None
    assert lifetime(expires="Thu, 01 Jan 2026 00:00:00 GMT") is None
    assert lifetime(cache_control="max-age=600", expires="0") == timedelta(minutes=10)
    assert lifetime() is None


def test_retry_after_waits_are_capped():
    def wait(value: str) -> timedelta:
        return retry_at(httpx.Headers({"Retry-After": value}), NOW, max_hours=12) - NOW

    assert wait("120") == timedelta(minutes=2)
    assert wait("315360000") == timedelta(hours=12)  # ten years
    assert wait("9" * 40) == timedelta(hours=12)
    assert wait("Thu, 01 Jan 2099 00:00:00 GMT") == timedelta(hours=12)
    assert wait("Fri, 03 Jul 2026 13:00:00 GMT") == timedelta(hours=1)
    assert wait("Thu, 01 Jan 2026 00:00:00 GMT") == timedelta(0)
    assert wait("soon") == timedelta(minutes=30)


def test_a_daily_feed_claiming_years_of_freshness_is_asked_the_next_day(feed_server):
    url = feed_server.serve("/f.xml", feed("Item"), headers={"Cache-Control": "max-age=315360000"})
    first = collect(rss("F", url))
    assert first[0].state.fresh_until == NOW + timedelta(hours=FETCH.max_fresh_hours)
    collect(rss("F", url), memory=remembered(first), now=NOW + timedelta(days=1))
    assert feed_server.hits["/f.xml"] == 2


def test_a_server_asking_for_ten_years_is_asked_again_within_hours(feed_server):
    url = feed_server.serve("/f.xml", "busy", status=429, headers={"Retry-After": "315360000"})
    [result] = collect(rss("F", url))
    wait = result.state.retry_after - datetime.now(UTC)
    assert timedelta(hours=11) < wait <= timedelta(hours=FETCH.max_retry_after_hours)


# -- each source's own User-Agent and headers ---------------------------------------------------

LEADERBOARD = (
    b'{"items": [{"rank": 1, "model": "Nova 2", "sourceType": "Open Weight", "displayScore": 70}]}'
)


def test_each_source_sends_its_own_agent_and_headers(feed_server, monkeypatch):
    monkeypatch.delenv("REDDIT_CLIENT_ID", raising=False)
    monkeypatch.delenv("REDDIT_CLIENT_SECRET", raising=False)
    listing = (DATA / "reddit_top_listing.atom").read_bytes()
    feed_server.serve("/plain.xml", feed("Plain"))
    feed_server.serve("/own.xml", feed("Own"))
    feed_server.serve("/r/LocalLLaMA/top/.rss", listing, content_type="application/atom+xml")
    feed_server.serve("/lb.json", LEADERBOARD, content_type="application/json")
    results = collect(
        rss("Plain", feed_server.url("/plain.xml")),
        rss(
            "Own",
            feed_server.url("/own.xml"),
            user_agent="Mozilla/5.0 (X11; Linux x86_64) FeedReader/2.0",
            headers={"X-Api-Key": "k1", "Accept-Language": "ru"},
        ),
        {
            "type": "reddit",
            "name": "r/LocalLLaMA",
            "subreddit": "LocalLLaMA",
            "url": feed_server.base,
            "user_agent": "linux:briefbot-test:1.0 (by /u/someone)",
            "headers": {"Cookie": "over18=1"},
        },
        {
            "type": "leaderboard",
            "name": "Board",
            "url": feed_server.url("/lb.json"),
            "headers": {"Authorization": "Bearer t0ken"},
        },
    )
    assert all(result.ok for result in results), [result.error for result in results]
    [plain], [own], [reddit], [board] = (
        feed_server.request_headers[path]
        for path in ("/plain.xml", "/own.xml", "/r/LocalLLaMA/top/.rss", "/lb.json")
    )
    default = FETCH.user_agent
    assert plain["User-Agent"] == default and not {"X-Api-Key", "Cookie", "Authorization"} & set(
        plain
    )
    assert own["User-Agent"] == "Mozilla/5.0 (X11; Linux x86_64) FeedReader/2.0"
    assert own["X-Api-Key"] == "k1" and own["Accept-Language"] == "ru" and "Cookie" not in own
    assert reddit["User-Agent"] == "linux:briefbot-test:1.0 (by /u/someone)"
    assert reddit["Cookie"] == "over18=1" and "X-Api-Key" not in reddit
    assert board["User-Agent"] == default and board["Authorization"] == "Bearer t0ken"
    assert "Cookie" not in board and "X-Api-Key" not in board


@pytest.mark.parametrize(
    "headers",
    [{"Host": "x"}, {"Accept-Encoding": "zstd"}, {"Bad Name": "x"}, {"X-A": "one\r\nX-B: two"}],
)
def test_headers_briefbot_sets_itself_or_broken_ones_are_refused(headers):
    with pytest.raises(ConfigError, match=r"sources\[0\]\.headers"):
        settings_of(rss("F", "https://example.org/f.xml", headers=headers))


# -- no fetch of non-public addresses found inside feeds ----------------------------------------

NOT_PUBLIC = [
    "127.0.0.1",
    "127.1",
    "2130706433",
    "0x7f000001",
    "0x7f.1",
    "0177.0.0.1",
    "017700000001",
    "127.0.0.1.",
    "0",
    "0.0.0.0",
    "10.1.2.3",
    "0x0a.0.0.1",
    "012.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "198.18.0.1",
    "::1",
    "[::1]",
    "::",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "[::ffff:10.0.0.1]",
    "::127.0.0.1",
    "fe80::1",
    "fe80::1%eth0",
    "fc00::1",
    "fd12:3456::1",
    "ff02::1",
    "ff0e::1",
    "2002:7f00:1::",
    "2002:a00:1::",
    "64:ff9b::7f00:1",
    "2001:db8::1",
]


@pytest.mark.parametrize("host", NOT_PUBLIC)
def test_every_spelling_of_a_non_public_address_is_recognised(host):
    address = ip_literal(host)
    assert address is not None and not is_public(address)


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("8.8.8.8", "8.8.8.8"),
        ("134744072", "8.8.8.8"),
        ("0x08080808", "8.8.8.8"),
        ("8.0x80808", "8.8.8.8"),
        ("1.1.1.1", "1.1.1.1"),
        ("[2606:4700:4700::1111]", "2606:4700:4700::1111"),
        ("::ffff:8.8.8.8", "::ffff:8.8.8.8"),
        ("2002:808:808::", "2002:808:808::"),
    ],
)
def test_public_addresses_are_public(host, address):
    assert ip_literal(host) == ip_address(address) and is_public(ip_address(address))


@pytest.mark.parametrize(
    "host",
    ["localhost", "example.org", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08.1.1.1", "1.2.3.x"],
)
def test_names_are_not_addresses(host):
    assert ip_literal(host) is None


def test_allow_private_entries_match_address_name_and_port():
    policy = AddressPolicy(["127.0.0.1:8737", "10.0.0.0/8", "[::1]:8080", "intranet", "nas:5000"])
    permits = policy.permits
    assert permits("127.0.0.1", 8737, ip_address("127.0.0.1"))
    assert permits("2130706433", 8737, ip_address("127.0.0.1"))  # the address, however written
    assert not permits("127.0.0.1", 8738, ip_address("127.0.0.1"))
    assert not permits("127.0.0.2", 8737, ip_address("127.0.0.2"))
    assert permits("10.9.8.7", 22, ip_address("10.9.8.7"))
    assert permits("::1", 8080, ip_address("::1")) and not permits("::1", 8081, ip_address("::1"))
    assert permits("INTRANET", 80, ip_address("192.168.1.5"))
    assert permits("nas", 5000, ip_address("192.168.1.6"))
    assert not permits("nas", 5001, ip_address("192.168.1.6"))
    assert not permits("printer", 80, ip_address("192.168.1.7"))
    assert permits("example.org", 443, ip_address("93.184.215.14"))


@pytest.mark.parametrize(
    "entry", ["10.0.0.0/33", "127.0.0.1:0", "127.0.0.1:99999", "a b", "[::1", ""]
)
def test_bad_allow_private_entries_stop_the_config(entry):
    with pytest.raises(ConfigError, match=r"fetch\.allow_private"):
        settings_of(rss("F", "https://example.org/f.xml"), allow_private=[entry])


SECRET = "internal-secret-7f3a"


@pytest.fixture
def private_server():
    """A second server on 127.0.0.1 holding a secret page; the tests do not allow it."""
    with FeedServer() as server:
        secret_page = page().replace("</h1>", f"</h1><p>{SECRET}</p>")
        server.serve("/internal/secret", secret_page.encode(), content_type="text/html")
        yield server


@pytest.mark.parametrize(
    "link",
    [
        "http://127.0.0.1:{port}/internal/secret",
        "http://localhost:{port}/internal/secret",
        "http://2130706433:{port}/internal/secret",
        "http://0x7f.1:{port}/internal/secret",
        "http://127.1:{port}/internal/secret",
        "http://[::ffff:127.0.0.1]:{port}/internal/secret",
        "http://[::1]:{port}/internal/secret",
    ],
)
def test_article_links_to_private_addresses_are_not_fetched(feed_server, private_server, link):
    port = private_server.base.rsplit(":", 1)[1]
    url = link.format(port=port)
    texts = asyncio.run(fetch_article_texts([url], allowing(feed_server)))
    assert texts == {} and private_server.hits == {}


def test_a_redirect_from_an_allowed_server_to_a_private_one_is_not_followed(
    feed_server, private_server
):
    secret = private_server.url("/internal/secret")
    hop = feed_server.serve("/go", "", status=302, headers={"Location": secret})
    texts = asyncio.run(fetch_article_texts([hop], allowing(feed_server)))
    assert texts == {} and feed_server.hits == {"/go": 1} and private_server.hits == {}
    # the control: once allowed, the same page is fetched (so it is the guard that refused)
    allowed = allowing(feed_server).model_copy(
        update={"allow_private": [feed_server.base[7:], private_server.base[7:]]}
    )
    assert SECRET in asyncio.run(fetch_article_texts([hop], allowed))[hop]


def test_configured_sources_are_trusted_with_their_redirects(private_server):
    private_server.serve("/feed.xml", feed("Intranet news"))
    with FeedServer() as other:
        other.serve(
            "/moved.xml", "", status=302, headers={"Location": private_server.url("/feed.xml")}
        )
        [direct, redirected] = collect(
            rss("Intranet", private_server.url("/feed.xml")), rss("Hop", other.url("/moved.xml"))
        )
    assert titles(direct) == titles(redirected) == ["Intranet news"]


def test_the_demo_allows_its_own_server_only():
    from briefbot.demo import demo_settings

    settings = demo_settings("http://127.0.0.1:8737")
    assert settings.fetch.allow_private == ["127.0.0.1:8737"]
