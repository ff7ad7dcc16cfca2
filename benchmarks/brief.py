"""A whole brief: `briefbot demo` with the default model, twice in a row on a fresh store.

Prints the first run's wall time split by stage, the share of it not spent in the model (goal
under 5%), what the writing took (drafts, drafts passed, extracts, notes left out), the same-day
re-run's wall time (goal under 2 s; every text comes from the cache) and the peak resident
memory (RSS) of each run. Each run is its own process, so the figures include starting Python
and loading the model. Both runs serve the demo site on one free port of 127.0.0.1, so the
re-run sees the same item URLs. `--model` or `--threads` runs the same day through
`benchmarks.demo` (`briefbot demo` always writes with the default model on every core).

    .venv/bin/python -m benchmarks.brief [--model smollm2-135m] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import Figure, table


@dataclass(frozen=True)
class DemoRun:
    seconds: float
    peak_rss_mb: float
    report: dict


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_demo(folder: Path, port: int, model: list[str]) -> DemoRun:
    """One `briefbot demo --json` (with `model` options: `benchmarks.demo`) in a process of its
    own, timed, with its peak RSS."""
    if not model:
        command = [sys.executable, "-m", "briefbot", "-q", "demo", "--json"]
    else:
        command = [sys.executable, "-m", "benchmarks.demo", *model]
    command += ["--out", str(folder / "out"), "--db", str(folder / "demo.db")]
    command += ["--port", str(port)]
    started = time.perf_counter()
    peak_kb = 0
    with tempfile.TemporaryFile("w+") as output:
        process = subprocess.Popen(command, stdout=output)
        while process.poll() is None:
            peak_kb = max(peak_kb, _high_water_kb(process.pid))
            time.sleep(0.2)
        seconds = time.perf_counter() - started
        output.seek(0)
        text = output.read()
    if process.returncode != 0:
        raise SystemExit(f"briefbot demo failed ({process.returncode}): {text[-2000:]}")
    return DemoRun(seconds, peak_kb / 1024, json.loads(text)["report"])


def _high_water_kb(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), 0 once it has gone. Read from /proc
    rather than taken from wait4: Linux carries the parent's peak across fork and exec, so a
    benchmark that loaded a model itself would see its own peak in every child's."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main(argv: list[str] | None = None) -> list[Figure]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="an embedded model other than the default")
    parser.add_argument("--threads", type=int, help="CPU threads for the model")
    arguments = parser.parse_args(argv)
    model = [f"--{name}={value}" for name, value in vars(arguments).items() if value is not None]
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        first = run_demo(Path(folder), port, model)
        again = run_demo(Path(folder), port, model)
    stages = first.report["stage_seconds"]
    model = first.report["model_seconds"]
    outside = first.seconds - model
    print(f"whole brief (briefbot demo, {first.report['stories']} stories)")
    print(f"  first run: {first.seconds:.1f} s wall, {model:.1f} s in the model")
    for name, seconds in stages.items():
        print(f"    {name:<10} {seconds:8.2f} s")
    print(f"  not in the model: {outside:.1f} s = {outside / first.seconds:.1%} (goal < 5%)")
    report = first.report
    print(
        f"  writing: {report['model_calls']} model calls, {report['drafts']} drafts "
        f"({report['drafts_passed']} passed), {report['extracts']} extracts, "
        f"{report['notes_left_out']} notes left out"
    )
    print(
        f"  same-day re-run: {again.seconds:.2f} s, {again.report['model_calls']} model calls, "
        f"{again.seconds / first.seconds:.3f}x the first run (goal < 2 s)"
    )
    print(f"  peak RSS: first run {first.peak_rss_mb:.0f} MB, re-run {again.peak_rss_mb:.0f} MB")
    share = outside / first.seconds
    return [
        Figure("whole brief: briefbot demo, first run", f"{first.seconds:.0f} s"),
        Figure(
            "whole brief: drafts passed; extracts; notes left out",
            f"{report['drafts_passed']} of {report['drafts']}; {report['extracts']} of "
            f"{report['stories']}; {report['notes_left_out']} of {report['stories']}",
        ),
        Figure("whole brief: share of time not in the model", f"{share:.1%}", "< 5%", share < 0.05),
        Figure(
            "whole brief: same-day re-run",
            f"{again.seconds:.2f} s, {again.report['model_calls']} model calls",
            "< 2 s",
            again.seconds < 2,
        ),
        Figure("memory: peak RSS of a whole brief (embedded model)", f"{first.peak_rss_mb:.0f} MB"),
    ]


if __name__ == "__main__":
    print(table(main()))
