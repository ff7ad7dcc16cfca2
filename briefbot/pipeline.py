"""The orchestrator: collect -> store -> pick -> full text -> write -> render, nothing else."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import fetch_article_texts, is_teaser
from briefbot.config import FetchSettings, Settings
from briefbot.models import Brief, SourceResult, Story, WrittenStory
from briefbot.pick import day_window, rank_stories
from briefbot.render import write_brief
from briefbot.store import Store
from briefbot.write import Writer, make_backends
from briefbot.write.backends import Backend

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What a run did, stored with the run and printed at its end."""

    day: str
    sources: list[dict] = field(default_factory=list)
    items_seen: int = 0
    items_new: int = 0
    stories: int = 0
    articles_fetched: int = 0
    model_calls: int = 0
    cache_hits: int = 0
    model_seconds: float = 0.0
    written_by: str = ""
    unavailable_models: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        log.info("stage %s ...", name)
        try:
            yield
        finally:
            self.stage_seconds[name] = round(time.perf_counter() - started, 3)


@dataclass(frozen=True)
class RunOutcome:
    brief: Brief
    paths: list[Path]
    report: RunReport


def run_brief(
    settings: Settings,
    *,
    db_path: Path,
    out_dir: Path,
    day: date | None = None,
    now: datetime | None = None,
    backends: list[Backend] | None = None,
) -> RunOutcome:
    """Produce one day's brief; a failing source is reported, never fatal."""
    now = (now or datetime.now(settings.zone)).astimezone(settings.zone)
    day = day or now.date()
    report = RunReport(day=day.isoformat())
    with Store(db_path) as store:
        run_id = store.start_run(day, now)
        with report.stage("collect"):
            memory = CollectMemory(store.fetch_states(), store.snapshots_before(day))
            results = asyncio.run(collect_all(settings.sources, settings.fetch, memory, now))
            store.save_source_results(run_id, results)
            store.save_source_health(results)
            for result in results:
                if result.snapshot:
                    store.save_snapshot(result.name, day, result.snapshot)
            items = [item for result in results for item in result.items]
            report.items_seen = len(items)
            report.items_new = store.save_items(items, now)
            report.sources = [_source_summary(result) for result in results]
        with report.stage("pick"):
            start, end = day_window(day, settings.zone, now, settings.lookback_hours)
            ranked = rank_stories(
                store.items_between(start, end),
                min(now, end),
                keywords=settings.topic_keywords,
                briefed=store.briefed_before(day),
            )
            stories = ranked[: settings.top_stories]
            report.stories = len(stories)
            report.ranking = [_explained(story, story in stories) for story in ranked[:30]]
        with report.stage("full_text"):
            stories, report.articles_fetched = add_full_texts(stories, store, settings.fetch, now)
        with report.stage("write"):
            writer = Writer(backends or make_backends(settings.model), store, run_id)
            written = []
            for number, story in enumerate(stories, start=1):
                log.info("writing story %d/%d: %s", number, len(stories), story.lead.title)
                written.append(WrittenStory(story, writer.write_story(story)))
            bottom_line = writer.write_bottom_line(written) if written else []
        brief = Brief(
            title=settings.title,
            day=day,
            posted_at=now,
            stories=written,
            bottom_line=bottom_line,
            source_results=results,
            written_by=", ".join(writer.stats.written_by) or "no model (no stories today)",
            unavailable_models=writer.stats.unavailable,
        )
        with report.stage("render"):
            paths = write_brief(brief, out_dir)
        store.mark_briefed(day, [(item.url, item.source) for s in stories for item in s.items])
        stats = writer.stats
        report.model_calls, report.cache_hits = stats.model_calls, stats.cache_hits
        report.model_seconds = round(stats.model_seconds, 3)
        report.written_by = brief.written_by
        report.unavailable_models = stats.unavailable
        report.prompt_tokens = stats.prompt_tokens
        report.completion_tokens = stats.completion_tokens
        report.files = [str(path) for path in paths]
        store.finish_run(run_id, "ok", dataclasses.asdict(report), datetime.now(settings.zone))
    return RunOutcome(brief, paths, report)


def add_full_texts(
    stories: list[Story], store: Store, settings: FetchSettings, now: datetime
) -> tuple[list[Story], int]:
    """Give each story whose lead has only a teaser the article's text (stored by URL)."""
    wanted = [
        story.lead.url
        for story in stories
        if story.lead.source_type != "leaderboard" and is_teaser(story.lead.best_text)
    ]
    known = {url: text for url in wanted if (text := store.article_text(url))}
    missing = [url for url in wanted if url not in known][: settings.full_text_pages]
    fetched = asyncio.run(fetch_article_texts(missing, settings)) if missing else {}
    for url, text in fetched.items():
        store.save_article_text(url, text, now)
    texts = known | fetched
    enriched = [
        dataclasses.replace(story, lead=dataclasses.replace(story.lead, text=texts[story.lead.url]))
        if story.lead.url in texts
        else story
        for story in stories
    ]
    return enriched, len(fetched)


def _source_summary(result: SourceResult) -> dict:
    return {
        "name": result.name,
        "type": result.source_type,
        "ok": result.ok,
        "status": result.status,
        "items": len(result.items),
        "error": result.error,
        "mode": result.mode,
    }


def _explained(story: Story, picked: bool) -> dict:
    """Why a story ranked where it did: its score, the score's factors, its sources."""
    return {
        "title": story.lead.title,
        "url": story.lead.url,
        "picked": picked,
        "score": round(story.score, 4),
        "parts": {name: round(value, 4) for name, value in story.score_parts.items()},
        "sources": story.sources,
        "items": len(story.items),
    }
