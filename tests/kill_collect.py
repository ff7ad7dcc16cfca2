"""A driver for tests of a run killed while it collects: runs the pipeline's collect stage and
SIGKILLs itself right after the Nth database commit made during that stage.

    python -m tests.kill_collect CONFIG DATABASE N

The commits are counted where SQLAlchemy hands them to the database driver
(`DefaultDialect.do_commit`), so whatever the store does in one transaction or several, every
commit counts, and nothing in briefbot knows it is being tested. The run stops after the collect
stage (no model is needed) and prints `{"collect_commits": K}`; with N = 0 it is never killed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from contextlib import suppress
from pathlib import Path

from sqlalchemy.engine.default import DefaultDialect

from briefbot.config import load_settings
from briefbot.database import database_location
from briefbot.pipeline import run_brief
from briefbot.progress import RunObserver


class CollectDone(Exception):
    """Raised when the collect stage has ended: this driver has seen all it came for."""


class CollectWatch(RunObserver):
    """Knows whether the run is in its collect stage, and ends the run after it."""

    def __init__(self) -> None:
        self.collecting = False

    def stage_started(self, name: str) -> None:
        self.collecting = name == "collect"

    def stage_finished(self, name: str, seconds: float) -> None:
        if name == "collect":
            self.collecting = False
            raise CollectDone


def main(config: str, database: str, kill_after: int) -> None:
    watch = CollectWatch()
    commits = 0
    commit = DefaultDialect.do_commit

    def counted_commit(dialect: DefaultDialect, connection: object) -> None:
        nonlocal commits
        commit(dialect, connection)
        if watch.collecting:
            commits += 1
            if commits == kill_after:
                os.kill(os.getpid(), signal.SIGKILL)

    DefaultDialect.do_commit = counted_commit  # type: ignore[method-assign]
    settings = load_settings(Path(config))
    with suppress(CollectDone):
        run_brief(
            settings,
            db_path=database_location(database),
            out_dir=Path(config).parent,
            observer=watch,
        )
    print(json.dumps({"collect_commits": commits}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
