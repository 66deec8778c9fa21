"""The artist catalogue: genres learned from the sources that carry them, lent to the profiles of
sources that do not.

A Spotify login (when its artists come with genres), a table of many listeners with an
``artist,genre`` table, and the demo personas name each artist's genres. A data export, a
ListenBrainz export or a Last.fm CSV names none, and a Spotify app in Development Mode often gets
none either. The store keeps one entry per artist (``artist_key`` -> at most ``MAX_GENRES``
genres, the source's first ones), and ``service`` consults it on every write:

- **learn** from a profile whose source names genres itself (``TEACHERS``), from the genres its
  artists came with, never from ones the catalogue lent it (no feedback);
- **lend** each artist that has no genres the catalogue's, in one batched read per write, so the
  genre weights are derived as for a Spotify profile; the profile counts the artists it was lent
  (``TasteProfile.catalogue_genres``).

The catalogue holds facts about artists, nothing about the people whose profiles taught it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from soulmate_core.profile import (
    RangeTaste,
    Source,
    TasteProfile,
    artist_key,
    derive_genre_weights,
    genre_key,
)
from soulmate_core.sources.scratch import ScratchTally

MAX_GENRES = 8
"""Genres kept per artist: Spotify names a handful, the first the most telling."""
TEACHERS: frozenset[Source] = frozenset({"spotify", "listens", "demo"})
"""Sources whose artists' genres are their own. Imported histories carry none; a persona is a copy
of a demo profile; synthetic artists are made up."""

LEARN_BATCH = 500
"""Artists a bulk write teaches the store at a time."""
_LESSONS = (
    "PRAGMA cache_size = -256",  # a few hundred KiB: lessons are written once and read once, in order
    "CREATE TABLE lessons (key TEXT PRIMARY KEY, genres TEXT NOT NULL) WITHOUT ROWID",
)

Genres = tuple[str, ...]
Lookup = Callable[[Sequence[str]], Mapping[str, Genres]]


def bounded(genres: Iterable[str]) -> Genres:
    """The first ``MAX_GENRES`` distinct genres (by ``genre_key``), in their order; blanks left out."""
    kept: dict[str, str] = {}
    for genre in genres:
        key = genre_key(genre)
        if key and key not in kept:
            kept[key] = genre.strip()
            if len(kept) == MAX_GENRES:
                break
    return tuple(kept.values())


def bounded_entries(genres: Mapping[str, Iterable[str]]) -> dict[str, Genres]:
    """What a store keeps of ``learn_genres``' argument: each key's ``bounded`` genres, keys whose
    genres are empty left out (learning never erases what is known)."""
    entries = {key: bounded(found) for key, found in genres.items() if key}
    return {key: found for key, found in entries.items() if found}


def to_learn(profiles: Iterable[TasteProfile]) -> dict[str, Genres]:
    """Artist key -> genres, from the profiles of ``TEACHERS`` that borrowed nothing. Where several
    name one artist, the last one read wins, as a later write would."""
    learned: dict[str, Genres] = {}
    for profile in profiles:
        if profile.source not in TEACHERS or profile.catalogue_genres:
            continue
        for taste in profile.ranges.values():
            for artist in taste.artists:
                if artist.genres:
                    learned[artist_key(artist.name)] = bounded(artist.genres)
    return learned


class Lessons(ScratchTally):
    """What a bulk write teaches, kept in a scratch database on disk until the write has landed:
    memory holds one chunk of artists however many the profiles name (a table of many listeners
    may name hundreds of thousands)."""

    def __init__(self) -> None:
        super().__init__(_LESSONS)

    def taught_by(self, profiles: Iterable[TasteProfile]) -> Iterator[TasteProfile]:
        """``profiles`` as they are, noting what they teach as they go by (the last one read wins
        for an artist several name): for a bulk write that reads a long generator once."""
        pending: dict[str, Genres] = {}
        for profile in profiles:
            pending.update(to_learn([profile]))
            if len(pending) >= LEARN_BATCH:
                self._keep(pending)
            yield profile
        self._keep(pending)

    def batches(self, size: int = LEARN_BATCH) -> Iterator[dict[str, Genres]]:
        """Everything noted, ``size`` artists at a time."""
        cursor = self._db.execute("SELECT key, genres FROM lessons ORDER BY key")
        while rows := cursor.fetchmany(size):
            yield {key: tuple(json.loads(genres)) for key, genres in rows}

    def _keep(self, pending: dict[str, Genres]) -> None:
        with self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO lessons (key, genres) VALUES (?, ?)",
                ((key, json.dumps(genres, ensure_ascii=False)) for key, genres in pending.items()),
            )
        pending.clear()


def lend(profile: TasteProfile, lookup: Lookup) -> TasteProfile:
    """``profile`` with the catalogue's genres on each artist that has none, and genre weights
    derived anew; one ``lookup`` of every such artist at once. Unchanged when none is known."""
    missing = {artist_key(a.name) for t in profile.ranges.values() for a in t.artists if not a.genres}
    if not missing:
        return profile
    found = {key: genres for key, genres in lookup(sorted(missing)).items() if key in missing and genres}
    if not found:
        return profile
    ranges = {name: _lent(taste, found) for name, taste in profile.ranges.items()}
    return profile.with_changes(
        ranges=ranges,
        genre_weights=derive_genre_weights(ranges.values()),
        catalogue_genres=profile.catalogue_genres + len(found),
    )


def _lent(taste: RangeTaste, found: Mapping[str, Genres]) -> RangeTaste:
    artists = tuple(
        a if a.genres else replace(a, genres=found.get(artist_key(a.name), ())) for a in taste.artists
    )
    return replace(taste, artists=artists)


def genre_coverage(profile: TasteProfile) -> tuple[int, int]:
    """(artists with genres, artists): distinct artists over all ranges."""
    genres: dict[str, bool] = {}
    for taste in profile.ranges.values():
        for artist in taste.artists:
            key = artist_key(artist.name)
            genres[key] = genres.get(key, False) or bool(artist.genres)
    return sum(genres.values()), len(genres)
