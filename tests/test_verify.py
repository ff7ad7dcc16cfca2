"""The claim-level verifier: each written sentence against the story's source sentences.

Measured on the labelled set (tests/data/claims_set.yaml: 49 invented stories, 438 sentences
labelled supported or unsupported with the kind of error); the figures are printed, and floors
measured on it hold them. The kinds of error the issue names are tested one by one too."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from briefbot.models import Item, Story
from briefbot.write.evidence import story_evidence
from briefbot.write.verify import Verifier

CLAIMS = Path(__file__).parent / "data" / "claims_set.yaml"


def verifier_for(title: str, text: str) -> Verifier:
    item = Item(url="https://example.org/a", title=title, source="S", source_type="rss",
                published=None, text=text)  # fmt: skip
    return Verifier(story_evidence(Story(item, (item,), 1.0)))


def assert_judged(title: str, text: str, claim: str, ok: bool, *, summary: bool = True) -> None:
    """The verifier of a one-item story (`title`, `text`) passes `claim` exactly when `ok`."""
    verdict = verifier_for(title, text).check(claim, summary=summary)
    assert verdict.ok is ok, verdict


def test_precision_and_recall_on_the_labelled_set():
    stories = yaml.safe_load(CLAIMS.read_text(encoding="utf-8"))["stories"]
    flagged = Counter()
    totals = Counter()
    for story in stories:
        verifier = verifier_for(story["title"], story["text"])
        for claim in story["claims"]:
            key = claim.get("error") or "supported"
            totals[key] += 1
            flagged[key] += not verifier.check(claim["text"], summary=True).ok
    caught = sum(flagged[kind] for kind in totals if kind != "supported")
    wrong = sum(totals[kind] for kind in totals if kind != "supported")
    precision = caught / (caught + flagged["supported"])
    recall = caught / wrong
    print(f"\nverifier on {sum(totals.values())} labelled sentences: precision {precision:.3f}, "
          f"recall {recall:.3f}; supported sentences refused {flagged['supported']}/"
          f"{totals['supported']}")  # fmt: skip
    for kind in sorted(totals):
        print(f"  {kind}: flagged {flagged[kind]}/{totals[kind]}")
    assert precision >= 0.85 and recall >= 0.78
    for kind in ("direction", "hedge", "group", "superlative", "role", "invented"):
        assert flagged[kind] / totals[kind] >= 0.7, kind
    assert flagged["wrong_subject"] / totals["wrong_subject"] >= 0.55


NOVA = (
    "Halcyon-R2 from Halcyon Labs, a 236B mixture-of-experts model, entered the top ten at #4. "
    "Nova 2 32B from Lumora is the highest-ranked model under 40 billion parameters."
)
Q3 = (
    "The Q3_HX format nearly matches 4-bit quality at 3-bit size. On an RTX 5090, the pull "
    "request reports decoding at 41 tokens per second for a 70B model."
)

RANKED = (  # a pair told apart, for "respectively"
    "Kite 7B scores 71.0 on GSM8K. Heron 8B scores 74.5 on GSM8K. Kite 7B is fourth on the "
    "board, and Heron 8B is second."
)

VERSIONS = (  # two versions of one product: a figure of one is not the other's
    "Lantern, a local model runner, has released version 3.0. It runs a 13B model at 15 tokens "
    "per second on a 12 GB card. Version 2.4 managed 9 tokens per second on the same card and "
    "took 40 seconds to load the model."
)

MEASURED = (  # figures of measures, one whose rise is a loss and one whose fall is a gain
    "Vesper is a new 3-bit format. On a 70B model, Vesper raised perplexity by 1.1 percent "
    "over the original. Corral 5.0 cut median latency by 40 percent. It delivers 2.5 times the "
    "throughput of Corral 4.6, and median time to first token fell from 900 to 420 "
    "milliseconds. Ostrava has released Fenn 14B, which succeeds Fenn 12B. Fenn 14B raises the "
    "context window from 16K to 64K tokens."
)

# A title that drops its article's bound, then a figure opening a sentence as its scene.
BOUNDED = (
    "Threadneedle benchmark connects facts across 400,000 tokens",
    "Researchers have released Threadneedle, a benchmark that asks models to connect facts "
    "across documents of up to 400,000 tokens. At 400,000 tokens, the best open model answered "
    "37 percent correctly.",
)

RELEASES = (  # versions in roles: planned, compromised, never affected, listed as affected
    "A compromised release of Kestrel, 3.2.1, was online for a day. Version 3.2.2 removes the "
    "code, and 3.2.0 was never affected. About 900 installs of 3.2.1 are known. A second flaw "
    "affects Kestrel 1.x before 1.4.2 and 2.0.0 before 2.0.5. The project says support for "
    "batching is expected in version 0.5; the current release is 0.4.1."
)


@pytest.mark.parametrize(
    ("source", "claim"),
    [
        (NOVA, "Halcyon-R2 entered the top ten with 40 billion parameters."),  # subject and role
        (Q3, "Q3_HX matches 4-bit quality at 3-bit size."),  # a hedge dropped
        (Q3, "Q3_HX improves decoding speed on an RTX 5090 by 41 tokens per second."),  # role
        # a condition dropped: the figure holds on what it was measured on
        (Q3, "It can be used in a 70B model with a 41 tokens per second decoding speed."),
        (
            "Kite 7B decodes at 41 tokens per second on a laptop and 9 on a phone.",
            "Kite 7B decodes at 9 tokens per second.",
        ),
        (
            "Acme Labs released Kite 7B under MIT. It scores 58.2 on GSM8K and 49.0 on MATH.",
            "Kite 7B scores 58.2 on MATH.",
        ),
        (VERSIONS, "Lantern 3.0 runs at 15 tokens per second, against 9 for Lantern 2.4."),
        # a side (open-weight, proprietary) no source sentence gives the model
        (
            "ChatHall keeps Corvo Pro first with 1,388. The best open model, Halberd 2, is "
            "fourth at 1,342.",
            "Corvo Pro has a strong, open-weight option for those who want to run a model.",
        ),
        (
            "ChatHall keeps Corvo Pro first with 1,388. The best open model, Halberd 2, is "
            "fourth at 1,342.",
            "Halberd 2 trails the proprietary Corvo Pro on ChatHall.",
        ),
        # a time in another unit
        (
            "Brightcap kept chat logs for 3 years and has deleted logs older than 30 days.",
            "Brightcap has deleted chat logs older than three months.",
        ),
        (
            "Brightcap kept chat logs for 3 years and has deleted logs older than 30 days.",
            "Brightcap kept chat logs for 3 months.",
        ),
        # a judgement the sources do not make
        (
            "Acme Labs released Kite 7B under MIT. It scores 58.2 on GSM8K.",
            "Kite 7B's score of 58.2 on GSM8K is impressive.",
        ),
        (VERSIONS, "Lantern 3.0 is a significant step up from Lantern 2.4."),
        (
            "Kite 7B scored 71.0, 3.5 points behind Heron 8B.",
            "Kite 7B scored 71.0, 3.5 points ahead of Heron 8B.",
        ),
        (
            "Serving costs fell from 1.8 million to 0.6 million dollars a year.",
            "The change reduces serving costs by 1.8 million dollars a year.",
        ),
        (
            "Kite 7B leads on GPQA with 61.2; Heron 8B is second with 58.0.",
            "Heron 8B leads on GPQA with 61.2.",
        ),
        (
            "Acme plans to open its weights next year; Brio already did.",
            "Both Acme and Brio have opened their weights.",
        ),
        (
            "TensorHarbor 1.7.3 fixes CVE-2026-41207.",
            "A bug in TensorHarbor 1.7.3 lets attackers run code.",
        ),
        (
            "On its own tests, Acme's Kite 7B scores 58.2 on GSM8K.",
            "Kite 7B scores 58.2 on GSM8K.",
        ),
        ("Kite 7B scores 58.2 on GSM8K.", "Kite 7B is the best open model on GSM8K."),
        ("Kite 7B scores 58.2 on GSM8K.", "Read more at https://evil.example/reset now."),
        (  # open-weight made proprietary
            "#9 Nova 2 32B (Lumora AI, Open Weight): 73.8 points.",
            "The proprietary Nova 2 32B sits ninth with 73.8 points.",
        ),
        (  # a maker given to a name that makes nothing in the sources
            "A community project released fast attention kernels for Intel Arc cards.",
            "Intel's community released fast attention kernels for Arc cards.",
        ),
        (  # a factor's direction reversed
            "The kernels lift prompt processing 2.2 times on a 16 GB card.",
            "The kernels make prompt processing 2.2 times slower on a 16 GB card.",
        ),
        (  # a factor given to another quantity: speed made length
            "Processing a 32,000-token prompt became 2.2 times faster on the kernels.",
            "Users can now process longer prompts by about 2.2 times.",
        ),
        (
            "The kernels lift prompt processing 2.2 times on a 16 GB card.",
            "The kernels make prompts 2.2 times longer on a 16 GB card.",
        ),
        (
            "The new format makes files three times smaller than FP16.",
            "The new format makes loading three times faster than FP16.",
        ),
        (  # a comparison without a number, of another measure: perplexity went up, not speed
            "Q3_HX shows a perplexity increase of 0.9 percent, against 2.7 percent for Q3_K_M. "
            "CPU-only speeds were roughly 30 percent lower than Q3_K_M.",
            "Q3_HX is faster than Q3_K_M.",
        ),
        (  # the second of two direction words in one clause
            "Build b7421 of llama.cpp introduces Q3_HX, shrinking a 70B model to 26.8 GB. That "
            "is small enough to fit on a single 32 GB card. CPU inference works but is slower "
            "than with K-quants.",
            "Users of llama.cpp can now use Q3_HX, reducing the file size and making it faster "
            "to run on a single card.",
        ),
        (  # a negation dropped
            "The endpoint is enabled by default and, in many deployments, requires no API key. "
            "Version 1.7.3 requires an API key for all management endpoints.",
            "The endpoint is enabled by default and, in many deployments, requires an API key.",
        ),
        (  # a negation added
            "Version 1.7.3 requires an API key for all management endpoints.",
            "Version 1.7.3 requires no API key for its management endpoints.",
        ),
        (
            "The suite runs entirely offline and never sends prompts to a remote service.",
            "The suite sends prompts to a remote service.",
        ),
        (RANKED, "Kite 7B and Heron 8B score 74.5 and 71.0 on GSM8K, respectively."),  # swapped
        (RANKED, "Kite 7B and Heron 8B are second and fourth, respectively."),
        (RANKED, "Kite 7B and Heron 8B score 71.0 and 74.5 on GSM8K."),  # not each one's
        (VERSIONS, "Lantern 3.0 reached 9 tokens per second on the same card."),  # 2.4's
        (VERSIONS, "Lantern 3.0 loads a 13B model in 40 seconds."),
        (RELEASES, "The project supports batching in version 0.5."),  # a plan made done
        (RELEASES, "Kestrel 3.2.1 was never affected."),  # a mention with no role does not count
        (RELEASES, "Kestrel 2.0.0 is patched against the flaw."),  # affected, as listed
        (  # what researchers report made what they demonstrate
            "Researchers at Harrow report that SkipDepth cuts inference compute by 28 percent.",
            "Harrow researchers demonstrate that SkipDepth cuts inference compute by 28 percent.",
        ),
        # who should update runs an affected version, through a list of them
        (RELEASES, "Anyone using Kestrel 1.4.2 or 2.0.0 before 2.0.5 should update to 2.0.5."),
        # a figure given to another measure than its source's
        (MEASURED, "Vesper improves performance for 70B models by around 1.1 percent."),
        (MEASURED, "Corral 5.0 raised throughput by 40 percent."),
        # the rise of a measure whose rise is a loss told as a gain, and its fall as a loss
        (MEASURED, "Vesper improves perplexity by 1.1 percent over the original."),
        (MEASURED, "Corral 5.0 makes latency worse by 40 percent."),
        (MEASURED, "Corral 5.0 cuts throughput by 2.5 times."),  # a factor above one is a rise
        (MEASURED, "Fenn 12B is a 14-billion-parameter model."),  # another name's size
        # a context window told as training
        (MEASURED, "Users of Fenn 14B can now train models with 64K tokens."),
        # a figure a sentence opens with as its scene, told as a fact of its own
        (BOUNDED, "Threadneedle is a 400,000-token benchmark."),
        # the title's bare figure, where the article bounds it
        (BOUNDED, "Threadneedle connects facts across 400,000 tokens."),
        (  # who measured it, left out
            "On a 70B model, the maintainers measured 1.8 times the throughput of Sluice 4.6.",
            "Sluice 5.0 has 1.8 times the throughput of Sluice 4.6.",
        ),
    ],
)
def test_each_kind_of_misstatement_is_refused(source, claim):
    verifier = verifier_for(*(source if isinstance(source, tuple) else ("A story", source)))
    assert not verifier.check(claim, summary=True).ok
    assert not verifier.check(claim, summary=False).ok  # in a Why It Matters note too


@pytest.mark.parametrize(
    ("source", "claim"),
    [
        (NOVA, "Nova 2 32B is the highest-ranked model under 40 billion parameters."),
        (Q3, "Q3_HX nearly matches 4-bit quality at 3-bit size."),
        (Q3, "The pull request reports Q3_HX decoding at 41 tokens per second on an RTX 5090."),
        (Q3, "On an RTX 5090, the pull request reports 41 tokens per second for a 70B model."),
        (  # a side a source sentence gives the model, in so many words or by its licence
            "ChatHall keeps Corvo Pro first. The best open model, Halberd 2, is fourth at 1,342.",
            "Halberd 2 is the best open-weight model on ChatHall, at fourth.",
        ),
        (
            "Acme Labs released Kite 7B under the MIT licence. It scores 58.2 on GSM8K.",
            "Kite 7B, an open-weight model, scores 58.2 on GSM8K.",
        ),
        (  # a time in its own unit, in words or digits
            "Brightcap kept chat logs for 3 years and has deleted logs older than 30 days.",
            "Brightcap kept chat logs for three years.",
        ),
        (  # a judgement the sources make
            "Kite 7B brings a significant gain on GSM8K, Acme says: it scores 58.2.",
            "Acme says Kite 7B brings a significant gain on GSM8K.",
        ),
        (  # a condition in other words, and a figure that was not measured on anything
            "Kite 7B decodes at 41 tokens per second on a mid-range laptop. It was downloaded "
            "30,000 times on Hugging Face.",
            "On laptops, Kite 7B decodes at 41 tokens per second; it has 30,000 downloads.",
        ),
        (
            "Kite 7B scored 71.0, 3.5 points behind Heron 8B.",
            "Heron 8B leads Kite 7B by 3.5 points.",
        ),
        (
            "Serving costs fell from 1.8 million to 0.6 million dollars a year.",
            "Serving costs fell from 1.8 million to 0.6 million dollars a year.",
        ),
        (
            "Acme Labs released Kite 7B under MIT. It scores 58.2 on GSM8K, the company says.",
            "Acme says Kite 7B scores 58.2 on GSM8K.",
        ),
        (
            "#4 Halcyon-R2 (Halcyon Labs, Open Weight): 79.6 points.",
            "Halcyon-R2, an open-weight model, is fourth with 79.6 points.",
        ),
        (  # a factor with or without "by"
            "The kernels lift prompt processing 2.2 times on a 16 GB card.",
            "Prompt processing on a 16 GB card is faster by 2.2 times with the kernels.",
        ),
        (
            "CPU inference with Q3_HX is slower than with K-quants.",
            "On a CPU, Q3_HX runs slower than K-quants.",
        ),
        (  # a negation kept, in other words
            "The endpoint is enabled by default and, in many deployments, requires no API key.",
            "In many deployments the endpoint, enabled by default, needs no API key.",
        ),
        (RANKED, "Kite 7B and Heron 8B score 71.0 and 74.5 on GSM8K, respectively."),
        (RANKED, "Kite 7B and Heron 8B are fourth and second, respectively."),
        (VERSIONS, "Lantern 2.4 reached 9 tokens per second on the same card."),
        (VERSIONS, "Version 2.4 managed 9 tokens per second on that card."),
        (RELEASES, "Support for batching is expected in version 0.5, the project says."),
        (RELEASES, "Kestrel 3.2.0 was never affected."),
        (RELEASES, "The flaw affects Kestrel 2.0.0 before 2.0.5."),
        (
            "Researchers at Harrow report that SkipDepth cuts inference compute by 28 percent.",
            "Harrow researchers report that SkipDepth cuts compute by 28 percent.",
        ),
        (
            VERSIONS,
            "On a 12 GB card, Lantern 3.0 runs at 15 tokens per second, against 9 for Lantern 2.4.",
        ),
        (  # the same comparative, another word for it
            "Processing a 32,000-token prompt became 2.2 times faster on the kernels.",
            "The kernels make processing a 32,000-token prompt 2.2 times quicker.",
        ),
        (MEASURED, "Vesper raises perplexity by 1.1 percent over the original."),
        (MEASURED, "Fenn 14B has a 64K-token context window."),
        (BOUNDED, "At 400,000 tokens, the best open model answered 37 percent correctly."),
        (BOUNDED, "The best open model answered 37 percent correctly at 400,000 tokens."),
        (BOUNDED, "Threadneedle connects facts across documents of up to 400,000 tokens."),
        (MEASURED, "Corral 5.0 improves throughput by 2.5 times."),  # "2.5 times the throughput"
        (MEASURED, "Ostrava released Fenn 14B, a 14-billion-parameter model."),  # its name's size
        (MEASURED, "Median time to first token fell from 900 to 420 milliseconds."),  # no rank
        (  # who measured one figure does not attribute the next clause's
            "On a 70B model, the maintainers measured 1.8 times the throughput of Sluice 4.6, and "
            "median time to first token fell from 900 to 420 milliseconds.",
            "Median time to first token fell from 900 to 420 milliseconds.",
        ),
        (  # a flaw in a product makes it a party: its versions hold what the source says
            "A prompt-injection flaw in Lanyard, an agent framework, lets web pages run shell "
            "commands. Lanyard 3.2 to 3.4.1 are affected; 3.4.2 turns the shell tool off.",
            "Versions 3.2 to 3.4.1 are affected; 3.4.2 turns the shell tool off.",
        ),
        (
            "A prompt-injection flaw in Lanyard, an agent framework, lets web pages run shell "
            "commands. Lanyard 3.2 to 3.4.1 are affected; 3.4.2 turns the shell tool off.",
            "Lanyard 3.4.2 turns the shell tool off.",
        ),
        (MEASURED, "Corral 5.0 lowers latency by 40 percent."),
        (MEASURED, "Corral 5.0 improves median latency by 40 percent."),  # a fall, a gain
    ],
)
def test_faithful_sentences_pass(source, claim):
    verdict = verifier_for(*(source if isinstance(source, tuple) else ("A story", source))).check(
        claim, summary=True
    )
    assert verdict.ok, verdict.reason
    assert verdict.evidence is not None  # the source sentence a reader can check it against


def test_a_source_pronoun_points_to_the_nearest_sentence_not_to_the_title():
    """ "Nova 2 32B enters at ninth. BenchLM noted that it is the highest-ranked model under 40
    billion parameters": the 40 is Nova 2 32B's, though the title and an earlier sentence are
    about Halcyon-R2 (a claim the default model wrote on the demo day, and the verifier let
    through while a pronoun stood for every subject of three sentences and the title)."""
    verifier = verifier_for(
        "Halcyon-R2 climbs to fourth on BenchLM, the highest rank yet for open weights",
        "Halcyon Labs' Halcyon-R2, released yesterday under the MIT licence, scored 79.6 points. "
        "Lumora AI's Nova 2 32B enters the table at ninth with 73.8. BenchLM noted that it is "
        "the highest-ranked model under 40 billion parameters.",
    )
    climbed = "Halcyon-R2 climbed to fourth with 79.6 points"
    assert verifier.check(f"{climbed}.", summary=True).ok  # the control
    claim = (
        f"{climbed}, making it the highest-ranked open-weight model under 40 billion parameters."
    )
    verdict = verifier.check(claim, summary=True)
    assert not verdict.ok and verdict.reason.startswith("40:"), verdict


SIBLINGS = (
    "Sundial Labs has released Wisp 300M and Wisp 2B, two small models for phones. The company "
    "says Wisp 300M uses about 200 MB of memory at 4 bits. Both models are under Apache 2.0."
)


@pytest.mark.parametrize(
    "text",
    [
        "Wisp 300M and Wisp 2B use about 200 MB of memory, the company says.",
        "Wisp 300M and Wisp 2B are small. They use about 200 MB of memory, the company says.",
        "Sundial Labs released Wisp 300M and Wisp 2B. They use about 200 MB, the company says.",
    ],
)
def test_one_models_figure_is_not_given_to_its_sibling(text):
    """A group ("X and Y", or "they" after a sentence that lists them) must each hold a figure;
    the source's "The company says Wisp 300M uses ..." names one of the two, so the figure is
    not the other's (the default model gave "they use about 250 MB" to both of two models)."""
    verifier = verifier_for("Sundial Labs releases Wisp 300M and Wisp 2B", SIBLINGS)
    verdicts = verifier.check_text(text, summary=False)
    assert not verdicts[-1].ok, verdicts
    assert "wisp 2b" in verdicts[-1].reason
    single = text.replace("Wisp 300M and Wisp 2B", "Wisp 300M").replace("They use", "It uses")
    assert all(v.ok for v in verifier.check_text(single.replace(" are ", " is "), summary=False))


def test_who_should_update_runs_the_versions_listed_before_it():
    """ "Anyone on 1.x before 1.4.2 or 2.0.0 before 2.0.5 should update": the list's versions
    are affected, as the sources say (the refused case is in the misstatements above)."""
    verifier = verifier_for("A story", RELEASES)
    note = "Anyone on Kestrel 1.x before 1.4.2 or 2.0.0 before 2.0.5 should update to 2.0.5."
    assert verifier.check(note, summary=False).ok


BOARD = (
    "The three models ahead of it are all proprietary: Aster Ultra 2 from Aster AI leads with "
    "84.7, followed by Meridian Labs' Meridian 3 Pro at 83.1. Aster Pro 2 drops to fifth with "
    "78.2. Halcyon-R2 is the best open-weight model at fourth with 79.6 points."
)


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the demo's note (default model): Aster Pro 2 is fifth, its sibling leads
        ("Anyone choosing a model has a stronger option in Halcyon-R2, though the top model, "
         "Aster Pro 2, is proprietary.", False),
        ("Anyone choosing a model has a stronger option in Halcyon-R2, though the leading "
         "model, Meridian 3 Pro, is proprietary.", False),
        ("Aster Pro 2, the top model, is proprietary.", False),
        ("Anyone choosing a model has a stronger option in Halcyon-R2, though the top model, "
         "Aster Ultra 2, is proprietary.", True),
    ],
)  # fmt: skip
def test_a_name_set_beside_the_top_model_must_be_first_in_the_sources(note, ok):
    """The sentence's subject is Halcyon-R2, whose "best" the sources give; the aside gives
    first place to another name, which only its own clause of the sources can give it."""
    assert verifier_for("Halcyon-R2 climbs to fourth", BOARD).check(note, summary=False).ok is ok


DEMO_BOARD = (
    "That puts Halcyon-R2 behind only Aster Ultra 2 (84.7), Meridian 3 Pro (83.1) and Cobalt-X "
    "Thinking (81.4), all proprietary. It edges out Aster Pro 2 at 78.2 and moves the previous "
    "open-weight leader, Kairos AI's Kairos-3 Large, down to sixth with 77.1. Halcyon-R2 is the "
    "best open-weight model on the board."
)


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the fresh clone's demo note: "leader" in Aster Pro 2's clause is Kairos-3 Large's
        ("Anyone choosing an open-weight model has a stronger option in Halcyon-R2, though the "
         "top model, Aster Pro 2, is proprietary.", False),
        ("Kairos-3 Large, the leading model, now sits sixth.", False),
        # the sources' "best open-weight model" is not "the top model"
        ("Aster Pro 2 now trails the top model, Halcyon-R2, on the board.", False),
        ("Teams can now run the best open-weight model, Halcyon-R2, themselves.", True),
        ("Teams can now run the best model, Halcyon-R2, themselves.", False),
        ("Kairos-3 Large, the previous open-weight leader, now sits sixth.", True),
    ],
)  # fmt: skip
def test_a_first_place_word_belongs_to_the_name_beside_it(note, ok):
    """A first-place word in a source ("the previous open-weight leader, Kairos-3 Large") is
    said of the nearest name, not of any name in its clause, and keeps its qualifier."""
    verifier = verifier_for("Halcyon-R2 climbs to fourth", DEMO_BOARD)
    assert verifier.check(note, summary=False).ok is ok


GROUP_BOARD = (
    "Ferrow 3 now ranks third with 71.2 points. Only two proprietary systems are ahead of it: "
    "Lantern Max at 75.0 and Solace Pro at 73.9. Ferrow 3 is ahead of Dunmore 70B at 70.4, the "
    "best open-weight result until this week."
)


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the demo's note (default model): Halcyon-R2, fourth, "surpassed the proprietary
        # models"; the sources put the proprietary ones ahead of it
        ("This ranking shows that Ferrow 3 has surpassed the proprietary models.", False),
        ("Ferrow 3 now outranks every proprietary model on the board.", False),
        ("Ferrow 3 is ahead of the closed models.", False),
        ("Ferrow 3 has overtaken all other models.", False),
        ("Ferrow 3 now trails the proprietary systems.", True),
        ("Ferrow 3 sits behind the proprietary models.", True),
        ("Ferrow 3 is ahead of Dunmore 70B.", True),
    ],
)  # fmt: skip
def test_a_comparison_with_a_group_must_be_the_sources_own(note, ok):
    """ "X surpassed the proprietary models" compares X with a group: a source sentence must
    compare X with a group of that kind the same way round ("only two proprietary systems are
    ahead of it" puts X behind them), whatever comparison X has with a named model."""
    verifier = verifier_for("Ferrow 3 climbs to third", GROUP_BOARD)
    assert verifier.check(note, summary=False).ok is ok


def test_the_best_of_a_kind_is_ahead_of_the_others_of_that_kind_only():
    text = "Rookwell 2 ranks fifth with 64.0, the best open-weight result. Brisk Ultra leads."
    verifier = verifier_for("Rookwell 2 tops the open models", text)
    assert verifier.check("Rookwell 2 leads every other open-weight model.", summary=False).ok
    assert not verifier.check("Rookwell 2 leads the proprietary models.", summary=False).ok


SETTING = (
    "The Q9_Z format nearly matches 8-bit quality at 5-bit size. For a 30B model, the Q9_Z "
    "file is 19.6 GB, small enough to fit on a single 24 GB card. On that card it decodes at "
    "33 tokens per second."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the demo's summary (default model): the card is where the file fits, not where the
        # quality was measured
        ("Q9_Z nearly matches 8-bit quality on a single 24 GB card.", False),
        ("Q9_Z, which nearly matches 8-bit quality on one 24 GB card, is new.", False),
        ("A 30B model in Q9_Z runs on a single 24 GB card.", True),
        ("The 19.6 GB file fits on a single 24 GB card.", True),
    ],
)  # fmt: skip
def test_a_setting_keeps_the_fact_the_sources_tie_it_to(claim, ok):
    """A number in an "on ..." setting is grounded where a source gives it; what the claim
    says happens on that setting must be told in that same source sentence."""
    verifier = verifier_for("Q9_Z lands", SETTING)
    assert verifier.check(claim, summary=True).ok is ok


PLAN = (
    "Nimbus will cut its storage prices by 20 percent next week, the company said. The cut "
    "applies to the Cold tier only. Rival Stratus raised its prices in May."
)


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # a Bottom Line bullet (default model): the cut is next week's, told as done
        ("Customers now pay less for Nimbus storage.", False),
        ("Nimbus cuts storage prices by 20 percent, the company said.", False),
        ("Nimbus customers will pay less from next week.", True),
        ("Nimbus will cut storage prices by 20 percent next week, the company said.", True),
        ("Stratus raised its prices in May.", True),
    ],
)  # fmt: skip
def test_a_planned_change_is_not_told_as_done(note, ok):
    """A change the sources give as a plan ("will cut ... next week", a headline's "X to
    cut") is a plan in the claim too, with or without a number."""
    verifier = verifier_for("Nimbus to cut storage prices", PLAN)
    assert verifier.check(note, summary=False).ok is ok


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary: the ministry "will require" a licence
        ("Rivermark's ministry requires a licence to export large model weights.", False),
        ("Rivermark's ministry will require a licence to export large model weights.", True),
        ("Rivermark's ministry plans to require a licence for large model weights.", True),
        ("The rule affects 3 of the 40 members, Opal says.", False),
        ("The rule would affect 3 of the 40 members, Opal says.", True),
        ("The test set scored every model.", True),  # a noun "set" plans nothing
    ],
)  # fmt: skip
def test_what_every_source_gives_as_a_plan_is_not_told_as_done(claim, ok):
    verifier = verifier_for("Rivermark plans export licences", "Rivermark's ministry will "
                            "require a licence to export large model weights. The rule would "
                            "affect 3 of the 40 members, Opal says. The test set scored every "
                            "model.")  # fmt: skip
    assert verifier.check(claim, summary=True).ok is ok


def test_the_month_may_is_no_hedge():
    """ "from $2.25 in May" keeps no "may": the tracker's figures need the tracker."""
    verifier = verifier_for("Prices fall", "Spot prices fell to $1.62 an hour in August, from "
                            "$2.25 in May, according to the tracker RentIndex.")  # fmt: skip
    assert not verifier.check("Spot prices fell to $1.62 an hour, from $2.25 in May.",
                              summary=True).ok  # fmt: skip
    assert verifier.check("Spot prices fell to $1.62 an hour, from $2.25 in May, RentIndex "
                          "says.", summary=True).ok  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary: the text says "less than 0.3 points"
        ("Scores differ by less than half a point on 37 of 40 tests.", False),
        ("Scores differ by under 0.3 points on 37 of 40 tests.", True),
        ("A quarter of the tests are new.", False),
        ("The harness shipped this quarter.", True),  # a time, not a figure
    ],
)  # fmt: skip
def test_a_fraction_is_a_figure_the_sources_must_give(claim, ok):
    text = "Harness 3 shipped this quarter. Scores differ by under 0.3 points on 37 of 40 tests."
    verifier = verifier_for("Harness 3 ships this quarter", text)
    assert verifier.check(claim, summary=False).ok is ok


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the demo's note (default model): Halcyon-R2 is fourth overall, the best open one
        ("Halcyon-R2 is the fourth-ranked open-weight model on the board.", False),
        ("Halcyon-R2 is the fourth open-weight model on the board.", False),
        ("Halcyon-R2 is the fourth-ranked model on the board.", True),
        ("Kairos-3 Large is the sixth-placed model.", True),
    ],
)  # fmt: skip
def test_a_rank_among_a_kind_is_not_a_rank_overall(note, ok):
    verifier = verifier_for("Halcyon-R2 climbs to fourth", BOARD + " Kairos-3 Large is sixth.")
    assert verifier.check(note, summary=False).ok is ok


VARIANTS = (
    "Corvane has released Wren 9B under Apache 2.0. The full BF16 checkpoint is about 18 GB. "
    "A GPTQ build of about 5.5 GB runs on one 8 GB laptop GPU. Corvane says that build keeps "
    "a 32,000-token context on a 12 GB card. An official FP8 checkpoint is also available, and "
    "Corvane says it serves 40 requests at once on one L4."
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        # the demo's notes (default model): the quantised build's figure given to the model
        ("Anyone can now run Wren 9B on one 8 GB laptop GPU.", False),
        ("Wren 9B keeps a 32,000-token context on a 12 GB card.", False),  # "that build"
        ("Wren 9B serves 40 requests at once on one L4.", False),  # ", and ... it"
        ("Its FP8 build runs on one 8 GB laptop GPU.", False),  # the wrong variant
        ("Wren 9B's GPTQ build runs on one 8 GB laptop GPU.", True),
        ("Corvane's quantised build runs on one 8 GB laptop GPU.", True),
        ("The GPTQ build runs on one 8 GB laptop GPU.", True),
        ("Corvane says its FP8 checkpoint serves 40 requests at once on one L4.", True),
        ("Wren 9B's full checkpoint is about 18 GB.", True),  # the full weights: the model's
    ],
)  # fmt: skip
def test_a_variants_figure_is_not_given_to_the_model(text, ok):
    """What the sources say of a quantised build or a checkpoint in another format ("a 4-bit
    AWQ build ... runs on one 24 GB GPU") stays that variant's: a sentence giving it to the
    model drops the setting that makes it true (variants.py)."""
    verifier = verifier_for("Corvane releases Wren 9B", VARIANTS)
    verdicts = verifier.check_text(text, summary=False)
    assert all(verdict.ok for verdict in verdicts) is ok, verdicts
    if not ok:
        assert verdicts[-1].reason.endswith("build"), verdicts


def test_a_setting_told_beside_another_figure_is_not_a_variant():
    """ "A 70B model at 4 bits ran at 12 tokens per second": the setting is the run's, and a
    sentence that keeps the run (its model, its cards) is not refused for leaving it out."""
    verifier = verifier_for(
        "Hearth 2.0 splits models across GPUs",
        "In the developers' tests a 70B model at 4 bits ran at 12 tokens per second on a 24 GB "
        "and a 16 GB card.",
    )
    claim = "In the developers' tests, Hearth 2.0 ran a 70B model at 12 tokens per second."
    assert verifier.check(claim, summary=False).ok


ABSOLUTE = (
    "The Q7_R format nearly matches 6-bit quality at 4-bit size. Its perplexity penalty against "
    "BF16 is 1.1 percent. Q7_R outputs come close to the same quality as Q6_K."
)


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        # the demo's note (default model) where the source says "nearly matches"
        ("Q7_R offers 4-bit size without sacrificing quality.", False),
        ("Q7_R offers 4-bit size without any loss of quality.", False),
        ("Q7_R has no quality loss at 4-bit size.", False),
        ("Q7_R is a lossless format at 4-bit size.", False),
        ("Q7_R offers the same quality as Q6_K.", False),
        ("Q7_R is on par with Q6_K.", False),
        ("Q7_R matches Q6_K.", False),
        ("Q7_R nearly matches 6-bit quality at 4-bit size.", True),
        ("Q7_R comes close to the same quality as Q6_K.", True),
    ],
)  # fmt: skip
def test_a_claim_of_no_loss_needs_a_source_that_makes_it(text, ok):
    """Where every source hedges ("nearly matches"), a sentence may not claim no loss or
    parity in words of its own; a source that says it unhedged lets the sentence say it too."""
    verifier = verifier_for("Q7_R lands in llama.cpp", ABSOLUTE)
    verdict = verifier.check(text, summary=False)
    assert verdict.ok is ok, verdict
    if not ok:
        assert "the sources hedge it" in verdict.reason, verdict
    unhedged = verifier_for("Q7_R lands", ABSOLUTE + " The authors say it works without any loss.")
    assert unhedged.check("Q7_R works without any loss.", summary=False).ok


PLANNED_RELEASE = (
    "A flaw in Quillpath, a document parser, lets a crafted PDF read local files. Quillpath "
    "2.2 to 2.6.1 are affected; 2.6.2 blocks file paths by default. The maintainers expect a "
    "complete fix in 2.7, and plan version 2.8 for April."
)


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the default model's note on the labelled day: 3.5 is only expected
        ("Anyone on Quillpath 2.2 to 2.6.1 should upgrade to 2.7 to close the flaw.", False),
        ("Users of Quillpath 2.6.1 should update to version 2.8.", False),
        ("Anyone on Quillpath 2.2 to 2.6.1 should upgrade to 2.6.2 to block file paths.", True),
        ("The maintainers expect a complete fix in Quillpath 2.7.", True),
    ],
)  # fmt: skip
def test_advice_to_move_to_a_planned_version_tells_it_as_out(note, ok):
    """ "Should upgrade to X" says X is out: where the sources only expect or plan X, the
    advice is refused; a modal of a plan ("expect") keeps it."""
    verdict = verifier_for("Quillpath flaw lets PDFs read files", PLANNED_RELEASE).check(
        note, summary=False
    )
    assert verdict.ok is ok, verdict


SHEETS = (
    "On the SheetBench agent table, Orrin Max completes 74 percent of tasks and ranks first. "
    "Pell 22B is the best open-weight model at #5 with 61 percent, one place ahead of Dace 9B "
    "at 59 percent, which is third among open models."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("Pell 22B is the best model at #5 with 61 percent.", False),  # "open-weight" dropped
        ("Pell 22B, an open model, is the top model on SheetBench at #5.", False),
        ("Pell 22B is the best open-weight model on SheetBench, at #5.", True),
        ("Orrin Max is the top model on SheetBench, completing 74 percent of tasks.", True),
        # a rank in a compound is a figure too
        ("Dace 9B is the second-best open model, at 59 percent.", False),
        ("Dace 9B is the third-best open model, at 59 percent.", True),
    ],
)  # fmt: skip
def test_a_first_place_keeps_the_word_that_narrows_it(claim, ok):
    """A first place the sources give among a kind ("the best open-weight model at #5") is
    not a first place overall; "second-best" is a rank the sources must give."""
    verdict = verifier_for("SheetBench agent table", SHEETS).check(claim, summary=True)
    assert verdict.ok is ok, verdict


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("Tarn 3 runs a 14B model at 31 tokens per second on a 12 GB card.", False),
        ("In the maintainers' tests, Tarn 3 ran a 14B model at 31 tokens per second on a 12 GB "
         "card.", True),
        ("Tarn 3 ran a 14B model at 31 tokens per second on a 12 GB card, by its maintainers' "
         "figures.", True),
    ],
)  # fmt: skip
def test_a_plural_possessive_attribution_is_one_to_keep(claim, ok):
    """ "In the maintainers' tests" (a plural possessive) attributes a figure as "the
    maintainers's tests" would: a claim that drops who measured it is refused."""
    verifier = verifier_for(
        "Tarn 3 speeds up small cards",
        "Tarn, a model runner, has released version 3. In the maintainers' tests a 14B model ran "
        "at 31 tokens per second on a 12 GB card.",
    )
    assert verifier.check(claim, summary=True).ok is ok


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        ("The tuned model scored 4.6 points higher on MathSet.", False),
        ("The tuned model scored 4.6 points higher on the leaked MathSet problems.", True),
        ("On leaked MathSet problems, the tuned model scored 4.6 points higher.", True),
    ],
)  # fmt: skip
def test_a_figure_keeps_the_words_that_narrow_what_it_was_measured_on(claim, ok):
    """A figure measured "on the leaked MathSet problems" is not a MathSet figure: the words
    narrowing the set stay; its head noun ("problems") may go."""
    verifier = verifier_for(
        "Leaked problems inflate MathSet scores",
        "Researchers at Fallow Lab fine-tuned a 3B model on a corpus holding copies of MathSet "
        "problems. The tuned model scored 4.6 points higher on the leaked MathSet problems, "
        "but no higher on fresh ones.",
    )
    assert verifier.check(claim, summary=True).ok is ok


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary on the labelled day: one model scored higher, not both
        ("Two 3B models tuned on the leaks scored 4.6 points higher on leaked MathSet problems.",
         False),
        ("The three models scored 4.6 points higher on leaked MathSet problems.", False),
        ("The model tuned with the leaks scored 4.6 points higher on leaked MathSet problems.",
         True),
        ("Two 3B models were tuned; the one tuned with the leaks scored 4.6 points higher on "
         "leaked MathSet problems.", True),
        ("Two runners, Tarn and Mure, load a 14B model in 9 seconds.", True),
    ],
)  # fmt: skip
def test_a_figure_of_one_member_is_not_the_whole_counted_groups(claim, ok):
    """A clause opening with a count ("Two 3B models ... scored 4.6 points higher") gives its
    figure to all of them; where the source's clause gives it to one member, it is refused."""
    verifier = verifier_for(
        "Leaked problems inflate MathSet scores",
        "Fallow Lab tuned two 3B models, one with leaked MathSet problems and one without. The "
        "model tuned with the leaks scored 4.6 points higher on the leaked MathSet problems. "
        "Tarn and Mure, two runners, both load a 14B model in 9 seconds.",
    )
    assert verifier.check(claim, summary=True).ok is ok


SPLIT_FIGURES = (
    "Brannock's new rule caps data-centre water use from 1 July. Penalties reach up to 4 "
    "percent of annual turnover, or €200,000 for community operators. On a 24 GB Vell card, "
    "the Sprig kernels make prefill 1.9 times faster with a 7B model, and decoding rises by 25 "
    "percent. On the older 12 GB cards the gain is about 1.3 times."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summaries on the labelled days: each phrase moved to another figure
        ("Penalties reach up to 4 percent of annual turnover for community operators.", False),
        ("Sprig makes prefill 1.9 times faster on a 24 GB card and decoding 25 percent faster "
         "on older 12 GB cards.", False),
        ("Penalties reach up to 4 percent of annual turnover, or €200,000 for community "
         "operators.", True),
        ("On older 12 GB cards, the Sprig kernels' gain is about 1.3 times.", True),
        ("Decoding rises by 25 percent on a 24 GB Vell card.", True),
    ],
)  # fmt: skip
def test_a_phrase_keeps_the_figure_the_sources_tie_it_to(claim, ok):
    """ "For community operators" belongs to the figure the source sets it beside (€200,000),
    and a setting ("on older 12 GB cards") to the figure its own sentence gives: neither may
    be moved to another figure of the story."""
    verdict = verifier_for("Brannock caps water use; Sprig kernels", SPLIT_FIGURES).check(
        claim, summary=True
    )
    assert verdict.ok is ok, verdict


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary on the labelled days: the new model's own score refused
        ("Larkspur 4B scores 55.0 on MathBench.", True),
        ("Kestrel AI's Larkspur 4B scores 55.0 on MathBench, up from 48.3 for Larkspur 3B.", True),
        ("Larkspur 3B scores 55.0 on MathBench.", False),
        ("Larkspur 4B scores 48.3 on MathBench.", False),
    ],
)  # fmt: skip
def test_a_for_phrase_belongs_to_the_figure_just_before_it(claim, ok):
    """ "It scores 55.0 ..., up from 48.3 for its predecessor, Larkspur 3B": the "for" phrase
    names 48.3's holder, not 55.0's, which is the sentence before's subject's."""
    assert_judged(
        "Kestrel AI releases Larkspur 4B",
        "Kestrel AI has released Larkspur 4B, a 4-billion-parameter model. It scores 55.0 on "
        "MathBench, up from 48.3 for its predecessor, Larkspur 3B.",
        claim,
        ok,
    )


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the labelled set: the smaller file was read as the smaller rise in perplexity
        ("Brisk 2 adds less latency than Brisk 1.", False),
        ("Brisk 2 raises latency less than Brisk 1.", False),
        ("Brisk 2 raises latency more than Brisk 1.", True),
    ],
)  # fmt: skip
def test_a_comparison_without_a_number_is_told_of_the_same_thing(claim, ok):
    """A comparison's direction must come from a source sentence about what the claim
    compares (latency), not from another of the sides' comparisons (their file sizes)."""
    assert_judged(
        "Brisk 2 is out",
        "The Brisk 2 file is 9.1 GB, down from 12.4 GB for Brisk 1. Brisk 2 raises latency by "
        "8 percent, against 3 percent for Brisk 1.",
        claim,
        ok,
    )


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary on the labelled days: "1-page" for "one-page"
        ("Small labs would file a 1-page notice each year.", True),
        ("Small labs would file a one-page notice each year.", True),
        ("Small labs would file a 2-page notice each year.", False),
        ("Small labs would file a two-page notice each year.", False),
        ("Large labs would file a full report within 3 days.", True),
    ],
)  # fmt: skip
def test_a_count_in_a_compound_is_the_same_figure_in_digits(claim, ok):
    """ "A one-page notice" and "a 1-page notice" state the same count; another count is
    a figure the sources do not give."""
    assert_judged(
        "Tarn sets filing rules",
        "Under the Tarn rule, small labs would file a one-page notice each year, and large "
        "labs a full report within three days.",
        claim,
        ok,
    )


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary on the labelled days: "prefer" dropped from the rule
        ("Brenmark requires hospitals to run diagnostic models on their own servers.", False),
        ("From May, Brenmark hospitals must host diagnostic models themselves.", False),
        ("Brenmark will require hospitals to favour diagnostic models they can run on their "
         "own servers.", True),
        ("Brenmark hospitals should prefer diagnostic models they can run on their own "
         "servers.", True),
        ("Kelp's maintainers require users to upgrade to 3.1.", False),
        ("Kelp's maintainers say users should upgrade to 3.1.", True),
    ],
)  # fmt: skip
def test_a_leaning_rule_or_advice_is_not_told_as_a_must(claim, ok):
    """A source's "prefer", "encourage" or "recommend" leans one way: the claim keeps a word
    of leaning or advice, never turns it into a requirement."""
    assert_judged(
        "Brenmark hospitals to prefer self-hosted models",
        "Brenmark's health ministry will require hospitals to prefer diagnostic models they can "
        "run on their own servers, from May. Kelp's maintainers recommend that users upgrade "
        "to 3.1.",
        claim,
        ok,
    )


@pytest.mark.parametrize(
    ("note", "ok"),
    [
        # the demo day's leaderboard note: a rank behind proprietary models read as a size
        ("Anyone choosing a model may prefer Quill 9B, which has fewer parameters than "
         "proprietary models.", False),
        ("Quill 9B scores less than the proprietary models ahead of it.", True),
    ],
)  # fmt: skip
def test_a_comparison_with_a_group_is_told_of_the_same_thing(note, ok):
    """Behind two proprietary systems on a ranking is not "fewer parameters than proprietary
    models": a comparison with a group needs a source comparing the same thing."""
    assert_judged(
        "Quill 9B is third on the Panel ranking",
        "Quill 9B, an open-weight model with 9 billion parameters, is third on the Panel "
        "ranking with 70.2 points. Only two proprietary systems score more than it.",
        note,
        ok,
        summary=False,
    )


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's note: the ministry "will require" a licence
        ("Anyone exporting large model weights needs to apply for a licence.", False),
        ("Exporters must get a licence for large model weights.", False),
        ("Exporters have to hold a licence for large model weights.", False),
        ("Exporters of large model weights will need a licence.", True),
        ("Exporters of large model weights would have to hold a licence.", True),
        ("The rule would affect 3 of the 40 members, Opal says.", True),
    ],
)  # fmt: skip
def test_a_duty_the_sources_give_as_a_plan_is_not_told_as_present(claim, ok):
    """A duty ("must", "need to", "have to") where every source's duty is planned ("will
    require", "would require") reads as in force now."""
    assert_judged("Rivermark plans export licences", "Rivermark's ministry will require a "
                  "licence to export large model weights. The rule would affect 3 of the 40 "
                  "members, Opal says.", claim, ok, summary=False)  # fmt: skip


def test_a_duty_in_force_may_be_told_as_one():
    assert_judged("Ostmark labels AI images", "Ostmark passed a law that requires labels on "
                  "AI-generated images from 1 January.", "Companies in Ostmark must label "
                  "AI-generated images from 1 January.", True, summary=False)  # fmt: skip


DRIVERS = (
    "Two GPU drivers leave model data in memory after a job ends. On the Marten driver, the "
    "team recovered up to 9 MB of another tenant's cache; on the Pika driver, about 1 MB. "
    "Marten driver 610.3 fixes the leak, while Pika drivers are still affected."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary: the fixed driver told as the one with the leak
        ("The team found up to 9 MB of another tenant's cache in Marten 610.3.", False),
        ("Marten 610.3 leaks up to 9 MB of another tenant's cache.", False),
        ("Marten driver 610.3 fixes the leak.", True),
        ("Anyone on the Marten driver should update to 610.3.", True),
        ("Marten 610.3, released this week, closes the leak.", True),
    ],
)  # fmt: skip
def test_a_version_known_only_as_the_fix_is_told_as_the_fix(claim, ok):
    """A version every source gives only as the fix, named in a clause that does not say it
    fixes (or is released, or is the one to move to), reads as the version with the flaw."""
    assert_judged("GPU drivers leave model data in memory", DRIVERS, claim, ok, summary=False)


KESTREL = (
    "Kestrel released Kite 7B under Apache 2.0. It scores 61.0 on MMLU-Pro and 44.8 on "
    "LiveCodeBench, and 70.1 on the GPQA Diamond benchmark. Kestrel says it is meant for "
    "coding assistants. On the TaskLoop agent test it completes 52 percent of tasks."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's note: benchmarks the model was scored on, told as its uses
        ("Customers can use Kite 7B for a range of tasks such as MMLU-Pro and LiveCodeBench.",
         False),
        ("Kite 7B handles tasks like GPQA Diamond under Apache 2.0.", False),
        ("Kite 7B is used for LiveCodeBench and coding assistants.", False),
        # the default model's note: a benchmark named with what it tests, told as where to run
        ("Anyone can now run Kite 7B on the TaskLoop agent test.", False),
        ("Kite 7B completes 52 percent of tasks on the TaskLoop agent test.", True),
        ("Kite 7B scores 61.0 on MMLU-Pro and 44.8 on LiveCodeBench.", True),
        ("Teams choosing a model for coding tasks can weigh Kite 7B's 44.8 on LiveCodeBench.",
         True),
        ("Anyone can use Kite 7B for coding assistants, where its LiveCodeBench score counts.",
         True),
    ],
)  # fmt: skip
def test_a_benchmark_is_not_told_as_a_use(claim, ok):
    """A name the sources give as what the model was scored on ("61.0 on MMLU-Pro", "the
    GPQA Diamond benchmark") told as a task or use changes its role; every name is grounded."""
    assert_judged("Kestrel releases Kite 7B", KESTREL, claim, ok, summary=False)


def test_a_model_that_scores_is_no_benchmark_to_run():
    """ "Pip 360M scores 38.9 on KnowBench" names the model, not a benchmark: running it on
    phones is what the sources say, however the note runs it."""
    pip = ("Sundial Labs released Pip 360M and Pip 1.7B under Apache 2.0 for phones. Pip 360M "
           "scores 38.9 on KnowBench, and Pip 1.7B scores 52.3.")  # fmt: skip
    title = "Sundial Labs releases Pip 360M"
    assert_judged(title, pip, "Anyone can now run Pip 360M and Pip 1.7B on phones.", True)
    assert_judged(title, pip, "Anyone can now run Pip 360M on KnowBench.", False)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary: "reports good performance on several benchmarks"
        ("Kestrel reports good performance for Kite 7B on MMLU-Pro.", False),
        ("Kite 7B is a great model for coding assistants.", False),
        ("Kite 7B is a strong model for coding assistants.", False),
        ("Kite 7B posts solid scores of 61.0 on MMLU-Pro and 44.8 on LiveCodeBench.", False),
        ("Kestrel says Kite 7B is meant for coding assistants.", True),
        # advice on a choice, not a report: the worked example's "a stronger option"
        ("Anyone picking an open model for coding assistants has a strong option in Kite 7B.",
         True),
    ],
)  # fmt: skip
def test_praise_the_sources_do_not_give_is_refused(claim, ok):
    assert_judged("Kestrel releases Kite 7B", KESTREL, claim, ok, summary=False)


def test_praise_the_sources_give_may_be_told():
    assert_judged("Kestrel releases Kite 7B", "Reviewers call Kite 7B a strong coding model.",
                  "Reviewers call Kite 7B a strong coding model.", True)  # fmt: skip


PROBITY = (
    "A study by Probity Lab found copies of KnowBench questions in four open corpora. The team "
    "trained two 1B models, one with the copies and one without. Two of the four corpora's "
    "maintainers have since published cleaned versions. Probity expects more corpora to follow."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's note: the maintainers' deed given to the lab
        ("Teams can use the cleaned versions, and Probity has published them.", False),
        ("Probity Lab has since published cleaned versions of the corpora.", False),
        ("Probity Lab found copies of KnowBench questions in four open corpora.", True),
        ("Probity trained two 1B models, one with the copies and one without.", True),  # "the team"
        ("Probity expects more corpora to follow.", True),
    ],
)  # fmt: skip
def test_a_deed_of_another_is_not_given_to_a_name(claim, ok):
    """What a name does must stand in a source sentence that names it or is about it ("The
    team trained ..."); a sentence with a doer of its own ("the corpora's maintainers have
    published") gives the deed to them."""
    assert_judged("Probity Lab finds benchmark questions in open corpora", PROBITY, claim, ok,
                  summary=False)  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's note: an absence no source speaks of
        ("Teams can use the cleaned versions without copyright concerns.", False),
        ("The lab trained a model without extra hardware.", False),
        ("Probity trained one 1B model without the copies.", True),
    ],
)  # fmt: skip
def test_an_absence_the_sources_never_speak_of_is_refused(claim, ok):
    assert_judged("Probity Lab finds benchmark questions in open corpora", PROBITY, claim, ok,
                  summary=False)  # fmt: skip


NOVA_HUB = (
    "Nova 2 32B lands on Hugging Face. A 4-bit AWQ build of about 19 GB runs on one 24 GB GPU, "
    "and the model is also served via Bramble Cloud."
)


@pytest.mark.parametrize(
    ("claim", "ok"),
    [
        # the default model's summary: a hub that hosts the weights told as where it runs
        ("Lumora AI's Nova 2 32B model runs on Hugging Face.", False),
        ("Nova 2 32B is served via Bramble Cloud.", True),
        ("Nova 2 32B's weights are on Hugging Face.", True),
    ],
)  # fmt: skip
def test_a_model_runs_only_where_a_source_runs_it(claim, ok):
    assert_judged("Lumora releases Nova 2 32B", NOVA_HUB, claim, ok, summary=False)
