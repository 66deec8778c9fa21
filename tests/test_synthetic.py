"""The synthetic population: reproducible, shaped as promised, clustered for real, and stored by
``soulmate seed-synthetic`` through the normal bulk path."""

from __future__ import annotations

import gc
import math
import random
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from soulmate_adapters import open_store
from soulmate_cli.parallel_seed import seed_in_parallel
from soulmate_core.profile import SPOTIFY_RANGES, TasteProfile, artist_key, derive_genre_weights
from soulmate_core.schema import from_item, to_item
from soulmate_core.synthetic import (
    ARTISTS_PER_USER,
    BLOCK,
    HIDDEN_SHARE,
    synthetic_clusters,
    synthetic_profiles,
    synthetic_user_id,
)
from soulmate_core.synthetic_catalogue import (
    ARTISTS,
    CLUSTERS,
    GENRE_COUNT_SHARES,
    GENRELESS_SHARE,
    GENRES,
    catalogue,
)
from soulmate_core.weights import rank_weights
from tests.cli_runner import run

SEED = 7
POPULATION = BLOCK + 300  # two blocks, the second partly used


def within_binomial(successes: int, trials: int, share: float, sigmas: float = 5.0) -> bool:
    """Whether a count is within ``sigmas`` standard deviations of a binomial's mean."""
    spread = sigmas * math.sqrt(trials * share * (1 - share))
    return abs(successes - trials * share) <= spread


@pytest.fixture(scope="module")
def population() -> list[TasteProfile]:
    return list(synthetic_profiles(POPULATION, SEED))


# --- reproducible ----------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_people(population: list[TasteProfile]) -> None:
    assert list(synthetic_profiles(POPULATION, SEED)) == population


def test_another_seed_gives_other_people(population: list[TasteProfile]) -> None:
    others = list(synthetic_profiles(50, SEED + 1))
    assert all(a.ranges != b.ranges for a, b in zip(others, population, strict=False))
    assert catalogue(SEED + 1).names.tolist() != catalogue(SEED).names.tolist()


def test_a_smaller_population_is_the_start_of_a_larger_one(population: list[TasteProfile]) -> None:
    for users in (1, BLOCK + 1):
        assert list(synthetic_profiles(users, SEED)) == population[:users]
    assert list(synthetic_profiles(POPULATION, SEED, start=BLOCK + 5)) == population[BLOCK + 5 :]


def test_user_ids_number_the_listeners(population: list[TasteProfile]) -> None:
    assert [p.user_id for p in population] == [synthetic_user_id(i) for i in range(POPULATION)]
    assert synthetic_user_id(1) == "synth-0000001"


def test_negative_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        next(synthetic_profiles(-1))
    assert list(synthetic_profiles(0, SEED)) == []


# --- shaped as promised ----------------------------------------------------------------------------


def test_each_listener_has_50_to_200_artists_in_three_ranked_spotify_ranges(
    population: list[TasteProfile],
) -> None:
    low, high = ARTISTS_PER_USER
    for profile in population:
        assert low <= len(profile.artist_weights()) <= high
        assert tuple(profile.ranges) == SPOTIFY_RANGES
        for taste in profile.ranges.values():
            names = [artist_key(a.name) for a in taste.artists]
            assert len(set(names)) == len(names)
            assert [a.weight for a in taste.artists] == rank_weights(len(names))


def test_profiles_are_valid_stored_items(population: list[TasteProfile]) -> None:
    for profile in population[:200]:
        assert profile.source == "synthetic"
        assert profile.display_name.strip()
        assert from_item(to_item(profile)) == profile


def test_genre_weights_are_what_the_artists_genres_give(population: list[TasteProfile]) -> None:
    for profile in population[:300]:
        assert profile.genre_weights == pytest.approx(derive_genre_weights(profile.ranges.values()))
        heaviest_first = [(-weight, genre) for genre, weight in profile.genre_weights.items()]
        assert heaviest_first == sorted(heaviest_first)


def test_most_listeners_are_discoverable_and_a_few_hidden(population: list[TasteProfile]) -> None:
    hidden = sum(not p.discoverable for p in population)
    assert within_binomial(hidden, POPULATION, HIDDEN_SHARE)


def test_the_catalogue_has_distinct_artists_with_up_to_five_genres_and_a_tenth_without() -> None:
    world = catalogue(SEED)
    assert len(world.names) == ARTISTS
    assert len({artist_key(name) for name in world.names.tolist()}) == ARTISTS
    assert len(set(world.genre_names.tolist())) == GENRES
    counts = np.array([len(genres) for genres in world.genres.tolist()])
    assert counts.max() <= len(GENRE_COUNT_SHARES)
    assert all(len(set(genres)) == len(genres) for genres in world.genres.tolist())
    assert within_binomial(int((counts == 0).sum()), ARTISTS, GENRELESS_SHARE)


def test_popularity_falls_as_a_power_law() -> None:
    popularity = catalogue(SEED).popularity
    assert popularity.sum() == pytest.approx(1.0)
    assert np.all(np.diff(popularity) < 0)
    # Zipf: ten times further down the ranking, ten times less heard.
    assert popularity[9] / popularity[99] == pytest.approx(10.0)


# --- clustered for real ----------------------------------------------------------------------------


def test_listeners_draw_mostly_from_their_clusters_pool(population: list[TasteProfile]) -> None:
    world = catalogue(SEED)
    number = {name: i for i, name in enumerate(world.names.tolist())}
    clusters = synthetic_clusters(POPULATION, SEED)
    assert set(clusters) <= set(range(CLUSTERS))
    shares = []
    for profile, cluster in zip(population, clusters, strict=True):
        pool = set(world.pool[cluster].tolist())
        names = profile.artist_names().values()
        shares.append(sum(number[name] in pool for name in names) / len(names))
    assert sum(shares) / len(shares) > 0.5


def test_listeners_of_one_cluster_share_more_artists_than_strangers(
    population: list[TasteProfile],
) -> None:
    clusters = synthetic_clusters(POPULATION, SEED)
    artists = [set(p.artist_weights()) for p in population]
    members: dict[int, list[int]] = defaultdict(list)
    for user, cluster in enumerate(clusters):
        members[cluster].append(user)
    same = [pair for group in members.values() for pair in combinations(group, 2)]
    rng = random.Random(0)
    strangers = []
    while len(strangers) < len(same):
        a, b = rng.randrange(POPULATION), rng.randrange(POPULATION)
        if clusters[a] != clusters[b]:
            strangers.append((a, b))

    def shared(pairs: list[tuple[int, int]]) -> tuple[float, float]:
        """The mean number of artists a pair shares, and its standard error."""
        counts = np.array([len(artists[a] & artists[b]) for a, b in pairs])
        return float(counts.mean()), float(counts.std() / math.sqrt(counts.size))

    (alike, alike_error), (apart, apart_error) = shared(same), shared(strangers)
    assert alike - apart > 5 * math.hypot(alike_error, apart_error)


# --- the command -----------------------------------------------------------------------------------


def stored(url: str) -> list[TasteProfile]:
    store = open_store(url)
    try:
        return list(store.iter_all())
    finally:
        store.close()


def test_seed_synthetic_writes_exactly_n_profiles_into_the_configured_sqlite_store(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = "sqlite:///" + str(tmp_path / "synthetic.db")
    monkeypatch.setenv("SOULMATE_STORE", url)
    code, out, err = run(capsys, "seed-synthetic", "--users", "25", "--seed", str(SEED), "--chunk", "7")
    assert code == 0, err
    assert "25" in out
    assert gc.isenabled()
    assert stored(url) == list(synthetic_profiles(25, SEED))

    code, _, err = run(capsys, "seed-synthetic", "--users", "30", "--seed", str(SEED))
    assert code == 0, err
    assert [p.user_id for p in stored(url)] == [synthetic_user_id(i) for i in range(30)]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--users", "0"],
        ["--users", "-3"],
        ["--users", "many"],
        ["--users", "10000000"],
        [],
        ["--users", "5", "--seed", "-1"],
        ["--users", "5", "--chunk", "0"],
    ],
)
def test_seed_synthetic_refuses_bad_input_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, arguments: list[str]
) -> None:
    target = tmp_path / "untouched.db"
    code, out, err = run(capsys, "--store", "sqlite:///" + str(target), "seed-synthetic", *arguments)
    assert code == 2
    assert out == ""
    assert re.search(r"error: (argument --(users|seed|chunk)|the following arguments are required)", err)
    assert not target.exists()


def test_several_processes_store_what_one_process_stores(tmp_path: Path) -> None:
    """``seed-synthetic`` draws and writes spans of listeners on every core; the store holds the
    same listeners as when one process writes them all."""
    one = open_store(f"sqlite:///{tmp_path / 'one.db'}")
    many_url = f"sqlite:///{tmp_path / 'many.db'}"
    many = open_store(many_url)
    users = 2 * BLOCK + 300  # three spans of a block, the last one short
    counts = list(seed_in_parallel(one, None, users, SEED, chunk=400, workers=1, span=BLOCK))
    assert sum(counts) == users
    assert sum(seed_in_parallel(many, many_url, users, SEED, chunk=400, workers=2, span=BLOCK)) == users
    assert sorted(many.iter_all(), key=lambda p: p.user_id) == list(one.iter_all())
    assert gc.isenabled()
