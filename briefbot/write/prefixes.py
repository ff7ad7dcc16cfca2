"""Saved prompt prefixes: the KV-cache state of a prompt's static part, kept on disk.

Every story prompt opens with the same system prompt and its kind's worked example (about 350
tokens); only the story after them changes. llama.cpp reuses the prefix it still holds from the
previous call, but a brief alternates kinds, note retries and the Bottom Line, and each day
loads the model anew, so a story's call used to read its kind's static part again (about half
of its prompt). Here the state of sequence 0 just after the static part
(`llama_state_seq_get_data`) is written once per (model file, runtime, prompt) and read back
(`llama_state_seq_set_data`) the next time: a few milliseconds instead of seconds.

The files are a cache: each is named by a digest of the model file's identity, the runtime's
version, the context and thread settings and the prefix's tokens, so a changed prompt or model
never matches an old file; an unreadable or refused file is ignored and the prefix evaluated
again. The folder is kept under `limit_bytes`, oldest first out.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from array import array
from pathlib import Path

log = logging.getLogger(__name__)

LIMIT_BYTES = 256 * 1024 * 1024  # about 25 prefixes of the default model (~28 KB a token)
SUFFIX = ".kv"


class PrefixStore:
    """KV states of prompt prefixes in `folder`, for one model file run one way (`identity`:
    any text that changes when the file, the runtime or the context settings do)."""

    def __init__(self, folder: Path, identity: str, limit_bytes: int = LIMIT_BYTES) -> None:
        self.folder = folder
        self._identity = identity.encode()
        self._limit = limit_bytes

    def _path(self, tokens: list[int]) -> Path:
        digest = hashlib.sha256(self._identity + b"\0" + array("i", tokens).tobytes())
        return self.folder / f"{digest.hexdigest()[:32]}{SUFFIX}"

    def load(self, tokens: list[int]) -> bytes | None:
        """The saved state of the prefix `tokens`, or None when there is none to read."""
        path = self._path(tokens)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            log.warning("cannot read the saved prompt prefix %s: %s", path, error)
            return None
        os.utime(path)  # read recently: the last to be pruned
        return data or None

    def save(self, tokens: list[int], data: bytes) -> None:
        """Write the prefix's state (atomically: a reader never sees half a file), then prune
        the oldest files while the folder holds more than its limit. Errors are logged, never
        raised: the prefix is only evaluated again next time."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".part")
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, self._path(tokens))
            self._prune()
        except OSError as error:
            log.warning("cannot save a prompt prefix in %s: %s", self.folder, error)

    def _prune(self) -> None:
        files = [(path.stat(), path) for path in self.folder.glob(f"*{SUFFIX}")]
        files.sort(key=lambda entry: entry[0].st_mtime_ns)
        total = sum(stat.st_size for stat, _ in files)
        for stat, path in files[:-1]:  # the newest stays, however large
            if total <= self._limit:
                break
            total -= stat.st_size
            path.unlink(missing_ok=True)
