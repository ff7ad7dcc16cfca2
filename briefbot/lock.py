"""One run at a time per database: an OS file lock on `<db>.lock` that names its holder.

The lock is an flock (filelock), so the kernel drops it when the holding process dies, however
it dies: a lock left by a killed run never blocks the next one. The holder writes its pid, host
and start time into the lock file so a second run can say who is writing.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout


class LockHeld(Exception):
    """Another run holds the database's lock; the message names it."""

    def __init__(self, lock_path: Path, holder: dict) -> None:
        self.lock_path = lock_path
        self.holder = holder
        if holder:
            who = (
                f"pid {holder.get('pid')} on {holder.get('host')}, "
                f"started {holder.get('started_at')} ({holder.get('command')})"
            )
        else:
            who = "a process that has not written its name yet"
        super().__init__(
            f"another briefbot run is writing to this database: {who}; lock {lock_path}"
        )


def lock_path_for(database: Path) -> Path:
    """The lock file of a database: `<db>.lock` beside it."""
    return database.with_name(database.name + ".lock")


class RunLock:
    """Hold the database's lock for the length of a `with` block, or raise LockHeld at once."""

    def __init__(self, database: Path, command: str = "run") -> None:
        self.path = lock_path_for(database)
        self._command = command
        self._lock = FileLock(self.path, timeout=0)

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise LockHeld(self.path, read_holder(self.path)) from None
        self._write_holder()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._write(b"")  # a released lock names nobody
        self._lock.release()

    def _write_holder(self) -> None:
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": self._command,
        }
        self._write(json.dumps(holder).encode())

    def _write(self, content: bytes) -> None:
        # Through a second descriptor: filelock keeps its own for the flock.
        descriptor = os.open(self.path, os.O_WRONLY)
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, content)
        finally:
            os.close(descriptor)


def read_holder(lock_path: Path) -> dict:
    """What the lock file says about its holder; empty when it says nothing readable."""
    try:
        holder = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}
