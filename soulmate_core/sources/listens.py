"""The generic listening table: ``user_id,artist,weight`` plus an optional ``artist,genre`` table.

Both files are validated whole before any profile is built, so a bad file changes nothing. Every
problem is reported as ``InputError`` naming ``file:line``. The files are read a line at a time,
within a byte cap (``max_bytes``) and a cap on one line's length, so a pipe or ``/dev/zero`` stops
at the cap.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from soulmate_core.errors import InputError
from soulmate_core.profile import (
    ArtistEntry,
    RangeTaste,
    TasteProfile,
    artist_key,
    make_profile,
)
from soulmate_core.sources.bounded import Budget, Capped, open_source, settle
from soulmate_core.weights import amount_weights

LISTENS_HEADERS = (("user_id", "artist", "weight"), ("user_id", "artist"))
GENRES_HEADER = ("artist", "genre")
MAX_BYTES = 500 * 2**20
MAX_LINE_BYTES = 1 << 20

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Listen:
    user_id: str
    artist: str
    weight: float


def read_listens(path: str | Path, max_bytes: int = MAX_BYTES) -> list[Listen]:
    """Every row of a listens file, validated; raises ``InputError`` at the first bad one."""
    name = Path(path).name
    rows = _rows(path, LISTENS_HEADERS, max_bytes)
    listens: list[Listen] = []
    for line, cells in rows:
        where = f"{name}:{line}"
        user_id, artist = cells[0].strip(), cells[1].strip()
        if not user_id:
            raise InputError("empty user_id", where)
        if not artist:
            raise InputError("empty artist", where)
        weight = _weight(cells[2] if len(cells) > 2 else "", where)
        listens.append(Listen(user_id, artist, weight))
    return listens


def read_artist_genres(path: str | Path, max_bytes: int = MAX_BYTES) -> dict[str, tuple[str, ...]]:
    """Artist key -> its genres in file order, without repeats."""
    name = Path(path).name
    genres: dict[str, list[str]] = {}
    for line, (artist, genre) in _rows(path, (GENRES_HEADER,), max_bytes):
        artist, genre = artist.strip(), genre.strip()
        if not artist:
            raise InputError("empty artist", f"{name}:{line}")
        if not genre:
            raise InputError("empty genre", f"{name}:{line}")
        known = genres.setdefault(artist_key(artist), [])
        if genre not in known:
            known.append(genre)
    return {key: tuple(values) for key, values in genres.items()}


def profiles_from_listens(
    listens: list[Listen],
    artist_genres: dict[str, tuple[str, ...]] | None = None,
    progress: Progress | None = None,
) -> list[TasteProfile]:
    """One ``all_time`` profile per user; an artist's rows add up; weights are log-damped shares."""
    by_user: dict[str, dict[str, tuple[str, float]]] = {}
    for listen in listens:
        artists = by_user.setdefault(listen.user_id, {})
        key = artist_key(listen.artist)
        shown, total = artists.get(key, (listen.artist, 0.0))
        artists[key] = (shown, total + listen.weight)
    genres = artist_genres or {}
    profiles = []
    for done, (user_id, artists) in enumerate(by_user.items(), start=1):
        ranked = sorted(artists.items(), key=lambda kv: (-kv[1][1], kv[0]))
        weights = amount_weights([amount for _, (_, amount) in ranked])
        entries = tuple(
            ArtistEntry(name=shown, weight=w, genres=genres.get(key, ()))
            for (key, (shown, _)), w in zip(ranked, weights, strict=True)
            if w > 0
        )
        profiles.append(
            make_profile(
                user_id=user_id,
                display_name=user_id,
                source="listens",
                ranges={"all_time": RangeTaste(artists=entries)},
            )
        )
        if progress:
            progress(done, len(by_user))
    return profiles


def _rows(
    path: str | Path, headers: tuple[tuple[str, ...], ...], max_bytes: int
) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) for each data row after checking the encoding and the header."""
    name = Path(path).name
    source = settle(Path(path), Budget(max_bytes), name)
    with open_source(source, name) as raw, io.BufferedReader(Capped(raw, Budget(max_bytes), name)) as capped:
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
