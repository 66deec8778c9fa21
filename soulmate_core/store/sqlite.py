"""The embedded default store: one SQLite file in WAL mode, one row per user.

A deleted user leaves a row in ``tombstones`` (user id and when), checked by every put in the
same transaction (``Store`` says what "older" means); a newer save clears it. A user's recovery
key is a row of ``recovery_keys`` (its hash, primary key, and the user id, unique), written in the
transaction of their profile and deleted in the transaction of their tombstone. A share code is a
row of ``share_codes`` (its hash, primary key; the user id, unique; the code), written only while
the user's profile is stored and deleted in the transaction of their tombstone. The artist
catalogue is ``artist_genres`` (the artist key, primary key; its genres as a JSON list); a file
made before it gets the table when next opened.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path

from soulmate_core.errors import CorruptItemError, StaleWriteError, StoreError, UnknownUserError
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.schema import from_item, to_item
from soulmate_core.sharing import code_hash
from soulmate_core.store import sqlite_catalogue as catalogue
from soulmate_core.store.base import Changes, valid_profiles
from soulmate_core.store.sqlite_catalogue import chunks, marks

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS profiles (
        user_id    TEXT PRIMARY KEY,
        profile    TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO meta (key, value) VALUES ('version', 0)",
    # The version at which each user was last written or deleted: what ``changes_since`` reads.
    "CREATE TABLE IF NOT EXISTS writes (user_id TEXT PRIMARY KEY, version INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS writes_by_version ON writes (version)",
    "CREATE TABLE IF NOT EXISTS tombstones (user_id TEXT PRIMARY KEY, deleted_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS recovery_keys (key_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS share_codes (
        code_hash TEXT PRIMARY KEY,
        user_id   TEXT NOT NULL UNIQUE,
        code      TEXT NOT NULL
    )""",
    catalogue.SCHEMA,
)
_PAGE = 2000  # rows per read while streaming every profile
_BUSY = {sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED}
_OPEN_SECONDS = 30.0

# Write unless the user was deleted at or after this write's time, or the stored row is newer;
# ISO-8601 UTC timestamps of one width order as strings.
_UPSERT = """
INSERT INTO profiles (user_id, profile, updated_at)
SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM tombstones WHERE user_id = ?1 AND deleted_at >= ?3)
ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at
WHERE excluded.updated_at >= profiles.updated_at
"""
_TOMBSTONE = """
INSERT INTO tombstones (user_id, deleted_at) VALUES (?, ?)
ON CONFLICT (user_id) DO UPDATE SET deleted_at = max(deleted_at, excluded.deleted_at)
"""


class SQLiteStore:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.skipped: list[str] = []
        self._lock = threading.Lock()
        try:
            if str(self.path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = _connect(self.path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc

    def get(self, user_id: str) -> TasteProfile | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT profile, updated_at FROM profiles WHERE user_id = ?", (user_id,)
            ).fetchone()
        return None if row is None else _decode(user_id, row[0], row[1])

    def put(self, profile: TasteProfile) -> None:
        self.put_many([profile])

    def put_with_key(self, profile: TasteProfile, key_hash: str) -> None:
        self._write([_encode(profile)], key_hash)

    def put_many(self, profiles: Iterable[TasteProfile]) -> int:
        """One transaction, filled as ``profiles`` is read: a long generator is never held whole,
        and an error it raises midway rolls back everything before it."""
        return self._write(map(_encode, profiles))

    def _write(self, rows: Iterable[tuple[str, str, str]], key_hash: str | None = None) -> int:
        written = 0
        with self._lock, self._transaction():
            version = self._bump()
            for row in rows:
                if self._conn.execute(_UPSERT, row).rowcount == 0:
                    raise StaleWriteError(row[0])
                self._conn.execute("DELETE FROM tombstones WHERE user_id = ?", row[:1])
                self._conn.execute(_LOG, (row[0], version))
                if key_hash is not None:
                    self._set_key(row[0], key_hash)
                written += 1
        return written

    def _set_key(self, user_id: str, key_hash: str) -> None:
        self._conn.execute("DELETE FROM recovery_keys WHERE user_id = ?", (user_id,))
        inserted = self._conn.execute(
            "INSERT INTO recovery_keys (key_hash, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (key_hash, user_id),
        ).rowcount
        if not inserted:
            raise StoreError("that recovery key hash belongs to another user")

    def user_for_key(self, key_hash: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT user_id FROM recovery_keys WHERE key_hash = ?", (key_hash,)
            ).fetchone()
        return None if row is None else str(row[0])

    def set_share_code(self, user_id: str, code: str) -> None:
        with self._lock, self._transaction():
            if self._conn.execute("SELECT 1 FROM profiles WHERE user_id = ?", (user_id,)).fetchone() is None:
                raise UnknownUserError(user_id)
            self._conn.execute("DELETE FROM share_codes WHERE user_id = ?", (user_id,))
            inserted = self._conn.execute(
                "INSERT INTO share_codes (code_hash, user_id, code) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (code_hash(code), user_id, code),
            ).rowcount
            if not inserted:
                raise StoreError("that share code belongs to another user")

    def share_code(self, user_id: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT code FROM share_codes WHERE user_id = ?", (user_id,)).fetchone()
        return None if row is None else str(row[0])

    def user_for_share_code(self, code: str) -> str | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT user_id FROM share_codes WHERE code_hash = ?", (code_hash(code),)
            ).fetchone()
        return None if row is None else str(row[0])

    def drop_share_code(self, user_id: str) -> bool:
        with self._lock, self._transaction():
            return self._conn.execute("DELETE FROM share_codes WHERE user_id = ?", (user_id,)).rowcount > 0

    def learn_genres(self, genres: Mapping[str, Sequence[str]]) -> int:
        with self._lock, self._transaction():
            return catalogue.learn(self._conn, genres)

    def genres_for(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        found: dict[str, tuple[str, ...]] = {}
        for chunk in chunks(keys):
            with self._lock:
                found.update(catalogue.read(self._conn, chunk))
        return found

    def delete(self, user_id: str) -> bool:
        with self._lock, self._transaction():
            row = self._conn.execute(
                "DELETE FROM profiles WHERE user_id = ? RETURNING updated_at", (user_id,)
            ).fetchone()
            # Stamped inside the write lock, and never earlier than the profile it removes.
            self._conn.execute(_TOMBSTONE, (user_id, max(utc_now_iso(), row[0] if row else "")))
            self._conn.execute("DELETE FROM recovery_keys WHERE user_id = ?", (user_id,))
            self._conn.execute("DELETE FROM share_codes WHERE user_id = ?", (user_id,))
            if row:
                self._conn.execute(_LOG, (user_id, self._bump()))
        return row is not None

    def get_many(self, user_ids: Sequence[str]) -> dict[str, TasteProfile]:
        found: dict[str, TasteProfile] = {}
        for chunk in chunks(user_ids):
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT user_id, profile, updated_at FROM profiles WHERE user_id IN ({marks(chunk)})",
                    chunk,
                ).fetchall()
            found.update((p.user_id, p) for p in _valid(rows, self.skipped))
        return found

    def changes_since(self, version: str) -> Changes | None:
        since = _number(version)
        if since is None:
            return None
        with self._lock, self._transaction():
            (now,) = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            rows = self._conn.execute(
                "SELECT w.user_id, p.profile, p.updated_at FROM writes w"
                " LEFT JOIN profiles p ON p.user_id = w.user_id WHERE w.version > ?",
                (since,),
            ).fetchall()
        deleted = [user_id for user_id, body, _ in rows if body is None]
        saved = list(_valid([row for row in rows if row[1] is not None], self.skipped))
        return Changes(saved, deleted, f"sqlite:{now}")

    def iter_all(self) -> Iterator[TasteProfile]:
        """Every profile in user id order, read a page at a time so memory stays flat."""
        return self._iter_between(None, None)

    def iter_part(self, part: int, parts: int) -> Iterator[TasteProfile]:
        """A run of user ids: the store cut at its ``parts``-quantiles of user id."""
        if not 0 <= part < parts:
            raise ValueError(f"part {part} of {parts}")
        with self._lock:
            (count,) = self._conn.execute("SELECT COUNT(*) FROM profiles").fetchone()
            cuts = [
                self._conn.execute(
                    "SELECT user_id FROM profiles ORDER BY user_id LIMIT 1 OFFSET ?", (count * k // parts,)
                ).fetchone()
                for k in (part, part + 1)
            ]
        first = cuts[0][0] if part > 0 and cuts[0] else None
        stop = cuts[1][0] if part + 1 < parts and cuts[1] else None
        if part > 0 and first is None:
            return iter(())
        return self._iter_between(first, stop)

    def _iter_between(self, first: str | None, stop: str | None) -> Iterator[TasteProfile]:
        """Profiles with ``first <= user_id < stop`` (None: unbounded), a page at a time."""
        after, inclusive = first or "", first is not None
        while True:
            since = "user_id >= ?" if inclusive else "user_id > ?"
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT user_id, profile, updated_at FROM profiles WHERE {since}"
                    " AND (? IS NULL OR user_id < ?) ORDER BY user_id LIMIT ?",
                    (after, stop, stop, _PAGE),
                ).fetchall()
            if not rows:
                return
            after, inclusive = rows[-1][0], False
            yield from _valid(rows, self.skipped)

    def version(self) -> str:
        with self._lock:
            (value,) = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return f"sqlite:{value}"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _bump(self) -> int:
        (version,) = self._conn.execute(
            "UPDATE meta SET value = value + 1 WHERE key = 'version' RETURNING value"
        ).fetchone()
        return int(version)

    def _transaction(self) -> _Transaction:
        return _Transaction(self._conn)


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any error: all of a write lands, or none."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __enter__(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self._conn.execute("ROLLBACK" if exc_type else "COMMIT")


def _connect(path: Path) -> sqlite3.Connection:
    """Open, switch to WAL and create the schema. Several processes may do this at once on a new
    file; switching the journal mode can fail as busy without waiting, so that step is retried."""
    deadline = time.monotonic() + _OPEN_SECONDS
    while True:
        conn = sqlite3.connect(
            str(path), timeout=_OPEN_SECONDS, isolation_level=None, check_same_thread=False
        )
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            with _Transaction(conn):
                for statement in _SCHEMA:
                    conn.execute(statement)
            return conn
        except sqlite3.OperationalError as exc:
            conn.close()
            if exc.sqlite_errorcode not in _BUSY or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.1))


_LOG = "INSERT OR REPLACE INTO writes (user_id, version) VALUES (?, ?)"


def _number(version: str) -> int | None:
    prefix, _, value = version.partition(":")
    return int(value) if prefix == "sqlite" and value.isdigit() else None


def _valid(rows: Iterable[tuple[str, str, str]], skipped: list[str]) -> Iterator[TasteProfile]:
    return valid_profiles(
        ((user_id, partial(_decode, user_id, body, at)) for user_id, body, at in rows), skipped
    )


def _encode(profile: TasteProfile) -> tuple[str, str, str]:
    item = to_item(profile)
    return item["user_id"], json.dumps(item["profile"], ensure_ascii=False), item["updated_at"]


def _decode(user_id: str, body: str, updated_at: str) -> TasteProfile:
    try:
        parsed = json.loads(body)
    except ValueError as exc:
        raise CorruptItemError(user_id, f"the profile is not JSON ({exc})") from None
    return from_item({"user_id": user_id, "profile": parsed, "updated_at": updated_at})
