"""What the dashboard shows of everyone, read from the match index, never from a pass over the store.

The population's figures come from the snapshot's model, the map and the taste dimensions from its
taste map (``taste_map``), all made by ``build-index``. The map draws the listeners sampled at build
time who are still there as they were, plus a like share of those written since, named as the rows
name them; any profile (you, your soulmates, a newcomer) is folded into the model and projected as
a snapshot row is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from soulmate_core.demo import DEFAULT_USERS, demo_user_id
from soulmate_core.insights import PopulationStats
from soulmate_core.matcher import Matcher
from soulmate_core.profile import TasteProfile
from soulmate_core.snapshot import Snapshot
from soulmate_core.store import Store


@dataclass(frozen=True, slots=True)
class Dot:
    """One listener on the map."""

    user_id: str
    """To leave people out; never drawn (the map shows names only)."""
    name: str
    x: float
    y: float
    cluster: int


@dataclass(frozen=True)
class Drawn:
    """The listeners a map draws, the same for every visitor until the next write."""

    dots: tuple[Dot, ...]
    everyone: int
    """How many listeners who opted in the map stands for, drawn or not."""


@dataclass(frozen=True)
class TasteMapView:
    """The map as one listener sees it."""

    listeners: tuple[Dot, ...]
    """The drawn listeners, less you and your soulmates."""
    cluster_labels: tuple[str, ...]
    drawn: int
    """How many listeners were drawn, you and your soulmates among them or not."""
    everyone: int
    me: Dot | None
    """None when none of your taste is known to the model yet."""
    soulmates: tuple[Dot, ...]
    density: NDArray[np.float32] = field(default_factory=lambda: np.zeros((0, 0), np.float32))
    """Everyone on the map, drawn or not: listeners per cell of a grid, rows along y."""
    extent: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    """The density grid's x0, x1, y0, y1."""

    @property
    def sampled(self) -> bool:
        """Whether the dots are a sample of everyone (then the density shows the rest)."""
        return self.drawn < self.everyone


@dataclass(frozen=True)
class Dimensions:
    labels: tuple[str, ...]
    percentiles: list[float]
    """For each dimension, the share of listeners below this profile."""


def population_stats(snapshot: Snapshot) -> PopulationStats:
    """How many listeners hold each artist and how niche everyone is, as of the snapshot."""
    population = snapshot.population
    niche = tuple(snapshot.taste_map.niche_spread.tolist())
    return PopulationStats(population.size, population.artist_holders, niche)


def demo_personas(store: Store, count: int = DEFAULT_USERS) -> list[TasteProfile]:
    """The discoverable demo personas among the first ``count``, by user id: read by id, with
    no pass over the store and no wait for the match index."""
    found = store.get_many([demo_user_id(number) for number in range(count)])
    return sorted(
        (p for p in found.values() if p.source == "demo" and p.discoverable), key=lambda p: p.user_id
    )


def dimensions(snapshot: Snapshot, profile: TasteProfile) -> Dimensions | None:
    """Where ``profile`` stands on each named latent dimension; None without named dimensions or
    when none of its taste is known to the model."""
    latent = snapshot.population.taste(profile).latent
    if latent is None or not snapshot.taste_map.dim_labels:
        return None
    return Dimensions(snapshot.taste_map.dim_labels, snapshot.taste_map.percentiles(latent))


def place(snapshot: Snapshot, profile: TasteProfile) -> Dot | None:
    """``profile`` folded into the model and projected onto the map; None when none of its taste
    is known to the model."""
    latent = snapshot.population.taste(profile).latent
    if latent is None or not snapshot.taste_map.available:
        return None
    x, y = snapshot.taste_map.place(latent).tolist()
    cluster = int(snapshot.taste_map.cluster_of(latent[None, :])[0])
    return Dot(profile.user_id, profile.display_name, x, y, cluster)


def drawn(matcher: Matcher, seed: int = 0) -> Drawn:
    """The snapshot's drawn listeners whose rows no write has outdated, and the same share of the
    listeners written since, drawn with ``seed``. Where the matcher confirms with the store (it
    cannot report changes, so another process's opt-out may not have reached the index), every
    drawn listener is checked there too, and named as stored."""
    snapshot, taste_map = matcher.snapshot, matcher.snapshot.taste_map
    fresh, dead = matcher.since_snapshot()
    rows = taste_map.drawn[~dead[taste_map.drawn]]
    placed = np.flatnonzero(fresh.has_latent)
    share = len(taste_map.drawn) / max(1, len(snapshot))
    count = len(placed) if share >= 1 else round(share * len(placed))
    chosen = np.sort(np.random.default_rng(seed).choice(placed, count, replace=False))
    dots = [
        Dot(snapshot.rows.user_ids[r], snapshot.rows.display_names[r], x, y, c)
        for r, (x, y), c in zip(
            rows.tolist(), taste_map.coords[rows].tolist(), taste_map.clusters[rows].tolist(), strict=True
        )
    ] + [
        Dot(fresh.user_ids[i], fresh.display_names[i], x, y, c)
        for i, (x, y), c in zip(
            chosen.tolist(),
            taste_map.place(fresh.latent[chosen]).tolist(),
            taste_map.cluster_of(fresh.latent[chosen]).tolist(),
            strict=True,
        )
    ]
    if matcher.confirm:
        live = matcher.store.get_many([d.user_id for d in dots])
        dots = [replace(d, name=live[d.user_id].display_name) for d in dots if _shown(live.get(d.user_id))]
    return Drawn(tuple(dots), int(np.count_nonzero(~dead)) + len(fresh))


def taste_map_view(
    snapshot: Snapshot, drawn: Drawn, me: TasteProfile, soulmates: Sequence[TasteProfile]
) -> TasteMapView:
    """``drawn`` as ``me`` sees it: with ``me`` and ``soulmates`` (live, discoverable profiles)
    placed by folding them in, and left out of the crowd so that nobody is drawn twice."""
    mates = tuple(dot for dot in (place(snapshot, p) for p in soulmates) if dot is not None)
    apart = {me.user_id, *(dot.user_id for dot in mates)}
    x0, x1, y0, y1 = snapshot.taste_map.extent.tolist()
    return TasteMapView(
        tuple(dot for dot in drawn.dots if dot.user_id not in apart),
        snapshot.taste_map.cluster_labels,
        len(drawn.dots),
        drawn.everyone,
        place(snapshot, me),
        mates,
        snapshot.taste_map.density,
        (x0, x1, y0, y1),
    )


def _shown(profile: TasteProfile | None) -> bool:
    return profile is not None and profile.discoverable
