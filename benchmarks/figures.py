"""The benchmarks' common result: named figures with their goals, printed as one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    name: str
    value: str
    goal: str = ""
    met: bool | None = None  # None: a figure with no goal


def table(figures: list[Figure]) -> str:
    """A Markdown table of the figures (readable as text, pasteable into RESULTS.md)."""
    lines = ["| figure | value | goal | met |", "|---|---|---|---|"]
    for figure in figures:
        met = "" if figure.met is None else "yes" if figure.met else "**no**"
        lines.append(f"| {figure.name} | {figure.value} | {figure.goal} | {met} |")
    return "\n".join(lines)
