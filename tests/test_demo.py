"""The demo population: deterministic, big enough, a believable mix, and matches a fan would accept."""

from __future__ import annotations

from collections import Counter

import pytest

from soulmate_core import MatchIndex, TasteProfile
from soulmate_core.demo import DEFAULT_USERS, catalog, demo_population

SINGLE_SCENE = 0.85  # a fan of one scene: at least this share of their listening is that scene
ECLECTIC = 0.5  # an eclectic listener: no scene reaches this share, and at least three scenes appear


@pytest.fixture(scope="module")
def population() -> list[TasteProfile]:
    return demo_population()


def scene_shares(profile: TasteProfile) -> dict[str, float]:
    """How a person's artist weight spreads over the catalogue's scenes."""
    scene_of = {artist.name.casefold(): scene for scene, artists in catalog().items() for artist in artists}
    shares: Counter[str] = Counter()
    names = profile.artist_names()
    for key, weight in profile.artist_weights().items():
        shares[scene_of[names[key].casefold()]] += weight
    return dict(shares)


def home_scene(profile: TasteProfile) -> tuple[str, float]:
    shares = scene_shares(profile)
    scene = max(shares, key=lambda s: shares[s])
    return scene, shares[scene]


def test_same_seed_same_people() -> None:
    assert demo_population(50, seed=7) == demo_population(50, seed=7)


def test_different_seed_different_people() -> None:
    one, other = demo_population(50, seed=7), demo_population(50, seed=8)
    assert [p.artist_weights() for p in one] != [p.artist_weights() for p in other]


def test_default_population_is_at_least_300_distinct_discoverable_demo_users(
    population: list[TasteProfile],
) -> None:
    assert DEFAULT_USERS >= 300
    assert len(population) == DEFAULT_USERS
    assert len({p.user_id for p in population}) == len(population)
    assert all(p.source == "demo" and p.discoverable for p in population)
    assert len({p.display_name for p in population}) > len(population) // 2


def test_every_demo_user_has_three_time_ranges_with_artists_genres_and_tracks(
    population: list[TasteProfile],
) -> None:
    for person in population:
        assert set(person.ranges) == {"short_term", "medium_term", "long_term"}
        for taste in person.ranges.values():
            assert len(taste.artists) >= 5
            assert taste.tracks
        assert person.has_genres


def test_a_bigger_population_starts_with_the_smaller_one() -> None:
    assert demo_population(80)[:30] == demo_population(30)


def test_mixes_single_scene_fans_with_eclectic_listeners(population: list[TasteProfile]) -> None:
    homes = [home_scene(p) for p in population]
    fans = [scene for scene, share in homes if share >= SINGLE_SCENE]
    eclectic = [
        p for p in population if max(scene_shares(p).values()) < ECLECTIC and len(scene_shares(p)) >= 3
    ]
    assert len(fans) >= len(population) // 10
    assert len(eclectic) >= len(population) // 20
    assert len(set(fans)) >= len(catalog()) // 2  # fans of many scenes, not of one


def test_a_single_scene_fans_top_matches_mostly_share_that_scene(population: list[TasteProfile]) -> None:
    index = MatchIndex.build(population)
    fans = [(p, home_scene(p)[0]) for p in population if home_scene(p)[1] >= SINGLE_SCENE]
    assert fans
    agreeing = 0
    for fan, scene in fans:
        top = index.top_k(fan.user_id, 5)
        assert len(top) == 5
        sharing = sum(scene_shares(by_id(population, m.other_id)).get(scene, 0.0) >= 0.25 for m in top)
        assert sharing >= 3, f"{fan.display_name}: only {sharing} of 5 matches like {scene}"
        agreeing += sharing
    assert agreeing / (5 * len(fans)) >= 0.8


def by_id(population: list[TasteProfile], user_id: str) -> TasteProfile:
    return next(p for p in population if p.user_id == user_id)
