"""Pure scoring: how alike two profiles are, in parts a person can read.

A score is a sum of components, each a ``weight`` times a ``value`` in [0, 1], with weights summing
to 1, so the score is in [0, 1]. When either side has no genres (Spotify's Development Mode, data
exports), the genre weight moves to the artist component instead of counting as a mismatch.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from soulmate_core.profile import TasteProfile

ARTIST_WEIGHT = 0.6
GENRE_WEIGHT = 0.4


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
class Match:
    user_id: str
    other_id: str
    other_display_name: str
    score: float
    components: tuple[Component, ...]
    shared_artists: tuple[SharedItem, ...]
    shared_genres: tuple[SharedItem, ...]
    summary: str


def component_weights(a_has_genres: bool, b_has_genres: bool) -> dict[str, float]:
    if a_has_genres and b_has_genres:
        return {"artists": ARTIST_WEIGHT, "genres": GENRE_WEIGHT}
    return {"artists": 1.0, "genres": 0.0}


def match(a: TasteProfile, b: TasteProfile) -> Match:
    """How alike ``a`` and ``b`` are, seen from ``a``. Symmetric in score."""
    weights = component_weights(a.has_genres, b.has_genres)
    names = {**b.artist_names(), **a.artist_names()}
    artist_value, artist_parts = _cosine_parts(a.artist_weights(), b.artist_weights())
    genre_value, genre_parts = _cosine_parts(a.genre_weights, b.genre_weights)
    components = (
        Component("artists", weights["artists"], artist_value),
        Component("genres", weights["genres"], genre_value),
    )
    shared_artists = tuple(
        SharedItem(names.get(key, key), weights["artists"] * part) for key, part in artist_parts
    )
    shared_genres = tuple(SharedItem(key, weights["genres"] * part) for key, part in genre_parts)
    score = min(1.0, max(0.0, sum(c.contribution for c in components)))
    return Match(
        user_id=a.user_id,
        other_id=b.user_id,
        other_display_name=b.display_name,
        score=score,
        components=components,
        shared_artists=shared_artists,
        shared_genres=shared_genres,
        summary=summarise(shared_artists, shared_genres, genre_value if weights["genres"] else None),
    )


def summarise(
    shared_artists: tuple[SharedItem, ...],
    shared_genres: tuple[SharedItem, ...],
    genre_overlap: float | None,
) -> str:
    """One line a person would say, e.g. "You both love Portishead and Massive Attack; ..."."""
    parts = []
    if shared_artists:
        parts.append(f"You both love {_and([s.name for s in shared_artists[:2]])}")
    if genre_overlap is not None and shared_genres:
        genres = ", ".join(s.name for s in shared_genres[:2])
        parts.append(f"{round(100 * genre_overlap)}% of your genres overlap ({genres})")
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
    return min(1.0, sum(p for _, p in parts)), parts


def match_to_dict(m: Match) -> dict[str, object]:
    """The JSON form used by the CLI and the API."""
    return {
        "user_id": m.other_id,
        "display_name": m.other_display_name,
        "score": round(m.score, 6),
        "components": {
            c.name: {"weight": round(c.weight, 6), "value": round(c.value, 6)} for c in m.components
        },
        "shared_artists": [
            {"name": s.name, "contribution": round(s.contribution, 6), "niche": s.niche}
            for s in m.shared_artists
        ],
        "shared_genres": [
            {"name": s.name, "contribution": round(s.contribution, 6), "niche": s.niche}
            for s in m.shared_genres
        ],
        "summary": m.summary,
    }
