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


def test_what_the_brief_shows_of_a_model_that_invents_keeps_the_writers_guarantees(
    tiny_backend, tmp_path
):
    """Whatever the tiny model writes: a Summary shown as its words copies no more than the
    writer's limit, an extract is the article's own opening, and each sentence's check link
    quotes a sentence of the story's sources. The fact oracle's findings are printed, not
    asserted: which drafts pass depends on the CPU and on what the shared model ran before,
    and the writer's verifier catches most misstatements, not all (benchmarks/quality.py
    counts them on every story with the default model)."""
    cases = load_cases()[::30]  # two stories of different kinds
    with Store(tmp_path / "quality.db") as store:
        report = measure(Writer([tiny_backend], store, candidates=1, temperature=0.2), cases)
    print("\n" + "\n".join(report.lines()), *report.misstating, sep="\n")
    for written in report.written:
        text, article = written.text, " ".join(written.story.lead.text.split())
        if text.origin == TextOrigin.MODEL:
            assert copied_share(text.summary, article) <= COPIED_SHARE_LIMIT, text.summary
        elif text.origin == TextOrigin.EXTRACT:
            assert text.summary.removesuffix(" …") in article, text.summary
        sources = f"{written.story.lead.title} {article}"  # the title is a source sentence too
        for source in text.sources:
            assert source is None or " ".join(source.quote.split()) in sources, source
