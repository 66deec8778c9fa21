"""The items of a top-level JSON array, one at a time, each with the line it starts on.

The standard library's C decoder reads one item at a time out of a sliding text window
(``raw_decode``), so memory holds one chunk and one item, never the file, and every error names
``file:line``. ``ijson`` would stream too, but cannot say on which line an item starts. Hostile
input stays an ``InputError``: invalid UTF-8, an item over ``MAX_ITEM_CHARS``, nesting deeper than
the decoder's recursion limit, an integer of thousands of digits, ``NaN`` and ``Infinity``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

from soulmate_core.errors import InputError
from soulmate_core.sources.bounded import Readable

CHUNK = 1 << 16
MAX_ITEM_CHARS = 1 << 16  # a Spotify play is a few hundred characters
_SPACE = " \t\r\n"
_NEWLINE = "\n"


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


DECODER = json.JSONDecoder(parse_constant=_no_constants)
"""Standard JSON without ``NaN`` and ``Infinity``, which no store can hold."""


class _Window:
    """Decoded text not yet consumed, ``pos`` into it, and the line ``pos`` is on."""

    def __init__(self, stream: Readable, name: str) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.name = name
        self.text = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def where(self, pos: int | None = None) -> str:
        upto = self.pos if pos is None else pos
        return f"{self.name}:{self.line + self.text.count(_NEWLINE, self.pos, upto)}"

    def more(self) -> bool:
        """Read another chunk into the window; False at the end of the stream."""
        if self.eof:
            return False
        data = self._stream.read(CHUNK)
        try:
            decoded = self._decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            line = self.line + self.text.count("\n", self.pos) + data[: exc.start].count(b"\n")
            raise InputError("not UTF-8 text, so not a JSON file", f"{self.name}:{line}") from None
        self.eof = not data
        self.text = self.text[self.pos :] + decoded
        self.pos = 0
        return True

    def advance(self, to: int) -> None:
        self.line += self.text.count("\n", self.pos, to)
        self.pos = to

    def peek(self) -> str:
        """The next character that is not white space ('' at the end), without consuming it."""
        while True:
            end = len(self.text)
            while self.pos < end and self.text[self.pos] in _SPACE:
                if self.text[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < end or not self.more():
                return self.text[self.pos : self.pos + 1]

    def decode(self) -> Any:
        """The JSON value at ``pos``, reading more text while it is cut off by the window's end."""
        while True:
            try:
                value, end = DECODER.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.text) - self.pos < MAX_ITEM_CHARS and self.more():
                    continue
                too_long = len(self.text) - self.pos >= MAX_ITEM_CHARS
                raise InputError(_invalid(exc.msg, too_long), self.where(exc.pos)) from None
            except RecursionError:
                raise InputError("not valid JSON: nested too deeply", self.where()) from None
            except ValueError as exc:  # NaN, Infinity, an integer of thousands of digits
                raise InputError(f"not valid JSON: {exc}", self.where()) from None
            if end == len(self.text) and self.more():
                continue  # a number may go on in the next chunk
            self.advance(end)
            return value


def _invalid(message: str, too_long: bool) -> str:
    if too_long:
        return f"not valid JSON, or one item longer than {MAX_ITEM_CHARS} characters: {message}"
    return f"not valid JSON: {message}"


def array_items(stream: Readable, name: str) -> Iterator[tuple[str, Any]]:
    """``(file:line, item)`` for each item of the JSON array that is the whole of ``stream``."""
    window = _Window(stream, name)
    first = window.peek()
    if first != "[":
        found = {"{": "a JSON object", "": "an empty file"}.get(first, "something else")
        raise InputError(f"expected a list of plays, found {found}", window.where())
    window.advance(window.pos + 1)
    if window.peek() == "]":
        window.advance(window.pos + 1)
    else:
        while True:
            window.peek()
            yield window.where(), window.decode()
            after = window.peek()
            if after == "]":
                window.advance(window.pos + 1)
                break
            if after != ",":
                raise InputError("not valid JSON: expected ',' or ']' after an item", window.where())
            window.advance(window.pos + 1)
    if window.peek():
        raise InputError("not valid JSON: more after the list's closing ']'", window.where())
