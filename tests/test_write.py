"""Write, through real runtimes: the embedded engine (llama.cpp, the tiny SmolLM2 model) decoding
a story's drafts together, the writer on top of it, Ollama's real client against a server that
speaks its API, and falling back when Ollama is down. The tiny model writes poorly, which is the
point: whatever it writes, what the writer shows holds the writer's guarantees."""

from __future__ import annotations

from datetime import UTC, datetime

from briefbot.config import EmbeddedSettings, OllamaSettings
from briefbot.models import Item, Story, TextOrigin
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write import engine as engine_module
from briefbot.write.backends import EmbeddedBackend, OllamaBackend
from briefbot.write.checks import copied_share
from briefbot.write.engine import Sampling, Section
from briefbot.write.injection import has_link
from briefbot.write.model_files import MODEL_FILES, model_path
from briefbot.write.select import COPIED_SHARE_LIMIT
from tests.canned_backend import CannedBackend
from tests.ollama_server import OllamaCompatibleServer

ARTICLE = (
    "Lumora released Nova 2 32B, a 32-billion-parameter model under the Apache 2.0 licence, "
    "on Tuesday. It supports a 128,000-token context and scores 73.8 on BenchLM. The weights "
    "need 20 GB of memory at 4-bit precision, so the model fits on a single RTX 3090. "
) * 3


def story(title: str = "Lumora releases Nova 2 32B under Apache 2.0", text: str = ARTICLE) -> Story:
    lead = Item(
        url="https://example.org/" + title.replace(" ", "-"),
        title=title,
        source="Example News",
        source_type="rss",
        published=datetime(2026, 7, 3, tzinfo=UTC),
        text=text,
    )
    return Story(lead, (lead,), 1.0)


SECTIONS = (Section("SUMMARY:", 2, 40), Section("WHY IT MATTERS:", 1, 25))
MESSAGES = [{"role": "user", "content": "Summarise: " + ARTICLE[:400]}]


def test_drafts_are_decoded_together_each_with_every_part(tiny_backend):
    engine = tiny_backend._load()
    draws = [Sampling(0.0, 1), Sampling(0.8, 2), Sampling(0.9, 3)]
    first = engine.generate(MESSAGES, draws, 200, sections=SECTIONS)
    assert len(first.candidates) == 3
    for candidate in first.candidates:
        summary, _, _why = candidate.text.partition("\nWHY IT MATTERS:")
        assert summary.startswith("SUMMARY:") and "\n" not in summary
        assert candidate.tokens <= 40 + 25 + 2  # each part stops at its own budget
    # the session's model may hold another test's prompt: at most its opening is reused
    assert first.prompt_evaluated >= first.prompt_tokens - 8
    again = engine.generate(MESSAGES, draws[:1], 200, sections=SECTIONS)
    assert again.prompt_evaluated <= 2  # the prompt's cells were kept: only its end is read


def test_a_draft_does_not_copy_long_runs_of_its_prompt(tiny_backend, monkeypatch):
    """The DRY sampler holds the prompt in its history: asked to repeat a sentence, the tiny
    model copies most of it in long runs without DRY, and writes no run of 9 words with it."""
    engine = tiny_backend._load()
    sentence = (
        "the gateway team moved every request through a new queue so that slow workers no "
        "longer block the fast ones when traffic spikes in the evening"
    )
    messages = [{"role": "user", "content": f"Repeat this sentence exactly: {sentence}"}]
    monkeypatch.setattr(engine_module, "DRY_MULTIPLIER", 0.0)  # DRY off
    (plain,) = engine.generate(messages, [Sampling(0.0, 1)], 40).candidates
    assert copied_share(plain.text, sentence, span=9) >= 0.5, plain.text  # the model copies
    monkeypatch.undo()
    (drawn,) = engine.generate(messages, [Sampling(0.0, 1)], 40).candidates
    assert copied_share(drawn.text, sentence, span=9) == 0, drawn.text


def test_any_gguf_file_runs_with_its_own_chat_template(tmp_path):
    path = model_path(MODEL_FILES["smollm2-135m"])
    settings = EmbeddedSettings(path=path, threads=1)
    backend = EmbeddedBackend(settings, temperature=0.0)
    assert backend.model == path.name
    prompt = backend._load().prompt([{"role": "user", "content": "Hello"}])
    text = backend._load()._piece  # the template the file carries marks the turns
    assert prompt and text
    (completion,) = backend.candidates(MESSAGES, [Sampling(0.0, 1)], 80, {}, SECTIONS)
    assert completion.text.startswith("SUMMARY:") and "\nWHY IT MATTERS:" in completion.text
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0


def test_whatever_the_tiny_model_writes_what_is_shown_holds(tiny_backend, tmp_path):
    with Store(tmp_path / "b.db") as store:
        writer = Writer([tiny_backend], store, candidates=3)
        text = writer.write_story(story())
        assert writer.stats.model_calls >= 1 and writer.stats.drafts == 3
        assert writer.stats.written_by == ["smollm2-135m (embedded)"]
        # the model's own words only when they copy less than the limit; never a link
        if text.origin == TextOrigin.MODEL:
            assert copied_share(text.summary, ARTICLE) <= COPIED_SHARE_LIMIT
        else:
            assert text.origin == TextOrigin.EXTRACT and text.summary.startswith("Lumora released")
        assert not has_link(text.summary + text.why_it_matters)
        again = Writer([tiny_backend], store)
        assert again.write_story(story()) == text
        assert again.stats.model_calls == 0 and again.stats.cache_hits == 1


def test_ollama_backend_over_real_http(tmp_path):
    with OllamaCompatibleServer(CannedBackend(), "qwen2.5:7b-instruct") as server:
        backend = OllamaBackend(OllamaSettings(host=server.host, model="qwen2.5:7b-instruct"), 0.0)
        with Store(tmp_path / "b.db") as store:
            writer = Writer([backend], store, candidates=2)
            text = writer.write_story(story("Tessellate raises $180M", "Tessellate raised $180M."))
    assert text.summary
    assert writer.stats.written_by == ["qwen2.5:7b-instruct (ollama)"]
    chat = server.requests[0]
    assert chat["format"]["required"] == ["summary", "why_it_matters"]
    assert chat["options"]["num_predict"] > 0 and chat["stream"] is False
    seeds = [request["options"]["seed"] for request in server.requests if "options" in request]
    assert len(set(seeds[:2])) == 2  # each draft its own seed
