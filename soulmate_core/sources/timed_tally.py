"""Many listeners' timestamped plays, kept on disk, then one profile per listener with time ranges.

A ``user_id,ts,artist,track[,album,ms_played]`` table may hold its users in any order, so no one's
history is complete before the last row. Plays go into a private scratch database on disk
(``scratch``) as they are read; each listener's plays are then
read back in file order and ranked as one person's history is (``ranking``): ranges from their own
last play, listens counted by the same rules, and what was left out kept with the profile. Memory
holds one chunk of rows, the cache, and one listener's play columns at a time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta

from soulmate_core.listening import DropReason
from soulmate_core.profile import TasteProfile, artist_key, make_profile
from soulmate_core.sources.play_tally import Play, PlayColumns
from soulmate_core.sources.ranking import rank
from soulmate_core.sources.scratch import ADD_USER, ScratchTally

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TABLES = (
    "CREATE TABLE plays (user_seq INTEGER NOT NULL, artist TEXT NOT NULL, key TEXT NOT NULL,"
    " track TEXT NOT NULL, ms INTEGER, ended INTEGER NOT NULL)",
    "CREATE TABLE dropped (user_seq INTEGER NOT NULL, reason TEXT NOT NULL, count INTEGER NOT NULL,"
    " PRIMARY KEY (user_seq, reason)) WITHOUT ROWID",
)
_ADD_PLAY = (
    "INSERT INTO plays (user_seq, artist, key, track, ms, ended)"
    " SELECT seq, ?2, ?3, ?4, ?5, ?6 FROM users WHERE user_id = ?1"
)
_ADD_DROP = (
    "INSERT INTO dropped (user_seq, reason, count) SELECT seq, ?2, 1 FROM users WHERE user_id = ?1"
    " ON CONFLICT (user_seq, reason) DO UPDATE SET count = count + 1"
)
_PLAYS_OF = "SELECT artist, track, ms, ended FROM plays WHERE user_seq = ? ORDER BY rowid"

Progress = Callable[[int, int], None]
Row = tuple[str, Play | DropReason]
"""A listener and one of their plays, or the reason one was left out."""


class TimedTally(ScratchTally):
    """``(user_id, play or reason)`` rows in; one profile per listener out."""

    def __init__(self) -> None:
        super().__init__(_TABLES)
        self.without_listens: list[str] = []
        """Listeners all of whose plays were left out: they get no profile."""

    def add_plays(self, rows: Iterable[Row]) -> None:
        def write(chunk: list[Row]) -> None:
            self._db.executemany(ADD_USER, ((user_id,) for user_id, _ in chunk))
            self._db.executemany(_ADD_PLAY, (_stored(u, p) for u, p in chunk if isinstance(p, Play)))
            self._db.executemany(_ADD_DROP, ((u, r) for u, r in chunk if not isinstance(r, Play)))

        self.rows += self._insert(rows, write)

    @property
    def artists(self) -> int:
        """Distinct artists over every listener."""
        return int(self._db.execute("SELECT count(DISTINCT key) FROM plays").fetchone()[0])

    def profiles(self, progress: Progress | None = None) -> Iterator[TasteProfile]:
        """One profile per listener with a counted listen, built and yielded one at a time."""
        self._db.execute("CREATE INDEX IF NOT EXISTS plays_by_user ON plays (user_seq)")
        total = self.users
        users = self._db.execute("SELECT seq, user_id FROM users ORDER BY seq")
        for done, (seq, user_id) in enumerate(users, start=1):
            profile = self._profile(seq, user_id)
            if profile is None:
                self.without_listens.append(user_id)
            else:
                yield profile
            if progress:
                progress(done, total)

    def _profile(self, seq: int, user_id: str) -> TasteProfile | None:
        dropped: Counter[DropReason] = Counter(
            dict(self._db.execute("SELECT reason, count FROM dropped WHERE user_seq = ?", (seq,)).fetchall())
        )
        columns = PlayColumns()
        for play in self._plays(seq):
            columns.add(play)
        listens = columns.finish(dropped)
        if not listens.keep.any():
            return None
        ranked = rank(listens, dropped, self._plays(seq))
        return make_profile(
            user_id=user_id,
            display_name=user_id,
            source="listens",
            ranges=ranked.ranges,
            listening=ranked.summary,
        )

    def _plays(self, seq: int) -> Iterator[Play]:
        for artist, track, ms, ended in self._db.execute(_PLAYS_OF, (seq,)):
            yield Play(
                artist=artist, track=track, ended_at=_EPOCH + timedelta(microseconds=ended), ms_played=ms
            )


def _stored(user_id: str, play: Play) -> tuple[str, str, str, str, int | None, int]:
    ended = (play.ended_at - _EPOCH) // timedelta(microseconds=1)
    return user_id, play.artist, artist_key(play.artist), play.track, play.ms_played, ended
