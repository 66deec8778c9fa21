"""The match index against the pure ``match``: the same scores for every pair and blend, the same
explanations, and the ranking rules: best first, ties in index order, never yourself or a hidden
user, at most everyone else, for one user or for all of them in blocks."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pytest

from soulmate_core import MatchIndex, TasteProfile, UnknownUserError, match
from soulmate_core.index import _BLOCK
from soulmate_core.population import Population
from soulmate_core.scoring import DEFAULT_BLEND, Blend
from tests.listeners import person

GENRES = {"X1": ("dub",), "X2": ("dub", "reggae"), "P1": ("polka",), "P2": ("polka", "folk"), "M": ("folk",)}
BLENDS = [
    DEFAULT_BLEND,
    Blend(artists=0.3, genres=0.3, latent=0.4),
    Blend(artists=0.5, genres=0.5, latent=0.0),
    Blend(artists=0.0, genres=0.0, latent=1.0),  # artists alone where a pair has no latent part
    Blend(artists=0.0, genres=1.0, latent=0.0),  # artists alone where a pair has no genres
]


def scenes() -> list[TasteProfile]:
    """Fans of two scenes and people who mix them (the latent space puts the two scenes' fans on
    opposite sides), someone without genres, and a hidden fan."""
    people = []
    for i in range(4):
        people.append(person(f"x{i}", ["X1", "X2"], GENRES, weights=[0.6 + 0.05 * i, 0.4 - 0.05 * i]))
        people.append(person(f"p{i}", ["P1", "P2"], GENRES, weights=[0.7 - 0.05 * i, 0.3 + 0.05 * i]))
        people.append(person(f"m{i}", ["X1", "P1", "M"], GENRES, weights=[0.4, 0.4 - i / 20, 0.2 + i / 20]))
    people.append(person("plain", ["X1", "Q"]))
    people.append(person("hidden", ["X2", "P2"], GENRES, discoverable=False))
    return people


def everyone_with_a_newcomer() -> tuple[list[TasteProfile], Population]:
    """``scenes`` and two newcomers the population was not fitted on: it has never heard of the
    first one's artist, so that one has no latent part, and the second shares it."""
    people = scenes()
    newcomers = [person("new", ["Unheard Of"]), person("new-2", ["Unheard Of", "Q"])]
    return [*people, *newcomers], Population.fit(people)


def test_the_scenes_have_latent_cosines_below_zero() -> None:
    """The premise of the next test: the index must clip these to 0 as ``match`` does."""
    people, population = everyone_with_a_newcomer()
    *known, new, _ = [population.taste(p).latent for p in people]
    latent = np.array(known)
    assert (latent @ latent.T < -0.01).any()
    assert new is None


@pytest.mark.parametrize("blend", BLENDS)
def test_index_scores_equal_match_for_every_pair_and_blend(blend: Blend) -> None:
    people, population = everyone_with_a_newcomer()
    index = MatchIndex.build(people, blend, population)
    scores = index.scores(np.arange(len(people), dtype=np.intp))
    for (i, a), (j, b) in product(enumerate(people), repeat=2):
        if i != j:
            assert scores[i, j] == pytest.approx(match(a, b, population, blend).score, abs=1e-5), (a, b)


@pytest.mark.parametrize("blend", BLENDS)
def test_top_k_explains_each_pick_exactly_as_match_does(blend: Blend) -> None:
    people, population = everyone_with_a_newcomer()
    index = MatchIndex.build(people, blend, population)
    for me in people:
        for found in index.top_k(me.user_id, 4):
            other = next(p for p in people if p.user_id == found.other_id)
            assert found == match(me, other, population, blend)


def test_top_k_is_best_first_with_ties_in_index_order() -> None:
    me = person("me", ["A", "B"], weights=[0.5, 0.5])
    twin = person("twin", ["B", "A"], weights=[0.5, 0.5])
    people = [
        person("tie-1", ["A", "C"], weights=[0.5, 0.5]),
        me,
        person("tie-2", ["C", "A"], weights=[0.5, 0.5]),
        person("stranger", ["D"]),
        person("tie-3", ["A", "C"], weights=[0.5, 0.5]),
        twin,
    ]
    plain = Population.fit(people, rarity=False, dims=0)  # scores are plain cosines of the shares
    found = MatchIndex.build(people, population=plain).top_k("me", 4)
    assert [m.other_id for m in found] == ["twin", "tie-1", "tie-2", "tie-3"]
    assert [m.score for m in found] == pytest.approx([1.0, 0.5, 0.5, 0.5])


def test_top_k_picks_the_k_best_for_every_user_and_every_k() -> None:
    people, population = everyone_with_a_newcomer()
    index = MatchIndex.build(people, population=population)
    for me in people:
        others = [p for p in people if p.discoverable and p.user_id != me.user_id]
        best = sorted((match(me, p, population).score for p in others), reverse=True)
        for k in range(1, len(others) + 1):
            scores = [m.score for m in index.top_k(me.user_id, k)]
            assert scores == pytest.approx(best[:k], abs=1e-5), (me.user_id, k)


def test_k_beyond_the_population_gives_every_candidate_once() -> None:
    people = scenes()
    index = MatchIndex.build(people)
    for me in people:
        found = [m.other_id for m in index.top_k(me.user_id, 10 * len(people))]
        expected = {p.user_id for p in people if p.discoverable} - {me.user_id}
        assert sorted(found) == sorted(expected)


def test_no_candidates_means_no_matches() -> None:
    alone = MatchIndex.build([person("solo", ["A"])])
    assert alone.top_k("solo", 3) == []
    assert MatchIndex.build(scenes()).top_k("x0", 0) == []


def test_top_k_of_an_unknown_user_names_them() -> None:
    with pytest.raises(UnknownUserError, match="nobody") as raised:
        MatchIndex.build(scenes()).top_k("nobody", 3)
    assert raised.value.user_id == "nobody"


def test_top_k_all_across_blocks_gives_each_user_their_top_k() -> None:
    # Everyone's taste differs, so that no two candidates tie and the order is the scores'.
    pairs = combinations([f"Artist {n}" for n in range(40)], 2)
    people = [
        person(f"u{i:03}", list(pair), weights=[0.5 + i / 2000, 0.5 - i / 2000], discoverable=i % 9 != 0)
        for i, pair in zip(range(_BLOCK + 8), pairs, strict=False)
    ]
    index = MatchIndex.build(people)
    rows = np.arange(len(people), dtype=np.intp)
    candidates = index.candidates(rows, index.scores(rows))  # yourself and hidden users at -inf
    for k in (1, 3):
        everyone = list(index.top_k_all(k))
        assert [user for user, _ in everyone] == [p.user_id for p in people]
        for row, (user, found) in zip(candidates, everyone, strict=True):
            assert found == index.top_k(user, k)
            assert [m.score for m in found] == pytest.approx(sorted(row, reverse=True)[:k], abs=1e-5)
