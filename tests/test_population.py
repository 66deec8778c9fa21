"""What the population learns: who holds what, idf rarity, niche thresholds, and the latent space,
each checked against a count by hand or a reference computed here with numpy's own SVD."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from soulmate_core import TasteProfile, match
from soulmate_core.population import (
    GENRE_MIX,
    LATENT_DIMS,
    LATENT_SCALE,
    LATENT_SHARE,
    Population,
    unit_rows,
)
from soulmate_core.rarity import MIN_LISTENERS
from soulmate_core.sparse import SparseRows, exact_svd
from soulmate_core.taste_rows import TasteRows
from soulmate_core.weights import amount_weights
from tests.listeners import person, weights

GENRES = {
    "Air": ("electronic",),
    "Beck": ("rock", "folk"),
    "Can": ("krautrock", "rock"),
    "Dido": ("pop",),
    "Eno": ("ambient", "electronic"),
    "Faust": ("krautrock",),
    "Goldfrapp": ("electronic", "pop"),
    "Hole": ("rock",),
}
PLAYS = [
    {"Air": 50, "Eno": 31, "Goldfrapp": 7},
    {"Beck": 40, "Hole": 22},
    {"Can": 35, "Faust": 30, "Eno": 4},
    {"Dido": 60, "Goldfrapp": 12, "Air": 9},
    {"Hole": 18, "Beck": 17, "Can": 3},
    {"Faust": 44, "Can": 13},
    {"Eno": 27, "Air": 26, "Dido": 2},
    {"Goldfrapp": 33, "Dido": 21, "Beck": 5},
    {"Air": 11, "Can": 10, "Hole": 9, "Dido": 1},
    {"Beck": 70},
    {"Eno": 15, "Faust": 14, "Goldfrapp": 6},
    {"Hole": 39, "Dido": 25, "Air": 8},
]


def listeners(count: int) -> list[TasteProfile]:
    return [
        person(f"p{i}", list(plays), GENRES, weights=amount_weights(list(plays.values())))
        for i, plays in enumerate(PLAYS[:count])
    ]


def idf(holders: int, size: int) -> float:
    """The rarity the module docs promise: log(1 + (1 + n) / (1 + holders))."""
    return math.log(1.0 + (1.0 + size) / (1.0 + holders))


# --- holders and rarity ---------------------------------------------------------------------------


def three_people() -> list[TasteProfile]:
    return [
        person("p1", ["Air", "Beck"], {"Air": ("rock",), "Beck": ("jazz",)}, weights=[0.5, 0.5]),
        person("p2", ["Air"], {"Air": ("rock",)}),
        person("p3", ["Can"], {"Can": ("rock",)}),
    ]


def test_holders_count_the_people_with_each_artist_and_genre() -> None:
    population = Population.fit(three_people())
    assert population.size == 3
    assert population.artist_holders == {"air": 2, "beck": 1, "can": 1}
    assert population.genre_holders == {"rock": 3, "jazz": 1}


def test_idf_makes_the_rarer_artist_or_genre_weigh_more() -> None:
    population = Population.fit(three_people())
    assert population.artist_idf("air") == pytest.approx(idf(2, 3))
    assert population.artist_idf("beck") == pytest.approx(idf(1, 3))
    assert population.genre_idf("rock") == pytest.approx(idf(3, 3))
    assert population.genre_idf("jazz") == pytest.approx(idf(1, 3))
    # Nobody in the population holds it: the rarest of all, and still finite.
    assert population.artist_idf("unheard of") == pytest.approx(idf(0, 3))
    assert population.genre_idf("zeuhl") == pytest.approx(idf(0, 3))
    assert population.artist_idf("unheard of") > population.artist_idf("beck") > population.artist_idf("air")
    assert population.genre_idf("zeuhl") > population.genre_idf("jazz") > population.genre_idf("rock")


def test_weighted_genres_scale_each_share_by_its_rarity() -> None:
    people = three_people()
    population = Population.fit(people)
    assert population.weighted_genres(people[0]) == pytest.approx(
        {"rock": 0.5 * idf(3, 3), "jazz": 0.5 * idf(1, 3)}
    )


def test_without_rarity_everything_counts_alike() -> None:
    population = Population.fit(three_people(), rarity=False)
    assert population.artist_idf("air") == population.artist_idf("beck") == 1.0
    assert population.genre_idf("rock") == population.genre_idf("jazz") == 1.0


# --- niche ----------------------------------------------------------------------------------------

NICHE = {"Common": ("pop",), "Pair": ("dub",), "Trio": ("zouk",), "Solo": ("drone",)}


def people(count: int = MIN_LISTENERS) -> list[TasteProfile]:
    """Everyone plays Common; p0 also Solo; p0 and p1 Pair; p0 to p2 Trio."""
    own = {0: ["Solo", "Pair", "Trio"], 1: ["Pair", "Trio"], 2: ["Trio"]}
    return [person(f"p{i}", ["Common", *own.get(i, [])], NICHE) for i in range(count)]


def test_niche_means_held_by_at_most_two_people_in_a_small_population() -> None:
    population = Population.fit(people())  # 2% of 50 is under 2, so two people is the bar
    artists = {k: population.is_niche_artist(k) for k in ("solo", "pair", "trio", "common")}
    genres = {k: population.is_niche_genre(k) for k in ("drone", "dub", "zouk", "pop")}
    assert artists == {"solo": True, "pair": True, "trio": False, "common": False}
    assert genres == {"drone": True, "dub": True, "zouk": False, "pop": False}
    # Something nobody in the population holds is unknown, not niche.
    assert not population.is_niche_artist("unheard of")
    assert not population.is_niche_genre("zeuhl")


def test_a_match_marks_the_shared_niche_artists_and_genres() -> None:
    everyone = people()
    m = match(everyone[0], everyone[1], Population.fit(everyone))
    assert {s.name: s.niche for s in m.shared_artists} == {"Common": False, "Pair": True, "Trio": False}
    assert {s.name: s.niche for s in m.shared_genres} == {"pop": False, "dub": True, "zouk": False}


def test_nothing_is_niche_among_too_few_listeners_to_tell() -> None:
    few = people(MIN_LISTENERS - 1)
    population = Population.fit(few)
    assert not any(population.is_niche_artist(k) for k in ("solo", "pair", "trio", "common"))
    assert not any(population.is_niche_genre(k) for k in ("drone", "dub", "zouk", "pop"))
    m = match(few[0], few[1], population)
    assert m.shared_artists and not any(s.niche for s in [*m.shared_artists, *m.shared_genres])


# --- the latent space -----------------------------------------------------------------------------


def reference_latents(people: list[TasteProfile], *, rarity: bool, genres: bool) -> np.ndarray:
    """Unit user coordinates ``U * s**LATENT_SCALE`` from numpy's full SVD of the users x (artists +
    genres) matrix, each row a unit artist vector plus ``GENRE_MIX`` times a unit genre vector."""
    size = len(people)
    artist_holders = Counter(k for p in people for k in p.artist_weights())
    genre_holders = Counter(k for p in people for k in p.genre_weights)

    def rare(holders: int) -> float:
        return idf(holders, size) if rarity else 1.0

    def scaled(row: dict[str, float], length: float) -> dict[str, float]:
        total = math.sqrt(sum(v * v for v in row.values()))
        return {k: length * v / total for k, v in row.items()} if total else {}

    rows = []
    for p in people:
        artists = {f"artist {k}": w * rare(artist_holders[k]) for k, w in p.artist_weights().items()}
        tags = {f"genre {k}": w * rare(genre_holders[k]) for k, w in p.genre_weights.items()}
        rows.append({**scaled(artists, 1.0), **scaled(tags if genres else {}, GENRE_MIX)})
    columns = sorted({key for row in rows for key in row})
    matrix = np.array([[row.get(c, 0.0) for c in columns] for row in rows])
    u, s, _ = np.linalg.svd(matrix, full_matrices=False)
    dims = min(LATENT_DIMS, int(LATENT_SHARE * size))
    coordinates = u[:, :dims] * s[:dims] ** LATENT_SCALE
    return coordinates / np.linalg.norm(coordinates, axis=1, keepdims=True)


@pytest.mark.parametrize("count", [12, 5])
@pytest.mark.parametrize(("rarity", "genres"), [(True, True), (False, True), (True, False)])
def test_latent_similarities_agree_with_a_reference_svd(count: int, rarity: bool, genres: bool) -> None:
    people = listeners(count)
    population = Population.fit(people, rarity=rarity, genres=genres)
    tastes = [population.taste(p) for p in people]
    expected = reference_latents(people, rarity=rarity, genres=genres)

    assert population.dims == expected.shape[1] == int(LATENT_SHARE * count)
    ours = np.array([t.latent for t in tastes])
    # the model keeps its factors in single precision, as a saved snapshot does
    assert ours @ ours.T == pytest.approx(expected @ expected.T, abs=1e-6)
    if not genres:
        assert all(t.genres == {} for t in tastes)


def test_a_population_too_small_for_a_latent_space_matches_on_artists() -> None:
    people = listeners(3)  # 30% of three people is under one dimension
    population = Population.fit(people)
    assert population.dims == 0
    assert all(population.taste(p).latent is None for p in people)
    assert weights(match(people[0], people[1], population))["artists"] == 1.0


def test_a_newcomer_the_population_has_never_heard_of_has_no_latent_part() -> None:
    population = Population.fit(listeners(12))
    newcomer = person("new", ["Unheard Of", "Also Unheard"])
    assert population.taste(newcomer).latent is None
    m = match(newcomer, listeners(1)[0], population)
    assert weights(m) == {"artists": 1.0, "genres": 0.0, "latent": 0.0}
    assert m.score == 0.0


# --- the SVD itself -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shape", "dims"),
    [((6, 9), 3), ((9, 6), 3), ((7, 7), 4), ((1, 5), 2), ((5, 1), 2), ((6, 9), 1), ((4, 3), 10)],
)
def test_truncated_svd_agrees_with_numpy(shape: tuple[int, int], dims: int) -> None:
    matrix = np.random.default_rng(sum(shape) + dims).random(shape)
    singular, right = exact_svd(matrix, dims)

    _, s, vt = np.linalg.svd(matrix, full_matrices=False)
    kept = min(dims, len(s))
    assert singular == pytest.approx(s[:kept], rel=1e-9)
    assert right.shape == (kept, shape[1])
    # Rows are orthonormal and span numpy's top right singular vectors (signs may differ).
    assert right @ right.T == pytest.approx(np.eye(kept), abs=1e-9)
    assert right.T @ right == pytest.approx(vt[:kept].T @ vt[:kept], abs=1e-9)


def test_truncated_svd_is_scale_free() -> None:
    matrix = np.random.default_rng(3).random((5, 8))
    singular, _ = exact_svd(matrix, 3)
    tiny, _ = exact_svd(1e-7 * matrix, 3)
    assert tiny == pytest.approx(1e-7 * singular, rel=1e-6)


@pytest.mark.parametrize(
    ("matrix", "dims"),
    [(np.zeros((3, 5)), 2), (np.zeros((0, 5)), 2), (np.zeros((5, 0)), 2), (np.ones((3, 5)), 0)],
)
def test_truncated_svd_keeps_no_direction_where_there_is_none(matrix: np.ndarray, dims: int) -> None:
    singular, right = exact_svd(matrix, dims)
    assert singular.shape == (0,)
    assert right.shape == (0, matrix.shape[1])


def test_unit_rows_scales_each_row_to_length_one_and_leaves_empty_rows_empty() -> None:
    assert unit_rows(np.array([[0.0, 0.0], [3.0, 4.0]])).tolist() == [[0.0, 0.0], [0.6, 0.8]]
    # Big enough that the result is not a fresh zeroed page: empty rows must be written as 0.
    matrix = np.random.default_rng(5).random((64, 64))
    matrix[::2] = 0.0
    rows = unit_rows(matrix)
    assert not rows[::2].any()
    assert np.linalg.norm(rows[1::2], axis=1) == pytest.approx(np.ones(32))


# --- fitting on a sample ----------------------------------------------------------------------------


def test_a_model_fitted_on_a_sample_counts_rarity_over_everyone_and_places_everyone() -> None:
    people = listeners(12)
    rows = TasteRows.collect(people)
    full = Population.fit_rows(rows)
    sampled = Population.fit_rows(rows, sample=10, seed=1)

    assert sampled.size == full.size == 12
    assert sampled.artist_holders == full.artist_holders and sampled.genre_holders == full.genre_holders
    assert sampled.dims == int(LATENT_SHARE * 10)  # the latent space comes from the ten sampled
    assert all(sampled.taste(p).latent is not None for p in people)
    again = Population.fit_rows(rows, sample=10, seed=1)
    np.testing.assert_array_equal(again.factors, sampled.factors)  # a seed gives one model
    other = Population.fit_rows(rows, sample=10, seed=2)
    assert not np.allclose(np.abs(other.factors), np.abs(sampled.factors))  # another sample, another basis


@pytest.mark.parametrize(("rarity", "genres"), [(True, True), (False, True), (True, False)])
def test_rows_weighted_and_folded_in_at_once_agree_with_one_profile_at_a_time(
    rarity: bool, genres: bool
) -> None:
    people = listeners(12)
    rows = TasteRows.collect(people)
    population = Population.fit_rows(rows, rarity=rarity, genres=genres)
    artists, genre_rows = population.weighted_rows(rows)
    latent = unit_rows(population.taste_matrix(rows).matmul(population.factors32))
    for i, person_ in enumerate(people):
        taste = population.taste(person_)
        by_key = {rows.artist_keys[c]: v for c, v in zip(*_row(artists, i), strict=True)}
        assert by_key == pytest.approx(taste.artists, rel=1e-6)
        assert len(_row(genre_rows, i)[0]) == (len(taste.genres) if genres else 0)
        assert taste.latent is not None
        np.testing.assert_allclose(latent[i], taste.latent, atol=1e-6)


def _row(rows: SparseRows, i: int) -> tuple[list[int], list[float]]:
    start, end = rows.indptr[i], rows.indptr[i + 1]
    return rows.indices[start:end].tolist(), rows.data[start:end].tolist()
