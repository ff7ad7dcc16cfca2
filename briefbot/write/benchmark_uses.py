"""Benchmarks told as uses: "customers can use it for tasks such as MMLU-Pro and
LiveCodeBench" or "Anyone can now run Fenn 14B on the ToolRun agent test", where the sources
give those names only as what the model was scored on ("72.3 on MMLU-Pro", "On the ToolRun
agent test it completes 58 percent"). Every name is in the sources, so the grounding gate
passes it; the name's role changed from a test to a job the model does.

Own code, not a library's: this is grounding, what briefbot exists for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NAME = r"[A-Z][\w.+-]*(?:\s+(?:[A-Z0-9][\w.+-]*))?"
# A score, then "on" and the name: "72.3 on MMLU-Pro", "54.2 percent on LiveCodeBench".
_SCORED_ON = re.compile(
    rf"\d[\d.,]*\s*(?:%|percent|points?)?\s+on\s+(?:the\s+)?({_NAME})", re.UNICODE
)
# The name, then what it is: "the KnowBench benchmark", "its MMLU-Pro score", "the ToolRun
# agent test" (one word of what it tests between).
_NAMED_AS = re.compile(
    rf"({_NAME})\s+(?:(?:[a-z]+\s+)?(?:benchmarks?|tests?)|"
    r"(?:scores?|results?|leaderboard|evals?|evaluations?)(?!\s*[\d$]))\b"
)
# Words that make a name something done with the model.
_USES = re.compile(
    r"\b(?:tasks?|uses?|used|using|applications?|workloads?|jobs?|use cases?|"
    r"work such as|purposes?|run|runs|running|ran)\b",
    re.IGNORECASE,
)
# Words that keep it a measure: "scores on tasks such as MMLU-Pro", "benchmarks like ...",
# "results on".
_MEASURES = re.compile(
    r"\b(?:scor\w*|benchmark\w*|points?|tests?|tested|results?|evals?|evaluat\w*|measur\w*|"
    r"rank\w*|leaderboards?|reports?|reported)\b|\bon\s+(?:the\s+)?$",
    re.IGNORECASE,
)
# The name as a measure's modifier: "where MMLU-Pro scores matter".
_MEASURED = re.compile(r"\s*(?:-style\s+)?(?:scor\w*|results?|numbers?|figures?|points?)\b", re.I)
_RUN = {"run", "runs", "running", "ran"}
# Running a model on a named thing right before it: "run Fenn 14B on the ".
_RUN_ON = re.compile(r"\b(?:run|runs|running|ran)\b[^,;:]*\bon\s+(?:the\s+)?$", re.I)
_CLAUSE = re.compile(r"[,;:()]|\b(?:and|but|while|with)\s+(?=[a-z])")
REACH = 60  # characters before a name that can make it a use


def benchmarks(source_texts: Iterable[str]) -> set[str]:
    """The names the sources give as benchmarks: scored on ("81.5 on MMLU-Pro") or named as
    one ("the KnowBench benchmark"), as written."""
    found: set[str] = set()
    for text in source_texts:
        for pattern in (_SCORED_ON, _NAMED_AS):
            found.update(match.group(1).rstrip(".,") for match in pattern.finditer(text))
    return {name for name in found if re.search(r"[A-Z].*[A-Za-z]", name)}


def told_as_use(text: str, names: set[str]) -> str:
    """The first benchmark of `names` that `text` tells as a use of the model (a task, a use,
    an application) in the same clause, with no word of scoring near it; "" when none."""
    for name in sorted(names, key=len, reverse=True):
        for found in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            before = re.split(r"[;:]", text[max(0, found.start() - REACH) : found.start()])[-1]
            after = text[found.end() : found.end() + 20]
            run_on = _RUN_ON.search(before)
            uses = [u for u in _USES.finditer(before) if u.group(0).lower() not in _RUN or run_on]
            measures = [m for m in _MEASURES.finditer(before) if not _where_run(uses, m)]
            if not uses or measures or _MEASURED.match(after):
                continue
            # the use-word must govern the name: no new clause between, lists of names aside
            if not _CLAUSE.search(_listless(before[uses[-1].end() :])):
                return name
    return ""


def _where_run(uses: list[re.Match], measure: re.Match) -> bool:
    """The "on" before a name is where the model is run, not what it scored on: "run Fenn 14B
    on the ToolRun agent test"."""
    return bool(uses) and uses[-1].group(0).lower() in _RUN and measure.group(0).startswith("on")


def _listless(between: str) -> str:
    """The words between a use-word and a name, with a list of names before it taken out
    ("tasks such as MMLU-Pro and LiveCodeBench": LiveCodeBench is in the same list)."""
    return re.sub(rf"{_NAME}(?:\s*,\s*|\s+and\s+|\s+or\s+)", " ", between)
