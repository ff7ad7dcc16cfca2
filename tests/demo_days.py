"""The demo as it stood yesterday, then today, briefed on one database through the real
pipeline with canned answers (no model): for tests about what two days make (threads, the gap
chart) and how the page shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from briefbot.demo import demo_settings
from briefbot.demo.server import DemoServer
from briefbot.demo.site import build_site, site_hour
from briefbot.pipeline import RunOutcome, run_brief
from tests.canned_backend import CannedBackend
from tests.test_cluster import demo_event_labels


@dataclass(frozen=True)
class DemoDays:
    """Both runs (yesterday's first), the output folder, the demo's event of each item URL and
    the moment "today" was briefed at."""

    yesterday: RunOutcome
    today: RunOutcome
    out: Path
    events: dict[str, str]
    now: datetime


def brief_two_demo_days(folder: Path) -> DemoDays:
    """Brief the demo's day before and its day into `folder`/out on `folder`/b.db."""
    now = datetime.now(UTC)
    hour = site_hour(now)
    out, db = folder / "out", folder / "b.db"
    outcomes = []
    with DemoServer(0) as site:
        settings = demo_settings(site.base)
        for days_before in (1, 0):
            site.show(build_site(site.base, hour, days_before))
            moment = now - timedelta(days=days_before)
            outcomes.append(
                run_brief(
                    settings,
                    db_path=db,
                    out_dir=out,
                    day=moment.date(),
                    now=moment,
                    backends=[CannedBackend()],
                )
            )
        events = demo_event_labels(site.base)
    return DemoDays(outcomes[0], outcomes[1], out, events, now)
