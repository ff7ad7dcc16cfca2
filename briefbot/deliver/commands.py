"""The delivery commands of the command line: `subscribers add|list|remove`, `send` (mail and
channels), `serve`; and the send after `briefbot run --send`."""

from __future__ import annotations

import argparse
import copy
import logging
import os
import smtplib
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from briefbot.config import ConfigError, Settings
from briefbot.database import LOCATION_HELP, Database, database_location
from briefbot.deliver.addresses import BadAddress, normalized_address, sender
from briefbot.deliver.channels import ChannelReport, post_day
from briefbot.deliver.send import SendBusy, SendReport, send_brief
from briefbot.deliver.smtp import smtp_options
from briefbot.deliver.tokens import Tokens, signing_secret
from briefbot.publish import read_brief
from briefbot.render import make_environment
from briefbot.store import Store

COMMANDS = ("subscribers", "send", "serve")

# What `serve` leaves to the app, not to uvicorn: X-Forwarded-For only from site.trusted_proxies
# (uvicorn would trust 127.0.0.1), and the access log without token values.
SERVE_OPTIONS = {"proxy_headers": False, "access_log": False}

log = logging.getLogger(__name__)


def add_parsers(
    commands: argparse._SubParsersAction, day: Callable[[str], date]
) -> None:  # argparse keeps its sub-parser type private
    """Add the delivery commands to the `briefbot` parser."""

    def common(parser: argparse.ArgumentParser, out: bool = False) -> None:
        parser.add_argument("--config", type=Path, required=True, help="the sources.yaml to use")
        parser.add_argument("--db", type=database_location, help=LOCATION_HELP)
        if out:
            parser.add_argument(
                "--out", type=Path, help="output folder (default: output/ beside the config)"
            )

    subscribers = commands.add_parser("subscribers", help="add, list or remove mail subscribers")
    actions = subscribers.add_subparsers(dest="action", required=True)
    for name, text in (
        ("add", "subscribe addresses at once (you vouch for them: no confirmation mail)"),
        ("remove", "forget addresses altogether"),
    ):
        action = actions.add_parser(name, help=text)
        common(action)
        action.add_argument("emails", nargs="+", metavar="EMAIL")
    common(actions.add_parser("list", help="every subscriber with its status"))

    send = commands.add_parser(
        "send", help="mail a day's brief to the confirmed subscribers and post it to the channels"
    )
    common(send, out=True)
    send.add_argument("--date", type=day, help="the brief's day, YYYY-MM-DD (default: today)")
    send.add_argument(
        "--resend-in-doubt",
        action="store_true",
        help="also send mails a stopped run left unfinished during DATA, and channel posts it "
        "left sending (may duplicate)",
    )
    send.add_argument(
        "--channel",
        action="append",
        metavar="NAME",
        help="post to this channel of deliver.channels only, no mail (repeatable)",
    )

    serve = commands.add_parser("serve", help="serve the archive and the subscribe form")
    common(serve, out=True)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8080, help="port to listen on")
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1; rate limits count per worker)",
    )
    serve.add_argument(
        "--timeout-keep-alive",
        type=int,
        default=5,
        metavar="SECONDS",
        help="close an idle keep-alive connection after this long (default 5)",
    )
    serve.add_argument(
        "--limit-concurrency",
        type=int,
        default=200,
        metavar="N",
        help="answer 503 past this many connections and requests at once (default 200)",
    )
    serve.add_argument(
        "--timeout-graceful-shutdown",
        type=int,
        default=10,
        metavar="SECONDS",
        help="on SIGTERM, wait this long for requests in progress (default 10)",
    )


def run_command(
    arguments: argparse.Namespace, settings: Settings, database: Database, out_dir: Path
) -> int:
    """Run a delivery command; return the exit code."""
    if arguments.command == "subscribers":
        return _subscribers(arguments, database)
    if arguments.command == "send":
        return _send(arguments, settings, database, out_dir)
    return _serve(arguments, settings, database, out_dir)


def _subscribers(arguments: argparse.Namespace, database: Database) -> int:
    now = datetime.now(UTC)
    with Store(database) as store:
        if arguments.action == "list":
            rows = store.subscribers()
            for row in rows:
                since = row["confirmed_at"] or row["created_at"]
                print(f"{row['email']}\t{row['status']}\t{since[:16].replace('T', ' ')}")
            print(f"{len(rows)} subscribers", file=sys.stderr)
            return 0
        code = 0
        for text in arguments.emails:
            try:
                email = normalized_address(text)
            except BadAddress as error:
                print(f"briefbot: {text!r}: {error}", file=sys.stderr)
                code = 2
                continue
            if arguments.action == "add":
                store.add_subscriber(email, now)
                print(f"subscribed {email}")
            elif store.remove_subscriber(email):
                print(f"removed {email}")
            else:
                print(f"briefbot: {email} is not a subscriber", file=sys.stderr)
                code = 1
        return code


def _send(
    arguments: argparse.Namespace, settings: Settings, database: Database, out_dir: Path
) -> int:
    day = arguments.date or datetime.now(settings.zone).date()
    known = [channel.name for channel in settings.deliver.channels]
    unknown = [name for name in arguments.channel or () if name not in known]
    if unknown:
        print(
            f"briefbot: no channel named {', '.join(unknown)} in deliver.channels "
            f"(known: {', '.join(known) or 'none'})",
            file=sys.stderr,
        )
        return 2
    code, _ = send_day(
        settings,
        database,
        out_dir,
        day,
        channels=arguments.channel,
        resend_in_doubt=arguments.resend_in_doubt,
    )
    return code


def send_day(
    settings: Settings,
    database: Database,
    out_dir: Path,
    day: date,
    *,
    channels: Sequence[str] | None = None,
    resend_in_doubt: bool = False,
    out: TextIO | None = None,
) -> tuple[int, ChannelReport | None]:
    """Mail the day's brief and post it to the channels (only to `channels` when named: then
    no mail), each independent of the other; print what was done to `out` (stdout). Returns
    the exit code (0 when everyone has it) and the channels' report."""
    out = out or sys.stdout
    codes = []
    if not channels:
        try:
            codes.append(_mail(settings, database, out_dir, day, resend_in_doubt, out))
        except ConfigError:
            raise  # a config that cannot work is the operator's to mend: exit 2, not a retry
        except Exception:  # mail that fails never keeps the brief from the channels
            log.exception("mailing the brief failed")
            codes.append(1)
    report = None
    if settings.deliver.channels:
        code, report = _post(settings, database, out_dir, day, channels, resend_in_doubt, out)
        codes.append(code)
    return max(codes, default=0), report


def _mail(
    settings: Settings,
    database: Database,
    out_dir: Path,
    day: date,
    resend_in_doubt: bool,
    out: TextIO,
) -> int:
    brief = read_brief(out_dir, day)
    if brief is None:
        print(
            f"briefbot: no brief of {day} in {out_dir} (run `briefbot run` first)", file=sys.stderr
        )
        return 1
    smtp = smtp_options(settings.mail.smtp)
    checked_sender(settings)
    if settings.site.base_url.scheme != "https":
        log.warning("site.base_url is not https: mail programs ignore one-click unsubscribe")
    with Store(database) as store:
        tokens = Tokens(signing_secret(settings.site, store), settings.site.confirm_hours)
        try:
            report = send_brief(
                store,
                brief,
                mail=settings.mail,
                smtp=smtp,
                tokens=tokens,
                base_url=str(settings.site.base_url),
                environment=make_environment(),
                resend_in_doubt=resend_in_doubt,
            )
        except SendBusy as error:
            print(f"briefbot: {error}", file=sys.stderr)
            return 1
        except (smtplib.SMTPException, OSError) as error:
            print(f"briefbot: mail server {smtp.host}:{smtp.port}: {error}", file=sys.stderr)
            return 1
    _print_report(report, out)
    return 0 if report.complete else 1


def checked_sender(settings: Settings) -> None:
    """Raise ConfigError when `mail.from_address` is not one address mail can come from."""
    try:
        sender(settings.mail.from_address)
    except BadAddress as error:
        raise ConfigError(f"mail.from_address: {error}") from None


def _print_report(report: SendReport, out: TextIO) -> None:
    print(
        f"Brief of {report.day}: sent {len(report.sent)}, already sent {len(report.already_sent)}, "
        f"failed {len(report.failed)}, in doubt {len(report.in_doubt)}",
        file=out,
    )
    for email, error in report.failed:
        print(f"  failed: {email}: {error} (tried again on the next run)", file=out)
    for email in report.in_doubt:
        print(
            f"  in doubt: {email}: a run stopped while handing it over (see --resend-in-doubt)",
            file=out,
        )


def _post(
    settings: Settings,
    database: Database,
    out_dir: Path,
    day: date,
    channels: Sequence[str] | None,
    resend_in_doubt: bool,
    out: TextIO,
) -> tuple[int, ChannelReport | None]:
    """Post the day's briefs to the channels; a failed or doubtful channel makes the code 1."""
    with Store(database) as store:
        try:
            report = post_day(
                settings,
                store,
                out_dir,
                day,
                names=channels,
                resend_in_doubt=resend_in_doubt,
                environment=make_environment(),
            )
        except SendBusy as error:
            print(f"briefbot: {error}", file=sys.stderr)
            return 1, None
    print("\n".join(report.lines()), file=out)
    return (0 if report.complete else 1), report


def _serve(
    arguments: argparse.Namespace, settings: Settings, database: Database, out_dir: Path
) -> int:
    import uvicorn

    from briefbot.web import app as web_app

    checked_sender(settings)
    # Each worker process builds its app from these (uvicorn's app factory).
    os.environ[web_app.CONFIG_ENV] = str(arguments.config.resolve())
    os.environ[web_app.DATABASE_ENV] = str(
        database.resolve() if isinstance(database, Path) else database
    )
    os.environ[web_app.OUT_ENV] = str(out_dir.resolve())
    uvicorn.run(
        "briefbot.web:app_from_environment",
        factory=True,
        host=arguments.host,
        port=arguments.port,
        workers=arguments.workers,
        timeout_keep_alive=arguments.timeout_keep_alive,
        limit_concurrency=arguments.limit_concurrency,
        timeout_graceful_shutdown=arguments.timeout_graceful_shutdown,
        log_config=_log_config(),
        **SERVE_OPTIONS,
    )
    return 0


def _log_config() -> dict:
    """uvicorn's logging (which every worker process applies) with briefbot's loggers, the
    access log among them, on the same handler and at the level of -q/-v."""
    import uvicorn.config

    config = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    level = logging.getLevelName(logging.getLogger("briefbot").getEffectiveLevel())
    config["loggers"]["briefbot"] = {"handlers": ["default"], "level": level, "propagate": False}
    return config
