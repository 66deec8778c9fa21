"""The taste profile: what we know of one person's listening, and its stored form.

A profile holds ranked artists and top tracks per time range. Artist weights within a range are
shares that sum to 1, whatever the source measured (ranks, plays or milliseconds), so profiles from
different sources compare fairly. Genre weights are derived from the artists.

A profile built from an imported history also says what it counted and left out (``listening``).

Its JSON shape, and the stored item ``{"user_id", "profile": {...}, "updated_at"}``, are in ``schema``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, get_args

from soulmate_core.listening import ListeningSummary
from soulmate_core.name_keys import artist_key as artist_key  # re-exported: every caller's way in
from soulmate_core.name_keys import genre_key as genre_key
from soulmate_core.text import clean_name, clean_text

# "persona": a signed-in visitor's own copy of a demo persona (soulmate_app.flows.use_persona).
# "listenbrainz", "scrobbles" (Last.fm, Libre.fm, .scrobbler.log) and "history" (several kinds of
# file at once) are imported histories, like "spotify-export".
Source = Literal[
    "spotify",
    "spotify-export",
    "listenbrainz",
    "scrobbles",
    "history",
    "listens",
    "demo",
    "persona",
    "synthetic",
]
RangeName = Literal["short_term", "medium_term", "long_term", "all_time"]

SOURCES: tuple[Source, ...] = get_args(Source)
RANGES: tuple[RangeName, ...] = get_args(RangeName)
SPOTIFY_RANGES: tuple[RangeName, ...] = ("short_term", "medium_term", "long_term")
SCHEMA_VERSION = 2


def utc_now_iso() -> str:
    """Now as fixed-width ISO-8601 UTC, so that timestamps order as strings."""
    return format_timestamp(datetime.now(UTC))


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True, slots=True)
class ArtistEntry:
    name: str
    weight: float
    genres: tuple[str, ...] = ()
    spotify_id: str | None = None
    mbid: str | None = None  # MusicBrainz artist id, where the source knew it


@dataclass(frozen=True, slots=True)
class TrackEntry:
    name: str
    artists: tuple[str, ...]
    weight: float
    spotify_id: str | None = None


@dataclass(frozen=True, slots=True)
class RangeTaste:
    """One time range: artists and tracks, best first."""

    artists: tuple[ArtistEntry, ...] = ()
    tracks: tuple[TrackEntry, ...] = ()


@dataclass(frozen=True)
class TasteProfile:
    user_id: str
    display_name: str
    source: Source
    ranges: Mapping[RangeName, RangeTaste]
    genre_weights: Mapping[str, float] = field(default_factory=dict)
    discoverable: bool = True
    updated_at: str = field(default_factory=utc_now_iso)
    schema_version: int = SCHEMA_VERSION
    trimmed: bool = False  # long tails were cut to fit a store's item size limit
    listening: ListeningSummary | None = None  # what an imported history counted and left out
    catalogue_genres: int = 0  # artists whose genres the artist catalogue lent (``catalogue``)

    def artist_weights(self) -> dict[str, float]:
        """Artist key -> weight over all ranges (each range counts equally); sums to 1."""
        totals: dict[str, float] = {}
        present = [r for r in self.ranges.values() if r.artists]
        for taste in present:
            for artist in taste.artists:
                key = artist_key(artist.name)
                totals[key] = totals.get(key, 0.0) + artist.weight / len(present)
        return _normalised(totals)

    def artist_names(self) -> dict[str, str]:
        """Artist key -> the name as the user's source spelled it (first seen wins)."""
        names: dict[str, str] = {}
        for taste in self.ranges.values():
            for artist in taste.artists:
                names.setdefault(artist_key(artist.name), artist.name)
        return names

    def top_artists(self, time_range: RangeName | None = None, limit: int = 10) -> list[ArtistEntry]:
        taste = self.ranges.get(time_range) if time_range else self.ranges.get(self.main_range())
        return list(taste.artists[:limit]) if taste else []

    def main_range(self) -> RangeName:
        """The longest range the profile has: ``all_time``, else ``long_term``, and so on."""
        preference: tuple[RangeName, ...] = ("all_time", "long_term", "medium_term", "short_term")
        for name in preference:
            if name in self.ranges:
                return name
        return "all_time"

    @property
    def has_genres(self) -> bool:
        return bool(self.genre_weights)

    def with_changes(self, **changes: Any) -> TasteProfile:
        return replace(self, **changes)


def make_profile(
    *,
    user_id: str,
    display_name: str,
    source: Source,
    ranges: Mapping[RangeName, RangeTaste],
    discoverable: bool = True,
    updated_at: str | None = None,
    listening: ListeningSummary | None = None,
) -> TasteProfile:
    """Build a profile, deriving its genre weights from the artists. Every way in comes through
    here, so the name and the artist, track and genre names are cleaned here (``text``)."""
    cleaned = {name: _cleaned(taste) for name, taste in ranges.items()}
    return TasteProfile(
        user_id=user_id,
        display_name=clean_name(display_name),
        source=source,
        ranges=cleaned,
        genre_weights=derive_genre_weights(cleaned.values()),
        discoverable=discoverable,
        updated_at=updated_at or utc_now_iso(),
        listening=listening,
    )


def _cleaned(taste: RangeTaste) -> RangeTaste:
    return RangeTaste(
        artists=_one_per_key(
            replace(a, name=clean_text(a.name), genres=tuple(clean_text(g) for g in a.genres))
            for a in taste.artists
        ),
        tracks=tuple(
            replace(t, name=clean_text(t.name), artists=tuple(clean_text(a) for a in t.artists))
            for t in taste.tracks
        ),
    )


def _one_per_key(artists: Iterable[ArtistEntry]) -> tuple[ArtistEntry, ...]:
    """One entry per ``artist_key``: spellings of one artist ("The Beatles", "Beatles") become the
    first (heaviest) one's entry, with their weights summed, their genres joined and the ids it
    lacked; then heaviest first again (a stable sort, so ties keep their order)."""
    merged: dict[str, ArtistEntry] = {}
    joined = False
    for artist in artists:
        key = artist_key(artist.name)
        kept = merged.get(key)
        merged[key] = artist if kept is None else _joined(kept, artist)
        joined |= kept is not None
    entries = tuple(merged.values())
    return tuple(sorted(entries, key=lambda a: -a.weight)) if joined else entries


def _joined(kept: ArtistEntry, other: ArtistEntry) -> ArtistEntry:
    return replace(
        kept,
        weight=kept.weight + other.weight,
        genres=tuple(dict.fromkeys((*kept.genres, *other.genres))),
        spotify_id=kept.spotify_id or other.spotify_id,
        mbid=kept.mbid or other.mbid,
    )


def derive_genre_weights(ranges: Iterable[RangeTaste]) -> dict[str, float]:
    """Each artist spreads its weight evenly over its genres; ranges count equally; sums to 1."""
    present = [r for r in ranges if r.artists]
    totals: dict[str, float] = {}
    for taste in present:
        for artist in taste.artists:
            if not artist.genres:
                continue
            share = artist.weight / len(artist.genres) / len(present)
            for genre in artist.genres:
                key = genre_key(genre)
                totals[key] = totals.get(key, 0.0) + share
    return _normalised(totals)


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(weights.values())
    if total <= 0:
        return {}
    return {k: v / total for k, v in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))}
