"""The writer's quality check, quick form: a few stories of the labelled set written by a real
model (the tiny one, which invents freely: what the writer's checks are for), judged by the
independent fact oracle. benchmarks/quality.py writes every story with the default model."""

from __future__ import annotations

from briefbot.models import TextOrigin
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.checks import copied_share
from briefbot.write.select import COPIED_SHARE_LIMIT
from tests.quality import load_cases, measure


def test_the_labelled_set_is_big_enough_for_the_measure():
    cases = load_cases()
    assert len(cases) >= 40
    kinds = {case.story.lead.title for case in cases}
    assert len(kinds) == len(cases)


def test_no_misstated_fact_reaches_what_the_brief_shows(tiny_backend, tmp_path):
    cases = load_cases()[::30]  # two stories of different kinds
    with Store(tmp_path / "quality.db") as store:
        report = measure(Writer([tiny_backend], store, candidates=1, temperature=0.2), cases)
    print("\n" + "\n".join(report.lines()))
    assert report.misstating == [], [w.text.summary for w in report.written]
    for written in report.written:
        if written.text.origin == TextOrigin.MODEL:
            assert copied_share(written.text.summary, written.story.lead.text) <= COPIED_SHARE_LIMIT
