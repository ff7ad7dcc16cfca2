"""The run lock on both databases: a second holder is refused and told who holds it, and the
lock goes with its holder, even one that is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from briefbot.lock import LockHeld, RunLock
from tests.unattended import wait_for

HOLD = """
import sys, time
from briefbot.database import database_location
from briefbot.lock import RunLock
with RunLock(database_location(sys.argv[1]), "run"):
    print("held", flush=True)
    time.sleep(60)
"""


def test_a_second_run_is_refused_and_told_who_holds_the_lock(database):
    with RunLock(database, "schedule"):
        with pytest.raises(LockHeld) as refused:
            RunLock(database, "run").acquire()
        holder = refused.value.holder
        assert (holder["pid"], holder["command"]) == (os.getpid(), "schedule")
        assert f"pid {os.getpid()}" in str(refused.value)
        with RunLock(database, "send", purpose="send"):  # another purpose, another lock
            pass
    with RunLock(database, "run"):  # released
        pass


def test_the_lock_of_a_killed_run_is_free_at_once(database):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(database)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockHeld):
            RunLock(database).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()

    def free() -> bool:
        try:
            with RunLock(database):
                return True
        except LockHeld:
            return False

    wait_for(free, 10, "the server to drop the killed holder's lock")
