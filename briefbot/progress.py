"""Progress of a run: the hooks the pipeline calls, shown as a live display or as log lines.

The pipeline calls a `RunObserver` at each stage's start and end, for each source collected and
for each text written; it never knows how (or whether) progress is shown. On a terminal
`TerminalProgress` draws bars with rich; under cron `LogProgress` writes plain log lines.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from briefbot.models import SourceResult

if TYPE_CHECKING:
    from briefbot.write.writer import WriterStats

log = logging.getLogger(__name__)


class RunObserver:
    """Hooks a run calls as it goes; this base class shows nothing."""

    def stage_started(self, name: str) -> None:
        """A stage (collect, pick, full_text, write, render) begins."""

    def stage_finished(self, name: str, seconds: float) -> None:
        """A stage ended after `seconds`."""

    def source_collected(self, result: SourceResult) -> None:
        """One source answered (or failed)."""

    def writing_started(self, texts: int) -> None:
        """The writer has `texts` texts to make: one per story and the Bottom Line."""

    def text_written(self, done: int, texts: int, stats: WriterStats) -> None:
        """`done` of `texts` are made; `stats` counts the model calls and cache hits so far."""


class WritingClock:
    """The time left for the texts not yet written, from the pace of those the model wrote."""

    def __init__(self) -> None:
        self._started = time.monotonic()

    def seconds_left(self, done: int, texts: int, cache_hits: int) -> float | None:
        """None until the model has written a text (cached ones take no time)."""
        written = done - cache_hits
        if written <= 0:
            return None
        return (time.monotonic() - self._started) / written * (texts - done)


class LogProgress(RunObserver):
    """Plain log lines, for cron and other places without a terminal (sources log their own)."""

    def __init__(self) -> None:
        self._clock = WritingClock()

    def stage_finished(self, name: str, seconds: float) -> None:
        log.info("stage %s done in %.1f s", name, seconds)

    def writing_started(self, texts: int) -> None:
        self._clock = WritingClock()
        if texts:
            log.info("writing %d texts", texts)

    def text_written(self, done: int, texts: int, stats: WriterStats) -> None:
        left = self._clock.seconds_left(done, texts, stats.cache_hits)
        eta = f", about {left:.0f} s left" if left is not None and done < texts else ""
        log.info(
            "wrote %d/%d texts (%d model calls, %d from the cache%s)",
            done,
            texts,
            stats.model_calls,
            stats.cache_hits,
            eta,
        )


class TerminalProgress(RunObserver):
    """Live bars on a terminal: the stage, sources fetched, texts written with time left."""

    def __init__(self, console: Console, sources: int) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[note]}"),
            console=console,
        )
        self._sources_total = sources
        self._tasks: dict[str, TaskID] = {}
        self._clock = WritingClock()

    def __enter__(self) -> TerminalProgress:
        self._progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def _task(self, key: str, description: str, total: float | None) -> TaskID:
        if key not in self._tasks:
            self._tasks[key] = self._progress.add_task(description, total=total, note="")
        return self._tasks[key]

    def stage_started(self, name: str) -> None:
        task = self._task("stage", "stage", None)
        self._progress.update(task, description=f"stage: {name}")

    def stage_finished(self, name: str, seconds: float) -> None:
        if name == "render":
            self._progress.update(self._task("stage", "stage", None), total=1, completed=1)

    def source_collected(self, result: SourceResult) -> None:
        task = self._task("sources", "sources fetched", self._sources_total)
        self._progress.advance(task)

    def writing_started(self, texts: int) -> None:
        self._clock = WritingClock()
        if texts:
            self._task("write", "texts written", texts)

    def text_written(self, done: int, texts: int, stats: WriterStats) -> None:
        left = self._clock.seconds_left(done, texts, stats.cache_hits)
        eta = f", ~{left:.0f} s left" if left is not None and done < texts else ""
        self._progress.update(
            self._task("write", "texts written", texts),
            completed=done,
            note=f"{stats.model_calls} model calls, {stats.cache_hits} cached{eta}",
        )
