"""`briefbot schedule`: a foreground daemon that writes the brief at the configured time.

APScheduler (3.x) runs the job; its trigger is briefbot's own `LocalTimeTrigger`, which gives
exactly one brief per local day across DST changes (APScheduler's CronTrigger does not). The job
lives in a persistent job store (the `apscheduler_jobs` table of the briefbot database, SQLite or
PostgreSQL), so a restart keeps its next run time: a brief that fell due while the daemon was
down is made when it starts again, once, if that is within `misfire_grace_minutes`. A machine
that slept through several due times makes one brief when it wakes, not one per missed time
(coalescing). SIGHUP re-reads the config's schedule. SIGTERM or SIGINT stops it cleanly: no new
run starts, a run in progress finishes first (a second signal stops at once; the next run
resumes what it left).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobEvent
from apscheduler.job import Job
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from briefbot.config import ConfigError, ScheduleSettings, Settings, load_settings
from briefbot.database import Database, database_location, open_engine
from briefbot.lock import LockHeld
from briefbot.progress import LogProgress
from briefbot.runner import run_guarded
from briefbot.store import Store

log = logging.getLogger(__name__)

JOB_ID = "daily-brief"
JOB_FUNCTION = "briefbot.schedule:run_scheduled_brief"
# The scheduler's own wait does not count time asleep (a monotonic clock), so it is woken this
# often to look at the wall clock: after a suspend the due brief starts within this many seconds.
WAKE_SECONDS = 30


class LocalTimeTrigger(BaseTrigger):
    """Fires at the wall-clock times a crontab-like `CronTrigger` names, read in a time zone:
    one fire per matching local day, whatever the zone's DST changes do to that day.

    Why not `CronTrigger(timezone=zone)`: APScheduler 3's CronTrigger does its arithmetic on
    aware datetimes across DST changes and skips or repeats days (agronholm/apscheduler#606: a
    daily 00:00 job in US/Pacific skipped the day after the spring change; #120 and #1021:
    fires an hour off, or twice, around a change). Here `wall` is a CronTrigger in UTC, a zone
    with no DST where that arithmetic is right, used only to find the next matching wall-clock
    time; zoneinfo (PEP 495) turns it into an instant. A time that occurs twice on a fall-back
    day fires at its first occurrence only; a time that does not occur on a spring-forward day
    (02:30 in Berlin, 00:00 in Havana) fires at the first moment after the gap, when the clocks
    have jumped. A fire is always later than the previous one, even if the system clock is set
    back, so a day never gets two briefs.
    """

    def __init__(self, wall: CronTrigger, zone: ZoneInfo, label: str) -> None:
        self.wall = wall
        self.zone = zone
        self.label = label  # what the config said: "at 07:00" or "cron 30 6 * * mon-fri"

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        # In UTC: arithmetic and comparisons of datetimes in one zone ignore DST (PEP 495).
        start = (now if previous_fire_time is None else previous_fire_time).astimezone(UTC)
        if previous_fire_time is not None:
            start += _TICK
        wall_start = start.astimezone(self.zone).replace(tzinfo=UTC)
        while (wall := self.wall.get_next_fire_time(None, wall_start)) is not None:
            moment = _instant(wall.replace(tzinfo=None), self.zone)
            if moment.astimezone(UTC) >= start:
                return moment
            wall_start = wall + timedelta(seconds=1)  # the earlier of a twice-occurring time
        return None

    def __str__(self) -> str:
        return f"{self.label} ({self.zone.key})"

    def __repr__(self) -> str:
        return f"<LocalTimeTrigger {self.label!r} zone={self.zone.key!r}>"


_TICK = timedelta(microseconds=1)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first moment the clocks of `zone` show the naive wall-clock time `wall`, or the
    first moment after, when the clocks jump over it."""
    first = wall.replace(tzinfo=zone, fold=0)  # fold=0: the first of a twice-occurring time
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall:
        return first
    # In a gap: fold=1 reads it with the offset after the change (an instant before the jump),
    # fold=0 with the offset before it (after the jump); the jump is the first second between
    # them whose wall-clock time is past `wall`.
    low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first.astimezone(UTC)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(zone).replace(tzinfo=None) > wall:
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0).astimezone(zone)


def brief_trigger(schedule: ScheduleSettings, zone: ZoneInfo) -> LocalTimeTrigger:
    """The configured time (`at`) or crontab line (`cron`), in the brief's time zone."""
    if schedule.cron is not None:
        wall = CronTrigger.from_crontab(schedule.cron, timezone=UTC)
        return LocalTimeTrigger(wall, zone, f"cron {schedule.cron}")
    hour, minute, *second = (int(part) for part in schedule.at.split(":"))
    wall = CronTrigger(hour=hour, minute=minute, second=second[0] if second else 0, timezone=UTC)
    return LocalTimeTrigger(wall, zone, f"daily at {hour:02}:{minute:02}:{(second or [0])[0]:02}")


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
    if outcome.nothing:
        log.warning("nothing published for %s: %s", outcome.report.day, outcome.report.nothing)
    else:
        log.info("Wrote %s", ", ".join(str(path) for path in outcome.paths))


class _Signals:
    """SIGTERM/SIGINT: the first asks for a clean stop, a second stops at once. SIGHUP asks for
    the schedule to be read again. The handlers only set flags; the daemon's loop acts."""

    def __init__(self) -> None:
        self.stop = False
        self.reload = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if signum == signal.SIGHUP:
            self.reload = True
            return
        if self.stop:
            log.warning("%s again: stopping now; the next run resumes the brief", name)
            os._exit(128 + signum)
        log.info("%s: stopping (a brief being written is finished first)", name)
        self.stop = True


def serve_schedule(settings: Settings, *, config: Path, out_dir: Path, database: Database) -> None:
    """Run the brief on its schedule until SIGTERM or SIGINT; blocks in the foreground.
    SIGHUP re-reads the schedule (`schedule`, `timezone`) from `config`."""
    signals = _Signals()
    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signals) for sig in handled}
    with Store(database):  # the store's schema, migrated, before the first run needs it
        pass
    store = SQLAlchemyJobStore(engine=open_engine(database))
    scheduler = BackgroundScheduler(jobstores={"default": store}, timezone=settings.zone)
    ended = threading.Event()  # a run has ended
    scheduler.add_listener(
        _job_listener(ended), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
    )
    scheduler.start(paused=True)
    try:
        where = str(database.resolve()) if isinstance(database, Path) else database
        args = [str(config.resolve()), str(out_dir.resolve()), where]
        job = _install_job(scheduler, settings, args)
        log.info("scheduled %s; next brief at %s", job.trigger, job.next_run_time)
        scheduler.resume()
        waited = 0.0
        while not signals.stop:
            if signals.reload:
                signals.reload = False
                _reload(scheduler, config, args)
            if ended.is_set():
                ended.clear()
                if (job := scheduler.get_job(JOB_ID)) is not None:
                    log.info("next brief at %s", job.next_run_time)
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


def _reload(scheduler: BackgroundScheduler, config: Path, args: list[str]) -> None:
    """SIGHUP: the config's schedule now; a config that does not load keeps the old one."""
    try:
        settings = load_settings(config)
    except ConfigError as error:
        log.error("SIGHUP: schedule not reloaded, the old one stays: %s", error)
        return
    job = _install_job(scheduler, settings, args)
    log.info("schedule reloaded: %s; next brief at %s", job.trigger, job.next_run_time)


def _install_job(scheduler: BackgroundScheduler, settings: Settings, args: list[str]) -> Job:
    """The stored job when it is the one configured (keeping its next run time), else anew."""
    trigger = brief_trigger(settings.schedule, settings.zone)
    grace_seconds = settings.schedule.misfire_grace_minutes * 60
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


def _job_listener(ended: threading.Event) -> Callable[[JobEvent], None]:
    """A listener that says when a brief was missed and sets `ended` after each run.

    It runs in the job's thread and must not ask the scheduler anything: `shutdown(wait=True)`
    holds the job store's lock while it waits for that thread, so a lookup from here during a
    stop would wait forever. The daemon's loop reports the next run time instead."""

    def listener(event: JobEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning(
                "the brief due at %s was missed by more than the grace time",
                event.scheduled_run_time,
            )
        else:
            ended.set()

    return listener
