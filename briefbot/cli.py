"""Command line: `briefbot run` (one brief, for cron), `schedule` (a daemon), `runs`, `demo`."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import sys
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.logging import RichHandler

from briefbot.config import MAX_CANDIDATES, ConfigError, Settings, load_settings
from briefbot.database import (
    LOCATION_HELP,
    Database,
    chosen_database,
    database_location,
    shown,
)
from briefbot.deliver import commands as delivery
from briefbot.demo import DEMO_STORIES
from briefbot.demo.server import PREFERRED_PORT
from briefbot.demo.site import DEMO_DAYS
from briefbot.lock import LockHeld
from briefbot.pipeline import RunOutcome, nothing_reason, run_brief
from briefbot.progress import LogProgress, RunObserver, TerminalProgress
from briefbot.runner import run_guarded
from briefbot.store import Store
from briefbot.write import NoBackendAvailable
from briefbot.write.model_files import ModelFileError

if TYPE_CHECKING:
    from briefbot.opml import ImportResult

log = logging.getLogger("briefbot")

# 0: a brief was written; 1: none could be; 2: bad command line or config; 3: another run
# holds the database's lock (it is the one writing the brief); 4: a day with nothing to publish
# (no story, or every source failed): nothing was written, and the run is recorded as `empty`;
# 5: `run --send` wrote the brief but a delivery failed or is in doubt (the next `briefbot send`
# retries it).
EXIT_OK, EXIT_NO_BRIEF, EXIT_USAGE, EXIT_LOCKED, EXIT_NOTHING = 0, 1, 2, 3, 4
EXIT_UNDELIVERED = 5


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def _verbosity(parser: argparse.ArgumentParser, default: object = False) -> None:
    flag = {"action": "store_true", "default": default}
    parser.add_argument("-v", "--verbose", **flag, help="log every step")
    parser.add_argument("-q", "--quiet", **flag, help="log only problems")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefbot", description=__doc__)
    _verbosity(parser)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="write the brief of the sources in a config file")
    run.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    run.add_argument("--out", type=Path, help="output folder (default: output/ beside the config)")
    run.add_argument("--db", type=database_location, help=LOCATION_HELP)
    run.add_argument("--date", type=_day, help="the brief's day, YYYY-MM-DD (default: today)")
    run.add_argument("--json", action="store_true", help="print the run summary as JSON")
    run.add_argument(
        "--send",
        action="store_true",
        help="then mail the brief and post it to the channels, as `briefbot send` does",
    )
    _verbosity(run, default=argparse.SUPPRESS)  # also after the command: `run -q`

    schedule = commands.add_parser("schedule", help="write the brief every day at a set time")
    schedule.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    schedule.add_argument("--out", type=Path, help="output folder (default: output/ beside it)")
    schedule.add_argument("--db", type=database_location, help=LOCATION_HELP)
    _verbosity(schedule, default=argparse.SUPPRESS)

    runs = commands.add_parser("runs", help="list recent runs and what each did")
    runs.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    runs.add_argument("--db", type=database_location, help=LOCATION_HELP)
    runs.add_argument("--limit", type=int, default=10, help="how many runs (default 10)")

    sources = commands.add_parser(
        "sources", help="list each source's health; import or export feeds as OPML"
    )
    # --config before or after `import`/`export`: on both parsers, set by whichever reads it
    config_flag = {"type": Path, "default": argparse.SUPPRESS, "help": "the sources.yaml to use"}
    sources.add_argument("--config", **config_flag)
    sources.add_argument("--db", type=database_location, help=LOCATION_HELP)
    opml = sources.add_subparsers(dest="sources_command", metavar="{import,export}")
    imports = opml.add_parser("import", help="add the feeds of an OPML file to the config")
    imports.add_argument("opml", type=Path, help="the OPML file (a feed reader's export)")
    imports.add_argument("--config", **config_flag)
    exports = opml.add_parser("export", help="print the config's rss sources as OPML 2.0")
    exports.add_argument("--config", **config_flag)

    explain = commands.add_parser("explain", help="show why a day's stories ranked as they did")
    explain.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    explain.add_argument("--db", type=database_location, help=LOCATION_HELP)
    explain.add_argument("--date", type=_day, help="the brief's day (default: the last run's)")

    calls = commands.add_parser("log", help="list the last model calls and cache hits")
    calls.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    calls.add_argument(
        "--db", type=Path, help="SQLite file (default: briefbot.db beside the config)"
    )
    calls.add_argument("--limit", type=int, default=20, help="how many calls (default: 20)")

    demo = commands.add_parser("demo", help="serve the bundled demo day locally and brief it")
    demo.add_argument("--out", type=Path, default=Path("output"), help="output folder")
    demo.add_argument(
        "--db", type=database_location, default=Path("briefbot-demo.db"), help="SQLite file or URL"
    )
    demo.add_argument("--json", action="store_true", help="print the run summary as JSON")
    demo.add_argument(
        "--days",
        type=_demo_days,
        default=1,
        help="brief the demo's last N days, oldest first, on one database (1-2; default: 1)",
    )
    demo.add_argument(
        "--candidates",
        type=int,
        choices=range(1, MAX_CANDIDATES + 1),
        metavar="N",
        help=f"drafts per story, 1-{MAX_CANDIDATES} (default: the model setting's, 3); fewer "
        "is faster where the CPU decodes drafts no faster together than one by one",
    )
    demo.add_argument(
        "--top-stories",
        type=int,
        choices=range(1, DEMO_STORIES + 1),
        metavar="N",
        default=DEMO_STORIES,
        help=f"stories in the brief, 1-{DEMO_STORIES} (default: {DEMO_STORIES}); fewer is quicker",
    )
    demo.add_argument(
        "--port",
        type=int,
        default=PREFERRED_PORT,
        help=f"port of the demo site on 127.0.0.1 (default: {PREFERRED_PORT}; 0: any free one)",
    )
    delivery.add_parsers(commands, _day)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    arguments = parser.parse_args(argv)
    if arguments.command == "sources" and "config" not in arguments:
        parser.error("sources: the following arguments are required: --config")
    console = _setup_logging(arguments)
    try:
        if arguments.command == "demo":
            outcome = _demo(arguments)
        else:
            settings = load_settings(arguments.config)
            if arguments.command in delivery.COMMANDS:
                out_dir = (
                    getattr(arguments, "out", None) or arguments.config.resolve().parent / "output"
                )
                return delivery.run_command(
                    arguments, settings, _database(settings, arguments), out_dir
                )
            if arguments.command == "sources":
                return _sources(settings, arguments)
            if arguments.command == "log":
                print(model_calls_table(_database(settings, arguments), arguments.limit))
                return EXIT_OK
            if arguments.command == "explain":
                print(explain_ranking(_database(settings, arguments), arguments.date))
                return EXIT_OK
            if arguments.command == "runs":
                print(runs_table(_database(settings, arguments), arguments.limit))
                return EXIT_OK
            if arguments.command == "schedule":
                return _schedule(settings, arguments)
            with _progress(console, arguments, len(settings.sources)) as observer:
                outcome = _run(settings, arguments, observer)
    except ConfigError as error:  # a bad OPML file too
        print(f"briefbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except LockHeld as error:
        return _failed(arguments, EXIT_LOCKED, f"not run: {error}")
    except (ModelFileError, NoBackendAvailable) as error:
        return _failed(arguments, EXIT_NO_BRIEF, f"no brief written: {error}")
    except Exception as error:  # unattended runs end with a message and exit code, not a crash
        log.exception("run failed")
        return _failed(arguments, EXIT_NO_BRIEF, f"no brief written: {error!r}")
    as_json = getattr(arguments, "json", False)
    code = EXIT_NOTHING if outcome.nothing else EXIT_OK
    if outcome.nothing:
        print(f"briefbot: nothing published: {outcome.report.nothing}", file=sys.stderr)
    if not as_json:
        _print_outcome(outcome)
    if getattr(arguments, "send", False) and not outcome.nothing:
        code = _send_after_run(settings, arguments, outcome, sys.stderr if as_json else sys.stdout)
    if as_json:
        print(json.dumps(run_summary(outcome, code), indent=2))
    return code


def _send_after_run(
    settings: Settings, arguments: argparse.Namespace, outcome: RunOutcome, out: TextIO
) -> int:
    """`run --send`: mail the brief just written and post it to the channels, and keep the
    channels' outcomes in the run's report. A day without stories mails and posts nothing."""
    if not any(brief.stories for brief in outcome.briefs):
        print("No stories: nothing mailed or posted", file=out)
        return EXIT_OK
    database = _database(settings, arguments)
    try:
        code, channels = delivery.send_day(
            settings, database, _out_dir(arguments), outcome.brief.day, out=out
        )
        if channels is not None and outcome.run_id is not None:
            outcome.report.channels = channels.summary()
            with Store(database) as store:
                store.save_run_report(outcome.run_id, dataclasses.asdict(outcome.report))
    except Exception:  # the brief is written: a failed delivery is reported, not a crash
        log.exception("sending the brief failed")
        return EXIT_UNDELIVERED
    return EXIT_OK if code == 0 else EXIT_UNDELIVERED


def _setup_logging(arguments: argparse.Namespace) -> Console | None:
    """Rich log lines (and progress bars) on a terminal, plain lines elsewhere; the console
    when there is a terminal."""
    level = (
        logging.WARNING if arguments.quiet else logging.DEBUG if arguments.verbose else logging.INFO
    )
    console = Console(stderr=True) if sys.stderr.isatty() else None
    if console is not None:
        handler: logging.Handler = RichHandler(console=console, show_path=False)
        handler.setFormatter(logging.Formatter("%(name)s: %(message)s"))
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler])
    if not arguments.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return console


def _progress(
    console: Console | None, arguments: argparse.Namespace, sources: int
) -> AbstractContextManager[RunObserver]:
    """Bars on a terminal, log lines elsewhere, nothing with --quiet."""
    if arguments.quiet:
        return nullcontext(RunObserver())
    if console is not None:
        return TerminalProgress(console, sources)
    return nullcontext(LogProgress())


def _failed(arguments: argparse.Namespace, code: int, message: str) -> int:
    print(f"briefbot: {message}", file=sys.stderr)
    if getattr(arguments, "json", False):
        print(json.dumps({"status": "no brief", "exit_code": code, "error": message}, indent=2))
    return code


def run_summary(outcome: RunOutcome, exit_code: int) -> dict:
    """The --json summary: the files written and the run report (without the ranking); status
    `ok`, or `nothing` on a day with nothing to publish."""
    report = dataclasses.asdict(outcome.report)
    report.pop("ranking")
    return {
        "status": "nothing" if outcome.nothing else "ok",
        "exit_code": exit_code,
        "files": report.pop("files"),
        "report": report,
    }


def _database(settings: Settings, arguments: argparse.Namespace) -> Database:
    home = arguments.config.resolve().parent
    return chosen_database(arguments.db, settings.database_url, settings.database, home)


def _out_dir(arguments: argparse.Namespace) -> Path:
    return arguments.out or arguments.config.resolve().parent / "output"


def _run(settings: Settings, arguments: argparse.Namespace, observer: RunObserver) -> RunOutcome:
    return run_guarded(
        settings,
        db_path=_database(settings, arguments),
        out_dir=_out_dir(arguments),
        day=arguments.date,
        observer=observer,
    )


def _schedule(settings: Settings, arguments: argparse.Namespace) -> int:
    from briefbot.schedule import serve_schedule  # the scheduler is only loaded when used

    serve_schedule(
        settings,
        config=arguments.config,
        out_dir=_out_dir(arguments),
        database=_database(settings, arguments),
    )
    return EXIT_OK


def runs_table(database: Database, limit: int) -> str:
    """The newest runs: when, how they ended, and what each did."""
    with Store(database) as store:
        runs = store.recent_runs(limit)
    if not runs:
        return f"no runs in {shown(database)}"
    header = ("run", "day", "started (UTC)", "took", "status", "sources", "items new/seen")
    header += ("stories", "model calls", "model s", "cached", "problems")
    rows = [header]
    for run in runs:
        report = run["report"]
        sources = report.get("sources", [])
        failed = [source["name"] for source in sources if not source["ok"]]
        problems = [report[key] for key in ("error", "nothing") if report.get(key)] + [
            f"{name} failed" for name in failed
        ]
        problems += [
            f"channel {posted['channel']} {posted['status']}"
            for posted in report.get("channels", [])
            if posted["status"] in ("failed", "in doubt")
        ]
        rows.append(
            (
                str(run["id"]),
                run["day"],
                run["started_at"][:19].replace("T", " "),
                _took(run["started_at"], run["finished_at"], run["status"]),
                run["status"],
                f"{len(sources) - len(failed)}/{len(sources)}" if sources else "-",
                f"{report.get('items_new', 0)}/{report.get('items_seen', 0)}",
                str(report.get("stories", 0)),
                str(report.get("model_calls", 0)),
                f"{report.get('model_seconds', 0):.0f}",
                str(report.get("cache_hits", 0)),
                "; ".join(problems)[:80],
            )
        )
    return _table(rows)


def _took(started: str, finished: str | None, status: str) -> str:
    if not finished or status == "interrupted":  # noticed by a later run, not timed
        return "-"
    seconds = (datetime.fromisoformat(finished) - datetime.fromisoformat(started)).total_seconds()
    return f"{seconds:.0f} s"


def _table(rows: list[tuple[str, ...]]) -> str:
    """Rows as aligned columns, a rule under the first."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _sources(settings: Settings, arguments: argparse.Namespace) -> int:
    """`sources` (the health table), `sources import FILE.opml`, `sources export`."""
    from briefbot.opml import export_opml, import_opml  # listparser, ruamel: only when used

    if arguments.sources_command == "export":
        sys.stdout.write(export_opml(settings))
    elif arguments.sources_command == "import":
        result = import_opml(arguments.opml, arguments.config, settings)
        print(import_report(result, arguments.config))
    else:
        print(sources_table(settings, _database(settings, arguments)))
    return EXIT_OK


def import_report(result: ImportResult, config: Path) -> str:
    """What `sources import` did, a line for each kind of outcome."""
    lines = [f"added {len(result.added)} feed(s) to {config}"]
    lines += [f"  added: {feed.title} <{feed.url}>" for feed in result.added]
    lines += [f"  already there: {feed.title or feed.url}" for feed in result.already]
    lines += [f"  skipped: {outline}: {why}" for outline, why in result.skipped]
    return "\n".join(lines)


def sources_table(settings: Settings, database: Database) -> str:
    """Each configured source with its last status, last success, failures, last error, and
    what the operator should do: update a URL that moved for good, remove one that is gone."""
    with Store(database) as store:
        health = {row["address"]: row for row in store.source_health()}
    header = ("source", "type", "last status", "last success (UTC)", "failures", "last error")
    rows, notes = [], []
    for source in settings.sources:
        known = health.get(source.address, {})
        success = (known.get("last_success") or "never")[:16].replace("T", " ")
        rows.append(
            (
                source.name,
                source.type,
                known.get("last_status", "never fetched"),
                success,
                str(known.get("consecutive_failures", 0)),
                known.get("last_error", "")[:140],
            )
        )
        if known.get("gone_since"):
            notes.append(
                f"{source.name}: gone (HTTP 410) since {known['gone_since'][:10]}, "
                "not fetched again: remove it from sources.yaml"
            )
        elif known.get("moved_to"):
            notes.append(f"{source.name}: moved to {known['moved_to']}: update sources.yaml")
    return "\n".join([_table([header, *rows]), *notes])


def model_calls_table(database: Database, limit: int) -> str:
    """The last model calls, newest first: when, which backend and model, tokens, seconds."""
    with Store(database) as store:
        calls = store.model_calls(limit)
    if not calls:
        return f"no model calls in {database}"
    header = (
        "time (UTC)",
        "backend",
        "model",
        "kind",
        "prompt",
        "tokens in/out",
        "seconds",
        "result",
    )
    rows = [
        (
            call["created_at"][:19].replace("T", " "),
            call["backend"],
            call["model"],
            call["kind"],
            call["prompt_version"],
            f"{call['prompt_tokens']}/{call['completion_tokens']}",
            f"{call['seconds']:.1f}",
            "cached" if call["cached"] else "ok" if call["ok"] else f"error: {call['error'][:60]}",
        )
        for call in calls
    ]
    return _table([header, *rows])


def _demo_days(text: str) -> int:
    days = int(text)
    if not 1 <= days <= DEMO_DAYS:
        raise argparse.ArgumentTypeError(f"the demo has news for 1 to {DEMO_DAYS} days")
    return days


def _demo(arguments: argparse.Namespace) -> RunOutcome:
    """Brief the demo site as it stood on each of the last `--days` days, oldest first; the
    earlier days' outcomes are printed as they finish, the last one is returned."""
    from briefbot.demo import demo_settings
    from briefbot.demo.server import DemoServer
    from briefbot.demo.site import build_site, site_hour

    now = datetime.now(UTC)
    hour = site_hour(now)
    with DemoServer(arguments.port) as site:
        log.info("demo site serving on %s", site.base)
        settings = demo_settings(site.base, arguments.candidates, arguments.top_stories)
        for days_before in range(arguments.days - 1, -1, -1):
            site.show(build_site(site.base, hour, days_before))
            moment = now - timedelta(days=days_before)
            outcome = run_brief(
                settings, db_path=arguments.db, out_dir=arguments.out, day=moment.date(), now=moment
            )
            if days_before and not arguments.json:
                _print_outcome(outcome)
    return outcome


def explain_ranking(database: Database, day: date | None) -> str:
    """The stored ranking of a day's last run: each story's score and the score's factors."""
    with Store(database) as store:
        run = store.last_run(day)
    if run is None or not run["report"].get("ranking"):
        return f"no ranked run{f' for {day}' if day else ''} in {shown(database)}"
    lines = [
        f"Ranking of the {run['day']} brief (run {run['id']}): "
        "score = weight x freshness x (1 + engagement) x coverage x change"
    ]
    for number, story in enumerate(run["report"]["ranking"], start=1):
        parts = story["parts"]
        mark = "*" if story["picked"] else " "
        lines.append(
            f"{mark}{number:>3}. {story['score']:.3f} = {parts['weight']:g} x "
            f"{parts['freshness']:.2f} x (1 + {parts['engagement']:.2f}) x "
            f"{parts['coverage']:g} x {parts['change']:g}  {story['title']}"
        )
        lines.append(f"        {story['items']} items from {', '.join(story['sources'])}")
    lines.append("* picked for the brief")
    return "\n".join(lines)


def _print_outcome(outcome: RunOutcome) -> None:
    report = outcome.report
    ok = sum(1 for source in report.sources if source["ok"])
    statuses = Counter(source["status"] for source in report.sources if source["ok"])
    detail = ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))
    if outcome.paths:
        print(f"Wrote {', '.join(str(path) for path in outcome.paths)}")
    print(
        f"{report.stories} stories; sources {ok}/{len(report.sources)} ok ({detail}); "
        f"{report.items_seen} items fetched ({report.items_new} new), "
        f"{report.items_considered} considered; "
        f"{report.model_calls} model calls, {report.cache_hits} cached; "
        f"written by {report.written_by}"
    )
    for brief in outcome.briefs:
        if not brief.stories and not outcome.nothing:
            print(f"  not published: {brief.title}: {nothing_reason(brief)}")
    for skipped in report.unavailable_models:
        print(f"  {skipped}; wrote with {report.written_by}")
    for source in report.sources:
        if source.get("moved_to"):
            print(f"  moved: {source['name']} to {source['moved_to']}: update sources.yaml")
        if not source["ok"]:
            label = "gone" if source["status"] == "gone" else "failed"
            print(f"  {label}: {source['name']}: {source['error']}")
        elif source["mode"]:
            print(f"  {source['name']}: {source['mode']}")


if __name__ == "__main__":
    sys.exit(main())
