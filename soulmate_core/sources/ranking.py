"""Listens -> ranked artists and tracks per time range, and what the history counted.

Ranges mirror Spotify's top items (the last 4 weeks, the last 6 months, all of it), measured back
from the history's last play, since a history is a snapshot of the past. Within a range a listen
counts by how recent it is: half as much one half-range older, so the range's oldest listen counts
a quarter of its newest (all time spans the history itself, 4 weeks at least). Listens add up per
track, no track takes more than its share (``listen_rules.cap_shares``), and tracks add up per artist.

Sums are numpy over the play columns; only the leading candidates (a few hundred, ties included) get
names, from a second pass over the plays matched by position. Order and names are as if every play
were held: most weight first, ties by name; an artist is named as MusicBrainz names it where a play
says, else as first seen.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason, ListeningSummary
from soulmate_core.profile import ArtistEntry, RangeName, RangeTaste, TrackEntry
from soulmate_core.sources.listen_rules import cap_shares
from soulmate_core.sources.play_tally import Listens, Play, day_of
from soulmate_core.weights import amount_weights

MAX_ARTISTS = 50
MAX_TRACKS = 50
CANDIDATES = 10  # times the limit: ties at the cut beyond this are broken by hash, not by name
RANGE_SPANS: tuple[tuple[RangeName, timedelta | None], ...] = (
    ("short_term", timedelta(weeks=4)),
    ("medium_term", timedelta(days=182)),
    ("long_term", None),
)
_MICROSECOND = timedelta(microseconds=1)
_SHORTEST = timedelta(weeks=4) // _MICROSECOND


@dataclass
class _Leaders:
    artists: dict[int, float]
    tracks: dict[int, float]
    capped: set[int]
    owners: dict[int, int]  # leading track -> its artist


@dataclass
class _Names:
    """What the second pass learns of one artist or track."""

    name: str
    from_musicbrainz: bool = False
    mbid: str | None = None
    spotify_id: str | None = None
    artist: int = 0
    uri: str | None = None


@dataclass(frozen=True)
class Ranked:
    ranges: dict[RangeName, RangeTaste]
    summary: ListeningSummary


def rank(listens: Listens, dropped: Counter[DropReason], plays: Iterable[Play]) -> Ranked:
    """Each range's artists and tracks, best first, and the summary; ``plays`` are the plays the
    columns were made of, in the same order, read again for names."""
    counted = int(listens.keep.sum())
    if not counted:
        raise InputError("no music plays to build a profile from: every play was too short to count")
    ended = listens.ended
    first = int(ended.min(where=listens.keep, initial=np.iinfo(np.int64).max))
    last = int(ended.max(where=listens.keep, initial=np.iinfo(np.int64).min))
    leaders: dict[RangeName, _Leaders] = {}
    for name, span in RANGE_SPANS:
        length = max(last - first, _SHORTEST) if span is None else span // _MICROSECOND
        inside = listens.keep & (ended > last - length) if span is not None else listens.keep
        if inside.any():
            leaders[name] = _leaders(listens, inside, last, length)
    artists, tracks = _names(listens, leaders, plays)
    capped = set().union(*(found.capped for found in leaders.values()))
    summary = ListeningSummary(
        counted=counted,
        dropped={reason: count for reason, count in sorted(dropped.items()) if count},
        capped_tracks=len(capped),
        first_play=day_of(first),
        last_play=day_of(last),
    )
    return Ranked({name: _taste(found, artists, tracks) for name, found in leaders.items()}, summary)


def _leaders(listens: Listens, inside: NDArray[np.bool_], last: int, length: int) -> _Leaders:
    """The range's leading artists and tracks by recency-weighted listens, tracks capped first.
    Temporaries are dropped as soon as they are used: a range may hold every play."""
    at = np.flatnonzero(inside)
    order = at[np.argsort(listens.track[at], kind="stable")]
    del at
    weight = listens.ended[order].astype(np.float64)
    weight -= last
    weight /= length / 2
    np.exp2(weight, out=weight)
    tracks = listens.track[order]
    firsts = np.flatnonzero(np.concatenate(([True], tracks[1:] != tracks[:-1])))
    track_keys = tracks[firsts]
    del tracks
    totals = np.add.reduceat(weight, firsts)
    del weight
    track_artists = listens.artist[order[firsts]]
    del order, firsts
    capped = cap_shares(totals)
    by_artist = np.argsort(track_artists, kind="stable")
    owners = track_artists[by_artist]
    starts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
    artist_totals = np.add.reduceat(capped[by_artist], starts)
    best = np.argsort(-capped, kind="stable")[: MAX_TRACKS * CANDIDATES]
    return _Leaders(
        _best(owners[starts], artist_totals, MAX_ARTISTS),
        dict(zip(track_keys[best].tolist(), capped[best].tolist(), strict=True)),
        set(track_keys[capped < totals].tolist()),
        dict(zip(track_keys[best].tolist(), track_artists[best].tolist(), strict=True)),
    )


def _best(keys: NDArray[np.int64], amounts: NDArray[np.float64], limit: int) -> dict[int, float]:
    best = np.argsort(-amounts, kind="stable")[: limit * CANDIDATES]
    return dict(zip(keys[best].tolist(), amounts[best].tolist(), strict=True))


def _names(
    listens: Listens, leaders: dict[RangeName, _Leaders], plays: Iterable[Play]
) -> tuple[dict[int, _Names], dict[int, _Names]]:
    """The names of the leading artists and tracks, from the plays read again in the same order."""
    wanted_artists = set().union(*(found.artists for found in leaders.values()))
    wanted_tracks = set().union(*(found.tracks for found in leaders.values()))
    for found in leaders.values():  # a leading track's artist needs a name too
        wanted_artists.update(found.owners.values())
    wanted = listens.keep & (
        np.isin(listens.artist, _array(wanted_artists)) | np.isin(listens.track, _array(wanted_tracks))
    )
    positions = iter(np.flatnonzero(wanted).tolist())  # the plays that name a leader, in order
    artists: dict[int, _Names] = {}
    tracks: dict[int, _Names] = {}
    count = 0
    next_at = next(positions, -1)
    for at, play in enumerate(plays):
        count = at + 1
        if at != next_at:
            continue
        next_at = next(positions, -1)
        artist, track = int(listens.artist[at]), int(listens.track[at])
        if artist in wanted_artists:
            _learn_artist(artists, artist, play)
        if track in wanted_tracks:
            shown = tracks.setdefault(track, _Names(play.track, artist=artist, uri=play.track_uri))
            shown.uri = shown.uri or play.track_uri
    if count != len(listens.keep):
        raise InputError("the files changed while they were being read; please try again")
    return artists, tracks


def _array(keys: set[int]) -> NDArray[np.int64]:
    return np.fromiter(keys, dtype=np.int64, count=len(keys))


def _learn_artist(artists: dict[int, _Names], artist: int, play: Play) -> None:
    shown = artists.setdefault(artist, _Names(play.artist))
    if play.artist_mbid and not shown.from_musicbrainz:
        shown.name, shown.from_musicbrainz = play.artist, True
    shown.mbid = shown.mbid or play.artist_mbid
    shown.spotify_id = shown.spotify_id or play.artist_spotify_id


def _taste(found: _Leaders, artist_names: dict[int, _Names], track_names: dict[int, _Names]) -> RangeTaste:
    artists = sorted(
        ((artist_names[k], amount) for k, amount in found.artists.items()), key=lambda a: (-a[1], a[0].name)
    )[:MAX_ARTISTS]
    tracks = sorted(
        ((track_names[k], amount) for k, amount in found.tracks.items()), key=lambda t: (-t[1], t[0].name)
    )[:MAX_TRACKS]
    artist_weights = amount_weights([amount for _, amount in artists])
    track_weights = amount_weights([amount for _, amount in tracks])
    return RangeTaste(
        artists=tuple(
            ArtistEntry(name=shown.name, weight=w, spotify_id=shown.spotify_id, mbid=shown.mbid)
            for (shown, _), w in zip(artists, artist_weights, strict=True)
        ),
        tracks=tuple(
            TrackEntry(
                name=shown.name,
                artists=(artist_names[shown.artist].name,),
                weight=w,
                spotify_id=_track_id(shown.uri),
            )
            for (shown, _), w in zip(tracks, track_weights, strict=True)
        ),
    )


def _track_id(uri: str | None) -> str | None:
    if uri and uri.startswith("spotify:track:"):
        return uri.removeprefix("spotify:track:") or None
    return None
