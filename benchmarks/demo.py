"""The demo's news for the writing benchmarks: its stories as Story objects, and its day briefed.

`demo_stories` builds stories straight from briefbot/demo/news.yaml (no server): one per event,
led by an outlet's item, with every outlet item of the same event. `demo_day` briefs the demo
site as `briefbot demo` does (served on 127.0.0.1, through the real pipeline) but with the
backends given, so a benchmark can time a loaded model or use a small one:

    .venv/bin/python -m benchmarks.demo [--model smollm2-135m] [--threads N] --out DIR --db FILE

prints the run's `--json` summary, as `briefbot demo --json` would.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml

from benchmarks.options import add_model_options, embedded_settings
from briefbot.cli import run_summary
from briefbot.config import ModelSettings
from briefbot.demo import demo_settings
from briefbot.demo.server import DemoServer
from briefbot.demo.site import NEWS_FILE, build_site, site_hour
from briefbot.models import Item, Story
from briefbot.pipeline import RunOutcome, run_brief
from briefbot.write.backends import Backend, EmbeddedBackend

BASE = "http://127.0.0.1:8737"  # the demo's usual address: only a name here, nothing is fetched


@dataclass(frozen=True)
class DemoStory:
    story: Story
    page: bytes  # the lead article's HTML page, as the demo site serves it


def demo_stories(count: int) -> list[DemoStory]:
    """`count` stories of distinct events: the first item of each outlet in turn, then their
    second items, and so on; each story holds every outlet item of its event, lead first."""
    news = yaml.safe_load(NEWS_FILE.read_text(encoding="utf-8"))
    site = build_site(BASE)
    now = datetime.now(UTC)
    outlets = news["outlets"]
    by_event: dict[str, list[tuple[dict, dict]]] = {}
    for outlet in outlets:
        for raw in outlet["items"]:
            by_event.setdefault(raw.get("event") or raw["slug"], []).append((outlet, raw))
    stories: list[DemoStory] = []
    seen: set[str] = set()
    for row in range(max(len(outlet["items"]) for outlet in outlets)):
        for outlet in outlets:
            if len(stories) == count or row >= len(outlet["items"]):
                continue
            lead = outlet["items"][row]
            event = lead.get("event") or lead["slug"]
            if event in seen:
                continue
            seen.add(event)
            others = [pair for pair in by_event[event] if pair[1] is not lead]
            items = tuple(_item(o, raw, now) for o, raw in [(outlet, lead), *others])
            page = site[_path(outlet, lead)].body
            stories.append(DemoStory(Story(items[0], items, 1.0), page))
    return stories


def _path(outlet: dict, raw: dict) -> str:
    return f"/articles/{outlet['slug']}/{raw['slug']}.html"


def _item(outlet: dict, raw: dict, now: datetime) -> Item:
    """An outlet's item with its article's full text, as the pipeline has it after full_text."""
    return Item(
        url=BASE + _path(outlet, raw),
        title=raw["title"],
        source=outlet["name"],
        source_type="rss",
        published=now,
        teaser=raw.get("teaser", ""),
        text=raw["body"],
        author=raw.get("author", ""),
    )


def demo_day(out_dir: Path, db_path: Path, backends: list[Backend], port: int = 0) -> RunOutcome:
    """Today's demo brief, as one day of `briefbot demo`: the site on 127.0.0.1:`port` (0: any
    free port), the demo configuration (ModelSettings defaults: 3 candidates), the pipeline's
    own collect, pick, full text, write and render, written by `backends`."""
    now = datetime.now(UTC)
    with DemoServer(port) as site:
        site.show(build_site(site.base, site_hour(now)))
        return run_brief(
            demo_settings(site.base),
            db_path=db_path,
            out_dir=out_dir,
            day=now.date(),
            now=now,
            backends=backends,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_model_options(parser)
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--db", type=Path, required=True, help="SQLite file")
    parser.add_argument("--port", type=int, default=0, help="the demo site's port (0: any)")
    arguments = parser.parse_args(argv)
    backend = EmbeddedBackend(embedded_settings(arguments), ModelSettings().temperature)
    outcome = demo_day(arguments.out, arguments.db, [backend], arguments.port)
    print(json.dumps(run_summary(outcome, 0), indent=2))


if __name__ == "__main__":
    main()
