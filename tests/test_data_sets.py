"""The labelled sets for checking written text (issues 13 and 16) hold what they promise.

- tests/data/claims_set.yaml: invented stories with (claim, verdict) pairs for the claim-level
  verifier; each unsupported claim names the kind of error a small model makes.
- tests/data/bottom_line_days.yaml: consecutive days of stories for the Bottom Line, each story
  with `facts` (names and numbers that no other story of its day has), the oracle of which
  stories a bullet draws on; story threads continue across days.
- tests/data/demo_facts.yaml: every number the demo day's items give (briefbot/demo/news.yaml),
  with its subject, role words and hedge, and the demo leaderboard, for the end-to-end check.
- tests/data/claims_facts.yaml: the same table for each story of the claims set, read by the
  test oracle (tests/fact_oracle.py) that judges written sentences independently of the writer.

A mislabelled or misquoted entry corrupts what these sets measure, so the checks here are the
invariants that can be checked mechanically: strings quoted from a text are in that text, counts
and kinds are as the issues ask, and a supported claim uses no number its story lacks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests import fact_oracle

DATA = Path(__file__).parent / "data"
DEMO_NEWS = Path(__file__).parents[1] / "briefbot" / "demo" / "news.yaml"

STORY_KINDS = {"release", "security", "leaderboard", "tooling", "business", "policy", "research"}
ERROR_KINDS = {
    "wrong_subject",
    "group",
    "direction",
    "role",
    "hedge",
    "invented",
    "superlative",
}
RELATIONS = {"from", "to", "by", "at", "ahead", "behind", "under", "over", "up to", "at least"}
# claims_facts.yaml adds a version's part in a flaw and a date's part as a bound.
CLAIM_RELATIONS = RELATIONS | {"fixed", "affected", "before", "after"}

# The grounding gate's number shape (briefbot/write/grounding.py), trailing commas dropped.
NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)*")
SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(#$€])")
ORDINALS = {
    word: str(value)
    for value, word in enumerate(
        "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh"
        " twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth"
        " twentieth".split()
    )
}

# Wording the verifier must read right; each is carried by at least ten stories of the claims set.
WORDINGS = {
    "from/to change": re.compile(r"\bfrom\b[^.;]{1,40}?\bto\b"),
    "by-delta": re.compile(r"\bby (?:about |roughly )?[\d$€]|\d points? (?:ahead|behind|higher)"),
    "ahead/behind": re.compile(r"\b(?:ahead|behind|leads?|trails?)\b"),
    "rose/fell": re.compile(r"\b(?:rose|rises|fell|falls|up from|down from|drops|slips|narrow)"),
    "cut/raised": re.compile(r"\b(?:cut|cuts|cutting|raised|raises)\b"),
    "fixed/affected": re.compile(r"\b(?:fix|fixes|fixed|patched)\b.*\baffect|\baffect.*\bfix"),
    "bound": re.compile(r"\b(?:up to|under|more than|fewer than|less than|at least)\b"),
    "hedge": re.compile(
        r"\b(?:nearly|about|roughly|says|said|say|according to|expected|expects?|estimates?"
        r"|own tests|own benchmarks|report)\b"
    ),
    "pronoun": re.compile(r"(?:^|[.;] )(?:It|Its|They)\b|, it\b|\bit (?:scores|has|adds|ranks)"),
    "rank": re.compile(
        r"#\d+|\b\d+(?:st|nd|rd|th)\b|\b(?:second|third|fourth|fifth|sixth|seventh|eighth"
        r"|ninth|tenth|eleventh|fifteenth)\b"
    ),
}


def load(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def numbers(text: str) -> set[str]:
    return {match.rstrip(",") for match in NUMBER.findall(text)}


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(" ".join(text.split())) if part]


# ------------------------------------------------------------------------- claims set (issue 13)


@cache
def claim_stories() -> list[dict]:
    return load("claims_set.yaml")["stories"]


def test_claims_set_stories_have_the_agreed_shape():
    stories = claim_stories()
    assert len({story["id"] for story in stories}) == len(stories)
    for story in stories:
        where = story["id"]
        assert set(story) == {"id", "kind", "title", "text", "key_facts", "claims"}, where
        assert story["kind"] in STORY_KINDS, where
        assert story["title"].strip(), where
        assert 60 <= len(story["text"].split()) <= 160, where
        assert 3 <= len(sentences(story["text"])) <= 7, where
        assert 2 <= len(story["key_facts"]) <= 3, where
        for fact in story["key_facts"]:
            assert fact in story["text"], (where, fact)
        assert 6 <= len(story["claims"]) <= 11, where
        texts = [claim["text"] for claim in story["claims"]]
        assert len(set(texts)) == len(texts), where
        for claim in story["claims"]:
            assert set(claim) <= {"text", "verdict", "error", "note"}, (where, claim)
            assert len(sentences(claim["text"])) == 1, (where, claim["text"])
            assert claim["text"].endswith("."), (where, claim["text"])
            if claim["verdict"] == "supported":
                assert "error" not in claim, (where, claim["text"])
            else:
                assert claim["verdict"] == "unsupported", (where, claim["text"])
                assert claim.get("error") in ERROR_KINDS, (where, claim["text"])


def test_claims_set_is_large_and_balanced_enough_to_measure():
    stories = claim_stories()
    assert len(stories) >= 44
    kinds = Counter(story["kind"] for story in stories)
    assert set(kinds) == STORY_KINDS and min(kinds.values()) >= 5, kinds
    stories_with_error = Counter()
    for story in stories:
        verdicts = Counter(claim["verdict"] for claim in story["claims"])
        errors = {claim["error"] for claim in story["claims"] if claim["verdict"] == "unsupported"}
        assert verdicts["supported"] >= 3 and verdicts["unsupported"] >= 3, story["id"]
        assert len(errors) >= 2, story["id"]
        stories_with_error.update(errors)
    assert set(stories_with_error) == ERROR_KINDS
    assert min(stories_with_error.values()) >= 10, stories_with_error


def test_supported_claims_use_only_numbers_their_story_gives():
    """No arithmetic and no new figures: a supported claim's numbers are all in its text (an
    ordinal may change form, "sixth" -> "6th")."""
    for story in claim_stories():
        given = numbers(story["text"])
        given |= {n for word, n in ORDINALS.items() if re.search(rf"\b{word}\b", story["text"])}
        for claim in story["claims"]:
            if claim["verdict"] == "supported":
                missing = numbers(claim["text"]) - given
                assert not missing, (story["id"], claim["text"], missing)


@pytest.mark.parametrize("wording", sorted(WORDINGS))
def test_claims_set_stories_carry_each_kind_of_wording(wording):
    carriers = [story["id"] for story in claim_stories() if WORDINGS[wording].search(story["text"])]
    assert len(carriers) >= 10, carriers


def test_claims_set_has_a_leaderboard_story_with_several_ranked_models():
    def ranked(text: str) -> int:
        return len(WORDINGS["rank"].findall(text))

    assert any(
        story["kind"] == "leaderboard" and ranked(story["text"]) >= 4 for story in claim_stories()
    )


# ------------------------------------------------------- claims facts (issue 13, the oracle)


@cache
def claim_facts() -> dict[str, dict]:
    return load("claims_facts.yaml")["stories"]


def test_claims_facts_cover_every_story_of_the_claims_set():
    assert list(claim_facts()) == [story["id"] for story in claim_stories()]
    for story_id, entry in claim_facts().items():
        assert set(entry) == {"subjects", "names", "facts"}, story_id
        assert entry["subjects"] and entry["facts"], story_id


def test_claims_facts_stand_in_their_story_with_subject_role_and_hedge():
    """As for the demo: names, roles and the first spelling of each subject are the text's own
    (further spellings are other ways to name the same entity: "Hearth 1.9" for "Version 1.9"),
    each number shares a sentence with its role words, and a hedge stands in such a sentence.
    The title counts as a sentence: the writer is shown it ("a 120B mixture-of-experts
    model")."""
    for story in claim_stories():
        entry, text = claim_facts()[story["id"]], f"{story['title']}. {story['text']}"
        story_sentences = [story["title"], *sentences(story["text"])]
        for spelling in entry["subjects"][:1] + entry["names"]:
            assert spelling.lower() in text.lower(), (story["id"], spelling)
        for fact in entry["facts"]:
            where = (story["id"], fact)
            assert set(fact) <= {
                *("number", "subject", "role", "hedge", "relation", "direction", "condition")
            }
            assert isinstance(fact["number"], str) and isinstance(fact["subject"], list), where
            assert fact["subject"][0].lower() in text.lower(), where
            carriers = [s for s in story_sentences if contains_number(s, fact["number"])]
            assert any(fact["role"].lower() in s.lower() for s in carriers), where
            for told in ("hedge", "condition"):
                if told in fact:
                    assert any(fact[told].lower() in s.lower() for s in carriers), where
            assert fact.get("relation", "at") in CLAIM_RELATIONS | {"at"}, where
            assert fact.get("direction", "up") in {"up", "down"}, where


def test_claims_facts_leave_no_number_of_a_story_out():
    """Every number the oracle reads in a story's text (digits, "three", "fourth", dates) is a
    listed fact, or part of a listed name."""
    for story in claim_stories():
        entry = claim_facts()[story["id"]]
        covered = set().union(*(fact_oracle.values(fact["number"]) for fact in entry["facts"]))
        missing = set(fact_oracle.numbers(story["text"], entry["names"])) - covered
        assert not missing, (story["id"], sorted(missing))


# -------------------------------------------------------------- Bottom Line days (issue 16)


@cache
def days() -> list[dict]:
    return load("bottom_line_days.yaml")["days"]


def test_bottom_line_days_are_consecutive_and_have_the_agreed_shape():
    dates = [day["day"] for day in days()]
    assert len(dates) >= 12
    assert dates[0] == dt.date(2026, 9, 1)
    assert dates == [dates[0] + dt.timedelta(days=n) for n in range(len(dates))]
    for day in days():
        assert 4 <= len(day["stories"]) <= 6, day["day"]
        for story in day["stories"]:
            where = (day["day"], story.get("title"))
            assert set(story) == {"title", "kind", "sources", "thread", "text", "summary", "facts"}
            assert story["kind"] in STORY_KINDS, where
            assert 1 <= len(story["sources"]) <= 3, where
            assert all(isinstance(source, str) and source for source in story["sources"]), where
            assert story["thread"] is None or isinstance(story["thread"], str), where
            assert 3 <= len(sentences(story["text"])) <= 6, where
            assert len(sentences(story["summary"])) == 2, where
            assert len(story["facts"]) >= 2, where


def test_bottom_line_facts_belong_to_exactly_one_story_of_their_day():
    """A fact is in its story's text and in no other story of that day (title, text or summary),
    so a bullet that uses it draws on that story."""
    for day in days():
        for story in day["stories"]:
            others = [other for other in day["stories"] if other is not story]
            for fact in story["facts"]:
                assert fact in story["text"], (day["day"], story["title"], fact)
                for other in others:
                    seen = " ".join((other["title"], other["text"], other["summary"])).lower()
                    assert fact.lower() not in seen, (day["day"], fact, other["title"])


def test_bottom_line_summaries_use_only_their_story_numbers():
    for day in days():
        for story in day["stories"]:
            missing = numbers(story["summary"]) - numbers(story["text"])
            assert not missing, (day["day"], story["title"], missing)


def test_bottom_line_days_carry_threads_across_days():
    days_of = defaultdict(list)
    for day in days():
        threads = [story["thread"] for story in day["stories"] if story["thread"]]
        assert len(threads) == len(set(threads)), day["day"]  # one story a thread a day
        for thread in threads:
            days_of[thread].append(day["day"])
    assert all(len(dates) >= 2 for dates in days_of.values()), days_of
    assert len(days_of) >= 3


# ------------------------------------------------------------------ demo facts (issue 13)


@cache
def demo_items() -> dict[str, list[dict]]:
    """Every item of the demo day (articles and Reddit posts), by event id."""
    news = yaml.safe_load(DEMO_NEWS.read_text(encoding="utf-8"))
    events = defaultdict(list)
    for outlet in news["outlets"]:
        for item in outlet["items"]:
            events[item["event"]].append(item)
    for subreddit in news["reddit"]:
        for post in subreddit["posts"]:
            events[post["event"]].append(post)
    return events


LIST_ITEM = re.compile(r"^\s*(?:\d+\.|[-*])\s+", re.M)


def paragraphs(item: dict) -> list[str]:
    """An item's title, teaser and paragraphs, each on one line; each item of a list (a Reddit
    post's "1. Aster Ultra 2 - 84.7") is a paragraph of its own, without its marker: the marker
    is the line's place in the list (the ranks are in demo_facts.yaml's `leaderboard`)."""
    body = item.get("body") or item.get("self_text") or ""
    parts = [item["title"], item.get("teaser") or ""]
    for paragraph in body.split("\n\n"):
        if LIST_ITEM.match(paragraph):
            parts += LIST_ITEM.sub("", paragraph).splitlines()
        else:
            parts.append(paragraph)
    return [" ".join(part.split()) for part in parts if part.strip()]


def event_paragraphs(event: str) -> list[str]:
    return [paragraph for item in demo_items()[event] for paragraph in paragraphs(item)]


def contains_number(text: str, number: str) -> bool:
    """`number` stands in `text` as a whole number, not as part of a longer one."""
    return re.search(rf"(?<![\w.,]){re.escape(number)}(?![\d]|[.,]\d)", text) is not None


@cache
def demo_facts() -> dict:
    return load("demo_facts.yaml")


def test_demo_facts_cover_every_event_of_the_demo_day():
    facts = demo_facts()["events"]
    assert set(facts) == set(demo_items())
    for event, entry in facts.items():
        assert set(entry) <= {"titles", "facts", "names"}, event
        assert entry["titles"] == [item["title"] for item in demo_items()[event]], event
        assert isinstance(entry["facts"], list), event  # empty where only names carry digits


def test_demo_facts_stand_in_their_event_with_subject_role_and_hedge():
    for event, entry in demo_facts()["events"].items():
        texts = event_paragraphs(event)
        whole = " ".join(texts).lower()
        for fact in entry["facts"]:
            where = (event, fact)
            keys = {"number", "subject", "role", "hedge", "relation", "condition", "variant"}
            assert set(fact) <= keys, where
            number, role = fact["number"], fact["role"].lower()
            assert isinstance(number, str) and isinstance(fact["subject"], list), where
            assert any(spelling.lower() in whole for spelling in fact["subject"]), where
            in_sentence = [
                sentence
                for text in texts
                for sentence in sentences(text)
                if contains_number(sentence, number) and role in sentence.lower()
            ]
            assert in_sentence, where  # the number and its role words share a sentence
            for told in ("hedge", "condition"):
                if told in fact:
                    words = fact[told].lower()
                    assert any(
                        contains_number(text, number) and words in text.lower() for text in texts
                    ), where
            if "relation" in fact:
                assert fact["relation"] in RELATIONS, where
            if "variant" in fact:  # the build is named where the number is given
                named = [s for s in in_sentence if any(v in s for v in fact["variant"])]
                assert named, where


def test_demo_facts_leave_no_number_of_the_demo_day_out():
    """Each number an item gives is a listed fact or part of a listed name ("Nova 2 32B")."""
    for event, entry in demo_facts()["events"].items():
        covered = set()
        for fact in entry["facts"]:
            covered |= numbers(fact["number"])
        for name in entry.get("names", []):
            assert name.lower() in " ".join(event_paragraphs(event)).lower(), (event, name)
            covered |= numbers(name)
        given = set().union(*(numbers(text) for text in event_paragraphs(event)))
        assert given <= covered, (event, sorted(given - covered))


def test_demo_leaderboard_rows_match_the_demo_snapshot():
    news = yaml.safe_load(DEMO_NEWS.read_text(encoding="utf-8"))
    expected = [
        {"rank": row["rank"], "model": row["model"], "score": row["displayScore"]}
        for row in news["leaderboard"]
    ]
    assert demo_facts()["leaderboard"] == expected
