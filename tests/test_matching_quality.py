"""The matcher with population context: rarity, the latent space, robustness, explanations, and
that the index, the pure ``match`` and the Lambda-safe imports all agree."""

from __future__ import annotations

import subprocess
import sys
from itertools import combinations

import numpy as np
import pytest

from soulmate_core import MatchIndex, TasteProfile, match
from soulmate_core.population import Population, unit_rows
from soulmate_core.rarity import MIN_LISTENERS
from soulmate_core.scoring import SHOWN_SHARED, Blend
from soulmate_core.sparse import exact_svd
from soulmate_core.weights import amount_weights, rank_weights
from tests.listeners import component, person


def crowd(prefix: str, count: int, artists: list[str]) -> list[TasteProfile]:
    return [person(f"{prefix}{i}", artists) for i in range(count)]


def test_a_shared_niche_artist_outweighs_a_shared_ubiquitous_one() -> None:
    everyone = crowd("fan", MIN_LISTENERS, ["Ubiquitous", "Filler"])  # enough for rarity to count
    a = person("a", ["Ubiquitous", "Niche", "Own A"], weights=[1 / 3] * 3)
    b = person("b", ["Niche", "Own B"], weights=[0.5, 0.5])
    c = person("c", ["Ubiquitous", "Own C"], weights=[0.5, 0.5])
    population = Population.fit([*everyone, a, b, c])

    with_b, with_c = match(a, b, population), match(a, c, population)

    assert with_b.score > with_c.score
    assert component(with_b, "artists") > component(with_c, "artists")
    assert with_b.shared_artists[0].niche
    assert not with_c.shared_artists[0].niche
    # Without population context the two shared artists count alike.
    assert match(a, b).score == pytest.approx(match(a, c).score)


def test_latent_component_links_fans_of_co_listened_artists_who_share_none() -> None:
    people = [
        person(f"{scene}{i}", [*artists, f"{scene} also {i % 4}"], weights=[0.4, 0.4, 0.2])
        for scene, artists in (("xy", ["X", "Y"]), ("pq", ["P", "Q"]))
        for i in range(24)
    ]
    a, b, c = person("a", ["X"]), person("b", ["Y"]), person("c", ["P"])
    population = Population.fit(people)  # learned from the crowd; a, b and c are newcomers

    with_b, with_c = match(a, b, population), match(a, c, population)

    assert component(with_b, "artists") == 0.0
    assert component(with_b, "latent") > 0.5
    assert component(with_b, "latent") > component(with_c, "latent")
    assert with_b.score > with_c.score
    assert "closely related" in with_b.summary
    # A blend without the latent part neither counts nor mentions it.
    without_latent = match(a, b, population, Blend().without("latent"))
    assert without_latent.score == 0.0
    assert "closely related" not in without_latent.summary
    index = MatchIndex.build([*people, a, b, c], population=population)
    ranked = [m.other_id for m in index.top_k("a", len(people) + 2)]
    assert ranked.index("b") < ranked.index("c")


def test_genre_less_population_still_ranks_by_shared_taste() -> None:
    people = [
        person("a", ["One", "Two", "Three", "Four"]),
        person("b", ["One", "Two", "Three", "Five"]),
        person("c", ["One", "Six", "Seven", "Eight"]),
        person("d", ["Nine", "Ten"]),
        *crowd("other", 8, ["Nine", "Eleven", "Twelve"]),
    ]
    index = MatchIndex.build(people)
    best = index.top_k("a", 3)
    assert [m.other_id for m in best[:2]] == ["b", "c"]
    assert best[0].score > best[1].score > 0.0
    for m in best:
        weights = {c.name: c.weight for c in m.components}
        assert weights["genres"] == 0.0
        assert sum(weights.values()) == pytest.approx(1.0)
        assert 0.0 <= m.score <= 1.0


def small_population() -> list[TasteProfile]:
    genres = {"A": ("rock",), "B": ("rock", "indie"), "C": ("jazz",), "D": ("ambient",), "E": ("jazz",)}
    return [
        person("p1", ["A", "B", "C"], genres),
        person("p2", ["B", "C", "D"], genres),
        person("p3", ["C", "D", "E"], genres),
        person("p4", ["A", "E"]),
        person("p5", ["D"], genres, range_name="short_term"),
        person("p6", ["A", "b ", "  c"], genres, weights=amount_weights([30, 20, 10])),
        person("p7", ["Solo"]),
    ]


def test_index_scores_equal_match_with_the_population_for_every_pair() -> None:
    people = small_population()
    index = MatchIndex.build(people)
    scores = index.scores(np.arange(len(people), dtype=np.intp))
    for i, j in combinations(range(len(people)), 2):
        expected = match(people[i], people[j], index.population).score
        assert scores[i, j] == pytest.approx(expected, abs=1e-5)
        assert scores[j, i] == pytest.approx(expected, abs=1e-5)


def test_population_keeps_self_match_symmetry_bounds_and_the_component_sum() -> None:
    people = small_population()
    population = Population.fit(people)
    for a in people:
        assert match(a, a, population).score == pytest.approx(1.0, abs=1e-9)
        for b in people:
            ab, ba = match(a, b, population), match(b, a, population)
            assert 0.0 <= ab.score <= 1.0
            assert ab.score == pytest.approx(ba.score, abs=1e-12)
            assert sum(c.weight for c in ab.components) == pytest.approx(1.0)
            assert sum(c.weight * c.value for c in ab.components) == pytest.approx(ab.score, abs=1e-9)


def test_a_stranger_to_the_population_still_matches_itself_and_on_shared_artists() -> None:
    population = Population.fit(small_population())
    stranger = person("new", ["Unheard Of", "A"])
    assert match(stranger, stranger, population).score == pytest.approx(1.0)
    assert match(stranger, small_population()[0], population).score > 0.0


def test_names_differing_in_case_and_spacing_are_one_artist() -> None:
    a = person("a", ["Massive Attack", "Portishead"])
    b = person("b", ["massive  attack", " PORTISHEAD"])
    m = match(a, b)
    assert m.score == pytest.approx(1.0)
    assert [s.name for s in m.shared_artists] == ["Massive Attack", "Portishead"]


def test_a_single_artist_user_gets_matches() -> None:
    people = [
        person("solo", ["Björk"]),
        person("fan", ["Björk", "Múm"]),
        person("other", ["Múm", "Sigur Rós"]),
    ]
    best = MatchIndex.build(people).top_k("solo", 2)
    assert best[0].other_id == "fan"
    assert best[0].summary.startswith("You both love Björk")


def test_spotify_ranks_and_play_counts_of_the_same_taste_compare_fairly() -> None:
    artists = [f"Artist {i}" for i in range(40)]
    plays = [round(5000 / (rank + 1) ** 0.8) for rank in range(40)]  # a typical long-tailed top list
    ranked = person("spotify", artists, weights=rank_weights(40))
    counted = person("listens", artists, weights=amount_weights(plays))
    milliseconds = person("export", artists, weights=amount_weights([p * 210_000 for p in plays]))
    assert match(counted, milliseconds).score == pytest.approx(1.0)  # the unit does not matter
    assert match(ranked, counted).score > 0.97


def test_shared_items_are_ranked_by_contribution_and_summed_into_the_components() -> None:
    genres = {"A": ("trip hop",), "B": ("trip hop", "downtempo"), "C": ("jazz",)}
    a = person("a", ["A", "B", "C"], genres)
    b = person("b", ["B", "A", "D"], genres)
    m = match(a, b, Population.fit([a, b, person("c", ["C", "D"], genres)]))
    contributions = [s.contribution for s in m.shared_artists]
    assert contributions == sorted(contributions, reverse=True)
    weights = {c.name: c for c in m.components}
    assert sum(contributions) == pytest.approx(weights["artists"].contribution)
    assert sum(s.contribution for s in m.shared_genres) == pytest.approx(weights["genres"].contribution)
    assert "You both love" in m.summary and "genres overlap" in m.summary


def test_a_pair_sharing_many_artists_lists_the_ones_that_add_most_and_counts_all() -> None:
    artists = [f"Band {i:02}" for i in range(30)]
    a = person("a", artists, weights=rank_weights(30))
    b = person("b", artists[::-1], weights=rank_weights(30))
    m = match(a, b)
    assert m.shared_artist_count == 30
    mine, theirs = a.artist_weights(), b.artist_weights()
    product = {key: mine[key] * theirs[key] for key in mine}
    largest = sorted(product, key=lambda key: (-product[key], key))[:SHOWN_SHARED]
    assert [s.name.casefold() for s in m.shared_artists] == largest
    total = next(c.contribution for c in m.components if c.name == "artists")
    for shared, key in zip(m.shared_artists, largest, strict=True):
        assert shared.contribution == pytest.approx(total * product[key] / sum(product.values()))


def test_numpy_svd_gives_the_same_similarities_as_scikit_learn() -> None:
    from sklearn.decomposition import TruncatedSVD  # in requirements.txt: missing is an error, not a skip

    rng = np.random.default_rng(7)
    matrix = unit_rows(rng.random((40, 60)) * (rng.random((40, 60)) < 0.2))
    dims = 8
    singular, right = exact_svd(matrix, dims)
    svd = TruncatedSVD(n_components=dims, algorithm="arpack", random_state=0).fit(matrix)
    assert singular == pytest.approx(svd.singular_values_, rel=1e-6)
    ours = unit_rows(matrix @ right.T)
    theirs = unit_rows(matrix @ svd.components_.T)
    assert ours @ ours.T == pytest.approx(theirs @ theirs.T, abs=1e-8)


def test_the_api_path_imports_only_the_stdlib_and_numpy() -> None:
    code = (
        "import sys; import soulmate_core.service, soulmate_core.index, soulmate_core.scoring;"
        "heavy = {'sklearn', 'scipy', 'pandas', 'plotly', 'streamlit'};"
        "heavy &= {m.split('.')[0] for m in sys.modules};"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
