"""Pure scoring: how alike two profiles are, in parts a person can read.

A score is a sum of components, each a ``weight`` times a ``value`` in [0, 1], with weights summing
to 1, so the score is in [0, 1]:

- ``artists``: cosine of the artist weights, each scaled by its rarity (idf) in the population;
- ``genres``: the same over genres;
- ``latent``: cosine in the population's latent taste space (see ``population``).

A component that cannot be computed for a pair (either side has no genres; no population, or taste
unknown to it) hands its weight to the others in proportion, instead of counting as a mismatch.
The blend weights are chosen by cross-validation (``tuning``; docs/matching.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from soulmate_core.population import Population, Taste, plain_taste
from soulmate_core.profile import TasteProfile
from soulmate_core.related import Side, related_pairs, through_shared

COMPONENTS = ("artists", "genres", "latent")
RELATED_TASTE = 0.5
"""A latent value from which the summary says the two listen to closely related artists."""
SHOWN_SHARED = 10
"""Shared artists, and shared genres, a match lists by name: the largest contributions. Two
listeners may share a hundred genres; the counts say how many there are in all."""


@dataclass(frozen=True, slots=True)
class Blend:
    """Relative weights of the components before availability is taken into account."""

    artists: float = 0.2
    genres: float = 0.0
    latent: float = 0.8

    def without(self, component: str) -> Blend:
        return replace(self, **{component: 0.0})

    def weights(self, *, genres: bool, latent: bool) -> dict[str, float]:
        """Weights summing to 1 over the components a pair has; artists when nothing else is."""
        raw = {
            "artists": self.artists,
            "genres": self.genres if genres else 0.0,
            "latent": self.latent if latent else 0.0,
        }
        total = sum(raw.values())
        if total <= 0:
            return {"artists": 1.0, "genres": 0.0, "latent": 0.0}
        return {name: value / total for name, value in raw.items()}


DEFAULT_BLEND = Blend()


@dataclass(frozen=True, slots=True)
class Component:
    name: str
    weight: float
    value: float

    @property
    def contribution(self) -> float:
        return self.weight * self.value


@dataclass(frozen=True, slots=True)
class SharedItem:
    """An artist or genre both people have, with what it added to the score."""

    name: str
    contribution: float
    niche: bool = False


@dataclass(frozen=True, slots=True)
class RelatedPair:
    """An artist one plays and a different one the other plays, which people tend to play
    together: what this pair adds to the latent part of the score (``related``)."""

    mine: str
    theirs: str
    contribution: float


@dataclass(frozen=True, slots=True)
class Match:
    user_id: str
    other_id: str
    other_display_name: str
    score: float
    components: tuple[Component, ...]
    shared_artists: tuple[SharedItem, ...]
    shared_genres: tuple[SharedItem, ...]
    summary: str
    shared_artist_count: int
    """Artists the two share; ``shared_artists`` names the ``SHOWN_SHARED`` that add the most."""
    shared_genre_count: int
    related_artists: tuple[RelatedPair, ...] = ()
    """The pairs of different artists that add most to the latent part (``related``)."""
    latent_from_shared: float = 0.0
    """What the latent part adds through the artists both hold; the rest of it comes through
    related artists and genres."""
    percentile: float | None = None
    """Share of pairs of listeners here who score below this (``closeness``); None when unknown."""


def match(
    a: TasteProfile,
    b: TasteProfile,
    population: Population | None = None,
    blend: Blend = DEFAULT_BLEND,
) -> Match:
    """How alike ``a`` and ``b`` are, seen from ``a``. Symmetric in score.

    Without ``population`` every artist and genre counts as equally rare and there is no latent part.
    """
    taste = population.taste if population else plain_taste
    return explain(a, b, taste(a), taste(b), population, blend)


def explain(
    a: TasteProfile,
    b: TasteProfile,
    taste_a: Taste,
    taste_b: Taste,
    population: Population | None = None,
    blend: Blend = DEFAULT_BLEND,
) -> Match:
    """``match`` from tastes already computed (the index computes each profile's once)."""
    artist_value, artist_parts = _cosine_parts(taste_a.artists, taste_b.artists)
    genre_value, genre_parts = _cosine_parts(taste_a.genres, taste_b.genres)
    latent = _latent_value(taste_a, taste_b)
    related: list[tuple[str, str, float]] = []
    latent_shared = 0.0
    if population is not None and latent is not None:
        keys = population.artist_keys
        mine = Side.of_weights(population, taste_a.artists, taste_a.genres)
        theirs = Side.of_weights(population, taste_b.artists, taste_b.genres)
        related = related_pairs(
            mine,
            theirs,
            lambda column: taste_a.names.get(keys[column], keys[column]),
            lambda column: taste_b.names.get(keys[column], keys[column]),
        )
        latent_shared = through_shared(mine, theirs, population)
    parts = Parts(
        artist_value,
        artist_parts,
        genre_value if taste_a.genres and taste_b.genres else None,
        genre_parts,
        latent,
        overlap(a.genre_weights, b.genre_weights),
        len(artist_parts),
        len(genre_parts),
        related,
        latent_shared,
    )
    return assemble(a.user_id, b, parts, {**taste_b.names, **taste_a.names}, population, blend)


@dataclass(frozen=True, slots=True)
class Parts:
    """What a pair's score is made of, before the blend: each component's value and, for artists
    and genres, each shared key's share of it (largest first; the ``SHOWN_SHARED`` largest at
    least), and how many keys they share in all."""

    artists: float
    shared_artists: list[tuple[str, float]]
    genres: float | None
    """None when either side has no genres."""
    shared_genres: list[tuple[str, float]]
    latent: float | None
    """None when either side has no latent vector."""
    genre_overlap: float
    artist_count: int
    genre_count: int
    related: Sequence[tuple[str, str, float]] = ()
    """(my artist, their artist, the pair's term of the latent value), largest first (``related``)."""
    latent_shared: float = 0.0
    """The part of the latent value made of the artists both hold (``related.through_shared``)."""


class Other(Protocol):
    @property
    def user_id(self) -> str: ...

    @property
    def display_name(self) -> str: ...


def assemble(
    user_id: str,
    other: Other,
    parts: Parts,
    names: Mapping[str, str],
    population: Population | None = None,
    blend: Blend = DEFAULT_BLEND,
) -> Match:
    """The ``Match`` of ``parts``: blend weights by availability, contributions, and the summary."""
    weights = blend.weights(genres=parts.genres is not None, latent=parts.latent is not None)
    components = (
        Component("artists", weights["artists"], parts.artists),
        # a genre value is shown even when the blend gives it no weight: how alike the two are on it
        Component("genres", weights["genres"], parts.genres or 0.0),
        Component("latent", weights["latent"], parts.latent or 0.0),
    )
    niche_artist = population.is_niche_artist if population else _never
    niche_genre = population.is_niche_genre if population else _never
    shared_artists = tuple(
        SharedItem(names.get(key, key), weights["artists"] * part, niche_artist(key))
        for key, part in parts.shared_artists[:SHOWN_SHARED]
    )
    shared_genres = tuple(
        SharedItem(key, weights["genres"] * part, niche_genre(key))
        for key, part in parts.shared_genres[:SHOWN_SHARED]
    )
    related = tuple(
        RelatedPair(mine, theirs, weights["latent"] * term) for mine, theirs, term in parts.related
    )
    score = min(1.0, max(0.0, sum(c.contribution for c in components)))
    return Match(
        user_id=user_id,
        other_id=other.user_id,
        other_display_name=other.display_name,
        score=score,
        components=components,
        shared_artists=shared_artists,
        shared_genres=shared_genres,
        summary=summarise(
            shared_artists,
            shared_genres,
            parts.genre_overlap if parts.genres is not None else None,
            components[2].value if weights["latent"] else None,
        ),
        shared_artist_count=parts.artist_count,
        shared_genre_count=parts.genre_count,
        related_artists=related,
        latent_from_shared=weights["latent"] * min(max(parts.latent_shared, 0.0), components[2].value),
    )


def _latent_value(a: Taste, b: Taste) -> float | None:
    """Cosine of the latent vectors, clipped to [0, 1]; None when either side has none."""
    if a.latent is None or b.latent is None:
        return None
    return min(1.0, max(0.0, float(np.dot(a.latent, b.latent))))


def _never(key: str) -> bool:
    return False


def overlap(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    """Share of genre weight the two have in common: weighted Jaccard of shares summing to 1."""
    return weighted_jaccard(sum(min(a[k], b[k]) for k in a.keys() & b.keys()))


def weighted_jaccard(common: float) -> float:
    """``overlap`` from the sum of the smaller share of every common key."""
    return common / (2.0 - common) if common < 2.0 else 1.0


def summarise(
    shared_artists: tuple[SharedItem, ...],
    shared_genres: tuple[SharedItem, ...],
    genre_overlap: float | None,
    latent: float | None = None,
) -> str:
    """One line a person would say, e.g. "You both love Portishead and Massive Attack; ..."."""
    parts = []
    if shared_artists:
        parts.append(f"You both love {_and([s.name for s in shared_artists[:2]])}")
    if genre_overlap is not None and shared_genres:
        genres = ", ".join(s.name for s in shared_genres[:2])
        parts.append(f"{round(100 * genre_overlap)}% of your genres overlap ({genres})")
    if latent is not None and latent >= RELATED_TASTE and len(shared_artists) < 3:
        parts.append("you listen to closely related artists")
    if not parts:
        return "No artists or genres in common yet"
    text = "; ".join(parts)
    return text[0].upper() + text[1:]


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _cosine_parts(a: Mapping[str, float], b: Mapping[str, float]) -> tuple[float, list[tuple[str, float]]]:
    """Cosine similarity and each shared key's share of it, largest first."""
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    if norm == 0:
        return 0.0, []
    parts = [(key, a[key] * b[key] / norm) for key in a.keys() & b.keys()]
    parts.sort(key=lambda kv: (-kv[1], kv[0]))
    return min(1.0, math.fsum(p for _, p in parts)), parts
