"""Content codings (RFC 9110 §8.4): gzip, deflate and br, also chained ("gzip, gzip"), undone
from the raw byte stream with the decoded size capped at every step.

Decoding is streamed in pieces of at most `PIECE` bytes, and the decoded total is counted as it
grows, so a 3 KB body that inflates to gigabytes stops at the cap before it is held (httpx's own
decoders inflate a whole chunk at once and know no cap, hence this module).

Servers get the labels wrong: a plain body sent with `Content-Encoding: gzip`, a coding named
twice but applied once, raw deflate where zlib is meant. A coding whose very first bytes do not
decode is taken as mislabelled and the body passed on as it came (feedparser and browsers do
the same); a coding that breaks off mid-stream is an error. A coding briefbot does not know
(`compress`, `zstd`: never asked for in Accept-Encoding) is passed on as it came, too.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator

import brotli

PIECE = 64 * 1024  # the most any one decoding step hands on at a time
ACCEPT_ENCODING = "gzip, deflate, br"
_DECIDE_WITHIN = 64 * 1024  # input a coding may take without output before it counts as real
_GZIP_MAGIC = b"\x1f\x8b"


class BodyTooLarge(Exception):
    """The decoded body grew past the cap."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body too large (over {limit:,} bytes decoded)")


class UndecodableBody(Exception):
    """A content coding that started to decode and then broke off or ended early."""


class _Layer:
    """One content coding undone. A layer whose first input does not decode passes everything
    through unchanged (the label was wrong) and says so in `mislabelled`."""

    errors: tuple[type[Exception], ...] = ()

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self.mislabelled = False
        self._head = bytearray()  # the input so far, kept until the coding proves real
        self._proven = False
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self.mislabelled:
            yield from _pieces(data)
            return
        if not self._proven:
            self._head += data
            if not self._started:
                if len(self._head) < self.head_needed:
                    return
                self._started = True
                data = bytes(self._head)
        yield from self._guarded(self._decode(data))
        if not self._proven and len(self._head) > _DECIDE_WITHIN:
            self._proven = True  # a long stretch of input without output is still the coding
            self._head = bytearray()

    def finish(self) -> Iterator[bytes]:
        """What is left once the input has ended; the coding must have ended too."""
        if self.mislabelled or not (self._started or self._head):
            return
        if not self._started:
            self._started = True
            yield from self._guarded(self._decode(bytes(self._head)))
        if not self.mislabelled:
            yield from self._guarded(self._decode(b""))
        if self.mislabelled or self._ended():
            return
        if self._proven:
            raise UndecodableBody(f"the {self.coding} body is cut short")
        yield from self._give_up()

    def _guarded(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        try:
            for piece in pieces:
                if not self._proven:
                    self._proven = True
                    self._head = bytearray()
                yield piece
        except self.errors as error:
            if self._proven:
                raise UndecodableBody(f"cannot decode the {self.coding} body: {error}") from error
            yield from self._give_up()

    def _give_up(self) -> Iterator[bytes]:
        self.mislabelled = True
        head, self._head = bytes(self._head), bytearray()
        yield from _pieces(head)

    head_needed = 1

    def _decode(self, data: bytes) -> Iterator[bytes]:
        raise NotImplementedError

    def _ended(self) -> bool:
        raise NotImplementedError


class _Zlib(_Layer):
    """gzip (RFC 1952, members concatenated), and deflate: zlib (RFC 1950) as the standard
    says, or raw deflate (RFC 1951) as some servers send it, told apart by the zlib header."""

    errors = (zlib.error,)
    head_needed = 2

    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self._inflater: zlib._Decompress | None = None

    def _new(self, data: bytes) -> zlib._Decompress:
        if self.coding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        header = len(data) >= 2 and data[0] & 0x0F == 8 and int.from_bytes(data[:2]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if header else -zlib.MAX_WBITS)

    def _decode(self, data: bytes) -> Iterator[bytes]:
        if self._inflater is None:
            self._inflater = self._new(data)
        while True:
            if self._inflater.eof:
                data = self._inflater.unused_data + data
                if self.coding != "gzip" or not data.startswith(_GZIP_MAGIC):
                    return  # bytes after the end of the stream are ignored, as browsers do
                self._inflater = self._new(data)  # the next gzip member
            piece = self._inflater.decompress(data, PIECE)
            data = self._inflater.unconsumed_tail
            if piece:
                yield piece
            if not self._inflater.eof and not data and len(piece) < PIECE:
                return

    def _ended(self) -> bool:
        return self._inflater is not None and self._inflater.eof


class _Brotli(_Layer):
    """br (RFC 7932), with brotli's own output limit, so one call never inflates much."""

    errors = (brotli.error,)

    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self._decoder = brotli.Decompressor()

    def _decode(self, data: bytes) -> Iterator[bytes]:
        if self._decoder.is_finished():
            return  # bytes after the end of the stream are ignored
        piece = self._decoder.process(data, output_buffer_limit=PIECE)
        while True:
            if piece:
                yield piece
            if self._decoder.can_accept_more_data() or self._decoder.is_finished():
                return
            piece = self._decoder.process(b"", output_buffer_limit=PIECE)

    def _ended(self) -> bool:
        return self._decoder.is_finished()


class _Passed(_Layer):
    """A coding briefbot cannot undo: the body goes on as it came."""

    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self.mislabelled = True


_LAYERS: dict[str, type[_Layer]] = {
    "gzip": _Zlib,
    "x-gzip": _Zlib,
    "deflate": _Zlib,
    "br": _Brotli,
}


def _pieces(data: bytes) -> Iterator[bytes]:
    for start in range(0, len(data), PIECE):
        yield data[start : start + PIECE]


class ContentDecoder:
    """Undoes a response's Content-Encoding as its raw bytes arrive, holding at most `limit`
    decoded bytes: `feed` each raw chunk, then `finish` for the body. Raises BodyTooLarge past
    the cap and UndecodableBody for a coding that breaks off."""

    def __init__(self, content_encoding: str, limit: int) -> None:
        codings = [c.strip().lower() for c in content_encoding.split(",")]
        codings = [c for c in codings if c and c != "identity"]
        # The last coding listed was applied last, so it is undone first.
        self._layers = [
            _LAYERS.get(coding, _Passed)("gzip" if coding == "x-gzip" else coding)
            for coding in reversed(codings)
        ]
        self._limit = limit
        self._body = bytearray()

    def feed(self, chunk: bytes) -> None:
        self._keep(self._through(0, chunk))

    def finish(self) -> bytes:
        """The whole decoded body, once the raw stream has ended."""
        for index, layer in enumerate(self._layers):
            for piece in layer.finish():
                self._keep(self._through(index + 1, piece))
        return bytes(self._body)

    @property
    def notes(self) -> list[str]:
        """The codings that were labelled but not applied (or unknown), for the log."""
        return [
            f"Content-Encoding {layer.coding} not applied to the body: used as sent"
            for layer in self._layers
            if layer.mislabelled
        ]

    def _through(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._layers):
            yield data
            return
        for piece in self._layers[index].feed(data):
            yield from self._through(index + 1, piece)

    def _keep(self, pieces: Iterator[bytes]) -> None:
        for piece in pieces:
            if len(self._body) + len(piece) > self._limit:
                raise BodyTooLarge(self._limit)
            self._body += piece
