"""A text file's lines and rows, one at a time, each with its line number and checked on its own.

Every line is checked for UTF-8 and for length (``MAX_LINE_BYTES``) before it is decoded, so a file
without line breaks stops at the cap, and every refusal names ``file:line``. Nothing here holds more
than one line (one record, for CSV fields quoted across lines).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from soulmate_core.errors import InputError
from soulmate_core.sources.json_stream import DECODER

MAX_LINE_BYTES = 1 << 20


class LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def lines(stream: LineReader, name: str) -> Iterator[tuple[int, str]]:
    """``(line number, text)`` for each line, its line break kept."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise InputError(f"a line longer than {MAX_LINE_BYTES // 2**20} MB", f"{name}:{number}")
        try:
            yield number, line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InputError("invalid UTF-8", f"{name}:{number}") from None


def delimited_rows(stream: LineReader, name: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """``(line number, cells)`` for each row that is not blank, the header included; quoting as
    the ``csv`` module reads it, strictly."""
    numbered = lines(stream, name)
    reader = csv.reader(_texts(numbered), delimiter=delimiter, strict=True)
    try:
        for cells in reader:
            if cells and (len(cells) > 1 or cells[0].strip()):
                yield reader.line_num, cells
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", f"{name}:{reader.line_num}") from exc


def _texts(numbered: Iterable[tuple[int, str]]) -> Iterator[str]:
    for _, text in numbered:
        yield text


def json_lines(stream: LineReader, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(file:line, object)`` for each line of a JSON Lines file; blank lines are passed over."""
    for number, text in lines(stream, name):
        if not text.strip():
            continue
        where = f"{name}:{number}"
        try:
            value = DECODER.decode(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", where) from None
        except RecursionError:
            raise InputError("not valid JSON: nested too deeply", where) from None
        except ValueError as exc:  # NaN, Infinity, an integer of thousands of digits
            raise InputError(f"not valid JSON: {exc}", where) from None
        if not isinstance(value, dict):
            raise InputError("expected each line to be a JSON object", where)
        yield where, value
