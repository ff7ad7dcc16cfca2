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

With `prefixes`, the state of a prompt's static part (every message but the last: the system
prompt and the worked example) is saved on disk once and read back by later calls and runs
(`prefixes.py`), so a call evaluates only its last message.

The prompt is made with the model file's own chat template (GGUF `tokenizer.chat_template`), so
any instruct GGUF model can be used.
"""

from __future__ import annotations

import ctypes
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from briefbot.write.prefixes import PrefixStore

log = logging.getLogger(__name__)

Messages = list[dict[str, str]]
BATCH_TOKENS = 512
TOP_K = 40
TOP_P = 0.9
# DRY ("don't repeat yourself", p-e-w: oobabooga/text-generation-webui#5677, llama.cpp's
# llama_sampler_init_dry) lowers the logit of a token that would extend a run already in the
# context beyond DRY_ALLOWED tokens, by DRY_MULTIPLIER * DRY_BASE ** (run - DRY_ALLOWED). The
# prompt is put in its history, so a draft retells the facts instead of copying their
# sentences (a copying Summary is refused and the article's extract shown). Digits and
# punctuation break a run: numbers, versions and CVE IDs are copied exactly, never penalised.
DRY_MULTIPLIER = 1.0
DRY_BASE = 1.75
DRY_ALLOWED = 4
DRY_BREAKERS = ("\n", ":", '"', "*", ".", "-", "(", ")", *"0123456789")

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
class Section:
    """A labelled part of an answer: the engine writes `label`, the model writes the part until
    it has ended `sentences` sentences, ended a line, or written `max_tokens` tokens."""

    label: str
    sentences: int
    max_tokens: int


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
        self,
        path: Path,
        *,
        context_tokens: int,
        threads: int,
        sequences: int = 4,
        prefixes: Path | None = None,
    ) -> None:
        import llama_cpp  # imported late: loading the native library takes a while

        self._ll = llama_cpp
        self.sequences = sequences
        self._lock = threading.Lock()
        _quiet(llama_cpp)
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
        self._prefixes = None
        if prefixes is not None:
            stat = path.stat()
            identity = (
                f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{llama_cpp.__version__}|"
                f"{self.context_tokens}|{threads}|{sequences}"
            )
            self._prefixes = PrefixStore(prefixes, identity)

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

    def _static_length(self, messages: Messages, tokens: list[int]) -> int:
        """How many of the prompt's first tokens are its static part: all the messages but
        the last (the system prompt and a worked example), then as much of the last as it
        shares with the first user message (the instructions both open with), as the
        template writes them; 0 for a prompt of one message."""
        if self._prefixes is None or len(messages) < 2:
            return 0
        first = next(m for m in messages if m["role"] == messages[-1]["role"])
        common = _common_length(self.prompt([*messages[:-1], first]), tokens)
        return common if common < len(tokens) else 0

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
        sections: Sequence[Section] = (),
        grammar: str | None = None,
    ) -> Generated:
        """One candidate per `samplings` entry (at most `sequences`), decoded together.

        With `sections`, each candidate is written in labelled parts: the engine writes each
        label, the model writes the part until it has ended the part's sentences, ended a line,
        or spent the part's tokens, and the engine moves on to the next label. So every
        candidate has every part, each of bounded length, however the model would run on.
        `grammar` (GBNF) constrains every candidate; it is for callers that need a schema, such
        as a test server speaking Ollama's API, not for the writer's own calls.
        Raises EngineError when the prompt and `max_tokens` do not fit the context."""
        if not 1 <= len(samplings) <= self.sequences:
            raise ValueError(f"between 1 and {self.sequences} candidates, got {len(samplings)}")
        tokens = self.prompt(messages)
        if sections:
            tokens += self.tokenize(sections[0].label)
            max_tokens = sum(section.max_tokens + 8 for section in sections)
        if len(tokens) + max_tokens > self.context_tokens:
            raise EngineError(
                f"the prompt ({len(tokens)} tokens) and {max_tokens} more do not fit the "
                f"context of {self.context_tokens} tokens"
            )
        static = self._static_length(messages, tokens)
        with self._lock:
            evaluated = self._evaluate(tokens, static)
            try:
                candidates = self._decode(tokens, samplings, max_tokens, sections, grammar)
            finally:
                self._forget_candidates(len(tokens), len(samplings))
        return Generated(candidates, len(tokens), evaluated)

    def _evaluate(self, tokens: list[int], static: int = 0) -> int:
        """Put the prompt into sequence 0, reusing what the cache still holds of it, else the
        saved state of its first `static` tokens (saving it when there is none); the logits
        of its last token are the batch's last output. Returns the tokens evaluated."""
        ll = self._ll
        # the last token is evaluated for its logits
        common = min(_common_length(self._cached, tokens), len(tokens) - 1)
        ll.llama_memory_seq_rm(self._memory, 0, common, -1)
        self._cached = tokens[:common]
        evaluated = 0
        if common < static:
            if self._restore(tokens[:static]):
                common = static
            else:
                common = min(common, len(self._cached))  # 0 where a refused state emptied it
                evaluated += self._extend(tokens[:static], common, logits=False)
                self._save(tokens[:static])
                common = static
        return evaluated + self._extend(tokens, common, logits=True)

    def _extend(self, tokens: list[int], start: int, *, logits: bool) -> int:
        """Evaluate `tokens` from `start` into sequence 0 (which holds the ones before), the
        last one's logits kept when `logits`. Returns how many were evaluated."""
        for begin in range(start, len(tokens), BATCH_TOKENS):
            chunk = tokens[begin : begin + BATCH_TOKENS]
            self._batch.n_tokens = 0
            for offset, token in enumerate(chunk):
                position = begin + offset
                self._add(token, position, 0, logits and position == len(tokens) - 1)
            self._decode_batch()
            self._cached = tokens[: begin + len(chunk)]
        return len(tokens) - start

    def _restore(self, prefix: list[int]) -> bool:
        """Sequence 0 set to the saved state of `prefix`; False when none is saved (sequence
        0 as it was) or llama.cpp refuses it (sequence 0 emptied)."""
        data = self._prefixes.load(prefix) if self._prefixes else None
        if data is None:
            return False
        ll = self._ll
        ll.llama_memory_seq_rm(self._memory, 0, -1, -1)
        buffer = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        if ll.llama_state_seq_set_data(self._ctx, buffer, len(data), 0) != len(data):
            log.warning("a saved prompt prefix was refused; evaluating it again")
            ll.llama_memory_seq_rm(self._memory, 0, -1, -1)
            self._cached = []
            return False
        self._cached = list(prefix)
        return True

    def _save(self, prefix: list[int]) -> None:
        """Save sequence 0's state, which holds exactly `prefix`."""
        if self._prefixes is None:
            return
        ll = self._ll
        size = ll.llama_state_seq_get_size(self._ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = ll.llama_state_seq_get_data(self._ctx, buffer, size, 0)
        if written:
            self._prefixes.save(prefix, ctypes.string_at(buffer, written))

    def _decode(
        self,
        tokens: list[int],
        samplings: Sequence[Sampling],
        max_tokens: int,
        sections: Sequence[Section],
        grammar: str | None,
    ) -> list[Generation]:
        ll = self._ll
        count = len(samplings)
        for sequence in range(1, count):
            ll.llama_memory_seq_cp(self._memory, 0, sequence, -1, -1)
        samplers = [self._sampler(sampling, grammar, tokens) for sampling in samplings]
        writers = [_Answer(sections) for _ in range(count)]
        labels = [self.tokenize("\n" + section.label) for section in sections]
        try:
            logits_at = [self._batch.n_tokens - 1] * count
            positions = [len(tokens)] * count
            live = list(range(count))
            for _ in range(max_tokens):
                nexts = [
                    (s, ll.llama_sampler_sample(samplers[s], self._ctx, logits_at[s])) for s in live
                ]
                self._batch.n_tokens = 0
                still = []
                for sequence, token in nexts:
                    answer = writers[sequence]
                    end = ll.llama_vocab_is_eog(self._vocab, token)
                    feed = [] if end else [token]
                    if answer.take(None if end else self._piece(token), end):
                        if answer.done:
                            continue
                        feed = labels[answer.section]  # the next part's label, then the model
                    for offset, fed in enumerate(feed):
                        last = offset == len(feed) - 1
                        if last:
                            logits_at[sequence] = self._batch.n_tokens
                        self._add(fed, positions[sequence], sequence, last)
                        positions[sequence] += 1
                    still.append(sequence)
                live = still
                if not live:
                    break
                self._decode_batch()
        finally:
            for sampler in samplers:
                ll.llama_sampler_free(sampler)
        return [Generation(answer.text(), answer.generated) for answer in writers]

    def _forget_candidates(self, prompt_length: int, count: int) -> None:
        """Drop the candidates' cells, keep the prompt's for the next call's prefix."""
        ll = self._ll
        ll.llama_memory_seq_rm(self._memory, 0, prompt_length, -1)
        for sequence in range(1, count):
            ll.llama_memory_seq_rm(self._memory, sequence, -1, -1)

    def _sampler(self, sampling: Sampling, grammar: str | None, prompt: list[int]):
        ll = self._ll
        chain = ll.llama_sampler_chain_init(ll.llama_sampler_chain_default_params())
        if grammar is not None:
            rule = ll.llama_sampler_init_grammar(self._vocab, grammar.encode(), b"root")
            ll.llama_sampler_chain_add(chain, rule)
        breakers = (ctypes.c_char_p * len(DRY_BREAKERS))(*(b.encode() for b in DRY_BREAKERS))
        dry = ll.llama_sampler_init_dry(
            self._vocab,
            DRY_MULTIPLIER,
            DRY_BASE,
            DRY_ALLOWED,
            self.context_tokens,
            breakers,
            len(DRY_BREAKERS),
        )
        for token in prompt:  # the context whose runs a draft should not extend
            ll.llama_sampler_accept(dry, token)
        ll.llama_sampler_chain_add(chain, dry)
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


def _common_length(first: Sequence[int], second: Sequence[int]) -> int:
    """How many tokens the two open with alike."""
    common = 0
    for one, other in zip(first, second, strict=False):
        if one != other:
            break
        common += 1
    return common


_LOG_CALLBACK = None
_LLAMA_ERROR = 4  # GGML_LOG_LEVEL_ERROR


def _quiet(llama_cpp) -> None:
    """Route llama.cpp's own log lines (hundreds per model load) to the debug log, errors to
    the warning log, instead of stderr."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return

    def forward(level: int, text: bytes, _: object) -> None:
        message = text.decode("utf-8", errors="replace").rstrip()
        if message:
            log.log(logging.WARNING if level == _LLAMA_ERROR else logging.DEBUG, message)

    _LOG_CALLBACK = llama_cpp.llama_log_callback(forward)
    llama_cpp.llama_log_set(_LOG_CALLBACK, ctypes.c_void_p(0))


_SENTENCE_END = re.compile(rb"[.!?][\"')\]]?$")


def _finish(part: bytearray) -> None:
    """End a part the model ended (a line's end, the answer's end) as a sentence: a model that
    stops a line without a full stop has not been cut off."""
    text = bytes(part).rstrip()
    if text and not _SENTENCE_END.search(text) and not text.endswith((b",", b":", b";")):
        part[:] = text + b"."


class _Answer:
    """One candidate being written, part by part (see Section); without sections, one part
    that ends only at the end of the model's answer."""

    def __init__(self, sections: Sequence[Section]) -> None:
        self.sections = list(sections)
        self.section = 0
        self.parts: list[bytearray] = [bytearray()]
        self.sentences = 0
        self.part_tokens = 0
        self.generated = 0
        self.done = False

    def take(self, piece: bytes | None, end: bool) -> bool:
        """Add one generated piece (None at the end of the model's answer); True when the
        current part is over (then `done`, or `section` is the next part's index)."""
        if not end:
            self.generated += 1
        if not self.sections:
            if end:
                self.done = True
                return True
            self.parts[-1] += piece
            return False
        part, rule = self.parts[-1], self.sections[self.section]
        over = end
        if end:
            _finish(part)
        if piece is not None:
            new_sentence = piece[:1].isspace() and bool(
                _SENTENCE_END.search(bytes(part).rstrip(b" "))
            )
            line_ended = b"\n" in piece and bool(bytes(part + piece.split(b"\n")[0]).strip())
            if line_ended:  # the line's last words stay ("card.\n"); what follows is dropped
                part += piece.split(b"\n")[0]
                _finish(part)
                over = True
            elif new_sentence and self.sentences + 1 >= rule.sentences:
                over = True  # the piece that would start the next sentence is dropped
            else:
                self.sentences += new_sentence
                part += piece.replace(b"\n", b" ")
                self.part_tokens += 1
                over = self.part_tokens >= rule.max_tokens
        if not over:
            return False
        self.section += 1
        self.sentences = self.part_tokens = 0
        if self.section >= len(self.sections):
            self.done = True
        else:
            self.parts.append(bytearray())
        return True

    def text(self) -> str:
        parts = [bytes(part).decode("utf-8", errors="ignore").strip() for part in self.parts]
        if not self.sections:
            return parts[0]
        return "\n".join(
            f"{section.label} {part}" for section, part in zip(self.sections, parts, strict=False)
        )
