"""Saved prompt prefixes, through the real runtime (llama.cpp, the tiny SmolLM2 model): the KV
state of a prompt's static part is saved once and read back by a later engine, which then
evaluates only the story's own part of the prompt's last message (not the instructions it
shares with the worked example) and writes what an engine without it writes."""

from __future__ import annotations

import logging

from briefbot.write.engine import Engine, Sampling, Section
from briefbot.write.model_files import MODEL_FILES, model_path
from briefbot.write.prefixes import SUFFIX, PrefixStore

ASK = "Write the SUMMARY in one plain sentence of your own words that names the release.\n"
STATIC = [
    {"role": "system", "content": "You write short, plain news summaries. " * 12},
    {"role": "user", "content": f"{ASK}TITLE: Kelp 3.1 fixes a crash\nFACTS:\n1. Kelp 3.1 is out."},
    {"role": "assistant", "content": "SUMMARY: Kelp 3.1 fixes a crash that hit 3.0 users."},
]
SECTIONS = (Section("SUMMARY:", 1, 30),)


def story(title: str) -> list[dict[str, str]]:
    return [*STATIC, {"role": "user", "content": f"{ASK}TITLE: {title}\nFACTS:\n1. {title}."}]


def engine(folder=None) -> Engine:
    path = model_path(MODEL_FILES["smollm2-135m"])
    return Engine(path, context_tokens=2048, threads=2, sequences=2, prefixes=folder)


def write(model: Engine, title: str):
    return model.generate(story(title), [Sampling(0.0, 1)], 40, sections=SECTIONS)


def test_a_later_engine_reads_the_static_part_back_and_writes_the_same(tmp_path):
    plain = engine()
    expected = [write(plain, title) for title in ("Tarn 2 is out", "Mure 4 ships")]
    plain.close()
    first = engine(tmp_path)
    cold = write(first, "Tarn 2 is out")
    first.close()
    assert cold.prompt_evaluated == cold.prompt_tokens  # nothing saved yet: all of it read
    assert len(list(tmp_path.glob(f"*{SUFFIX}"))) == 1
    later = engine(tmp_path)
    warm = [write(later, title) for title in ("Tarn 2 is out", "Mure 4 ships")]
    static = len(later.prompt(STATIC)) + len(later.tokenize(ASK))
    later.close()
    for result, alone in zip(warm, expected, strict=True):
        assert result.candidates[0].text == alone.candidates[0].text
        assert result.prompt_evaluated <= result.prompt_tokens - static + 8  # only the story


def test_an_unusable_saved_state_is_evaluated_again(tmp_path, caplog):
    first = engine(tmp_path)
    expected = write(first, "Tarn 2 is out")
    first.close()
    (saved,) = tmp_path.glob(f"*{SUFFIX}")
    saved.write_bytes(b"not a llama.cpp state")
    later = engine(tmp_path)
    with caplog.at_level(logging.WARNING):
        result = write(later, "Tarn 2 is out")
    later.close()
    assert "refused" in caplog.text
    assert result.prompt_evaluated == result.prompt_tokens
    assert result.candidates[0].text == expected.candidates[0].text


def test_the_folder_keeps_under_its_limit_oldest_out(tmp_path):
    store = PrefixStore(tmp_path, "model a", limit_bytes=2500)
    for number in range(4):
        store.save([number, 1, 2], bytes(1000))
    assert store.load([0, 1, 2]) is None and store.load([1, 1, 2]) is None
    assert store.load([3, 1, 2]) == bytes(1000) and store.load([2, 1, 2]) == bytes(1000)
    assert PrefixStore(tmp_path, "model b").load([3, 1, 2]) is None  # another model's files
    assert not list(tmp_path.glob("*.part"))
