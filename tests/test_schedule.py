"""`briefbot schedule`: the configured time in the brief's zone, one brief when it falls due,
a persistent schedule that makes a brief missed while stopped, and a clean exit on SIGTERM.
The daemon runs as a real subprocess; its sources are down, so no model is needed."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from briefbot.config import ConfigError, parse_settings
from briefbot.schedule import JOB_ID, brief_trigger
from tests.unattended import DEAD_FEED, query, start_briefbot, utc_now, wait_for, write_config

BERLIN = ZoneInfo("Europe/Berlin")


def _schedule(**keys: object):
    raw = {"title": "t", "sources": [DEAD_FEED], "timezone": "Europe/Berlin", "schedule": keys}
    settings = parse_settings(raw)
    return brief_trigger(settings.schedule, settings.zone)


def test_time_and_crontab_fire_in_the_briefs_zone():
    after = datetime(2026, 7, 3, 8, 0, tzinfo=BERLIN)
    assert _schedule().get_next_fire_time(None, after) == datetime(2026, 7, 4, 7, 0, tzinfo=BERLIN)
    assert _schedule(at="07:30:15").get_next_fire_time(None, after - timedelta(hours=2)) == (
        datetime(2026, 7, 3, 7, 30, 15, tzinfo=BERLIN)
    )
    weekdays = _schedule(cron="0 6 * * mon-fri")  # 2026-07-03 is a Friday
    assert weekdays.get_next_fire_time(None, after) == datetime(2026, 7, 6, 6, 0, tzinfo=BERLIN)


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
        _schedule(**keys)


def _config(tmp_path, tiny_model_config, due: datetime):
    schedule = {"at": due.strftime("%H:%M:%S"), "misfire_grace_minutes": 5}
    mapping = tiny_model_config([DEAD_FEED], schedule=schedule)
    return write_config(tmp_path / "sources.yaml", mapping)


def _stop(daemon, log) -> None:
    daemon.send_signal(signal.SIGTERM)
    assert daemon.wait(timeout=30) == 0, log.read_text()
    assert "SIGTERM: stopping" in log.read_text()
    assert log.read_text().rstrip().endswith("schedule stopped")


def test_scheduled_brief_is_written_once_and_sigterm_stops_cleanly(tmp_path, tiny_model_config):
    due = utc_now() + timedelta(seconds=5)
    config = _config(tmp_path, tiny_model_config, due)
    database = tmp_path / "briefbot.db"
    log = tmp_path / "schedule.log"
    daemon = start_briefbot("schedule", "--config", str(config), log=log)
    try:
        wait_for(lambda: "next brief at" in log.read_text(), 30, "the schedule to start")
        assert not query(database, "SELECT id FROM runs")  # nothing before the time
        wait_for(lambda: list(tmp_path.glob("output/*.md")), 40, "the scheduled brief")
        wait_for(lambda: "Wrote " in log.read_text(), 10, "the run to end")
        ended = query(database, "SELECT started_at, status FROM runs")
        assert len(ended) == 1 and ended[0][1] == "ok"
        started = datetime.fromisoformat(ended[0][0])
        assert due.replace(microsecond=0) <= started < due + timedelta(seconds=10)
        assert len(list(tmp_path.glob("output/*.md"))) == 1  # one brief
        # the job stays stored for the next day
        stored = query(database, "SELECT id, next_run_time FROM apscheduler_jobs")
        assert [job for job, _ in stored] == [JOB_ID]
        assert stored[0][1] == pytest.approx((due + timedelta(days=1)).timestamp(), abs=1)
    finally:
        _stop(daemon, log)
    assert len(query(database, "SELECT id FROM runs")) == 1


def test_brief_due_while_stopped_is_made_once_on_restart(tmp_path, tiny_model_config):
    due = utc_now() + timedelta(seconds=6)
    config = _config(tmp_path, tiny_model_config, due)
    database = tmp_path / "briefbot.db"
    first_log = tmp_path / "first.log"
    daemon = start_briefbot("schedule", "--config", str(config), log=first_log)
    wait_for(lambda: "next brief at" in first_log.read_text(), 30, "the schedule to start")
    _stop(daemon, first_log)
    wait_for(lambda: utc_now() > due + timedelta(seconds=2), 30, "the brief's time to pass")
    assert not query(database, "SELECT id FROM runs")

    log = tmp_path / "restarted.log"
    daemon = start_briefbot("schedule", "--config", str(config), log=log)
    try:
        wait_for(lambda: "Wrote " in log.read_text(), 40, "the missed brief")
        wait_for(lambda: "next brief at" in log.read_text().split("Wrote ")[-1], 10, "next")
        assert len(query(database, "SELECT id FROM runs")) == 1
    finally:
        _stop(daemon, log)
    assert len(list(tmp_path.glob("output/*.md"))) == 1
