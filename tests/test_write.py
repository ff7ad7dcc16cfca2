"""Write: the writer through the real embedded runtime (tiny model), through the real `ollama`
client against a server speaking Ollama's API, the cache, and falling back when Ollama is down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from briefbot.config import EmbeddedSettings, OllamaSettings
from briefbot.models import Item, Story, WrittenStory
from briefbot.store import Store
from briefbot.write import Writer
from briefbot.write.backends import EmbeddedBackend, OllamaBackend
from briefbot.write.grounding import SourceFacts
from tests.ollama_server import OllamaCompatibleServer

ARTICLE = (
    "Lumora released Nova 2 32B, a 32-billion-parameter model under the Apache 2.0 licence, "
    "on Tuesday. It supports a 128,000-token context and scores 73.8 on BenchLM. The weights "
    "need 20 GB of memory at 4-bit precision, so the model fits on a single RTX 3090. "
) * 3


@pytest.fixture(scope="module")
def tiny_backend() -> EmbeddedBackend:
    """The real llama.cpp runtime with the tiny SmolLM2 model: plumbing, not quality."""
    return EmbeddedBackend(EmbeddedSettings(model="smollm2-135m"), temperature=0.0)


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


def test_embedded_writer_writes_and_caches(tiny_backend, tmp_path):
    with Store(tmp_path / "b.db") as store:
        writer = Writer([tiny_backend], store)
        text = writer.write_story(story())
        assert text.summary and text.why_it_matters
        assert len(text.summary.split()) <= 120
        assert text.summary[-1] in ".!?\"'"
        assert writer.stats.model_calls >= 1
        assert writer.stats.written_by == ["smollm2-135m (embedded)"]

        again = Writer([tiny_backend], store)
        assert again.write_story(story()) == text
        assert again.stats.model_calls == 0 and again.stats.cache_hits == 1


def test_bottom_line_has_three_to_five_bullets(tiny_backend, tmp_path):
    stories = [
        story(),
        story("Tessellate raises $180M", "Tessellate Labs raised $180M in a Series B round."),
        story("TensorHarbor 1.7.3 fixes an RCE", "TensorHarbor 1.7.3 fixes CVE-2026-41207."),
    ]
    with Store(tmp_path / "b.db") as store:
        writer = Writer([tiny_backend], store)
        written = [WrittenStory(s, writer.write_story(s)) for s in stories]
        points = writer.write_bottom_line(written)
        assert 3 <= len(points) <= 5
        for point in points:  # each bullet names the stories it is drawn from, and is in them
            assert point.text.strip() and point.stories
            assert all(1 <= number <= len(stories) for number in point.stories)
            facts = SourceFacts.of([part for n in point.stories for part in _texts(written[n - 1])])
            assert facts.unsupported(point.text) == []


@pytest.mark.parametrize("stream", [False, True])
def test_ollama_backend_over_real_http(tiny_backend, tmp_path, stream):
    with OllamaCompatibleServer(tiny_backend, "qwen2.5:7b-instruct") as server:
        backend = OllamaBackend(OllamaSettings(host=server.host, model="qwen2.5:7b-instruct"), 0.0)
        if stream:
            chunks = backend._client.chat(
                model=backend.model,
                messages=[{"role": "user", "content": "Hi"}],
                format={"type": "object"},
                stream=True,
            )
            assert "".join(chunk.message.content for chunk in chunks)
            return
        with Store(tmp_path / "b.db") as store:
            writer = Writer([backend], store)
            text = writer.write_story(story())
        assert text.summary
        assert writer.stats.written_by == ["qwen2.5:7b-instruct (ollama)"]
        chat = server.requests[0]
        assert chat["format"]["required"] == ["summary", "why_it_matters"]
        assert chat["options"]["num_predict"] > 0


def test_ollama_down_falls_through_to_embedded(tiny_backend, tmp_path):
    down = OllamaBackend(OllamaSettings(host="http://127.0.0.1:9", timeout_seconds=2), 0.0)
    with Store(tmp_path / "b.db") as store:
        writer = Writer([down, tiny_backend], store)
        assert writer.write_story(story()).summary
        assert writer.stats.written_by == ["smollm2-135m (embedded)"]


def test_unknown_ollama_model_falls_through(tiny_backend, tmp_path):
    with OllamaCompatibleServer(tiny_backend, "some-model") as server:
        missing = OllamaBackend(OllamaSettings(host=server.host, model="not-pulled"), 0.0)
        with Store(tmp_path / "b.db") as store:
            writer = Writer([missing, tiny_backend], store)
            writer.write_story(story())
        assert writer.stats.written_by == ["smollm2-135m (embedded)"]


def _texts(written: WrittenStory) -> list[str]:
    return [written.story.lead.title, written.text.summary, written.text.why_it_matters]
