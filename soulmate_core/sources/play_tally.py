"""Plays -> ranked artists and tracks per time range, in memory that grows by 32 bytes a play.

A play is kept as four integers: 64-bit hashes of its artist and track keys, milliseconds, and
microseconds since the epoch. However many distinct names an export holds, no name is kept while
reading. Ranking a range sums milliseconds per hash with numpy; only the leading candidates (a few
hundred, ties included) get their names back, from a second pass over the plays. Order and names
are as if every play were held: most time first, ties by name, and the first spelling seen wins.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from soulmate_core.profile import ArtistEntry, RangeName, RangeTaste, TrackEntry, artist_key
from soulmate_core.weights import amount_weights

MAX_ARTISTS = 50
MAX_TRACKS = 50
CANDIDATES = 10  # times the limit: ties at the cut beyond this are broken by hash, not by name
# Spotify's top-item ranges, measured back from the last play in the export.
RANGE_SPANS: tuple[tuple[RangeName, timedelta | None], ...] = (
    ("short_term", timedelta(weeks=4)),
    ("medium_term", timedelta(days=182)),
    ("long_term", None),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Play:
    """One music play, stripped to what a taste profile needs."""

    artist: str
    track: str
    ms_played: int
    ended_at: datetime
    track_uri: str | None = None


@dataclass(slots=True)
class _Shown:
    """How a track is spelled where it is first seen, and the first track URI seen with it."""

    artist: str
    name: str
    uri: str | None


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little", signed=True)


def _keys(play: Play) -> tuple[int, int]:
    artist = artist_key(play.artist)
    return _hash(artist), _hash(f"{artist}\x00{play.track.casefold()}")


def _micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICROSECOND


class PlayColumns:
    """The plays of one export as integer columns."""

    def __init__(self) -> None:
        self.artist, self.track, self.ms, self.ended = array("q"), array("q"), array("q"), array("q")

    @classmethod
    def of(cls, plays: Iterable[Play]) -> PlayColumns:
        columns = cls()
        for play in plays:
            columns.add(play)
        return columns

    def add(self, play: Play) -> None:
        artist, track = _keys(play)
        self.artist.append(artist)
        self.track.append(track)
        self.ms.append(play.ms_played)
        self.ended.append(_micros(play.ended_at))

    def __len__(self) -> int:
        return len(self.ms)


def range_tastes(columns: PlayColumns, plays: Iterable[Play]) -> dict[RangeName, RangeTaste]:
    """Each range's artists and tracks, best first; ``plays`` are the same plays, read again for names."""
    ended = np.frombuffer(columns.ended, dtype=np.int64)
    artists, tracks, ms = (
        np.frombuffer(c, dtype=np.int64) for c in (columns.artist, columns.track, columns.ms)
    )
    last = int(ended.max())
    starts = {name: None if span is None else last - span // _MICROSECOND for name, span in RANGE_SPANS}
    wanted: dict[RangeName, tuple[dict[int, int], dict[int, int]]] = {}
    for name, start in starts.items():
        inside = np.ones(len(ended), dtype=bool) if start is None else ended > start
        wanted[name] = (
            _leaders(artists[inside], ms[inside], MAX_ARTISTS),
            _leaders(tracks[inside], ms[inside], MAX_TRACKS),
        )
    artist_names: dict[RangeName, dict[int, str]] = {name: {} for name in starts}
    track_names: dict[RangeName, dict[int, _Shown]] = {name: {} for name in starts}
    for play in plays:
        artist, track = _keys(play)
        moment = _micros(play.ended_at)
        for name, start in starts.items():
            if start is not None and moment <= start:
                continue
            if artist in wanted[name][0]:
                artist_names[name].setdefault(artist, play.artist)
            if track in wanted[name][1]:
                shown = track_names[name].setdefault(track, _Shown(play.artist, play.track, play.track_uri))
                shown.uri = shown.uri or play.track_uri
    tastes = {name: _taste(wanted[name], artist_names[name], track_names[name]) for name in starts}
    return {name: taste for name, taste in tastes.items() if taste.artists}


def _leaders(keys: NDArray[np.int64], ms: NDArray[np.int64], limit: int) -> dict[int, int]:
    """Key -> total milliseconds for the keys with the most time, ``CANDIDATES`` × ``limit`` at most."""
    if not len(keys):
        return {}
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    totals = np.add.reduceat(ms[order], firsts)
    best = np.argsort(-totals, kind="stable")[: limit * CANDIDATES]
    return dict(zip(ordered[firsts][best].tolist(), totals[best].tolist(), strict=True))


def _taste(
    wanted: tuple[dict[int, int], dict[int, int]],
    artist_names: dict[int, str],
    track_names: dict[int, _Shown],
) -> RangeTaste:
    artist_ms, track_ms = wanted
    artists = sorted(((artist_names[k], ms) for k, ms in artist_ms.items()), key=lambda a: (-a[1], a[0]))
    tracks = sorted(((track_names[k], ms) for k, ms in track_ms.items()), key=lambda t: (-t[1], t[0].name))
    artists, tracks = artists[:MAX_ARTISTS], tracks[:MAX_TRACKS]
    artist_weights = amount_weights([ms for _, ms in artists])
    track_weights = amount_weights([ms for _, ms in tracks])
    return RangeTaste(
        artists=tuple(
            ArtistEntry(name=name, weight=w) for (name, _), w in zip(artists, artist_weights, strict=True)
        ),
        tracks=tuple(
            TrackEntry(name=shown.name, artists=(shown.artist,), weight=w, spotify_id=_track_id(shown.uri))
            for (shown, _), w in zip(tracks, track_weights, strict=True)
        ),
    )


def _track_id(uri: str | None) -> str | None:
    if uri and uri.startswith("spotify:track:"):
        return uri.removeprefix("spotify:track:") or None
    return None
