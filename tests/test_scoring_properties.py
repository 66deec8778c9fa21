"""Properties of the score and of the match index, through the public API only.

``match(a, b)`` must be a bounded, symmetric sum of named components that is 1 for a profile against
itself; the vectorised ``MatchIndex`` must rank exactly as ``match`` scores.
"""

from __future__ import annotations

import json
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from soulmate_core import MatchIndex, TasteProfile, match
from soulmate_core.handles import DEVELOPMENT_KEY
from soulmate_core.schema import MatchOut
from soulmate_core.scoring import SHOWN_SHARED
from tests.listeners import component, person
from tests.strategies import ARTISTS, GENRES, scored_profiles

TOLERANCE = 1e-5  # the index scores in float32
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POPULATION_PROPERTY = settings(PROPERTY, max_examples=50)

OTHER_ARTISTS = [f"Stranger {i}" for i in range(30)]
OTHER_GENRES = ["polka", "gregorian chant", "sea shanty", "gamelan"]


@PROPERTY
@given(scored_profiles())
def test_a_profile_matches_itself_perfectly(a: TasteProfile) -> None:
    assert match(a, a).score == pytest.approx(1.0, abs=1e-9)


@PROPERTY
@given(scored_profiles(user_id="a"), scored_profiles(user_id="b"))
def test_score_is_symmetric_and_bounded(a: TasteProfile, b: TasteProfile) -> None:
    ab, ba = match(a, b), match(b, a)
    assert 0.0 <= ab.score <= 1.0
    assert ab.score == pytest.approx(ba.score, abs=1e-12)


@PROPERTY
@given(scored_profiles(user_id="a"), scored_profiles(user_id="b"))
def test_components_add_up_to_the_score(a: TasteProfile, b: TasteProfile) -> None:
    m = match(a, b)
    assert m.components
    assert len({c.name for c in m.components}) == len(m.components)
    for c in m.components:
        assert c.weight >= 0.0
        assert 0.0 <= c.value <= 1.0
    assert sum(c.weight for c in m.components) == pytest.approx(1.0)
    assert sum(c.weight * c.value for c in m.components) == pytest.approx(m.score, abs=1e-9)
    assert m.user_id == a.user_id
    assert m.other_id == b.user_id


@PROPERTY
@given(
    scored_profiles(user_id="a"),
    scored_profiles(user_id="b", names=OTHER_ARTISTS, genre_names=OTHER_GENRES),
)
def test_nothing_shared_means_zero_artist_and_genre_components(a: TasteProfile, b: TasteProfile) -> None:
    m = match(a, b)
    assert component(m, "artists") == 0.0
    assert component(m, "genres") == 0.0
    assert m.shared_artists == ()
    assert m.shared_genres == ()
    # Values are floats even when nothing is shared, so their JSON reads 0.0 rather than 0.
    assert all(type(c.value) is float and type(c.weight) is float for c in m.components)
    components = json.loads(MatchOut.of(m, DEVELOPMENT_KEY).model_dump_json())["components"]
    assert [c["name"] for c in components] == ["artists", "genres", "latent"]
    assert all(type(c["weight"]) is float and type(c["value"]) is float for c in components)


@PROPERTY
@given(scored_profiles(user_id="a"), scored_profiles(user_id="b"))
def test_shared_artists_are_the_common_ones_biggest_first(a: TasteProfile, b: TasteProfile) -> None:
    m = match(a, b)
    common = a.artist_weights().keys() & b.artist_weights().keys()
    assert m.shared_artist_count == len(common)
    assert len(m.shared_artists) == min(len(common), SHOWN_SHARED)
    contributions = [s.contribution for s in m.shared_artists]
    assert all(x >= y for x, y in pairwise(contributions))
    assert all(c >= 0 for c in contributions)


# --- B shares most of A's top artists, C shares none: A ranks B above C ---------------------------


@st.composite
def a_b_c(draw: Any) -> tuple[TasteProfile, TasteProfile, TasteProfile, list[TasteProfile]]:
    """A; B with most of A's top artists (in A's order) and a few of its own; C with none of A's."""
    everyone = ARTISTS + OTHER_ARTISTS
    # An artist's genres belong to the artist, not the listener, as in every real source.
    genre_of = {
        name: tuple(draw(st.lists(st.sampled_from(GENRES), max_size=3, unique=True))) for name in everyone
    }
    a_artists = draw(st.lists(st.sampled_from(ARTISTS), min_size=4, max_size=20, unique=True))
    dropped = draw(st.sets(st.sampled_from(a_artists[1:]), max_size=len(a_artists) // 4))
    b_own = draw(st.lists(st.sampled_from(OTHER_ARTISTS), max_size=2, unique=True))
    b_artists = [name for name in a_artists if name not in dropped] + b_own
    c_pool = [name for name in everyone if name not in a_artists]
    c_artists = draw(st.lists(st.sampled_from(c_pool), min_size=1, max_size=20, unique=True))
    crowd = [
        person(
            f"crowd-{i}",
            draw(st.lists(st.sampled_from(everyone), min_size=1, max_size=15, unique=True)),
            genre_of,
        )
        for i in range(draw(st.integers(0, 6)))
    ]
    return (
        person("A", a_artists, genre_of),
        person("B", b_artists, genre_of),
        person("C", c_artists, genre_of),
        crowd,
    )


@POPULATION_PROPERTY
@given(a_b_c())
def test_sharing_most_top_artists_beats_sharing_none(
    people: tuple[TasteProfile, TasteProfile, TasteProfile, list[TasteProfile]],
) -> None:
    a, b, c, crowd = people
    assert match(a, b).score > match(a, c).score

    ranked = [m.other_id for m in MatchIndex.build([a, b, c, *crowd]).top_k("A", len(crowd) + 2)]
    assert "B" in ranked
    if "C" in ranked:
        assert ranked.index("B") < ranked.index("C")


# --- the vectorised index agrees with match() ------------------------------------------------------


@st.composite
def populations(draw: Any) -> list[TasteProfile]:
    size = draw(st.integers(min_value=1, max_value=9))
    people = []
    for i in range(size):
        drawn = draw(scored_profiles(user_id=f"u{i}"))
        people.append(drawn.with_changes(discoverable=draw(st.booleans())))
    return people


@pytest.mark.slow
@POPULATION_PROPERTY
@given(populations(), st.integers(min_value=1, max_value=10), st.data())
def test_index_top_k_ranks_exactly_as_match_scores(population: list[TasteProfile], k: int, data: Any) -> None:
    """The index ranks with vectorised scores and explains its picks with ``match``: the two must agree.

    Asking for everyone yields every candidate explained by ``match``; if the vectorised scores
    differed from ``match``'s, that list would be out of order, or a smaller k would pick others.
    """
    index = MatchIndex.build(population)
    me = data.draw(st.sampled_from(population))
    candidates = {p.user_id: p for p in population if p.discoverable and p.user_id != me.user_id}

    everyone = index.top_k(me.user_id, len(population))
    found = index.top_k(me.user_id, k)

    ranked = [m.other_id for m in everyone]
    assert me.user_id not in ranked
    assert set(ranked) <= candidates.keys()
    assert len(set(ranked)) == len(ranked)
    assert all(m.user_id == me.user_id for m in everyone)
    assert all(x.score >= y.score - TOLERANCE for x, y in pairwise(everyone))
    # Only a candidate who shares nothing with me may be left out of the ranking.
    assert all(match(me, candidates[other]).score == 0.0 for other in candidates.keys() - set(ranked))
    # The top k are the k best of that ranking (ties aside).
    assert len(found) == min(k, len(everyone))
    for got, best in zip(found, everyone, strict=False):
        assert got.score == pytest.approx(best.score, abs=TOLERANCE)


@POPULATION_PROPERTY
@given(populations())
def test_top_k_for_everyone_never_offers_yourself_or_hidden_users(population: list[TasteProfile]) -> None:
    index = MatchIndex.build(population)
    hidden = {p.user_id for p in population if not p.discoverable}
    for someone in population:
        ids = [m.other_id for m in index.top_k(someone.user_id, len(population))]
        assert someone.user_id not in ids
        assert not hidden & set(ids)
