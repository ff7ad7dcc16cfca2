"""Command line: `briefbot run` for a configured brief, `briefbot demo` for the bundled day."""

from __future__ import annotations

import argparse
import logging
import sys
from collections import Counter
from datetime import date
from pathlib import Path

from briefbot.config import ConfigError, Settings, load_settings
from briefbot.pipeline import RunOutcome, run_brief
from briefbot.store import Store
from briefbot.write import NoBackendAvailable
from briefbot.write.model_files import ModelFileError

log = logging.getLogger("briefbot")

EXIT_OK, EXIT_NO_BRIEF, EXIT_USAGE = 0, 1, 2


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefbot", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every step")
    parser.add_argument("-q", "--quiet", action="store_true", help="log only problems")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="write the brief of the sources in a config file")
    run.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    run.add_argument("--out", type=Path, help="output folder (default: output/ beside the config)")
    run.add_argument("--db", type=Path, help="SQLite file (default: briefbot.db beside the config)")
    run.add_argument("--date", type=_day, help="the brief's day, YYYY-MM-DD (default: today)")

    sources = commands.add_parser("sources", help="list each source's health from the store")
    sources.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    sources.add_argument(
        "--db", type=Path, help="SQLite file (default: briefbot.db beside the config)"
    )

    explain = commands.add_parser("explain", help="show why a day's stories ranked as they did")
    explain.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    explain.add_argument(
        "--db", type=Path, help="SQLite file (default: briefbot.db beside the config)"
    )
    explain.add_argument("--date", type=_day, help="the brief's day (default: the last run's)")

    calls = commands.add_parser("log", help="list the last model calls and cache hits")
    calls.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
    calls.add_argument(
        "--db", type=Path, help="SQLite file (default: briefbot.db beside the config)"
    )
    calls.add_argument("--limit", type=int, default=20, help="how many calls (default: 20)")

    demo = commands.add_parser("demo", help="serve the bundled demo day locally and brief it")
    demo.add_argument("--out", type=Path, default=Path("output"), help="output folder")
    demo.add_argument("--db", type=Path, default=Path("briefbot-demo.db"), help="SQLite file")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    level = (
        logging.WARNING if arguments.quiet else logging.DEBUG if arguments.verbose else logging.INFO
    )
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if not arguments.verbose:
        logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        if arguments.command == "demo":
            outcome = _demo(arguments.out, arguments.db)
        else:
            settings = load_settings(arguments.config)
            if arguments.command == "sources":
                print(sources_table(settings, _database(settings, arguments)))
                return EXIT_OK
            if arguments.command == "log":
                print(model_calls_table(_database(settings, arguments), arguments.limit))
                return EXIT_OK
            if arguments.command == "explain":
                print(explain_ranking(_database(settings, arguments), arguments.date))
                return EXIT_OK
            outcome = _run(settings, arguments)
    except ConfigError as error:
        print(f"briefbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ModelFileError, NoBackendAvailable) as error:
        print(f"briefbot: no brief written: {error}", file=sys.stderr)
        return EXIT_NO_BRIEF
    _print_outcome(outcome)
    return EXIT_OK


def _database(settings: Settings, arguments: argparse.Namespace) -> Path:
    home = arguments.config.resolve().parent
    return arguments.db or Path(settings.database or home / "briefbot.db")


def _run(settings: Settings, arguments: argparse.Namespace) -> RunOutcome:
    return run_brief(
        settings,
        db_path=_database(settings, arguments),
        out_dir=arguments.out or arguments.config.resolve().parent / "output",
        day=arguments.date,
    )


def sources_table(settings: Settings, database: Path) -> str:
    """Each configured source with its last status, last success, failures and last error."""
    with Store(database) as store:
        health = {row["address"]: row for row in store.source_health()}
    header = ("source", "type", "last status", "last success (UTC)", "failures", "last error")
    rows = []
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
                known.get("last_error", "")[:60],
            )
        )
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def model_calls_table(database: Path, limit: int) -> str:
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
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths).rstrip())
    return "\n".join(lines)


def _demo(out_dir: Path, database: Path) -> RunOutcome:
    from briefbot.demo import demo_settings
    from briefbot.demo.server import serve_site
    from briefbot.demo.site import build_site

    with serve_site(build_site) as base:
        log.info("demo site serving on %s", base)
        return run_brief(demo_settings(base), db_path=database, out_dir=out_dir)


def explain_ranking(database: Path, day: date | None) -> str:
    """The stored ranking of a day's last run: each story's score and the score's factors."""
    with Store(database) as store:
        run = store.last_run(day)
    if run is None or not run["report"].get("ranking"):
        return f"no ranked run{f' for {day}' if day else ''} in {database}"
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
    print(f"Wrote {', '.join(str(path) for path in outcome.paths)}")
    print(
        f"{report.stories} stories; sources {ok}/{len(report.sources)} ok ({detail}); "
        f"{report.items_seen} items ({report.items_new} new); "
        f"{report.model_calls} model calls, {report.cache_hits} cached; "
        f"written by {report.written_by}"
    )
    for skipped in report.unavailable_models:
        print(f"  {skipped}; wrote with {report.written_by}")
    for source in report.sources:
        if not source["ok"]:
            print(f"  failed: {source['name']}: {source['error']}")
        elif source["mode"]:
            print(f"  {source['name']}: {source['mode']}")


if __name__ == "__main__":
    sys.exit(main())
