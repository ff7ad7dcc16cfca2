"""Backends and routing: an OpenAI-compatible server and Ollama over real sockets (both
answering with the tiny embedded model), token counts, retries with backoff and Retry-After,
the concurrency cap, timeouts, falling through, the audit trail, and the routing config."""

from __future__ import annotations

import threading
import time

import pytest

from briefbot.config import (
    ConfigError,
    EmbeddedSettings,
    OllamaSettings,
    OpenAISettings,
    parse_settings,
)
from briefbot.store import Store
from briefbot.write import NoBackendAvailable, Writer, make_backends
from briefbot.write.backends import BackendUnavailable, EmbeddedBackend, OllamaBackend
from briefbot.write.openai_compat import OpenAIBackend
from briefbot.write.routing import ResilientBackend
from tests.canned_backend import CannedBackend
from tests.ollama_server import OllamaCompatibleServer
from tests.openai_server import OpenAICompatibleServer
from tests.test_write import story

MODEL = "qwen2.5-7b-instruct"
HELLO = [{"role": "user", "content": "Say hello as JSON."}]
OBJECT = {"type": "object", "properties": {"greeting": {"type": "string"}}}


@pytest.fixture(scope="module")
def tiny(tiny_backend) -> ResilientBackend:
    """The tiny model, one call at a time, whoever calls (a test or a fake server's thread)."""
    return ResilientBackend(tiny_backend, retries=0)


@pytest.fixture
def openai_server():
    """An OpenAI-compatible server with canned answers: these tests are about the wire, the
    retries and the routing; test_openai_json_mode_... has the tiny model answer for real."""
    with OpenAICompatibleServer(CannedBackend(), MODEL) as server:
        yield server


def openai(server: OpenAICompatibleServer, **settings: object) -> OpenAIBackend:
    options = {"type": "openai", "base_url": server.base_url, "model": MODEL} | settings
    return OpenAIBackend(OpenAISettings.model_validate(options), temperature=0.0)


def test_openai_backend_writes_with_json_schema_and_counts_tokens(openai_server, tmp_path):
    with Store(tmp_path / "b.db") as store:
        writer = Writer([openai(openai_server)], store, candidates=1)
        text = writer.write_story(story())
        calls = store.model_calls()
    assert text.summary
    assert writer.stats.written_by == [f"{MODEL} (openai)"]
    request = openai_server.requests[0]
    assert request["model"] == MODEL and request["max_tokens"] > 0
    assert [m["role"] for m in request["messages"]] == ["system", "user", "assistant", "user"]
    spec = request["response_format"]["json_schema"]
    assert request["response_format"]["type"] == "json_schema" and spec["strict"] is True
    assert spec["schema"]["required"] == ["summary", "why_it_matters"]
    assert writer.stats.prompt_tokens > 100 and writer.stats.completion_tokens > 0
    first = calls[-1]  # newest first
    assert (first["backend"], first["model"], first["kind"]) == ("openai", MODEL, "story")
    assert first["ok"] and not first["cached"] and first["prompt_tokens"] > 100
    assert first["output"] and first["seconds"] > 0


def test_openai_json_mode_and_api_key_from_environment(monkeypatch, tiny):
    with OpenAICompatibleServer(tiny, MODEL, api_key="sk-local") as server:
        backend = openai(server, structured="json_object", api_key_env="BRIEFBOT_TEST_KEY")
        with pytest.raises(BackendUnavailable, match="BRIEFBOT_TEST_KEY is not set"):
            backend.complete(HELLO, OBJECT, 16)
        monkeypatch.setenv("BRIEFBOT_TEST_KEY", "sk-local")
        completion = backend.complete(HELLO, OBJECT, 16)
        assert completion.text.lstrip().startswith("{") and completion.completion_tokens > 0
        assert server.requests[-1]["response_format"] == {"type": "json_object"}
        assert server.headers[-1]["Authorization"] == "Bearer sk-local"
        wrong_key = openai(server, api_key="sk-other")
        with pytest.raises(BackendUnavailable, match="HTTP 401: invalid API key"):
            wrong_key.complete(HELLO, OBJECT, 16)


def test_transient_errors_are_retried_with_backoff_and_retry_after(openai_server):
    openai_server.failures = [(503, {}), (429, {"Retry-After": "1"})]
    backend = ResilientBackend(openai(openai_server), retries=2, backoff_seconds=0.05)
    started = time.monotonic()
    assert backend.complete(HELLO, OBJECT, 16).text
    assert time.monotonic() - started >= 1.0  # waited as Retry-After said
    assert len(openai_server.requests) == 3


def test_backoff_doubles_with_jitter():
    backend = ResilientBackend(EmbeddedBackend(EmbeddedSettings(), 0.0), backoff_seconds=1.0)
    pauses = [backend.pause(attempt, None) for attempt in (1, 2, 3)]
    assert 1.0 <= pauses[0] <= 1.5 and 2.0 <= pauses[1] <= 3.0 and 4.0 <= pauses[2] <= 6.0
    assert backend.pause(1, 7.0) == 7.0


def test_spent_retries_fall_through_and_the_backend_is_skipped_for_the_run(openai_server, tmp_path):
    openai_server.failures = [(503, {})] * 10
    failing = ResilientBackend(openai(openai_server), retries=1, backoff_seconds=0.01)
    missing = ResilientBackend(openai(openai_server, model="not-served"), retries=1)
    with Store(tmp_path / "b.db") as store:
        writer = Writer([failing, missing], store)
        with pytest.raises(NoBackendAvailable) as first:
            writer.write_story(story())
        assert len(openai_server.requests) == 3  # two attempts, then the other model once
        with pytest.raises(NoBackendAvailable):
            writer.write_story(story("Tessellate raises $180M", "Tessellate raised $180M."))
        assert len(openai_server.requests) == 3  # neither is asked again this run
        calls = store.model_calls()
    overloaded, not_served = writer.stats.unavailable
    assert overloaded == (
        f"openai ({MODEL}) unavailable: HTTP 503: overloaded, try again later (attempt 2 of 2)"
    )
    assert not_served.startswith("openai (not-served) unavailable: HTTP 404")
    assert str(first.value) == f"no model backend could write: {overloaded}; {not_served}"
    assert [call["ok"] for call in calls] == [0, 0]
    assert "HTTP 503" in calls[1]["error"] and calls[1]["kind"] == "story"


def test_a_long_retry_after_falls_through_at_once(openai_server):
    openai_server.failures = [(429, {"Retry-After": "3600"})]
    backend = ResilientBackend(openai(openai_server), retries=3)
    with pytest.raises(BackendUnavailable, match="HTTP 429"):
        backend.complete(HELLO, OBJECT, 16)
    assert len(openai_server.requests) == 1


def test_a_missing_model_is_not_retried(openai_server):
    backend = ResilientBackend(openai(openai_server, model="not-served"), retries=3)
    with pytest.raises(BackendUnavailable, match="HTTP 404: The model `not-served` does not"):
        backend.complete(HELLO, OBJECT, 16)
    assert len(openai_server.requests) == 1


def test_a_slow_server_times_out(openai_server):
    openai_server.delay = 1.0
    backend = ResilientBackend(openai(openai_server, timeout_seconds=0.2), retries=0)
    with pytest.raises(BackendUnavailable, match=r"timed out after 0.2s \(attempt 1 of 1\)"):
        backend.complete(HELLO, OBJECT, 16)


def test_concurrent_calls_are_capped_per_backend(openai_server):
    openai_server.delay = 0.3
    backend = ResilientBackend(openai(openai_server), max_concurrent=2)
    threads = [threading.Thread(target=backend.complete, args=(HELLO, OBJECT, 4)) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(openai_server.requests) == 5
    assert openai_server.max_in_flight == 2


def test_stories_are_spread_over_model_servers_within_each_cap(tmp_path):
    with (  # routing, not writing: the servers answer with canned texts
        OpenAICompatibleServer(CannedBackend(), MODEL) as first,
        OpenAICompatibleServer(CannedBackend(), MODEL) as second,
    ):
        first.delay = second.delay = 0.3
        backends = [ResilientBackend(openai(s), max_concurrent=1) for s in (first, second)]
        stories = [story(f"Lumora releases Nova {number} 32B") for number in range(4)]
        done: list[int] = []
        with Store(tmp_path / "b.db") as store:
            texts = Writer(backends, store).write_stories(stories, done.append)
    assert len(texts) == 4 and all(text.summary for text in texts)
    assert done == [1, 2, 3, 4]  # progress in story order
    assert first.requests and second.requests  # both servers wrote
    assert first.max_in_flight == 1 and second.max_in_flight == 1  # each within its cap


def test_ollama_reports_the_tokens_the_model_counted(tiny):
    with OllamaCompatibleServer(tiny, MODEL) as server:  # the tiny model answers for real
        backend = OllamaBackend(OllamaSettings(host=server.host, model=MODEL), 0.0)
        completion = backend.complete(HELLO, OBJECT, 16)
        assert completion.text and completion.prompt_tokens > 0 and completion.completion_tokens > 0
        assert server.requests[-1]["stream"] is False  # briefbot asks for one whole answer
        assert server.requests[-1]["format"] == OBJECT


def test_ollama_missing_model_falls_through_without_retry(tmp_path):
    with OllamaCompatibleServer(CannedBackend(), "some-model") as server:
        settings = OllamaSettings(host=server.host, model="not-pulled", retries=3)
        missing = ResilientBackend(OllamaBackend(settings, 0.0), retries=3)
        with Store(tmp_path / "b.db") as store:
            writer = Writer([missing, CannedBackend()], store, candidates=1)
            writer.write_story(story())
    assert len([r for r in server.requests if "messages" in r]) == 1
    assert writer.stats.written_by == ["canned-answers (canned)"]
    assert writer.stats.unavailable == [
        "ollama (not-pulled) unavailable: HTTP 404: model 'not-pulled' not found"
    ]


def test_ollama_down_is_reported_with_the_reason(tmp_path):
    settings = OllamaSettings(host="http://127.0.0.1:9", timeout_seconds=2)
    down = ResilientBackend(OllamaBackend(settings, 0.0), retries=1, backoff_seconds=0.01)
    with Store(tmp_path / "b.db") as store:
        writer = Writer([down, CannedBackend()], store, candidates=1)
        writer.write_story(story())
    [skipped] = writer.stats.unavailable
    assert skipped.startswith("ollama (qwen2.5:7b-instruct) unavailable: cannot connect to http")
    assert "(attempt 2 of 2)" in skipped


def config(model: dict) -> dict:
    return {"title": "t", "sources": [{"type": "rss", "name": "n", "url": "http://x/"}]} | {
        "model": model
    }


def test_routing_config_lists_backends_in_order():
    settings = parse_settings(
        config(
            {
                "backends": [
                    {"type": "ollama", "model": "qwen2.5:7b-instruct", "timeout_seconds": 60},
                    {
                        "type": "openai",
                        "base_url": "http://127.0.0.1:8000/v1",
                        "model": "Qwen/Qwen2.5-7B-Instruct",
                        "retries": 3,
                        "max_concurrent": 4,
                    },
                    {"type": "embedded", "model": "smollm2-135m"},
                ]
            }
        )
    )
    backends = make_backends(settings.model)
    assert [(b.name, b.model) for b in backends] == [
        ("ollama", "qwen2.5:7b-instruct"),
        ("openai", "Qwen/Qwen2.5-7B-Instruct"),
        ("embedded", "smollm2-135m"),
    ]
    assert [b.retries for b in backends] == [1, 3, 0]


@pytest.mark.parametrize(
    ("model", "route"),
    [
        ({}, ["embedded"]),
        ({"ollama": {"model": "llama3.2"}}, ["ollama", "embedded"]),
        ({"backends": [{"type": "openai", "base_url": "http://h/v1", "model": "m"}]}, ["openai"]),
    ],
)
def test_routing_without_a_list_keeps_the_older_keys(model, route):
    assert [b.type for b in parse_settings(config(model)).model.route] == route


@pytest.mark.parametrize(
    ("model", "message"),
    [
        (
            {"backends": [{"type": "embedded"}], "ollama": {}},
            "model: expected either 'backends' or 'ollama'/'embedded', not both",
        ),
        ({"backends": [{"model": "m"}]}, "model.backends[0].type: required key is missing"),
        (
            {"backends": [{"type": "vllm"}]},
            "model.backends[0].type: expected one of 'ollama', 'openai', 'embedded', got 'vllm'",
        ),
        (
            {"backends": [{"type": "openai", "base_url": "http://h/v1", "model": "m", "x": 1}]},
            "model.backends[0].x: unknown key",
        ),
        (
            {"backends": [{"type": "openai", "base_url": "h", "model": "m"}]},
            "model.backends[0].base_url: expected a valid URL",
        ),
        (
            {"backends": [{"type": "ollama", "max_concurrent": 0}]},
            "model.backends[0].max_concurrent: expected greater than or equal to 1, got 0",
        ),
    ],
)
def test_a_bad_backend_is_one_clear_line(model, message):
    with pytest.raises(ConfigError) as error:
        parse_settings(config(model), origin="sources.yaml")
    assert str(error.value).startswith(f"sources.yaml: {message}")
