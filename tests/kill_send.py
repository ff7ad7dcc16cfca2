"""A driver for tests of a sender killed while it posts: runs `briefbot` (its command line, as
it is) with every connection held to loopback, and SIGKILLs itself right after the Nth database
commit.

    python -m tests.kill_send N BRIEFBOT-ARGUMENTS...

Commits are counted where SQLAlchemy hands them to the database driver
(`DefaultDialect.do_commit`), so nothing in briefbot knows it is being tested. With N = 0 it is
never killed; at its end it prints `commits: K` on stderr.
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy.engine.default import DefaultDialect

from briefbot.cli import main as briefbot
from tests.channel_server import LoopbackOnly


def main(kill_after: int, arguments: list[str]) -> int:
    LoopbackOnly().install()
    commits = 0
    commit = DefaultDialect.do_commit

    def counted_commit(dialect: DefaultDialect, connection: object) -> None:
        nonlocal commits
        commit(dialect, connection)
        commits += 1
        if commits == kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    DefaultDialect.do_commit = counted_commit  # type: ignore[method-assign]
    code = briefbot(arguments)
    print(f"commits: {commits}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), sys.argv[2:]))
