"""Plays as integer columns: 16 bytes a play (its artist's name and its title as hashes, its time in
seconds), 9 more where the source gives the time played, the track's length or how a play ended,
and 16 for each id a play carries, whatever names they carry.

No name is kept while reading; the ranking (``ranking``) gets the few names it shows from a second
pass over the same plays, matched by their position. ``finish`` turns the columns into ``Listens``:
each play's track as a small index, its artists joined by identity (``identity``), the plays shorter
than half their track left out, and the time each play lasted where the source says it (for the
minutes listened); the hashes are let go, so what stays is 9 bytes a play, 13 with the time played.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from soulmate_core.listening import DropReason
from soulmate_core.profile import artist_key
from soulmate_core.sources.identity import components, node
from soulmate_core.sources.listen_rules import FULL_LISTEN_MS

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # fields.EARLIEST: times are seconds since, unsigned
_BLOCK = 1 << 16
_NAMES = 4096
_artist_key = artist_key.__wrapped__  # uncached: see PlayColumns._artist


@dataclass(frozen=True, slots=True)
class Play:
    """One music play, stripped to what a taste profile needs. ``None``: the source did not say."""

    artist: str
    track: str
    ended_at: datetime
    ms_played: int | None = None
    duration_ms: int | None = None
    done: bool = False
    """It played to the end of the track, so ``ms_played`` is the track's length."""
    track_uri: str | None = None
    """``spotify:track:ID``."""
    alias: str | None = None
    """The artist as the listener's own source wrote it, when ``artist`` is MusicBrainz's name."""
    artist_mbid: str | None = None
    artist_spotify_id: str | None = None


def day_of(seconds: int) -> str:
    return (EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Listens:
    """Every play read, by position: its time, its track (0 to ``tracks`` - 1) and whether it counts
    as a listen; and each track's artist (0 to ``artists`` - 1). ``played``: each play's time
    played in ms (-1 unknown), None when no play said it (the columns' own memory, not a copy)."""

    ended: NDArray[np.uint32]
    track: NDArray[np.int32]
    keep: NDArray[np.bool_]
    track_artist: NDArray[np.int32]
    tracks: int
    artists: int
    played: NDArray[np.int32] | None = None


class PlayColumns:
    """The plays of one history as integer columns."""

    def __init__(self) -> None:
        self.name, self.title, self.ended = array("q"), array("I"), array("I")  # title: 32 bits of it
        self.linked, self.links = array("q"), array("q")  # (play, id) pairs
        self.ms: array[int] | None = None  # milliseconds (up to fields.MAX_MS), -1 unknown
        self.duration: array[int] | None = None
        self.done: array[int] | None = None
        self._artists: dict[str, int] = {}  # name -> node, for the most recent few thousand names

    @classmethod
    def of(cls, plays: Sequence[Play]) -> PlayColumns:
        columns = cls()
        for play in plays:
            columns.add(play)
        return columns

    def add(self, play: Play) -> None:
        at = len(self.name)
        self.name.append(self._artist(play.artist))
        if play.alias:
            self._link(at, "n", artist_key(play.alias))
        if play.artist_mbid:
            self._link(at, "mb", play.artist_mbid)
        if play.artist_spotify_id:
            self._link(at, "sa", play.artist_spotify_id)
        if play.track_uri:
            self._link(at, "st", play.track_uri)
        self.title.append(node("t", play.track.casefold()) & 0xFFFFFFFF)
        self.ended.append(int((play.ended_at - EPOCH).total_seconds()))
        self.ms = _append(self.ms, "i", at, play.ms_played, -1)
        self.duration = _append(self.duration, "i", at, play.duration_ms, -1)
        self.done = _append(self.done, "b", at, 1 if play.done else None, 0)

    def _artist(self, name: str) -> int:
        """The node of an artist's name: names recur, so the last ``_NAMES`` are kept (not in
        ``artist_key``'s own cache, which a history of a million distinct names would fill)."""
        found = self._artists.get(name)
        if found is None:
            if len(self._artists) >= _NAMES:
                self._artists.clear()
            found = self._artists[name] = node("n", _artist_key(name))
        return found

    def _link(self, at: int, kind: str, value: str) -> None:
        self.linked.append(at)
        self.links.append(node(kind, value))

    def __len__(self) -> int:
        return len(self.ended)

    def finish(self, dropped: Counter[DropReason]) -> Listens:
        """The listens, the plays shorter than half their track (or 4 minutes) left out and counted
        in ``dropped`` as ``partial``. The columns are emptied: this is done once. Artists are
        grouped first, then tracks by (artist, title), in the name column's own memory: a few
        bytes a play more than the columns, whatever the history."""
        if not len(self):
            empty = np.zeros(0, np.int32)
            return Listens(np.zeros(0, np.uint32), empty, np.zeros(0, bool), empty, 0, 0)
        artist = components(_view(self.name), _view(self.linked), _view(self.links))
        artist_keys = distinct(artist)
        track = _view(self.name)  # becomes each play's track, in place: its artist's place, its title
        title = np.frombuffer(self.title, dtype=np.uint32)
        for block in _blocks(len(track)):
            place = np.searchsorted(artist_keys, artist[block]).astype(np.int64)
            track[block] = (place << 32) | title[block]
        artists = len(artist_keys)
        del artist, artist_keys, title
        self.title, self.linked, self.links = array("I"), array("q"), array("q")
        track_keys = distinct(track)
        track_index = np.empty(len(track), dtype=np.int32)
        for block in _blocks(len(track)):
            track_index[block] = np.searchsorted(track_keys, track[block])
        track_artist = (track_keys >> 32).astype(np.int32)
        del track, track_keys
        self.name = array("q")
        ended = np.frombuffer(self.ended, dtype=np.uint32)
        keep = self._full_listens(track_index, len(track_artist), dropped)
        played = np.frombuffer(self.ms, dtype=np.int32) if self.ms is not None else None
        return Listens(ended, track_index, keep, track_artist, len(track_artist), artists, played)

    def _full_listens(
        self, track: NDArray[np.int32], tracks: int, dropped: Counter[DropReason]
    ) -> NDArray[np.bool_]:
        """Which plays last half their track or 4 minutes, where the time played and the track's
        length are known: the length the source gave, else the longest play of it that ran to its end."""
        keep = np.ones(len(track), dtype=bool)
        if self.ms is None:
            return keep
        ms = np.frombuffer(self.ms, dtype=np.int32)
        duration = np.frombuffer(self.duration, dtype=np.int32) if self.duration is not None else None
        if self.done is not None:
            finished = (np.frombuffer(self.done, dtype=np.int8) > 0) & (ms >= 0)
            longest = np.full(tracks, -1, dtype=np.int32)
            np.maximum.at(longest, track[finished], ms[finished])
            shown = longest[track]
            duration = shown if duration is None else np.where(duration >= 0, duration, shown)
        if duration is None or not (duration >= 0).any():
            return keep
        keep &= (ms < 0) | (duration < 0) | (ms >= np.minimum(duration // 2, FULL_LISTEN_MS))
        dropped["partial"] += int(len(keep) - keep.sum())
        return keep


def distinct(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct keys, sorted (``np.unique`` without its copies: a key's place among them is a
    ``searchsorted``, done a block at a time)."""
    ordered = np.sort(keys)
    fresh = np.empty(len(ordered), dtype=bool)
    fresh[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
    return ordered if fresh.all() else ordered[fresh]


def _blocks(length: int) -> Iterator[slice]:
    return (slice(start, start + _BLOCK) for start in range(0, length, _BLOCK))


def _append(
    column: array[int] | None, typecode: str, at: int, value: int | None, unknown: int
) -> array[int] | None:
    """``column`` with ``value`` added, made (full of ``unknown`` so far) at the first known one."""
    if column is None:
        if value is None:
            return None
        column = array(typecode, [unknown]) * at
    column.append(unknown if value is None else value)
    return column


def _view(values: array[int]) -> NDArray[Any]:
    """An int64 column as numpy sees it, without a copy."""
    return np.frombuffer(values, dtype=np.int64) if len(values) else np.zeros(0, dtype=np.int64)
