"""The embedded model's engine: llama.cpp through llama-cpp-python's low-level API, so that the
candidates of one story share one prompt evaluation and are decoded together.

Why not `Llama.create_chat_completion`: it decodes one sequence at a time, and with a JSON schema
it masks the whole vocabulary with the grammar at every token (llama-cpp-python 0.3.x). Here the
prompt is evaluated once into sequence 0, reusing the longest common prefix with the previous
prompt that is still in the KV cache (static instructions first, the story last); sequences
1..n-1 are copies of it (the KV cache is unified, so a copy shares cells and costs nothing); and
each step decodes the next token of every live sequence in one batch. A CPU reads the weights
once per step for all of them, so n candidates cost far less than n calls
(ggml-org/llama.cpp#4064; `benchmarks/write.py` measures it here).

The prompt is made with the model file's own chat template (GGUF `tokenizer.chat_template`), so
any instruct GGUF model can be used.
"""

from __future__ import annotations

import ctypes
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

Messages = list[dict[str, str]]
BATCH_TOKENS = 512
TOP_K = 40
TOP_P = 0.9

# ChatML, for the rare model file that carries no chat template of its own.
_CHATML = (
    "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


class EngineError(Exception):
    """The model file cannot be loaded, or a prompt does not fit the context."""


@dataclass(frozen=True)
class Sampling:
    """How one candidate is drawn: its temperature (0: the most likely token) and seed."""

    temperature: float
    seed: int


@dataclass(frozen=True)
class Generation:
    text: str
    tokens: int  # tokens generated for this candidate


@dataclass(frozen=True)
class Generated:
    """The candidates of one call and what they cost."""

    candidates: list[Generation]
    prompt_tokens: int  # the prompt's length
    prompt_evaluated: int  # of those, the ones not reused from the previous call


class Engine:
    """One model in one llama.cpp context with room for `sequences` parallel candidates.

    Not thread-safe by itself: calls are serialised with a lock, since one context decodes one
    batch at a time."""

    def __init__(
        self, path: Path, *, context_tokens: int, threads: int, sequences: int = 4
    ) -> None:
        import llama_cpp  # imported late: loading the native library takes a while

        self._ll = llama_cpp
        self.sequences = sequences
        self._lock = threading.Lock()
        llama_cpp.llama_backend_init()
        model_params = llama_cpp.llama_model_default_params()
        self._model = llama_cpp.llama_model_load_from_file(str(path).encode(), model_params)
        if not self._model:
            raise EngineError(f"cannot load the model file {path}")
        self._vocab = llama_cpp.llama_model_get_vocab(self._model)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = context_tokens
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = sequences
        params.kv_unified = True  # sequences share the prompt's cells
        params.n_threads = threads
        params.n_threads_batch = threads
        self._ctx = llama_cpp.llama_init_from_model(self._model, params)
        if not self._ctx:
            llama_cpp.llama_model_free(self._model)
            raise EngineError(f"cannot make a llama.cpp context for {path}")
        self.context_tokens = llama_cpp.llama_n_ctx(self._ctx)
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, sequences)
        self._cached: list[int] = []  # the prompt whose cells sequence 0 holds
        self._formatter = self._chat_formatter()

    def close(self) -> None:
        if self._ctx:
            self._ll.llama_batch_free(self._batch)
            self._ll.llama_free(self._ctx)
            self._ll.llama_model_free(self._model)
            self._ctx = None

    # prompts -------------------------------------------------------------

    def _meta(self, key: str) -> str | None:
        size = 1 << 16
        buffer = ctypes.create_string_buffer(size)
        length = self._ll.llama_model_meta_val_str(self._model, key.encode(), buffer, size)
        return buffer.value.decode("utf-8", errors="replace") if length >= 0 else None

    def _token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self._piece(token, special=True).decode("utf-8", errors="replace")

    def _chat_formatter(self):
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        template = self._meta("tokenizer.chat_template")
        if not template:
            log.warning("the model file has no chat template; using ChatML")
        return Jinja2ChatFormatter(
            template=template or _CHATML,
            eos_token=self._token_text(self._ll.llama_vocab_eos(self._vocab)),
            bos_token=self._token_text(self._ll.llama_vocab_bos(self._vocab)),
        )

    def prompt(self, messages: Messages) -> list[int]:
        """The messages as the model's chat template writes them, as tokens."""
        text = self._formatter(messages=messages).prompt
        return self.tokenize(text)

    def tokenize(self, text: str) -> list[int]:
        data = text.encode("utf-8")
        room = len(data) + 8
        tokens = (self._ll.llama_token * room)()
        count = self._ll.llama_tokenize(self._vocab, data, len(data), tokens, room, False, True)
        if count < 0:
            raise EngineError("the prompt could not be tokenized")
        return list(tokens[:count])

    def _piece(self, token: int, special: bool = False) -> bytes:
        buffer = ctypes.create_string_buffer(64)
        length = self._ll.llama_token_to_piece(self._vocab, token, buffer, 64, 0, special)
        if length < 0:
            buffer = ctypes.create_string_buffer(-length)
            length = self._ll.llama_token_to_piece(self._vocab, token, buffer, -length, 0, special)
        return buffer.raw[:length]

    # decoding ------------------------------------------------------------

    def generate(
        self,
        messages: Messages,
        samplings: Sequence[Sampling],
        max_tokens: int,
        *,
        stop: Sequence[str] = (),
        grammar: str | None = None,
    ) -> Generated:
        """One candidate per `samplings` entry (at most `sequences`), decoded together.

        `grammar` (GBNF) constrains every candidate; it is for callers that need a schema, such
        as a test server speaking Ollama's API, not for the writer's own calls.
        Raises EngineError when the prompt and `max_tokens` do not fit the context."""
        if not 1 <= len(samplings) <= self.sequences:
            raise ValueError(f"between 1 and {self.sequences} candidates, got {len(samplings)}")
        tokens = self.prompt(messages)
        if len(tokens) + max_tokens > self.context_tokens:
            raise EngineError(
                f"the prompt ({len(tokens)} tokens) and {max_tokens} more do not fit the "
                f"context of {self.context_tokens} tokens"
            )
        with self._lock:
            evaluated = self._evaluate(tokens)
            try:
                candidates = self._decode(tokens, samplings, max_tokens, stop, grammar)
            finally:
                self._forget_candidates(len(tokens), len(samplings))
        return Generated(candidates, len(tokens), evaluated)

    def _evaluate(self, tokens: list[int]) -> int:
        """Put the prompt into sequence 0, reusing what the cache still holds of it; the
        logits of its last token are the batch's last output. Returns the tokens evaluated."""
        ll = self._ll
        common = 0
        for old, new in zip(self._cached, tokens, strict=False):
            if old != new:
                break
            common += 1
        common = min(common, len(tokens) - 1)  # the last token is evaluated for its logits
        ll.llama_memory_seq_rm(self._memory, 0, common, -1)
        self._cached = tokens[:common]
        for start in range(common, len(tokens), BATCH_TOKENS):
            chunk = tokens[start : start + BATCH_TOKENS]
            self._batch.n_tokens = 0
            for offset, token in enumerate(chunk):
                position = start + offset
                self._add(token, position, 0, position == len(tokens) - 1)
            self._decode_batch()
            self._cached = tokens[: start + len(chunk)]
        return len(tokens) - common

    def _decode(
        self,
        tokens: list[int],
        samplings: Sequence[Sampling],
        max_tokens: int,
        stop: Sequence[str],
        grammar: str | None,
    ) -> list[Generation]:
        ll = self._ll
        count = len(samplings)
        for sequence in range(1, count):
            ll.llama_memory_seq_cp(self._memory, 0, sequence, -1, -1)
        samplers = [self._sampler(sampling, grammar) for sampling in samplings]
        try:
            outputs: list[bytearray] = [bytearray() for _ in range(count)]
            generated = [0] * count
            logits_at = [self._batch.n_tokens - 1] * count
            live = list(range(count))
            position = len(tokens)
            for _ in range(max_tokens):
                nexts = [
                    (s, ll.llama_sampler_sample(samplers[s], self._ctx, logits_at[s])) for s in live
                ]
                self._batch.n_tokens = 0
                still = []
                for sequence, token in nexts:
                    if ll.llama_vocab_is_eog(self._vocab, token):
                        continue
                    outputs[sequence] += self._piece(token)
                    generated[sequence] += 1
                    if stop and _stopped(outputs[sequence], stop):
                        continue
                    logits_at[sequence] = self._batch.n_tokens
                    self._add(token, position, sequence, True)
                    still.append(sequence)
                live = still
                if not live:
                    break
                self._decode_batch()
                position += 1
        finally:
            for sampler in samplers:
                ll.llama_sampler_free(sampler)
        return [
            Generation(_cut_at_stop(bytes(out).decode("utf-8", errors="ignore"), stop), n)
            for out, n in zip(outputs, generated, strict=True)
        ]

    def _forget_candidates(self, prompt_length: int, count: int) -> None:
        """Drop the candidates' cells, keep the prompt's for the next call's prefix."""
        ll = self._ll
        ll.llama_memory_seq_rm(self._memory, 0, prompt_length, -1)
        for sequence in range(1, count):
            ll.llama_memory_seq_rm(self._memory, sequence, -1, -1)

    def _sampler(self, sampling: Sampling, grammar: str | None):
        ll = self._ll
        chain = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
        if grammar is not None:
            rule = ll.llama_sampler_init_grammar(self._vocab, grammar.encode(), b"root")
            ll.llama_sampler_chain_add(chain, rule)
        if sampling.temperature <= 0:
            ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_greedy())
            return chain
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_top_k(TOP_K))
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_top_p(TOP_P, 1))
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_temp(sampling.temperature))
        ll.llama_sampler_chain_add(chain, ll.llama_sampler_init_dist(sampling.seed))
        return chain

    def _add(self, token: int, position: int, sequence: int, logits: bool) -> None:
        batch = self._batch
        index = batch.n_tokens
        batch.token[index] = token
        batch.pos[index] = position
        batch.n_seq_id[index] = 1
        batch.seq_id[index][0] = sequence
        batch.logits[index] = logits
        batch.n_tokens = index + 1

    def _decode_batch(self) -> None:
        status = self._ll.llama_decode(self._ctx, self._batch)
        if status != 0:
            self._cached = []  # the cache no longer holds a known prompt
            raise EngineError(f"llama_decode failed with status {status}")


def _stopped(output: bytearray, stop: Sequence[str]) -> bool:
    tail = bytes(output[-64:]).decode("utf-8", errors="ignore")
    return any(marker in tail for marker in stop)


def _cut_at_stop(text: str, stop: Sequence[str]) -> str:
    cuts = [text.find(marker) for marker in stop if marker in text]
    return text[: min(cuts)] if cuts else text
