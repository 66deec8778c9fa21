"""The artist catalogue in the SQLite store: the table ``artist_genres``, one row per artist key
with its genres as a JSON list, and the chunked ``IN (...)`` lookups the store also reads
profiles by."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence

from soulmate_core.catalogue import bounded_entries

SCHEMA = "CREATE TABLE IF NOT EXISTS artist_genres (artist TEXT PRIMARY KEY, genres TEXT NOT NULL)"
IN_LIMIT = 500  # keys per ``IN (...)`` lookup


def learn(conn: sqlite3.Connection, genres: Mapping[str, Sequence[str]]) -> int:
    """Upsert the bounded entries of ``genres``; the caller holds the write transaction."""
    rows = [(key, json.dumps(found, ensure_ascii=False)) for key, found in bounded_entries(genres).items()]
    conn.executemany("INSERT OR REPLACE INTO artist_genres (artist, genres) VALUES (?, ?)", rows)
    return len(rows)


def read(conn: sqlite3.Connection, chunk: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The genres of the keys of one ``chunks`` chunk that the catalogue knows."""
    rows = conn.execute(
        f"SELECT artist, genres FROM artist_genres WHERE artist IN ({marks(chunk)})", chunk
    ).fetchall()
    return {key: tuple(json.loads(found)) for key, found in rows}


def chunks(keys: Sequence[str]) -> Iterator[list[str]]:
    """``keys`` without repeats, ``IN_LIMIT`` at a time: one ``IN (...)`` lookup each."""
    wanted = list(dict.fromkeys(keys))
    for start in range(0, len(wanted), IN_LIMIT):
        yield wanted[start : start + IN_LIMIT]


def marks(chunk: Sequence[str]) -> str:
    return ",".join("?" * len(chunk))
