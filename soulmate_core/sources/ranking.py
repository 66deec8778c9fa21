"""Listens -> ranked artists and tracks per time range, and what the history counted (time
listened included, where the plays say how long they lasted).

Ranges mirror Spotify's top items (the last 4 weeks, the last 6 months, all of it), measured back
from the history's last play, since a history is a snapshot of the past. Within a range a listen
counts by how recent it is: half as much one half-range older, so the range's oldest listen counts
a quarter of its newest (all time spans the history itself, 4 weeks at least). Listens add up per
track, no track takes more than its share (``listen_rules.cap_shares``), and tracks add up per artist.

Sums are numpy over the listens (a few bytes a play at a time); only the leading candidates (a few
hundred, ties included) get names, from a second pass over the plays matched by position. Order and
names are as if every play were held: most weight first, ties by name; an artist is named as
MusicBrainz names it where a play says, else as first seen.
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
CANDIDATES = 10  # times the limit: ties at the cut beyond this are broken by key, not by name
RANGE_SPANS: tuple[tuple[RangeName, timedelta | None], ...] = (
    ("short_term", timedelta(weeks=4)),
    ("medium_term", timedelta(days=182)),
    ("long_term", None),
)
_SHORTEST = int(timedelta(weeks=4).total_seconds())
_BLOCK = 1 << 16


@dataclass
class _Leaders:
    """One range's leading artists and tracks (indices into the listens' keys) and their amounts,
    and how long its listens lasted: ``ms`` over the ``timed`` listens whose time played is known."""

    artists: dict[int, float]
    tracks: dict[int, float]
    capped: set[int]
    ms: int = 0
    timed: int = 0


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
    listens were made of, in the same order, read again for names."""
    counted = int(listens.keep.sum())
    if not counted:
        raise InputError("no music plays to build a profile from: every play was too short to count")
    first = int(listens.ended.min(where=listens.keep, initial=np.iinfo(np.uint32).max))
    last = int(listens.ended.max(where=listens.keep, initial=0))
    leaders: dict[RangeName, _Leaders] = {}
    for name, span in RANGE_SPANS:
        length = max(last - first, _SHORTEST) if span is None else int(span.total_seconds())
        found = _leaders(listens, last, length, bounded=span is not None)
        if found.artists:
            leaders[name] = found
    artists, tracks = _names(listens, leaders, plays)
    capped = set().union(*(found.capped for found in leaders.values()))
    whole = leaders["long_term"]  # every counted listen: there is one, so the range has an artist
    summary = ListeningSummary(
        counted=counted,
        dropped={reason: count for reason, count in sorted(dropped.items()) if count},
        capped_tracks=len(capped),
        first_play=day_of(first),
        last_play=day_of(last),
        ms_played=whole.ms,
        timed_listens=whole.timed,
        range_ms={name: found.ms for name, found in leaders.items()} if whole.timed else {},
    )
    return Ranked({name: _taste(found, artists, tracks) for name, found in leaders.items()}, summary)


def _leaders(listens: Listens, last: int, length: int, *, bounded: bool) -> _Leaders:
    """The range's leading artists and tracks by recency-weighted listens, tracks capped first,
    and the time its listens lasted."""
    totals = np.zeros(listens.tracks, dtype=np.float64)
    ms, timed = 0, 0
    for start in range(0, len(listens.track), _BLOCK):  # a block at a time: a range may hold every play
        block = slice(start, start + _BLOCK)
        ended = listens.ended[block]
        weight = ended.astype(np.float64)
        weight -= last
        weight /= length / 2
        np.exp2(weight, out=weight)
        inside = listens.keep[block].copy()
        if bounded and last > length:
            inside &= ended > last - length
        weight[~inside] = 0.0
        np.add.at(totals, listens.track[block], weight)
        if listens.played is not None:
            played = listens.played[block]
            inside &= played >= 0
            ms += int(played.sum(dtype=np.int64, where=inside))
            timed += int(inside.sum())
    capped = cap_shares(totals)
    lowered = set() if capped is totals else set(np.flatnonzero(capped < totals).tolist())
    del totals
    tracks = _best(capped, MAX_TRACKS)
    artist_totals = np.bincount(listens.track_artist, weights=capped, minlength=listens.artists)
    del capped
    return _Leaders(_best(artist_totals.astype(np.float64), MAX_ARTISTS), tracks, lowered, ms, timed)


def _best(amounts: NDArray[np.float64], limit: int) -> dict[int, float]:
    """Index -> amount of the ``CANDIDATES`` × ``limit`` largest amounts above zero; of those tied
    at the cut, the first by index."""
    wanted = limit * CANDIDATES
    if len(amounts) > wanted:
        cut = float(np.partition(amounts, len(amounts) - wanted)[len(amounts) - wanted])
        above = np.flatnonzero(amounts > cut)
        tied = np.flatnonzero(amounts == cut)[: wanted - len(above)]
        chosen = np.concatenate([above, tied])
    else:
        chosen = np.arange(len(amounts))
    chosen = chosen[amounts[chosen] > 0]
    return dict(zip(chosen.tolist(), amounts[chosen].tolist(), strict=True))


def _names(
    listens: Listens, leaders: dict[RangeName, _Leaders], plays: Iterable[Play]
) -> tuple[dict[int, _Names], dict[int, _Names]]:
    """The names of the leading artists and tracks, from the plays read again in the same order."""
    wanted_tracks = np.zeros(listens.tracks, dtype=bool)
    wanted_artists = np.zeros(listens.artists, dtype=bool)
    for found in leaders.values():
        wanted_tracks[list(found.tracks)] = True
        wanted_artists[list(found.artists)] = True
    wanted_artists[listens.track_artist[wanted_tracks]] = True  # a leading track's artist needs a name
    wanted = wanted_tracks[listens.track] | wanted_artists[listens.track_artist[listens.track]]
    wanted &= listens.keep
    positions = np.flatnonzero(wanted)  # the plays that name a leader, in order
    del wanted
    artists: dict[int, _Names] = {}
    tracks: dict[int, _Names] = {}
    count, seen = 0, 0
    next_at = int(positions[0]) if len(positions) else -1
    for at, play in enumerate(plays):
        count = at + 1
        if at != next_at:
            continue
        seen += 1
        next_at = int(positions[seen]) if seen < len(positions) else -1
        track = int(listens.track[at])
        artist = int(listens.track_artist[track])
        if wanted_artists[artist]:
            _learn_artist(artists, artist, play)
        if wanted_tracks[track]:
            shown = tracks.setdefault(track, _Names(play.track, artist=artist, uri=play.track_uri))
            shown.uri = shown.uri or play.track_uri
    if count != len(listens.keep):
        raise InputError("the files changed while they were being read; please try again")
    return artists, tracks


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
