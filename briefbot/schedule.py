"""`briefbot schedule`: a foreground daemon that writes the brief at the configured time.

APScheduler (3.x) fires a cron trigger in the brief's time zone. The job lives in a persistent job
store (the `apscheduler_jobs` table of the briefbot database, SQLite or PostgreSQL), so a restart
keeps its next run time: a brief that fell due while the daemon was down is made when it starts
again, once, if that is within `misfire_grace_minutes`. A machine that slept through the time makes
one brief when it wakes, not one per missed time (coalescing). SIGTERM or SIGINT stops it cleanly:
no new run starts, a run in progress finishes first (a second signal stops at once; the next run
resumes what it left).
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from briefbot.config import ConfigError, ScheduleSettings, Settings, load_settings
from briefbot.database import Database, database_location, open_engine
from briefbot.lock import LockHeld
from briefbot.progress import LogProgress
from briefbot.runner import run_guarded

log = logging.getLogger(__name__)

JOB_ID = "daily-brief"
JOB_FUNCTION = "briefbot.schedule:run_scheduled_brief"
# The scheduler's own wait does not count time asleep (a monotonic clock), so it is woken this
# often to look at the wall clock: after a suspend the due brief starts within this many seconds.
WAKE_SECONDS = 30


def brief_trigger(schedule: ScheduleSettings, zone: ZoneInfo) -> CronTrigger:
    """The configured time (`at`) or crontab line (`cron`), in the brief's time zone."""
    if schedule.cron is not None:
        return CronTrigger.from_crontab(schedule.cron, timezone=zone)
    hour, minute, *second = (int(part) for part in schedule.at.split(":"))
    return CronTrigger(hour=hour, minute=minute, second=second[0] if second else 0, timezone=zone)


def run_scheduled_brief(config: str, out_dir: str, database: str) -> None:
    """The scheduled job: one guarded run of the config as it is now; problems are logged."""
    try:
        settings = load_settings(Path(config))
        outcome = run_guarded(
            settings,
            db_path=database_location(database),
            out_dir=Path(out_dir),
            observer=LogProgress(),
            command="schedule",
        )
    except (ConfigError, LockHeld) as error:
        log.error("no brief written: %s", error)
        return
    except Exception:
        log.exception("no brief written")
        return
    log.info("Wrote %s", ", ".join(str(path) for path in outcome.paths))


class _Stopper:
    """SIGTERM/SIGINT handling: the first asks for a clean stop, a second stops at once."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.requested:
            log.warning("%s again: stopping now; the next run resumes the brief", name)
            os._exit(128 + signum)
        log.info("%s: stopping (a brief being written is finished first)", name)
        self.requested = True


def serve_schedule(settings: Settings, *, config: Path, out_dir: Path, database: Database) -> None:
    """Run the brief on its schedule until SIGTERM or SIGINT; blocks in the foreground."""
    stopper = _Stopper()
    previous = {sig: signal.signal(sig, stopper) for sig in (signal.SIGTERM, signal.SIGINT)}
    store = SQLAlchemyJobStore(engine=open_engine(database))
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=settings.zone)
    scheduler.add_listener(
        _job_logger(scheduler), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
    )
    scheduler.start(paused=True)
    try:
        where = str(database.resolve()) if isinstance(database, Path) else database
        args = [str(config.resolve()), str(out_dir.resolve()), where]
        job = _install_job(
            scheduler,
            brief_trigger(settings.schedule, settings.zone),
            args,
            settings.schedule.misfire_grace_minutes * 60,
        )
        log.info("scheduled %s; next brief at %s", job.trigger, job.next_run_time)
        scheduler.resume()
        waited = 0.0
        while not stopper.requested:
            time.sleep(0.5)
            waited += 0.5
            if waited >= WAKE_SECONDS:
                scheduler.wakeup()
                waited = 0.0
    finally:
        scheduler.shutdown(wait=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    log.info("schedule stopped")


def _install_job(
    scheduler: BackgroundScheduler, trigger: CronTrigger, args: list[str], grace_seconds: int
) -> Job:
    """The stored job when it is the one configured (keeping its next run time), else anew."""
    stored = scheduler.get_job(JOB_ID)
    if (
        stored is not None
        and stored.func_ref == JOB_FUNCTION
        and list(stored.args) == args
        and repr(stored.trigger) == repr(trigger)
        and stored.misfire_grace_time == grace_seconds
        and stored.next_run_time is not None
    ):
        return stored
    return scheduler.add_job(
        JOB_FUNCTION,
        trigger,
        args=args,
        id=JOB_ID,
        name="daily brief",
        misfire_grace_time=grace_seconds,
        coalesce=True,
        max_instances=1,
        replace_existing=True,
    )


def _job_logger(scheduler: BackgroundScheduler) -> Callable[[JobEvent], None]:
    """A listener that says when a brief was missed and, after each run, when the next is."""

    def listener(event: JobEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning(
                "the brief due at %s was missed by more than the grace time",
                event.scheduled_run_time,
            )
        elif (job := scheduler.get_job(JOB_ID)) is not None:
            log.info("next brief at %s", job.next_run_time)

    return listener
