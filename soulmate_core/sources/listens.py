"""Tables of many listeners: ``user_id,artist,weight`` (plus an ``artist,genre`` table), and
``user_id,ts,artist,track[,album,ms_played]`` with a time for every play.

The files are validated whole before any profile is built, so a bad file changes nothing, and every
problem is an ``InputError`` naming ``file:line``. They are read a line at a time (``text_lines``),
loose or inside a zip, within one byte cap for all of them together (``max_bytes``). Rows are
summed per listener as they are read, on disk (``listen_tally``, ``timed_tally``), so no list of
rows is ever held: memory stays bounded whatever the input.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterator, Sequence
from pathlib import Path

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason
from soulmate_core.sources.bounded import Budget, Capped, Source, open_source, settle, settle_all
from soulmate_core.sources.fields import milliseconds, scrobble_time
from soulmate_core.sources.formats import TABLES, Format
from soulmate_core.sources.input_files import input_streams
from soulmate_core.sources.listen_rules import verdict
from soulmate_core.sources.listen_tally import ListenTally, Progress
from soulmate_core.sources.play_tally import Play
from soulmate_core.sources.text_lines import LineReader, delimited_rows
from soulmate_core.sources.timed_tally import Row, TimedTally

__all__ = ["ListenTally", "Progress", "TimedTally", "tally_listens", "tally_tables"]

LISTENS_HEADERS = (("user_id", "artist", "weight"), ("user_id", "artist"))
TIMED_REQUIRED = ("user_id", "ts", "artist", "track")
GENRES_HEADER = ("artist", "genre")
MAX_BYTES = 500 * 2**20
MAX_MEMBERS = 2_000


def tally_listens(
    listens: str | Path, genres: str | Path | None = None, max_bytes: int = MAX_BYTES
) -> ListenTally | TimedTally:
    """``tally_tables`` of one file on disk."""
    path = Path(listens)
    return tally_tables([(path.name, path)], genres, max_bytes)


def tally_tables(
    files: Sequence[tuple[str, Source]],
    genres: str | Path | None = None,
    max_bytes: int = MAX_BYTES,
    max_members: int = MAX_MEMBERS,
) -> ListenTally | TimedTally:
    """Every table read and validated, summed per listener; raises ``InputError`` at the first bad
    row. All tables must be of one kind; ``genres`` goes with ``user_id,artist,weight`` tables. The
    caller closes the tally (it is a context manager)."""
    settled = settle_all(files, max_bytes)
    budget = Budget(max_bytes)
    tally: ListenTally | TimedTally | None = None
    try:
        for found in input_streams(settled, budget, max_members):
            if found.format not in TABLES:
                raise InputError(
                    "this is one person's history, not a table of many listeners: import it on its own, "
                    "with --user-id",
                    found.name,
                )
            if tally is None:
                tally = ListenTally() if found.format == Format.LISTENS_TABLE else TimedTally()
            if isinstance(tally, ListenTally) and found.format == Format.LISTENS_TABLE:
                tally.add_listens(_listens(found.stream, found.name))
            elif isinstance(tally, TimedTally) and found.format == Format.TIMED_TABLE:
                tally.add_plays(_timed(found.stream, found.name))
            else:
                raise InputError(
                    "import user_id,artist,weight tables and timed tables separately", found.name
                )
        if tally is None:
            raise InputError("no files given")
        if genres is not None:
            if not isinstance(tally, ListenTally):
                raise InputError("--genres goes with a user_id,artist,weight table")
            tally.add_genres(_genres(genres, budget))
    except BaseException:
        if tally is not None:
            tally.close()
        raise
    return tally


def _listens(stream: LineReader, name: str) -> Iterator[tuple[str, str, float]]:
    for where, cells in _table(stream, name, LISTENS_HEADERS):
        user_id, artist = cells[0].strip(), cells[1].strip()
        if not user_id:
            raise InputError("empty user_id", where)
        if not artist:
            raise InputError("empty artist", where)
        yield user_id, artist, _weight(cells[2] if len(cells) > 2 else "", where)


def _timed(stream: LineReader, name: str) -> Iterator[Row]:
    for where, cells, column in _named_table(stream, name):
        user_id, artist, track = (cells[column[c]].strip() for c in ("user_id", "artist", "track"))
        for value, what in ((user_id, "user_id"), (artist, "artist"), (track, "track")):
            if not value:
                raise InputError(f"empty {what}", where)
        ended = scrobble_time(cells[column["ts"]], where)
        ms_cell = cells[column["ms_played"]].strip() if "ms_played" in column else ""
        ms = milliseconds(ms_cell, "ms_played", where) if ms_cell else None
        reason: DropReason | None = verdict(ms, None)
        yield user_id, reason or Play(artist=artist, track=track, ended_at=ended, ms_played=ms)


def _genres(path: str | Path, budget: Budget) -> Iterator[tuple[str, str]]:
    name = Path(path).name
    source = settle(Path(path), Budget(budget.left), name)  # read again below, charged then
    with open_source(source, name) as raw, io.BufferedReader(Capped(raw, budget, name)) as capped:
        for where, (artist, genre) in _table(capped, name, (GENRES_HEADER,)):
            artist, genre = artist.strip(), genre.strip()
            if not artist:
                raise InputError("empty artist", where)
            if not genre:
                raise InputError("empty genre", where)
            yield artist, genre


def _table(
    stream: LineReader, name: str, headers: tuple[tuple[str, ...], ...]
) -> Iterator[tuple[str, list[str]]]:
    """``(file:line, cells)`` of each data row, once the header is one of ``headers``."""
    rows = delimited_rows(stream, name)
    _, header = next(rows, (1, []))
    if not any(cell.strip() for cell in header):
        raise InputError("empty file", f"{name}:1")
    if tuple(cell.strip() for cell in header) not in headers:
        expected = " or ".join(",".join(h) for h in headers)
        raise InputError(f"header is {','.join(header)!r}; expected {expected}", f"{name}:1")
    yield from _data(rows, len(header), name)


def _named_table(stream: LineReader, name: str) -> Iterator[tuple[str, list[str], dict[str, int]]]:
    """``(file:line, cells, column by name)`` of each data row of a timed table."""
    rows = delimited_rows(stream, name)
    _, header = next(rows, (1, []))
    column = {cell.strip().casefold(): at for at, cell in enumerate(header)}
    missing = [c for c in TIMED_REQUIRED if c not in column]
    if missing:
        raise InputError(f"the header lacks {', '.join(missing)}", f"{name}:1")
    for where, cells in _data(rows, len(header), name):
        yield where, cells, column


def _data(rows: Iterator[tuple[int, list[str]]], width: int, name: str) -> Iterator[tuple[str, list[str]]]:
    found = False
    for line, cells in rows:
        where = f"{name}:{line}"
        if len(cells) != width:
            raise InputError(f"expected {width} fields, found {len(cells)}", where)
        found = True
        yield where, cells
    if not found:
        raise InputError("no data rows after the header", f"{name}:2")


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
