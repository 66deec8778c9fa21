"""Hand-made listeners for the matcher's tests: a profile from a list of artist names."""

from __future__ import annotations

from soulmate_core import ArtistEntry, Match, RangeTaste, TasteProfile, make_profile
from soulmate_core.profile import RangeName
from soulmate_core.weights import rank_weights


def person(
    user_id: str,
    artists: list[str],
    genres: dict[str, tuple[str, ...]] | None = None,
    range_name: RangeName = "all_time",
    weights: list[float] | None = None,
    *,
    discoverable: bool = True,
) -> TasteProfile:
    """``artists`` best first, rank-weighted unless ``weights`` says otherwise; an artist's genres
    come from ``genres``, as in every real source."""
    weights = weights or rank_weights(len(artists))
    entries = tuple(
        ArtistEntry(name, w, (genres or {}).get(name, ())) for name, w in zip(artists, weights, strict=True)
    )
    return make_profile(
        user_id=user_id,
        display_name=user_id,
        source="listens",
        ranges={range_name: RangeTaste(entries)},
        discoverable=discoverable,
    )


def component(m: Match, name: str) -> float:
    """The value of one of a match's components."""
    (found,) = [c for c in m.components if c.name == name]
    return found.value


def weights(m: Match) -> dict[str, float]:
    """What each component counts for in a match."""
    return {c.name: c.weight for c in m.components}
