"""Every benchmark in turn, then one table of the figures with their goals.

    .venv/bin/python -m benchmarks.all [--skip quality]     (or: make bench)

Run it on an idle machine: two llama.cpp processes on 2 cores slow each other many times over.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
from collections.abc import Callable

from benchmarks import bottom_line, brief, collect, pick, quality, write
from benchmarks.figures import Figure, table

BENCHMARKS: dict[str, Callable[[list[str]], list[Figure]]] = {
    "collect": collect.main,
    "pick": pick.main,
    "write": write.main,
    "brief": brief.main,
    "quality": quality.main,
    "bottom_line": bottom_line.main,
}


def machine() -> str:
    cores = multiprocessing.cpu_count()
    return f"{platform.machine()}, {cores} cores, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip", nargs="*", default=[], choices=sorted(BENCHMARKS))
    arguments = parser.parse_args()
    figures: list[Figure] = []
    for name, run in BENCHMARKS.items():
        if name not in arguments.skip:
            print(f"\n== {name} ==", flush=True)
            figures += run([])
    print(f"\n== all figures ({machine()}) ==\n{table(figures)}")


if __name__ == "__main__":
    multiprocessing.set_start_method("fork")
    main()
