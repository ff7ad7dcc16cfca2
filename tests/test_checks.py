"""Checks and repairs applied to model text."""

from briefbot.write.checks import (
    copied_share,
    distinct,
    is_generic,
    limit_sentences,
    parse_json_object,
)

ARTICLE = (
    "Mistral AI on Tuesday released Ministral 8B Instruct 2, an 8-billion-parameter model under "
    "the Apache 2.0 licence. The company says the model scores 71.4 on MMLU-Pro."
)


def test_json_cut_by_a_token_cap_is_closed():
    assert parse_json_object('{"summary": "Mistral released a mod') == {
        "summary": "Mistral released a mod"
    }
    assert parse_json_object('{"summary": "A.", "why_it') == {"summary": "A."}
    assert parse_json_object('Sure! {"bullets": ["one", "two"]} hope this helps') == {
        "bullets": ["one", "two"]
    }
    assert parse_json_object("no json here") is None


def test_limit_sentences_keeps_decimals_and_drops_a_cut_sentence():
    text = "It scores 71.4 on MMLU-Pro. It runs on one GPU, e.g. a 4090. It is fast. It is"
    assert (
        limit_sentences(text, 3)
        == "It scores 71.4 on MMLU-Pro. It runs on one GPU, e.g. a 4090. It is fast."
    )
    assert limit_sentences("One. Two. Three", 2) == "One. Two."
    assert limit_sentences("A single clause without end", 2) == "A single clause without end."
    cut = "TensorHarbor needs an update, and Lumora ships Nova 2 32B with a 13"
    assert limit_sentences(cut, 1) == "TensorHarbor needs an update."


def test_copied_share_sees_verbatim_runs_not_shared_names():
    assert copied_share(ARTICLE, ARTICLE) == 1.0
    rewritten = (
        "Ministral 8B Instruct 2 from Mistral AI is out with an Apache 2.0 licence "
        "and 71.4 on MMLU-Pro."
    )
    assert copied_share(rewritten, ARTICLE) < 0.35


def test_generic_why_it_matters_is_caught():
    assert is_generic("This is important for the community.", "Ministral 8B", ARTICLE)
    assert is_generic("It is a big step forward for everyone.", "Ministral 8B", ARTICLE)
    assert not is_generic(
        "Ministral's Apache licence lets companies ship it commercially.", "Ministral 8B", ARTICLE
    )


def test_distinct_drops_near_repeats():
    bullets = [
        "ETH researchers cut KV-cache memory sixfold.",
        "ETH researchers cut the KV-cache memory sixfold with a scorer.",
        "Nova 2 32B ships under Apache 2.0.",
    ]
    assert distinct(bullets) == [bullets[0], bullets[2]]
