"""The orchestrator: collect -> store -> pick -> full text -> write -> render, nothing else."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path

from briefbot.collect import CollectMemory, collect_all
from briefbot.collect.article import fetch_article_texts, is_teaser
from briefbot.config import FetchSettings, Settings
from briefbot.database import Database
from briefbot.models import (
    BottomLine,
    Brief,
    EarlierStory,
    GapSeries,
    SourceResult,
    Story,
    WrittenStory,
)
from briefbot.pick import day_window, rank_stories
from briefbot.pick.threads import THREAD_DAYS, continued, story_names
from briefbot.progress import RunObserver
from briefbot.publish import publish_site
from briefbot.render import write_brief
from briefbot.store import Store
from briefbot.views import gap_series
from briefbot.write import Writer, make_backends
from briefbot.write.backends import Backend
from briefbot.write.evidence import has_news
from briefbot.write.writer import WriterStats

log = logging.getLogger(__name__)

CHART_DAYS = 30  # the leaderboard gap chart's span


@dataclass
class RunReport:
    """What a run did, stored with the run and printed at its end."""

    day: str
    sources: list[dict] = field(default_factory=list)
    items_seen: int = 0  # items the sources gave this run (none from a 304 or a fresh source)
    items_new: int = 0  # of those, the ones not stored before
    items_considered: int = 0  # stored items the config's own brief was picked from
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
    extracts: int = 0  # summaries that are the article's opening: no draft passed the checks
    notes_left_out: int = 0  # "why it matters" notes left out: none passed
    drafts: int = 0  # story drafts the model wrote
    drafts_passed: int = 0  # of those, the ones whose Summary passed every check
    briefs: list[dict] = field(default_factory=list)  # the extra briefs: name, stories, ...
    channels: list[dict] = field(default_factory=list)  # posts made by `run --send`
    nothing: str = ""  # why no brief at all was published, when none was

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
    """What a run made. `briefs` holds the config's own brief first, then the extra ones, each
    whether published or not; a brief with no story is not published (no file, no record)."""

    brief: Brief  # the config's own brief
    paths: list[Path]  # every file written, the config's own brief first
    report: RunReport
    briefs: list[Brief] = field(default_factory=list)
    run_id: int | None = None  # the run's row in the store

    @property
    def published(self) -> list[Brief]:
        return [brief for brief in self.briefs if brief.stories]

    @property
    def nothing(self) -> bool:
        """True when the run published no brief at all: a day with nothing."""
        return not self.published


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
    """Produce one day's briefs from one collection; a failing source is reported, never fatal.

    A brief with no story, or whose every source failed, is not published: no dated files, no
    JSON record, no index or feed rebuilt (so `briefbot send` mails nothing). When no brief is
    published the run ends with status `empty` and `report.nothing` says why."""
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
            new_items: set[tuple[str, str]] = set()
            for result in results:  # each source's items with the validators that cover them
                new_items |= store.save_collected(run_id, day, result, now)
            report.items_seen = sum(len(result.items) for result in results)
            report.items_new = len(new_items)
            report.sources = [_source_summary(result) for result in results]
        run = _Run(settings, store, run_id, day, now, new_items, report, observer, backends)
        briefs, paths = [], []
        for plan in brief_plans(settings, out_dir):
            brief = run.one_brief(plan, results)
            if brief.stories:
                with stage("render"):
                    paths += write_brief(brief, plan.out_dir)
                    publish_site(brief, plan.out_dir, settings.site)
            briefs.append(brief)
            if plan.name:
                report.briefs.append(
                    {
                        "name": plan.name,
                        "stories": len(brief.stories),
                        "items_considered": brief.items_considered,
                        "items_new": brief.items_new,
                        "nothing": nothing_reason(brief),
                    }
                )
        outcome = RunOutcome(briefs[0], paths, report, briefs, run_id)
        if outcome.nothing:
            report.nothing = "; ".join(dict.fromkeys(nothing_reason(b) for b in briefs))
        report.written_by = (outcome.published or briefs)[0].written_by
        report.files = [str(path) for path in paths]
        status = "empty" if outcome.nothing else "ok"
        store.finish_run(run_id, status, dataclasses.asdict(report), datetime.now(settings.zone))
    return outcome


def nothing_reason(brief: Brief) -> str:
    """Why a brief was not published ("" when it was)."""
    if brief.stories:
        return ""
    failed = len(brief.failed_sources)
    if failed and failed == len(brief.source_results):
        return f"every source failed ({failed} of {failed})"
    return "no story"


@dataclass
class _Run:
    """What the briefs of one run share: the store, the collection, the backends."""

    settings: Settings
    store: Store
    run_id: int
    day: date
    now: datetime
    new_items: set[tuple[str, str]]
    report: RunReport
    observer: RunObserver
    backends: list[Backend] | None = None  # made (the model loaded) when a brief needs it

    def one_brief(self, plan: BriefPlan, results: list[SourceResult]) -> Brief:
        """Pick, complete and write one brief from the stored items of the day; a brief whose
        every source failed is left empty (yesterday's items are not today's brief)."""
        settings, store, report = self.settings, self.store, self.report
        stage = partial(report.stage, observer=self.observer)
        results = [r for r in results if plan.sources is None or r.name in plan.sources]
        items, stories = [], []
        if any(result.ok for result in results):
            with stage("pick"):
                start, end = day_window(self.day, settings.zone, self.now, settings.lookback_hours)
                items = store.items_between(start, end)
                if plan.sources is not None:
                    items = [item for item in items if item.source in plan.sources]
                ranked = rank_stories(
                    items,
                    min(self.now, end),
                    keywords=plan.topic_keywords,
                    briefed=store.briefed_before(self.day, plan.name),
                )
                stories = [story for story in ranked if has_news(story)][: plan.top_stories]
                earlier = store.stories_between(
                    self.day - timedelta(days=THREAD_DAYS), self.day, plan.name
                )
                stories = [
                    dataclasses.replace(story, continues=continued(story, earlier))
                    for story in stories
                ]
                if not plan.name:
                    report.stories = len(stories)
                    report.items_considered = len(items)
                    report.ranking = [_explained(story, story in stories) for story in ranked[:30]]
        written: list[WrittenStory] = []
        bottom_line = BottomLine("", ())
        stats = WriterStats()
        if stories:
            with stage("full_text"):
                stories, fetched = add_full_texts(stories, store, settings.fetch, self.now)
                report.articles_fetched += fetched
            written, bottom_line, stats = self._write(stories)
            store.mark_briefed(
                self.day,
                [(item.identity, item.source) for s in stories for item in s.items],
                plan.name,
                [
                    EarlierStory(self.day, n, s.lead.title, s.lead.url, story_names(s))
                    for n, s in enumerate(stories, start=1)
                ],
            )
        texts = len(stories) + 1 if stories else 0
        return Brief(
            title=plan.title,
            day=self.day,
            posted_at=self.now,
            stories=written,
            bottom_line=list(bottom_line.points),
            lede=bottom_line.lede,
            source_results=results,
            written_by=", ".join(stats.written_by) or "no model (no stories today)",
            run_note=_run_note(stats, texts),
            unavailable_models=stats.unavailable,
            items_considered=len(items),
            items_new=sum((item.identity, item.source) in self.new_items for item in items),
            charts=self._charts(written),
        )

    def _charts(self, written: list[WrittenStory]) -> list[GapSeries]:
        """The gap over the last CHART_DAYS days of each leaderboard that a story comes from."""
        sources = {
            item.source
            for w in written
            for item in w.story.items
            if item.source_type == "leaderboard"
        }
        start = self.day - timedelta(days=CHART_DAYS - 1)
        found = (
            gap_series(source, self.store.snapshot_history(source, start, self.day))
            for source in sorted(sources)
        )
        return [series for series in found if series is not None]

    def _write(self, stories: list[Story]) -> tuple[list[WrittenStory], BottomLine, WriterStats]:
        """Each story's texts and the Bottom Line, by the run's backends (made on first use)."""
        if self.backends is None:
            self.backends = make_backends(self.settings.model)  # loaded once, shared by briefs
        writer = Writer(
            self.backends,
            self.store,
            self.run_id,
            candidates=self.settings.model.candidates,
            temperature=self.settings.model.temperature,
        )
        observer = self.observer
        with self.report.stage("write", observer):
            texts = len(stories) + 1  # each story and the Bottom Line
            observer.writing_started(texts)
            texts_written = writer.write_stories(
                stories, lambda number: observer.text_written(number, texts, writer.stats)
            )
            written = [WrittenStory(s, t) for s, t in zip(stories, texts_written, strict=True)]
            bottom_line = writer.write_bottom_line(written)
            observer.text_written(texts, texts, writer.stats)
        _count_writing(self.report, writer.stats)
        return written, bottom_line, writer.stats


def _count_writing(report: RunReport, stats: WriterStats) -> None:
    report.model_calls += stats.model_calls
    report.cache_hits += stats.cache_hits
    report.model_calls_reused += stats.calls_reused
    report.model_seconds = round(report.model_seconds + stats.model_seconds, 3)
    report.extracts += stats.extracts
    report.notes_left_out += stats.notes_dropped
    report.drafts += stats.drafts
    report.drafts_passed += stats.drafts_passed
    report.prompt_tokens += stats.prompt_tokens
    report.completion_tokens += stats.completion_tokens
    report.unavailable_models += [
        m for m in stats.unavailable if m not in report.unavailable_models
    ]


def add_full_texts(
    stories: list[Story], store: Store, settings: FetchSettings, now: datetime
) -> tuple[list[Story], int]:
    """Give each story whose lead has only a teaser the article's text (stored by URL). A
    lead whose URL is not its own page (a page several entries share, the feed's site, a
    media file) keeps its own text: the page's would be another story's."""
    wanted = [
        story.lead.url
        for story in stories
        if story.lead.source_type != "leaderboard"
        and story.lead.has_own_page
        and is_teaser(story.lead.best_text)
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
        "skipped": list(result.skipped),
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
