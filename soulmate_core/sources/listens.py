"""The generic listening table: ``user_id,artist,weight`` plus an optional ``artist,genre`` table.

Both files are validated whole before any profile is built, so a bad file changes nothing. Every
problem is reported as ``InputError`` naming ``file:line``. The files are read a line at a time,
within one byte cap for both together (``max_bytes``) and a cap on one line's length, so a pipe or
``/dev/zero`` stops at the cap. Rows are summed per user and artist as they are read, on disk
(``listen_tally``), so no list of rows is ever held: memory stays bounded whatever the input.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from soulmate_core.errors import InputError
from soulmate_core.sources.bounded import Budget, Capped, open_source, settle
from soulmate_core.sources.listen_tally import ListenTally, Progress

__all__ = ["ListenTally", "Progress", "tally_listens"]

LISTENS_HEADERS = (("user_id", "artist", "weight"), ("user_id", "artist"))
GENRES_HEADER = ("artist", "genre")
MAX_BYTES = 500 * 2**20
MAX_LINE_BYTES = 1 << 20


def tally_listens(
    listens: str | Path, genres: str | Path | None = None, max_bytes: int = MAX_BYTES
) -> ListenTally:
    """Both files read and validated, summed per user and artist; raises ``InputError`` at the
    first bad row. The caller closes the tally (it is a context manager)."""
    budget = Budget(max_bytes)
    tally = ListenTally()
    try:
        tally.add_listens(_listens(listens, budget))
        if genres is not None:
            tally.add_genres(_genres(genres, budget))
    except BaseException:
        tally.close()
        raise
    return tally


def _listens(path: str | Path, budget: Budget) -> Iterator[tuple[str, str, float]]:
    name = Path(path).name
    for line, cells in _rows(path, LISTENS_HEADERS, budget):
        where = f"{name}:{line}"
        user_id, artist = cells[0].strip(), cells[1].strip()
        if not user_id:
            raise InputError("empty user_id", where)
        if not artist:
            raise InputError("empty artist", where)
        yield user_id, artist, _weight(cells[2] if len(cells) > 2 else "", where)


def _genres(path: str | Path, budget: Budget) -> Iterator[tuple[str, str]]:
    name = Path(path).name
    for line, (artist, genre) in _rows(path, (GENRES_HEADER,), budget):
        artist, genre = artist.strip(), genre.strip()
        if not artist:
            raise InputError("empty artist", f"{name}:{line}")
        if not genre:
            raise InputError("empty genre", f"{name}:{line}")
        yield artist, genre


def _rows(
    path: str | Path, headers: tuple[tuple[str, ...], ...], budget: Budget
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each data row after checking the encoding and the header."""
    name = Path(path).name
    source = settle(Path(path), Budget(budget.left), name)  # read again below, charged then
    with open_source(source, name) as raw, io.BufferedReader(Capped(raw, budget, name)) as capped:
        reader = csv.reader(_lines(capped, name), strict=True)
        try:
            header = [cell.strip() for cell in next(reader, [])]
            if not any(header) and not any(any(c.strip() for c in row) for row in reader):
                raise InputError("empty file", f"{name}:1")
            if tuple(header) not in headers:
                expected = " or ".join(",".join(h) for h in headers)
                raise InputError(f"header is {','.join(header)!r}; expected {expected}", f"{name}:1")
            found = 0
            for row in _data_rows(reader, len(header), name):
                found += 1
                yield row
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", f"{name}:{reader.line_num}") from exc
    if not found:
        raise InputError("no data rows after the header", f"{name}:2")


class _LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _lines(stream: _LineReader, name: str) -> Iterable[str]:
    """The file's lines as text, each checked for UTF-8 and for length on its own."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) > MAX_LINE_BYTES:
            raise InputError(f"a line longer than {MAX_LINE_BYTES // 2**20} MB", f"{name}:{number}")
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise InputError("invalid UTF-8", f"{name}:{number}") from None


def _data_rows(reader: Iterator[list[str]], width: int, name: str) -> Iterator[tuple[int, list[str]]]:
    line = 1
    for cells in reader:
        line = reader.line_num  # type: ignore[attr-defined]
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != width:
            raise InputError(f"expected {width} fields, found {len(cells)}", f"{name}:{line}")
        yield line, cells


def _weight(cell: str, where: str) -> float:
    cell = cell.strip()
    if not cell:
        return 1.0
    try:
        value = float(cell)
    except ValueError:
        raise InputError(f"weight {cell!r} is not a number", where) from None
    if not math.isfinite(value):
        raise InputError(f"weight {cell!r} is not a finite number", where)
    if value < 0:
        raise InputError(f"weight {cell!r} is negative", where)
    return value
