"""Listens summed per user and artist on disk, so an import's memory does not grow with its rows.

A listens table may hold its users in any order, so no user's profile is complete before its last
row. Rows are summed as they are read into a private scratch database on disk (``scratch``).
Memory holds one chunk of rows and its capped cache, whatever the file's size and shape, and
profiles are built one user at a time from the sorted sums. Sums add in file order, users come in
the order they first appear, an artist keeps the first spelling seen and its genres their file
order: as if every row were held. A user keeps their ``MAX_ARTISTS`` heaviest artists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, artist_key, make_profile
from soulmate_core.sources.scratch import ADD_USER, ScratchTally
from soulmate_core.weights import amount_weights

MAX_ARTISTS = 1_000
"""Artists kept per user, heaviest first: far more than any top list, few enough that one
profile stays small whatever the file holds."""
_TABLES = (
    """CREATE TABLE tally (
        user_seq INTEGER NOT NULL, key TEXT NOT NULL, shown TEXT NOT NULL, total REAL NOT NULL,
        PRIMARY KEY (user_seq, key)
    ) WITHOUT ROWID""",
    """CREATE TABLE genres (
        key TEXT NOT NULL, genre TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (key, genre)
    ) WITHOUT ROWID""",
)
_ADD_LISTEN = """
INSERT INTO tally (user_seq, key, shown, total)
SELECT seq, ?2, ?3, ?4 FROM users WHERE user_id = ?1
ON CONFLICT (user_seq, key) DO UPDATE SET total = total + excluded.total
"""
_ADD_GENRE = "INSERT INTO genres (key, genre, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
_BY_USER = """
SELECT u.user_id, t.key, t.shown, t.total FROM users u JOIN tally t ON t.user_seq = u.seq
ORDER BY u.seq, t.total DESC, t.key
"""

Progress = Callable[[int, int], None]


class ListenTally(ScratchTally):
    """``(user_id, artist, weight)`` rows and ``(artist, genre)`` pairs in; profiles out."""

    def __init__(self) -> None:
        super().__init__(_TABLES)
        self._genre_rows = 0

    def add_listens(self, listens: Iterable[tuple[str, str, float]]) -> None:
        def write(chunk: list[tuple[str, str, float]]) -> None:
            self._db.executemany(ADD_USER, ((user_id,) for user_id, _, _ in chunk))
            self._db.executemany(_ADD_LISTEN, ((u, artist_key(a), a, w) for u, a, w in chunk))

        self.rows += self._insert(listens, write)

    def add_genres(self, pairs: Iterable[tuple[str, str]]) -> None:
        def write(chunk: list[tuple[str, str]]) -> None:
            first = self._genre_rows
            self._db.executemany(
                _ADD_GENRE, ((artist_key(a), g, first + i) for i, (a, g) in enumerate(chunk))
            )
            self._genre_rows += len(chunk)

        self._insert(pairs, write)

    @property
    def artists(self) -> int:
        """Distinct artists over every user."""
        return int(self._db.execute("SELECT count(DISTINCT key) FROM tally").fetchone()[0])

    def profiles(self, progress: Progress | None = None) -> Iterator[TasteProfile]:
        """One ``all_time`` profile per user, built and yielded one at a time."""
        total = self.users
        done = 0
        user: str | None = None
        artists: list[tuple[str, str, float]] = []
        for user_id, key, shown, amount in self._db.execute(_BY_USER):
            if user_id != user:
                if user is not None:
                    yield self._profile(user, artists)
                    done += 1
                    if progress:
                        progress(done, total)
                user, artists = user_id, []
            if len(artists) < MAX_ARTISTS:
                artists.append((key, shown, amount))
        if user is not None:
            yield self._profile(user, artists)
            if progress:
                progress(done + 1, total)

    def _profile(self, user_id: str, artists: list[tuple[str, str, float]]) -> TasteProfile:
        weights = amount_weights([amount for _, _, amount in artists])
        entries = tuple(
            ArtistEntry(name=shown, weight=w, genres=self._genres(key))
            for (key, shown, _), w in zip(artists, weights, strict=True)
            if w > 0
        )
        profile = make_profile(
            user_id=user_id,
            display_name=user_id,
            source="listens",
            ranges={"all_time": RangeTaste(artists=entries)},
        )
        self.with_genres += profile.has_genres
        return profile

    def _genres(self, key: str) -> tuple[str, ...]:
        found = self._db.execute("SELECT genre FROM genres WHERE key = ? ORDER BY seq", (key,))
        return tuple(genre for (genre,) in found)
