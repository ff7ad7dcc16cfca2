"""Collection speed: 100 feeds on 127.0.0.1 with 200 ms added latency per request.

briefbot's collector (concurrent, at most `per_host` requests per host) against a plain
sequential feedparser loop over the same URLs, measured in the same run, then a second
briefbot pass in which every feed answers 304 Not Modified.

The 100 feeds are spread over 10 local servers (ports), 10 feeds each, as feeds usually
live on many hosts; the per-host cap (default 6) applies to each server.

    .venv/bin/python -m benchmarks.collect [--feeds 100] [--servers 10] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import multiprocessing
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser

from benchmarks.figures import Figure
from briefbot.collect import CollectMemory, collect_all
from briefbot.config import FetchSettings, RssSource


def feed_document(number: int, now: datetime) -> bytes:
    items = "".join(
        f"<item><title>Feed {number} story {n}</title>"
        f"<link>https://example.org/{number}/{n}</link>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n))}</pubDate>"
        f"<description>Teaser {n} of feed {number} about open models.</description></item>"
        for n in range(20)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Feed {number}</title><link>https://example.org/{number}</link>{items}"
        "</channel></rss>"
    ).encode()


def serve_feeds(feeds: int, servers: int, latency: float, now: datetime, ports, bodies) -> None:
    """In a process of its own (so the servers do not share the client's interpreter lock):
    `servers` HTTP servers, each serving its share of /feed-N.xml after `latency` seconds,
    with an ETag; `bodies` counts the full answers sent."""
    per_server = -(-feeds // servers)

    def handler(documents: dict[str, bytes]) -> type[BaseHTTPRequestHandler]:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                time.sleep(latency)
                body = documents.get(self.path.split("?")[0], b"")
                etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("ETag", etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                with bodies.get_lock():
                    bodies.value += 1

            def log_message(self, *args: object) -> None:
                pass

        return Handler

    for index in range(servers):
        numbers = range(index * per_server, min((index + 1) * per_server, feeds))
        documents = {f"/feed-{n}.xml": feed_document(n, now) for n in numbers}
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler(documents))
        server.daemon_threads = True
        ports.append((server.server_address[1], list(numbers)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
    threading.Event().wait()


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=100)
    parser.add_argument("--servers", type=int, default=10)
    parser.add_argument("--latency", type=float, default=0.2)
    arguments = parser.parse_args(argv)
    now = datetime.now(UTC)
    manager = multiprocessing.Manager()
    ports, bodies = manager.list(), multiprocessing.Value("i", 0)
    serving = multiprocessing.Process(
        target=serve_feeds,
        args=(arguments.feeds, arguments.servers, arguments.latency, now, ports, bodies),
        daemon=True,
    )
    serving.start()
    while len(ports) < arguments.servers:
        time.sleep(0.05)
    urls = [f"http://127.0.0.1:{port}/feed-{n}.xml" for port, numbers in ports for n in numbers]

    started = time.perf_counter()
    baseline_entries = sum(len(feedparser.parse(url).entries) for url in urls)
    baseline = time.perf_counter() - started

    sources = [RssSource(type="rss", name=f"feed {n}", url=url) for n, url in enumerate(urls)]
    settings = FetchSettings()
    bodies_baseline = bodies.value
    started = time.perf_counter()
    first = asyncio.run(collect_all(sources, settings, now=now))
    briefbot = time.perf_counter() - started
    entries = sum(len(result.items) for result in first)
    assert entries == baseline_entries, (entries, baseline_entries)

    bodies_before = bodies.value
    bodies_first = bodies_before - bodies_baseline
    memory = CollectMemory({result.address: result.state for result in first if result.state})
    started = time.perf_counter()
    second = asyncio.run(collect_all(sources, settings, memory, now + timedelta(minutes=30)))
    revisit = time.perf_counter() - started
    bodies_again = bodies.value - bodies_before
    not_modified = sum(1 for result in second if result.status == "not modified")

    rows = [
        ("sequential feedparser loop (baseline)", baseline, baseline_entries, bodies_baseline),
        ("briefbot collect_all", briefbot, entries, bodies_first),
        ("briefbot again, conditional GET", revisit, 0, bodies_again),
    ]
    print(
        f"{len(urls)} feeds on {arguments.servers} local servers (another process), "
        f"{arguments.latency * 1000:.0f} ms latency, per-host cap {settings.per_host}"
    )
    print(f"{'pass':<40}{'seconds':>9}{'entries':>9}{'bodies':>8}{'speed-up':>10}")
    for name, seconds, count, sent in rows:
        print(f"{name:<40}{seconds:>9.2f}{count:>9}{sent:>8}{baseline / seconds:>9.1f}x")
    speed_up = baseline / briefbot
    print(f"goal >= 10x faster than the baseline: {'met' if speed_up >= 10 else 'NOT met'}")
    print(
        f"goal: the second pass downloads no body: {'met' if bodies_again == 0 else 'NOT met'} "
        f"({not_modified} of {len(urls)} feeds answered 304)"
    )
    serving.terminate()
    return [
        Figure(
            f"collect: {len(urls)} feeds, {arguments.latency * 1000:.0f} ms latency, vs a "
            "sequential feedparser loop",
            f"{speed_up:.1f}x ({briefbot:.2f} s vs {baseline:.2f} s)",
            ">= 10x",
            speed_up >= 10,
        ),
        Figure(
            "collect: second pass, bodies downloaded",
            f"{bodies_again} ({not_modified} of {len(urls)} answered 304)",
            "0",
            bodies_again == 0,
        ),
    ]


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
