"""The private scratch database that tables of many listeners are summed in, on disk.

``sqlite3``'s empty file name gives a temporary database on disk, deleted when closed; its page
cache is capped (``CACHE_KIB``), so memory holds one chunk of rows and that cache whatever the
file's size. Rows go in ``CHUNK`` at a time, one transaction each.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from types import TracebackType
from typing import Self, TypeVar

CACHE_KIB = 2048
CHUNK = 2048  # rows per insert
_SETUP = (
    "PRAGMA journal_mode = OFF",
    "PRAGMA synchronous = OFF",
    "PRAGMA temp_store = FILE",
    f"PRAGMA cache_size = -{CACHE_KIB}",
    "CREATE TABLE users (seq INTEGER PRIMARY KEY, user_id TEXT NOT NULL UNIQUE)",
)
ADD_USER = "INSERT INTO users (user_id) VALUES (?) ON CONFLICT DO NOTHING"

Item = TypeVar("Item")


class ScratchTally:
    """A scratch database with a ``users`` table (in the order users first appear) and ``tables``."""

    def __init__(self, tables: Sequence[str]) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        for statement in (*_SETUP, *tables):
            self._db.execute(statement)
        self.rows = 0
        self.with_genres = 0
        """Profiles built so far that have genres."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _insert(self, rows: Iterable[Item], write: Callable[[list[Item]], None]) -> int:
        """``write`` each chunk of ``rows`` in a transaction of its own; the count written."""
        items = iter(rows)
        count = 0
        while chunk := list(islice(items, CHUNK)):
            with self._db:
                self._db.execute("BEGIN")
                write(chunk)
            count += len(chunk)
        return count

    @property
    def users(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM users").fetchone()[0])
