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
from functools import partial
from pathlib import Path

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import fetch_article_texts, is_teaser
from briefbot.config import FetchSettings, Settings
from briefbot.database import Database
from briefbot.models import Brief, SourceResult, Story, WrittenStory
from briefbot.pick import day_window, rank_stories
from briefbot.progress import RunObserver
from briefbot.publish import publish_site
from briefbot.render import write_brief
from briefbot.store import Store
from briefbot.write import Writer, make_backends
from briefbot.write.backends import Backend
from briefbot.write.writer import WriterStats

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
    model_calls_reused: int = 0  # answers saved by a run that was stopped before it finished
    cache_hits: int = 0
    model_seconds: float = 0.0
    written_by: str = ""
    unavailable_models: list[str] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)
    extracts: int = 0  # summaries whose model text failed the grounding check
    notes_left_out: int = 0  # likewise for "why it matters" notes
    briefs: list[dict] = field(default_factory=list)  # the extra briefs: name, stories

    @contextmanager
    def stage(self, name: str, observer: RunObserver | None = None) -> Iterator[None]:
        observer = observer or RunObserver()
        started = time.perf_counter()
        log.info("stage %s ...", name)
        observer.stage_started(name)
        try:
            yield
        finally:
            spent = time.perf_counter() - started  # a stage of several briefs adds up
            self.stage_seconds[name] = round(self.stage_seconds.get(name, 0) + spent, 3)
            observer.stage_finished(name, self.stage_seconds[name])


@dataclass(frozen=True)
class RunOutcome:
    brief: Brief  # the config's own brief; `briefs` holds it first, then the extra ones
    paths: list[Path]  # every file written, the config's own brief first
    report: RunReport
    briefs: list[Brief] = field(default_factory=list)


@dataclass(frozen=True)
class BriefPlan:
    """What one brief takes from the run's shared collection, and where it goes."""

    name: str  # "" for the config's own brief
    title: str
    top_stories: int
    topic_keywords: list[str]
    sources: frozenset[str] | None  # source names it reads; None: all
    out_dir: Path


def brief_plans(settings: Settings, out_dir: Path) -> list[BriefPlan]:
    """The config's own brief, then each of `briefs:` in a folder of its own."""
    own = BriefPlan(
        "", settings.title, settings.top_stories, settings.topic_keywords, None, out_dir
    )
    return [own] + [
        BriefPlan(
            extra.name,
            extra.title,
            extra.top_stories,
            extra.topic_keywords,
            frozenset(extra.sources) if extra.sources is not None else None,
            out_dir / extra.name,
        )
        for extra in settings.briefs
    ]


def run_brief(
    settings: Settings,
    *,
    db_path: Database,
    out_dir: Path,
    day: date | None = None,
    now: datetime | None = None,
    backends: list[Backend] | None = None,
    observer: RunObserver | None = None,
) -> RunOutcome:
    """Produce one day's briefs from one collection; a failing source is reported, never fatal."""
    now = (now or datetime.now(settings.zone)).astimezone(settings.zone)
    day = day or now.date()
    report = RunReport(day=day.isoformat())
    observer = observer or RunObserver()
    stage = partial(report.stage, observer=observer)
    with Store(db_path) as store:
        run_id = store.start_run(day, now)
        with stage("collect"):
            memory = CollectMemory(store.fetch_states(), store.snapshots_before(day))
            results = asyncio.run(
                collect_all(
                    settings.sources, settings.fetch, memory, now, observer.source_collected
                )
            )
            store.save_source_results(run_id, results)
            store.save_source_health(results)
            for result in results:
                if result.snapshot:
                    store.save_snapshot(result.name, day, result.snapshot)
            items = [item for result in results for item in result.items]
            report.items_seen = len(items)
            report.items_new = store.save_items(items, now)
            report.sources = [_source_summary(result) for result in results]
        backends = backends or make_backends(settings.model)  # loaded once, shared by briefs
        briefs, paths = [], []
        for plan in brief_plans(settings, out_dir):
            writer = Writer(backends, store, run_id)
            brief = _one_brief(plan, settings, store, writer, results, day, now, report, observer)
            with stage("render"):
                paths += write_brief(brief, plan.out_dir)
                publish_site(brief, plan.out_dir, settings.site)
            briefs.append(brief)
            _count_writing(report, writer.stats)
            if plan.name:
                report.briefs.append({"name": plan.name, "stories": len(brief.stories)})
        report.written_by = briefs[0].written_by
        report.files = [str(path) for path in paths]
        store.finish_run(run_id, "ok", dataclasses.asdict(report), datetime.now(settings.zone))
    return RunOutcome(briefs[0], paths, report, briefs)


def _one_brief(
    plan: BriefPlan,
    settings: Settings,
    store: Store,
    writer: Writer,
    results: list[SourceResult],
    day: date,
    now: datetime,
    report: RunReport,
    observer: RunObserver,
) -> Brief:
    """Pick, complete and write one brief from the stored items of the day."""
    stage = partial(report.stage, observer=observer)
    with stage("pick"):
        start, end = day_window(day, settings.zone, now, settings.lookback_hours)
        items = store.items_between(start, end)
        if plan.sources is not None:
            items = [item for item in items if item.source in plan.sources]
        ranked = rank_stories(
            items, min(now, end), keywords=plan.topic_keywords, briefed=store.briefed_before(day)
        )
        stories = ranked[: plan.top_stories]
        if not plan.name:
            report.stories = len(stories)
            report.ranking = [_explained(story, story in stories) for story in ranked[:30]]
    with stage("full_text"):
        stories, fetched = add_full_texts(stories, store, settings.fetch, now)
        report.articles_fetched += fetched
    with stage("write"):
        texts = len(stories) + 1 if stories else 0  # each story and the Bottom Line
        observer.writing_started(texts)
        texts_written = writer.write_stories(
            stories, lambda number: observer.text_written(number, texts, writer.stats)
        )
        written = [WrittenStory(s, t) for s, t in zip(stories, texts_written, strict=True)]
        bottom_line = writer.write_bottom_line(written) if written else []
        if written:
            observer.text_written(texts, texts, writer.stats)
    store.mark_briefed(day, [(item.url, item.source) for s in stories for item in s.items])
    return Brief(
        title=plan.title,
        day=day,
        posted_at=now,
        stories=written,
        bottom_line=bottom_line,
        source_results=results,
        written_by=", ".join(writer.stats.written_by) or "no model (no stories today)",
        run_note=_run_note(writer.stats, texts),
        unavailable_models=writer.stats.unavailable,
    )


def _count_writing(report: RunReport, stats: WriterStats) -> None:
    report.model_calls += stats.model_calls
    report.cache_hits += stats.cache_hits
    report.model_calls_reused += stats.calls_reused
    report.model_seconds = round(report.model_seconds + stats.model_seconds, 3)
    report.extracts += stats.extracts
    report.notes_left_out += stats.notes_dropped
    report.prompt_tokens += stats.prompt_tokens
    report.completion_tokens += stats.completion_tokens
    report.unavailable_models += [
        m for m in stats.unavailable if m not in report.unavailable_models
    ]


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


def _run_note(stats: WriterStats, texts: int) -> str:
    """The brief's footer line on its writing: model calls, their time, texts from the cache."""
    if not texts:
        return ""
    return (
        f"{texts} texts: {stats.model_calls} model calls in {stats.model_seconds:.0f} s, "
        f"{stats.cache_hits} texts from the cache."
    )


def _source_summary(result: SourceResult) -> dict:
    return {
        "name": result.name,
        "type": result.source_type,
        "ok": result.ok,
        "status": result.status,
        "items": len(result.items),
        "error": result.error,
        "mode": result.mode,
        "moved_to": result.state.moved_to if result.state else "",
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
