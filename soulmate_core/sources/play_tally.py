"""Plays as integer columns, in memory that grows by 33 bytes a play (and 16 for each id a play
carries), whatever names they carry.

A play is kept as hashes (its artist's name and its title), its time and lengths; the ids that name
its artist or track are kept apart, as (play, id) pairs, since most formats carry none. No name is
kept while reading; the ranking (``ranking``) gets the few names it shows from a second pass over
the same plays, matched by their position.

**Identity.** One artist may reach a history under several names: a scrobbler's "Beyonce feat.
JAY-Z" whose MusicBrainz mapping says Beyoncé, or a name a ListenBrainz listen spells one way and the
same Spotify track another. Names, MusicBrainz and Spotify artist ids and Spotify track URIs that
occur on one play are one artist; ``finish`` joins them into connected components (with numpy, no
per-name objects) and gives every play its component, so the artist's listens add up under one key.
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from soulmate_core.listening import DropReason
from soulmate_core.profile import artist_key
from soulmate_core.sources.listen_rules import FULL_LISTEN_MS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_UNKNOWN = -1


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


def _hash(kind: str, text: str) -> int:
    digest = hashlib.blake2b(f"{kind}\x00{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True) or 1  # 0 means "none"


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


def day_of(micros: int) -> str:
    return (_EPOCH + timedelta(microseconds=micros)).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Listens:
    """Every play read, by position: its artist (a component's key), its track (artist and title),
    its time, and whether it counts as a listen."""

    artist: NDArray[np.int64]
    track: NDArray[np.int64]
    ended: NDArray[np.int64]
    keep: NDArray[np.bool_]


class PlayColumns:
    """The plays of one history as integer columns."""

    def __init__(self) -> None:
        self.name, self.title, self.ended = array("q"), array("q"), array("q")
        self.ms, self.duration = array("i"), array("i")  # milliseconds, up to fields.MAX_MS
        self.done = array("b")
        self.linked, self.links = array("q"), array("q")  # (play, id) pairs

    @classmethod
    def of(cls, plays: Sequence[Play]) -> PlayColumns:
        columns = cls()
        for play in plays:
            columns.add(play)
        return columns

    def add(self, play: Play) -> None:
        at = len(self.name)
        self.name.append(_hash("n", artist_key(play.artist)))
        if play.alias:
            self._link(at, "n", artist_key(play.alias))
        if play.artist_mbid:
            self._link(at, "mb", play.artist_mbid)
        if play.artist_spotify_id:
            self._link(at, "sa", play.artist_spotify_id)
        if play.track_uri:
            self._link(at, "st", play.track_uri)
        self.title.append(_hash("t", play.track.casefold()))
        self.ended.append(_micros(play.ended_at))
        self.ms.append(_UNKNOWN if play.ms_played is None else play.ms_played)
        self.duration.append(_UNKNOWN if play.duration_ms is None else play.duration_ms)
        self.done.append(play.done)

    def _link(self, at: int, kind: str, value: str) -> None:
        self.linked.append(at)
        self.links.append(_hash(kind, value))

    def __len__(self) -> int:
        return len(self.ended)

    def finish(self, dropped: Counter[DropReason]) -> Listens:
        """Artists joined by identity, tracks keyed by artist and title, and the plays shorter than
        half their track (or 4 minutes) left out, counted in ``dropped`` as ``partial``."""
        artist = components(_column(self.name), _column(self.linked), _column(self.links))
        mixed = artist.view(np.uint64) * _MIX
        mixed ^= _column(self.title).view(np.uint64)
        track = mixed.view(np.int64)
        ms = _column(self.ms, np.int32)
        done = np.frombuffer(self.done, dtype=np.int8).astype(bool) if len(self.done) else np.zeros(0, bool)
        duration = _lengths(track, ms, _column(self.duration, np.int32), done)
        keep = np.ones(len(track), dtype=bool)
        if (duration >= 0).any():
            needed = np.minimum(duration // 2, FULL_LISTEN_MS)
            keep &= (ms < 0) | (duration < 0) | (ms >= needed)
            dropped["partial"] += int(len(keep) - keep.sum())
        return Listens(artist, track, _column(self.ended), keep)


def _column(values: array[int], dtype: type[np.signedinteger[Any]] = np.int64) -> NDArray[Any]:
    """A column as numpy sees it, without a copy."""
    return np.frombuffer(values, dtype=dtype) if len(values) else np.zeros(0, dtype=dtype)


def components(
    nodes: NDArray[np.int64], linked: NDArray[np.int64], links: NDArray[np.int64]
) -> NDArray[np.int64]:
    """For each play, the smallest hash of the component its node joins: play ``linked[i]`` is
    joined to id ``links[i]``. Label propagation with pointer jumping, a few passes over the links."""
    if not len(links):
        return nodes
    every, inverse = np.unique(np.concatenate([nodes, links]), return_inverse=True)
    node_at = inverse[: len(nodes)]
    left = node_at[linked]
    right = inverse[len(nodes) :]
    label = np.arange(len(every))
    while True:
        lower = np.minimum(label[left], label[right])
        new = label.copy()
        np.minimum.at(new, left, lower)
        np.minimum.at(new, right, lower)
        new = new[new]
        if np.array_equal(new, label):
            return every[label[node_at]]
        label = new


def _lengths(
    track: NDArray[np.int64], ms: NDArray[np.int32], duration: NDArray[np.int32], done: NDArray[np.bool_]
) -> NDArray[np.int32]:
    """Each play's track length: the one its source gave, else the longest play of the same track
    that ran to its end, else unknown (-1)."""
    full = done & (ms >= 0)
    if not full.any():
        return duration
    keys, lengths = track[full], ms[full]
    order = np.lexsort((lengths, keys))
    keys, lengths = keys[order], lengths[order]
    last = np.append(keys[1:] != keys[:-1], True)
    keys, lengths = keys[last], lengths[last]
    at = np.minimum(np.searchsorted(keys, track), len(keys) - 1)
    known = (duration < 0) & (keys[at] == track)
    return np.where(known, lengths[at], duration)
