"""One run at a time per database: a lock that names its holder and goes when its holder dies.

On SQLite an OS file lock on `<db>.lock` beside the file: an flock (filelock), so the kernel
drops it when the holding process dies, however it dies, and a lock left by a killed run never
blocks the next one. The holder writes its pid, host and start time into the lock file so a
second run can say who is writing.

On PostgreSQL a session-level advisory lock (`pg_try_advisory_lock`), keyed by the purpose and
the schema, held by a connection of its own: the server drops it when that connection ends, so
also when its process dies, and it holds across machines sharing the database. The holder is
named in the connection's `application_name`, which a second run reads from `pg_stat_activity`.
"""

from __future__ import annotations

import json
import os
import re
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from filelock import FileLock, Timeout
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from briefbot.database import Database, advisory_key, database_url, sqlite_file


class LockHeld(Exception):
    """Another run holds the database's lock; the message names it."""

    def __init__(self, where: str, holder: dict) -> None:
        self.where = where
        self.holder = holder
        if holder:
            who = (
                f"pid {holder.get('pid')} on {holder.get('host')}, "
                f"started {holder.get('started_at')} ({holder.get('command')})"
            )
        else:
            who = "a process that has not written its name yet"
        super().__init__(f"another briefbot run is writing to this database: {who}; lock {where}")


def lock_path_for(database: Path, purpose: str = "run") -> Path:
    """The lock file of a SQLite database: `<db>.lock` for runs, `<db>.<purpose>.lock` else."""
    suffix = ".lock" if purpose == "run" else f".{purpose}.lock"
    return database.with_name(database.name + suffix)


class RunLock:
    """Hold the database's lock for `purpose` while in a `with` block (or between `acquire` and
    `release`); raise LockHeld at once when another process holds it."""

    def __init__(self, database: Database, command: str = "run", purpose: str = "run") -> None:
        file = sqlite_file(database)
        self._lock = (
            _FileLock(lock_path_for(file, purpose), command)
            if file is not None
            else _AdvisoryLock(database, command, purpose)
        )

    def acquire(self) -> None:
        self._lock.acquire()

    def release(self) -> None:
        self._lock.release()

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()


def _holder(command: str) -> dict:
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
    }


class _FileLock:
    """The lock file beside a SQLite file; its content names the holder."""

    def __init__(self, path: Path, command: str) -> None:
        self.path = path
        self._command = command
        self._lock = FileLock(path, timeout=0)

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            raise LockHeld(str(self.path), read_holder(self.path)) from None
        self._write(json.dumps(_holder(self._command)).encode())

    def release(self) -> None:
        self._write(b"")  # a released lock names nobody
        self._lock.release()

    def _write(self, content: bytes) -> None:
        # Through a second descriptor: filelock keeps its own for the flock.
        descriptor = os.open(self.path, os.O_WRONLY)
        try:
            os.ftruncate(descriptor, 0)
            os.write(descriptor, content)
        finally:
            os.close(descriptor)


# The holder's name in `application_name` (63 bytes at most): "briefbot run pid 42 on host".
_NAME = re.compile(r"briefbot (\S+) pid (\d+) on (.*)")

_HOLDER_SQL = """
SELECT activity.application_name, activity.backend_start
FROM pg_locks AS locks JOIN pg_stat_activity AS activity ON activity.pid = locks.pid
WHERE locks.locktype = 'advisory' AND locks.granted AND locks.objsubid = 1
  AND locks.database = (SELECT oid FROM pg_database WHERE datname = current_database())
  AND locks.classid::bigint = :high AND locks.objid::bigint = :low
"""


class _AdvisoryLock:
    """A PostgreSQL session-level advisory lock on a connection of its own (autocommit, so
    no transaction stays open while the lock is held)."""

    def __init__(self, database: Database, command: str, purpose: str) -> None:
        holder = _holder(command)
        name = f"briefbot {command} pid {holder['pid']} on {holder['host']}"
        self._where = f"PostgreSQL advisory lock '{purpose}'"
        self._purpose = purpose
        self._engine = create_engine(
            database_url(database),
            poolclass=NullPool,
            connect_args={"application_name": name.encode()[:63].decode(errors="ignore")},
        )
        self._connection: Connection | None = None
        self._key = 0

    def acquire(self) -> None:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = advisory_key(connection, self._purpose)
        if connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key}).scalar():
            self._connection, self._key = connection, key
            return
        unsigned = key % 2**64
        row = connection.execute(
            text(_HOLDER_SQL), {"high": unsigned >> 32, "low": unsigned & 0xFFFFFFFF}
        ).first()
        connection.close()
        self._engine.dispose()
        raise LockHeld(self._where, _named_holder(*row) if row else {})

    def release(self) -> None:
        if self._connection is not None:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
            self._connection.close()
            self._connection = None
        self._engine.dispose()


def _named_holder(application_name: str, backend_start: datetime) -> dict:
    """The holder an advisory lock's connection names; empty when the name is not briefbot's."""
    match = _NAME.fullmatch(application_name or "")
    if match is None:
        return {}
    command, pid, host = match.groups()
    started = backend_start.astimezone(UTC).isoformat(timespec="seconds")
    return {"pid": int(pid), "host": host, "started_at": started, "command": command}


def read_holder(lock_path: Path) -> dict:
    """What the lock file says about its holder; empty when it says nothing readable."""
    try:
        holder = json.loads(lock_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}
