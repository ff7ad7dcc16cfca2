"""One unattended run, as `briefbot run` and the scheduler make it: locked, resumable, monitored.

Around the pipeline it holds the database's lock (two runs never overlap), gives runs left
unfinished by a killed process their end (their saved model outputs are reused, so the new run
resumes them), and pings the healthcheck URL at the start and on success or failure.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from briefbot.config import Settings
from briefbot.database import Database
from briefbot.healthcheck import ping
from briefbot.lock import RunLock
from briefbot.pipeline import RunOutcome, run_brief
from briefbot.progress import RunObserver
from briefbot.store import Store

log = logging.getLogger(__name__)


def run_guarded(
    settings: Settings,
    *,
    db_path: Database,
    out_dir: Path,
    day: date | None = None,
    observer: RunObserver | None = None,
    command: str = "run",
) -> RunOutcome:
    """Write one brief under the lock; raises LockHeld when another run holds it.

    A run that fails is marked `failed` in the store, the monitor hears `/fail`, and the error
    goes on up to the caller. A run that publishes nothing (no story, or every source failed:
    `outcome.nothing`) is no error, but the monitor hears `/fail` too: no brief went out."""
    url = str(settings.healthcheck_url) if settings.healthcheck_url else None
    with RunLock(db_path, command):
        with Store(db_path) as store:
            closed = store.close_unfinished_runs(
                "interrupted", "the process stopped before the run ended", _now(settings)
            )
        if closed:
            log.info(
                "%d earlier run(s) did not finish; their saved model outputs are reused", closed
            )
        ping(url, "start")
        try:
            outcome = run_brief(
                settings, db_path=db_path, out_dir=out_dir, day=day, observer=observer
            )
        except Exception as error:
            with Store(db_path) as store:
                store.close_unfinished_runs(
                    "failed", f"{type(error).__name__}: {error}", _now(settings)
                )
            ping(url, "fail")
            raise
    ping(url, "fail" if outcome.nothing else "success")
    return outcome


def _now(settings: Settings) -> datetime:
    return datetime.now(settings.zone)
