"""`briefbot schedule`: exactly one brief per local day at the configured time across DST changes,
one brief when it falls due, several missed days coalesced into one brief on restart, SIGHUP
re-reading the schedule, and SIGTERM finishing the run in progress before a clean exit.

The daemon runs as a real subprocess; its sources are down (no model is needed), so each
scheduled run ends as a day with nothing to publish. The tests wait on events (log lines, rows),
never on the daemon being up within a fixed time: a brief's due time is set by a SIGHUP reload
after the daemon has said it started, and read back from its own "next brief at" line."""

from __future__ import annotations

import pickle
import re
import signal
import sqlite3
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from subprocess import Popen, TimeoutExpired
from zoneinfo import ZoneInfo

import pytest

from briefbot.config import ConfigError, parse_settings
from briefbot.schedule import JOB_ID, brief_trigger
from tests.unattended import (
    DEAD_FEED,
    query,
    start_briefbot,
    store_ready,
    utc_now,
    wait_for,
    write_config,
)

BERLIN = ZoneInfo("Europe/Berlin")


def _trigger(zone: str = "Europe/Berlin", **keys: object):
    raw = {"title": "t", "sources": [DEAD_FEED], "timezone": zone, "schedule": keys}
    settings = parse_settings(raw)
    return brief_trigger(settings.schedule, settings.zone)


def test_time_and_crontab_fire_in_the_briefs_zone():
    after = datetime(2026, 7, 3, 8, 0, tzinfo=BERLIN)
    assert _trigger().get_next_fire_time(None, after) == datetime(2026, 7, 4, 7, 0, tzinfo=BERLIN)
    assert _trigger(at="07:30:15").get_next_fire_time(None, after - timedelta(hours=2)) == (
        datetime(2026, 7, 3, 7, 30, 15, tzinfo=BERLIN)
    )
    weekdays = _trigger(cron="0 6 * * mon-fri")  # 2026-07-03 is a Friday
    assert weekdays.get_next_fire_time(None, after) == datetime(2026, 7, 6, 6, 0, tzinfo=BERLIN)


def _fires(trigger, zone: ZoneInfo, years: range) -> list[datetime]:
    """Every fire over whole years, asked as the scheduler asks: each after the previous."""
    fires: list[datetime] = []
    now = datetime(years.start, 1, 1, tzinfo=zone)
    while (fire := trigger.get_next_fire_time(fires[-1] if fires else None, now)).year < years.stop:
        fires.append(fire)
        now = fire.astimezone(UTC) + timedelta(milliseconds=5)  # asked once the run started
    return fires


def _first_moment_at_or_after(day: date, wall: time, zone: ZoneInfo, fire: datetime) -> bool:
    """`fire` is the first moment of `day` whose local time is `wall` or later."""
    local = fire.astimezone(zone)
    before = (fire.astimezone(UTC) - timedelta(seconds=1)).astimezone(zone)  # UTC: real time
    return (
        local.date() == day
        and local.time() >= wall
        and local.fold == 0  # the first of a time that occurs twice
        and (before.date() < day or before.time() < wall)
    )


# Spring gaps and fall-back repeats at the configured time: 02:30 in Berlin, 01:30 in London
# and Los Angeles, 00:00 in Havana (clocks jump at midnight), 00:00 in Los Angeles (skipped on
# 2026-03-09 by APScheduler's CronTrigger), 02:15 on Lord Howe Island (a half-hour change), and
# times no change touches.
DAILY = [
    ("Europe/Berlin", "02:30"),
    ("Europe/Berlin", "07:00"),
    ("Europe/London", "01:30"),
    ("Europe/London", "00:59:59"),
    ("America/Havana", "00:00"),
    ("America/Los_Angeles", "00:00"),
    ("America/Los_Angeles", "01:30"),
    ("America/Los_Angeles", "02:30"),
    ("Australia/Lord_Howe", "02:15"),
    ("Asia/Tokyo", "23:59:59"),
]


@pytest.mark.parametrize(("zone", "at"), DAILY)
def test_one_brief_each_local_day_across_dst_changes(zone, at):
    tz = ZoneInfo(zone)
    wall = time.fromisoformat(at)
    fires = _fires(_trigger(zone, at=at), tz, range(2026, 2028))
    days = [fire.astimezone(tz).date() for fire in fires]
    assert days == [date(2026, 1, 1) + timedelta(days=n) for n in range(730)]
    for day, fire in zip(days, fires, strict=True):
        assert _first_moment_at_or_after(day, wall, tz, fire), fire.astimezone(tz)
        exists = datetime.combine(day, wall, tz).astimezone(UTC).astimezone(tz).time() == wall
        if exists:  # on every day the time occurs, the brief is made at that very time
            assert fire.astimezone(tz).time() == wall


CRON = [
    ("Europe/Berlin", "30 2 * * *", lambda day: True),
    ("America/Los_Angeles", "30 2 * * sun", lambda day: day.weekday() == 6),  # changes: Sundays
    ("America/Havana", "0 0 * * mon-fri", lambda day: day.weekday() < 5),
    ("Europe/London", "15 1 1,29 * *", lambda day: day.day in (1, 29)),
]


@pytest.mark.parametrize(("zone", "cron", "matches"), CRON)
def test_crontab_fires_once_on_each_matching_local_day(zone, cron, matches):
    tz = ZoneInfo(zone)
    minute, hour = (int(field) for field in cron.split()[:2])
    fires = _fires(_trigger(zone, cron=cron), tz, range(2026, 2028))
    days = [fire.astimezone(tz).date() for fire in fires]
    every_day = [date(2026, 1, 1) + timedelta(days=n) for n in range(730)]
    assert days == [day for day in every_day if matches(day)]
    for day, fire in zip(days, fires, strict=True):
        assert _first_moment_at_or_after(day, time(hour, minute), tz, fire)


def test_a_fire_is_never_repeated_when_asked_again_or_the_clock_goes_back():
    trigger = _trigger("Europe/London", at="01:30")
    first = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("Europe/London"))  # fall-back day
    assert trigger.get_next_fire_time(None, first - timedelta(minutes=1)) == first
    # the clock set back an hour after the fire, into the repeated hour: still the next day
    again = trigger.get_next_fire_time(first, first - timedelta(hours=1))
    assert again == datetime(2026, 10, 26, 1, 30, tzinfo=ZoneInfo("Europe/London"))


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        ({"at": "7 am"}, "schedule.at: expected a time of day as HH:MM or HH:MM:SS, got '7 am'"),
        ({"cron": "0 7 *"}, "schedule.cron: expected five crontab fields such as '0 7 * * *'"),
        ({"at": "07:00", "cron": "0 7 * * *"}, "schedule: expected either 'at' or 'cron'"),
        ({"misfire_grace_minutes": 0}, "schedule.misfire_grace_minutes: expected greater than"),
    ],
)
def test_bad_schedule_is_one_line(keys, message):
    with pytest.raises(ConfigError, match="^<config>: " + message.replace("*", r"\*")):
        _trigger(**keys)


# --- the daemon -------------------------------------------------------------------------------


def _mapping(tiny_model_config, at: datetime, sources: list[dict] | None = None, grace=5) -> dict:
    schedule = {"at": at.strftime("%H:%M:%S"), "misfire_grace_minutes": grace}
    return tiny_model_config(sources or [DEAD_FEED], schedule=schedule)


def _started(config: Path, log: Path) -> Popen:
    daemon = start_briefbot("schedule", "--config", str(config), log=log)
    try:
        wait_for(lambda: "next brief at" in log.read_text(), 60, "the schedule to start")
        assert store_ready(config.parent / "briefbot.db")  # migrated before any brief is due
    except BaseException:
        daemon.kill()
        daemon.wait()
        raise
    return daemon


def _next_briefs(text: str, said: str = "") -> list[datetime]:
    """The times of the log's "next brief at" lines (of those that start with `said`)."""
    found = re.findall(rf"{said}.*next brief at (\S+ \S+)$", text, re.MULTILINE)
    return [datetime.fromisoformat(moment) for moment in found]


def _due_soon(daemon: Popen, config: Path, mapping: dict, log: Path) -> datetime:
    """Move the brief to a moment a little ahead through a SIGHUP reload and return it, as the
    daemon's own "next brief at" line confirms it; a daemon too slow to reload before that
    moment is given a later one."""
    lead = 2
    for _ in range(4):
        reloads = log.read_text().count("schedule reloaded:")
        due = (utc_now() + timedelta(seconds=lead)).replace(microsecond=0)
        write_config(config, mapping | {"schedule": mapping["schedule"] | {"at": f"{due:%T}"}})
        daemon.send_signal(signal.SIGHUP)
        wait_for(
            lambda n=reloads: log.read_text().count("schedule reloaded:") > n, 60, "the reload"
        )
        if _next_briefs(log.read_text(), "schedule reloaded:")[-1] == due:
            return due
        lead *= 4
    raise AssertionError(f"the daemon never took a due time in time: {log.read_text()}")


def _run_ended(log: Path, count: int = 1) -> bool:
    return log.read_text().count("nothing published for ") >= count


def _stop(daemon: Popen, log: Path) -> None:
    daemon.send_signal(signal.SIGTERM)
    try:
        code = daemon.wait(timeout=60)
    except TimeoutExpired:
        daemon.kill()
        daemon.wait()
        raise AssertionError(f"SIGTERM did not stop the daemon: {log.read_text()}") from None
    assert code == 0, log.read_text()
    assert "SIGTERM: stopping" in log.read_text()
    assert log.read_text().rstrip().endswith("schedule stopped")


def test_scheduled_brief_runs_once_at_its_time_and_sigterm_stops_cleanly(
    tmp_path, tiny_model_config
):
    mapping = _mapping(tiny_model_config, utc_now() + timedelta(hours=12))
    config = write_config(tmp_path / "sources.yaml", mapping)
    database = tmp_path / "briefbot.db"
    log = tmp_path / "schedule.log"
    daemon = _started(config, log)
    try:
        assert query(database, "SELECT id FROM runs") == []  # nothing before the time
        due = _due_soon(daemon, config, mapping, log)
        assert query(database, "SELECT id FROM runs") == []
        wait_for(lambda: _run_ended(log), 60, "the scheduled run")
        ended = query(database, "SELECT started_at, status FROM runs")
        assert [status for _, status in ended] == ["empty"]  # its one source is down
        assert due <= datetime.fromisoformat(ended[0][0]) < due + timedelta(seconds=30)
        # the job stays stored for the next day
        stored = query(database, "SELECT id, next_run_time FROM apscheduler_jobs")
        assert [job for job, _ in stored] == [JOB_ID]
        assert stored[0][1] == (due + timedelta(days=1)).timestamp()
        # a config that no longer loads keeps the schedule as it was
        config.write_text("title: [")
        daemon.send_signal(signal.SIGHUP)
        wait_for(lambda: "schedule not reloaded" in log.read_text(), 60, "the refused reload")
        stored = query(database, "SELECT next_run_time FROM apscheduler_jobs")
        assert stored == [((due + timedelta(days=1)).timestamp(),)]
    finally:
        _stop(daemon, log)
    assert len(query(database, "SELECT id FROM runs")) == 1


def _backdate_job(database: Path, due: datetime) -> None:
    """Set the stored job's next run time to `due`, as if the daemon had been stopped since
    before then (the job store keeps it twice: a column, and inside the pickled job)."""
    (blob,) = query(database, "SELECT job_state FROM apscheduler_jobs WHERE id = ?", JOB_ID)[0]
    state = pickle.loads(blob)
    state["next_run_time"] = due
    with sqlite3.connect(database) as connection:
        connection.execute(
            "UPDATE apscheduler_jobs SET next_run_time = ?, job_state = ? WHERE id = ?",
            (due.timestamp(), pickle.dumps(state), JOB_ID),
        )
    connection.close()


def test_several_missed_days_make_one_brief_on_restart(tmp_path, tiny_model_config):
    due = (utc_now() - timedelta(minutes=2)).replace(microsecond=0)  # today's time just passed
    grace = 5 * 24 * 60  # every missed day is within the grace time: only coalescing makes one
    config = write_config(tmp_path / "sources.yaml", _mapping(tiny_model_config, due, grace=grace))
    database = tmp_path / "briefbot.db"
    first_log = tmp_path / "first.log"
    _stop(_started(config, first_log), first_log)
    assert _next_briefs(first_log.read_text()) == [due + timedelta(days=1)]
    _backdate_job(database, due - timedelta(days=3))  # down for three days and a bit

    log = tmp_path / "restarted.log"
    daemon = _started(config, log)
    try:
        wait_for(lambda: _run_ended(log), 60, "the missed brief")
        wait_for(lambda: "next brief at" in log.read_text().split("nothing published")[-1], 30, "")
        # one brief, for the day it ran (the day after `due` when it runs past midnight)
        ((day, status, started),) = query(database, "SELECT day, status, started_at FROM runs")
        assert (day, status) == (datetime.fromisoformat(started).date().isoformat(), "empty")
        assert day in (due.date().isoformat(), (due + timedelta(days=1)).date().isoformat())
        stored = query(database, "SELECT next_run_time FROM apscheduler_jobs")
        assert stored == [((due + timedelta(days=1)).timestamp(),)]
    finally:
        _stop(daemon, log)
    assert len(query(database, "SELECT id FROM runs")) == 1
    assert "missed" not in log.read_text()


def test_sigterm_during_a_run_finishes_it_then_exits_0(tmp_path, tiny_model_config, feed_server):
    slow = feed_server.serve("/slow.xml", "not a feed", status=404, delay=4)
    sources = [{"type": "rss", "name": "Slow feed", "url": slow}]
    mapping = _mapping(tiny_model_config, utc_now() + timedelta(hours=12), sources)
    config = write_config(tmp_path / "sources.yaml", mapping)
    database = tmp_path / "briefbot.db"
    log = tmp_path / "schedule.log"
    daemon = _started(config, log)
    try:
        _due_soon(daemon, config, mapping, log)
        wait_for(lambda: query(database, "SELECT status FROM runs"), 60, "the run to start")
        wait_for(lambda: feed_server.in_flight, 30, "the run to fetch its source")

        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=60) == 0, log.read_text()
    finally:
        if daemon.poll() is None:  # a test that failed leaves no daemon behind
            daemon.kill()
            daemon.wait()

    text = log.read_text()
    assert text.index("SIGTERM: stopping") < text.index("nothing published for ")
    assert text.rstrip().endswith("schedule stopped")
    assert query(database, "SELECT status FROM runs") == [("empty",)]  # finished, not cut short
    assert feed_server.hits["/slow.xml"] == 1
