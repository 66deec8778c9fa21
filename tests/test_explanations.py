"""Every point of a score explained: the latent part by related artist pairs, the score by its
place among pairs of listeners here, and the dashboard's account of it adding up to the score."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from soulmate_adapters import open_store
from soulmate_app import explain
from soulmate_app.escape import md
from soulmate_core.closeness import FAR, WORDS, ScoreSpread, word_for
from soulmate_core.demo import demo_population
from soulmate_core.matcher import Matcher
from soulmate_core.population import Population
from soulmate_core.profile import TasteProfile, artist_key
from soulmate_core.rarity import MIN_LISTENERS
from soulmate_core.related import CONSIDERED, RELATED_SHOWN, Side, terms, through_shared
from soulmate_core.scoring import Match
from soulmate_core.scoring import explain as explain_pair
from soulmate_core.snapshot import Snapshot
from tests.listeners import person

K = 10


def listeners_without_genres(count: int, seed: int = 5) -> list[TasteProfile]:
    """Listeners of a few overlapping scenes, each with fewer artists than ``CONSIDERED``."""
    scenes = [[f"scene{s} artist{a}" for a in range(30)] for s in range(4)]
    draw = random.Random(seed)
    people = []
    for i in range(count):
        home, away = draw.sample(range(4), 2)
        artists = draw.sample(scenes[home], 12) + draw.sample(scenes[away], 4)
        people.append(person(f"u{i:03d}", artists))
    return people


def projected(population: Population, taste_vector: dict[str, float]) -> np.ndarray:
    """A taste vector through the model's factors: what the latent vector is the unit of."""
    return sum(
        (v * population.factors[population.vocabulary[k]] for k, v in taste_vector.items()),
        np.zeros(population.dims),
    )


@pytest.fixture(scope="module")
def demo() -> tuple[list[TasteProfile], Snapshot]:
    people = demo_population(160)
    return people, Snapshot.build(people, "test")


def test_the_terms_of_every_pair_of_artists_add_up_to_the_latent_value() -> None:
    people = listeners_without_genres(80)
    population = Population.fit(people)
    assert population.dims > 0 and all(len(p.artist_weights()) <= CONSIDERED for p in people)
    checked = 0
    for a, b in zip(people[::7], people[3::7], strict=False):
        ta, tb = population.taste(a), population.taste(b)
        assert ta.latent is not None and tb.latent is not None
        mine = Side.of_weights(population, ta.artists, ta.genres)
        theirs = Side.of_weights(population, tb.artists, tb.genres)
        found = terms(mine, theirs)
        assert found.sum() == pytest.approx(float(ta.latent @ tb.latent), abs=1e-9)
        same = mine.columns[:, None] == theirs.columns[None, :]  # an artist's term with itself
        assert through_shared(mine, theirs, population) == pytest.approx(found[same].sum(), abs=1e-12)
        checked += 1
    assert checked >= 10


def test_related_pairs_name_two_different_artists_and_what_they_add(
    demo: tuple[list[TasteProfile], Snapshot],
) -> None:
    people, snapshot = demo
    population = snapshot.population
    seen = 0
    for a in people[:40]:
        for b in people[40:60]:
            ta, tb = population.taste(a), population.taste(b)
            m = explain_pair(a, b, ta, tb, population)
            mine, theirs = a.artist_names(), b.artist_names()
            pairs = m.related_artists
            assert len(pairs) <= RELATED_SHOWN
            assert [p.contribution for p in pairs] == sorted((p.contribution for p in pairs), reverse=True)
            assert len({p.mine for p in pairs}) == len({p.theirs for p in pairs}) == len(pairs)
            if not pairs:
                continue
            seen += 1
            latent_weight = next(c.weight for c in m.components if c.name == "latent")
            vectors = population.taste_vector(a), population.taste_vector(b)
            lengths = [np.linalg.norm(projected(population, v)) for v in vectors]
            for pair in pairs:
                key_mine, key_theirs = artist_key(pair.mine), artist_key(pair.theirs)
                assert mine.get(key_mine) == pair.mine and key_mine not in theirs  # theirs only mine
                assert theirs.get(key_theirs) == pair.theirs and key_theirs not in mine
                f_mine = population.factors[population.vocabulary[f"a:{key_mine}"]]
                f_theirs = population.factors[population.vocabulary[f"a:{key_theirs}"]]
                term = vectors[0][f"a:{key_mine}"] * vectors[1][f"a:{key_theirs}"] * (f_mine @ f_theirs)
                assert pair.contribution == pytest.approx(
                    latent_weight * term / (lengths[0] * lengths[1]), abs=1e-9
                )
                assert pair.contribution > 0
    assert seen > 100


def test_a_score_is_placed_among_pairs_of_listeners_here(
    demo: tuple[list[TasteProfile], Snapshot], tmp_path: Path
) -> None:
    people, snapshot = demo
    spread = snapshot.spread
    assert len(spread.quantiles) and np.all(np.diff(spread.quantiles) >= 0)
    assert spread.percentile(-1.0) == 0.0 and spread.percentile(2.0) == 100.0
    scores = np.linspace(0.0, 1.0, 50)
    placed = [spread.percentile(s) for s in scores]
    assert None not in placed and placed == sorted(p or 0.0 for p in placed)
    store = open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    store.put_many(people)
    found = Matcher(store, snapshot).top_k(people[0], K)
    assert [m.percentile for m in found] == [spread.percentile(m.score) for m in found]
    assert found[0].percentile is not None and found[0].percentile > 90  # a best match is rarely ordinary
    loaded = Snapshot.from_bytes(snapshot.to_bytes()).spread
    assert np.array_equal(loaded.quantiles, spread.quantiles)


def test_a_spread_with_no_pairs_places_nothing() -> None:
    empty = ScoreSpread.sample(1, lambda asker, others: np.zeros(len(others), dtype=np.float32), seed=0)
    assert empty.percentile(0.5) is None


def test_among_too_few_listeners_a_score_is_not_placed() -> None:
    def score(asker: int, others: np.ndarray) -> np.ndarray:
        return np.linspace(0.0, 1.0, len(others)).astype(np.float32)

    assert ScoreSpread.sample(MIN_LISTENERS - 1, score, seed=0).percentile(0.5) is None
    assert ScoreSpread.sample(MIN_LISTENERS, score, seed=0).percentile(0.5) is not None


@pytest.mark.parametrize("percentile", [0.0, 49.9, 50.0, 79.9, 80.0, 95.0, 98.9, 99.0, 100.0])
def test_the_word_for_a_percentile_is_the_highest_it_reaches(percentile: float) -> None:
    reached = [word for lowest, word in WORDS if percentile >= lowest]
    assert word_for(percentile) == (reached[0] if reached else FAR)


def matches_of_demo(demo: tuple[list[TasteProfile], Snapshot], tmp_path: Path) -> list[Match]:
    people, snapshot = demo
    store = open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    store.put_many(people)
    matcher = Matcher(store, snapshot)
    return [m for me in people[:30] for m in matcher.top_k(me, K)]


PART_NAMES = {"artists": "Shared artists", "genres": "Shared genres", "latent": "Related taste"}
"""What each part of a score is called on the page."""


def test_the_dashboard_account_of_a_score_adds_up_to_it(
    demo: tuple[list[TasteProfile], Snapshot], tmp_path: Path
) -> None:
    found = matches_of_demo(demo, tmp_path)
    assert any(c.weight == 0 and c.name == "genres" for m in found for c in m.components)
    for m in found:
        reasons = explain.reasons(m)
        counted = {c.name: c for c in m.components if c.weight > 0}
        assert {r.component for r in reasons} == set(counted)  # a part that does not count is not shown
        assert sum(r.points for r in reasons) == explain.score_points(m) == round(100 * m.score)
        for r in reasons:
            c = counted[r.component]
            assert abs(r.points - 100 * c.contribution) < 1  # rounded, never moved by a whole point
            assert r.sum_line.startswith(f"{r.points} points = weight {round(100 * c.weight)}% ")
            assert r.sum_line.endswith(f"× {round(100 * c.value)}% alike")
            assert r.label == PART_NAMES[r.component]
        if any(c.name == "genres" and c.weight == 0 for c in m.components) and m.shared_genres:
            assert "not part of the score" in explain.uncounted(m)


def test_genres_that_count_are_a_part_and_not_called_uncounted(
    demo: tuple[list[TasteProfile], Snapshot], tmp_path: Path
) -> None:
    found = [m for m in matches_of_demo(demo, tmp_path) if m.shared_genres]
    assert found
    for m in found:
        counting = replace(
            m, components=tuple(replace(c, weight=0.2) if c.name == "genres" else c for c in m.components)
        )
        assert explain.uncounted(counting) == ""
        (genres,) = [r for r in explain.reasons(counting) if r.component == "genres"]
        assert genres.label == "Shared genres"
        assert md(m.shared_genres[0].name) in genres.why


def test_each_named_part_says_what_it_adds(demo: tuple[list[TasteProfile], Snapshot], tmp_path: Path) -> None:
    found = matches_of_demo(demo, tmp_path)
    assert any(m.related_artists for m in found)
    for m in found:
        by_name = {r.component: r.why for r in explain.reasons(m)}
        for s in m.shared_artists[:5]:
            assert f"(+{100 * s.contribution:.1f})" in by_name["artists"]
        left_over = m.shared_artist_count - min(5, len(m.shared_artists))
        assert by_name["artists"].endswith(f" and {left_over} more." if left_over else ").")
        for r in m.related_artists:
            assert f"you play {md(r.mine)}, they play {md(r.theirs)}" in by_name["latent"]
        (latent,) = [r for r in explain.reasons(m) if r.component == "latent"]
        shared, related = explain.latent_split(m, latent.points)
        assert shared + related == latent.points and shared >= 0 and related >= 0
        assert abs(shared - 100 * m.latent_from_shared) <= 0.5 + 1e-9 or shared in (0, latent.points)
        assert (
            f"{shared} of these points come through the artists you both play, {related} through"
            in latent.why
        )
        if m.percentile is not None:
            assert explain.meaning(m) == (
                f"closer than {int(m.percentile)}% of pairs of listeners here: {word_for(m.percentile)}"
            )
