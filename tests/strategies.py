"""Hypothesis strategies for taste profiles, shared by the profile and scoring property tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from hypothesis import strategies as st

from soulmate_core import ArtistEntry, RangeTaste, TasteProfile, TrackEntry, make_profile
from soulmate_core.profile import RANGES, SOURCES, artist_key, format_timestamp
from soulmate_core.weights import rank_weights

# A small vocabulary, so that random profiles often share artists and genres.
ARTISTS = [f"Artist {i}" for i in range(30)] + ["Sigur Rós", "坂本龍一", "Сплин", "Crosby, Stills & Nash"]
GENRES = ["trip hop", "jazz", "k-pop", "música popular brasileira", "black metal", "ambient", "日本のロック"]

# Any text at all, for the lossless round trip.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=24)
weights = st.floats(min_value=1e-6, max_value=1.0, allow_nan=False, allow_infinity=False)


@st.composite
def artist_lists(draw: Any, names: list[str] = ARTISTS, min_size: int = 1, max_size: int = 12) -> list[str]:
    """Distinct artists (distinct by identity, not only by spelling), best first."""
    picked = draw(
        st.lists(st.sampled_from(names), min_size=min_size, max_size=max_size, unique_by=artist_key)
    )
    return list(picked)


@st.composite
def range_tastes(
    draw: Any, names: list[str] = ARTISTS, with_genres: bool | None = None, genre_names: list[str] = GENRES
) -> RangeTaste:
    artists = draw(artist_lists(names))
    genres_on = draw(st.booleans()) if with_genres is None else with_genres
    entries = []
    for name, weight in zip(artists, rank_weights(len(artists)), strict=True):
        genres = (
            tuple(draw(st.lists(st.sampled_from(genre_names), max_size=3, unique=True))) if genres_on else ()
        )
        entries.append(ArtistEntry(name=name, weight=weight, genres=genres))
    return RangeTaste(artists=tuple(entries))


@st.composite
def scored_profiles(
    draw: Any,
    names: list[str] = ARTISTS,
    with_genres: bool | None = None,
    user_id: str | None = None,
    genre_names: list[str] = GENRES,
) -> TasteProfile:
    """Profiles as the sources build them: 1 to 4 ranges, rank-weighted artists, derived genres."""
    ranges = draw(st.lists(st.sampled_from(RANGES), min_size=1, max_size=4, unique=True))
    genres_on = draw(st.booleans()) if with_genres is None else with_genres
    return make_profile(
        user_id=user_id or draw(st.text(min_size=1, max_size=12)),
        display_name=draw(st.text(max_size=12)),
        source=draw(st.sampled_from(SOURCES)),
        ranges={name: draw(range_tastes(names, genres_on, genre_names)) for name in ranges},
    )


@st.composite
def arbitrary_profiles(draw: Any) -> TasteProfile:
    """Any well-formed profile, unicode everywhere, for lossless storage round trips."""
    spotify_ids = st.none() | st.text(min_size=1, max_size=22)
    artist = st.builds(
        ArtistEntry,
        name=any_text,
        weight=weights,
        genres=st.lists(any_text, max_size=4).map(tuple),
        spotify_id=spotify_ids,
    )
    track = st.builds(
        TrackEntry,
        name=any_text,
        artists=st.lists(any_text, max_size=3).map(tuple),
        weight=weights,
        spotify_id=spotify_ids,
    )
    taste = st.builds(
        RangeTaste,
        artists=st.lists(artist, max_size=6).map(tuple),
        tracks=st.lists(track, max_size=4).map(tuple),
    )
    ranges = draw(st.dictionaries(st.sampled_from(RANGES), taste, max_size=4))
    return TasteProfile(
        user_id=draw(any_text.filter(bool)),
        display_name=draw(any_text),
        source=draw(st.sampled_from(SOURCES)),
        ranges=ranges,
        genre_weights=draw(st.dictionaries(any_text, weights, max_size=5)),
        discoverable=draw(st.booleans()),
        updated_at=format_timestamp(
            draw(st.datetimes(min_value=datetime(2000, 1, 1), timezones=st.just(UTC)))
        ),
    )
