"""A deterministic, offline demo population: scene fans, crossover fans and eclectic listeners.

Each person has a home scene, often a second one, and a few artists from anywhere. Their three
time ranges drift the way real listening does: recent months lean to newer interests. The same seed
always gives the same people.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import cache

from soulmate_core.demo_catalog import FIRST_NAMES, SCENES, SURNAME_INITIALS
from soulmate_core.profile import (
    SPOTIFY_RANGES,
    ArtistEntry,
    RangeName,
    RangeTaste,
    TasteProfile,
    TrackEntry,
    make_profile,
)
from soulmate_core.weights import rank_weights

DEFAULT_USERS = 320
DEFAULT_SEED = 2026
DEMO_PREFIX = "demo-"
DEMO_UPDATED_AT = "2026-01-01T00:00:00.000000Z"


@dataclass(frozen=True, slots=True)
class CatalogArtist:
    name: str
    genres: tuple[str, ...]
    track: str
    scene: str


@cache
def catalog() -> dict[str, tuple[CatalogArtist, ...]]:
    scenes = {}
    for scene, block in SCENES.items():
        artists = []
        for line in block.strip().splitlines():
            name, genres, track = (part.strip() for part in line.split("|"))
            artists.append(CatalogArtist(name, tuple(g.strip() for g in genres.split(";")), track, scene))
        scenes[scene] = tuple(artists)
    return scenes


def demo_user_id(number: int) -> str:
    return f"{DEMO_PREFIX}{number:04d}"


def demo_population(users: int = DEFAULT_USERS, seed: int = DEFAULT_SEED) -> list[TasteProfile]:
    rng = random.Random(seed)
    return [_person(rng, i) for i in range(users)]


def _person(rng: random.Random, number: int) -> TasteProfile:
    scenes = catalog()
    names = list(scenes)
    eclectic = rng.random() < 0.15
    if eclectic:
        picked = rng.sample(names, 4)
        shares = [0.3, 0.25, 0.25, 0.2]
        label = "eclectic"
    else:
        home = rng.choice(names)
        second = rng.choice([n for n in names if n != home]) if rng.random() < 0.55 else None
        picked = [home] + ([second] if second else [])
        shares = [0.75, 0.25] if second else [1.0]
        label = f"{home} + {second}" if second else home
    size = rng.randint(14, 26)
    pool: list[CatalogArtist] = []
    for scene, share in zip(picked, shares, strict=True):
        k = min(len(scenes[scene]), max(2, round(size * share)))
        pool.extend(rng.sample(scenes[scene], k))
    strays = [a for n in names if n not in picked for a in scenes[n]]
    pool.extend(rng.sample(strays, rng.randint(1, 3)))
    rng.shuffle(pool)
    # Favourites first: earlier scenes in ``picked`` rank higher on average.
    pool.sort(
        key=lambda a: (picked.index(a.scene) if a.scene in picked else len(picked)) + rng.random() * 1.5
    )

    ranges: dict[RangeName, RangeTaste] = {}
    for drift, time_range in zip((0.8, 2.0, 4.0), reversed(SPOTIFY_RANGES), strict=True):
        jitter = {a.name: i + rng.gauss(0, drift) for i, a in enumerate(pool)}
        order = sorted(pool, key=lambda a: jitter[a.name])
        kept = order[: max(5, len(order) - rng.randint(0, 4))]
        ranges[time_range] = _range_taste(kept)
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    initial = SURNAME_INITIALS[(number // len(FIRST_NAMES) + number) % len(SURNAME_INITIALS)]
    return make_profile(
        user_id=demo_user_id(number),
        display_name=f"{first} {initial}. ({label})",
        source="demo",
        ranges=ranges,
        discoverable=True,
        updated_at=DEMO_UPDATED_AT,
    )


def _range_taste(artists: list[CatalogArtist]) -> RangeTaste:
    weights = rank_weights(len(artists))
    return RangeTaste(
        artists=tuple(
            ArtistEntry(name=a.name, weight=w, genres=a.genres) for a, w in zip(artists, weights, strict=True)
        ),
        tracks=tuple(
            TrackEntry(name=a.track, artists=(a.name,), weight=w)
            for a, w in zip(artists[:20], rank_weights(min(20, len(artists))), strict=False)
        ),
    )
