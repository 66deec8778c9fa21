"""The taste map made by build-index: a projection any profile lands on as its snapshot row does,
labelled clusters, named dimensions, spreads for percentiles, and the listeners a map draws.

Expectations come from the profiles themselves (their genres, their artists, ``insights.niche``) or
from the snapshot's own rows; nothing is copied from a run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from soulmate_adapters import open_store
from soulmate_core import overview, taste_map
from soulmate_core.demo import demo_population
from soulmate_core.insights import niche
from soulmate_core.live import LiveIndex
from soulmate_core.matcher import Matcher
from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, make_profile
from soulmate_core.snapshot import Snapshot
from soulmate_core.store import Store
from tests.store_spies import CountingStore

PEOPLE = 120


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    store.put_many(demo_population(PEOPLE))
    return store


@pytest.fixture
def snapshot(store: Store) -> Snapshot:
    return Snapshot.build(store.iter_all(), store.version())


def listener(
    user_id: str, artists: list[str], *, genres: bool = True, discoverable: bool = True
) -> TasteProfile:
    entries = tuple(ArtistEntry(name, 1 / len(artists), ("folk",) if genres else ()) for name in artists)
    return make_profile(
        user_id=user_id,
        display_name=f"{user_id} <b>&</b>",
        source="listens",
        ranges={"all_time": RangeTaste(artists=entries)},
        discoverable=discoverable,
    )


def test_a_profile_folded_in_lands_where_its_snapshot_row_is(store: Store, snapshot: Snapshot) -> None:
    """Stored or not: a copy under a new id (a newcomer) lands on the same spot, after a round trip."""
    loaded = Snapshot.from_bytes(snapshot.to_bytes())
    for profile in list(store.iter_all())[::7]:
        row = snapshot.positions[profile.user_id]
        for model in (snapshot, loaded):
            dot = overview.place(model, profile.with_changes(user_id="newcomer"))
            assert dot is not None
            assert (dot.x, dot.y) == pytest.approx(tuple(snapshot.taste_map.coords[row]), abs=1e-5)
            assert dot.cluster == snapshot.taste_map.clusters[row]
    np.testing.assert_array_equal(loaded.taste_map.coords, snapshot.taste_map.coords)
    assert loaded.taste_map.cluster_labels == snapshot.taste_map.cluster_labels
    np.testing.assert_array_equal(loaded.taste_map.drawn, snapshot.taste_map.drawn)


def test_the_map_spreads_people_and_draws_the_same_for_the_same_listeners(store: Store) -> None:
    first = Snapshot.build(store.iter_all(), store.version()).taste_map
    again = Snapshot.build(store.iter_all(), store.version()).taste_map
    np.testing.assert_array_equal(first.coords, again.coords)
    assert first.cluster_labels == again.cluster_labels
    assert np.ptp(first.coords, axis=0).min() > 0.1, "both axes spread the listeners"


def test_clusters_are_labelled_by_their_members_genres(store: Store, snapshot: Snapshot) -> None:
    profiles = {p.user_id: p for p in store.iter_all()}
    labels = snapshot.taste_map.cluster_labels
    assert 5 <= len(labels) <= taste_map.MAP_CLUSTERS and len(set(labels)) == len(labels)
    for c, label in enumerate(labels):
        members = [snapshot.rows.user_ids[i] for i in np.flatnonzero(snapshot.taste_map.clusters == c)]
        genres = {g for u in members for g in profiles[u].genre_weights}
        assert members and all(part in genres for part in label.split(" / ")), label


def test_without_genres_clusters_and_dimensions_are_named_by_artists_as_spelled() -> None:
    people = [
        p.with_changes(genre_weights={}, discoverable=True) for p in demo_population(60) if p.discoverable
    ]
    built = Snapshot.build(people, "v1").taste_map
    spelled = {name for p in people for name in p.artist_names().values()}
    for label in built.cluster_labels:
        assert all(part in spelled for part in label.split(" / ")), label
    named = [name for label in built.dim_labels for name in label.split(" · ")]
    assert len(built.dim_labels) == taste_map.NAMED_DIMS
    assert set(named) <= spelled and len(set(named)) == len(named), "no artist names two dimensions"


def test_percentiles_are_shares_of_listeners_below(store: Store, snapshot: Snapshot) -> None:
    latent = snapshot.rows.latent.astype(np.float64)
    me = next(iter(store.iter_all()))
    found = overview.dimensions(snapshot, me)
    assert found is not None and found.labels == snapshot.taste_map.dim_labels
    mine = snapshot.population.taste(me).latent
    assert mine is not None
    for d, share in enumerate(found.percentiles):
        assert share == pytest.approx(np.mean(latent[:, d] < mine[d] - 1e-3), abs=0.02)


def test_niche_spread_is_everyones_niche_score(store: Store, snapshot: Snapshot) -> None:
    stats = overview.population_stats(snapshot)
    discoverable = [p for p in store.iter_all() if p.discoverable]
    assert stats.listeners == len(discoverable)
    scores = sorted(niche(p, stats).score for p in discoverable)
    assert list(stats.niche_scores) == pytest.approx(scores, abs=1e-6)


def test_a_spread_keeps_quantiles_of_a_large_population() -> None:
    values = np.random.default_rng(3).random(50_000)
    spread = taste_map.spread(values)
    assert len(spread) == taste_map.LEVELS
    assert taste_map.share_below(spread, 0.25) == pytest.approx(0.25, abs=0.002)


def test_the_map_draws_a_fixed_sample_of_a_large_population(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(taste_map, "DRAWN", 40)
    snapshot = Snapshot.build(store.iter_all(), store.version())
    drawn = overview.drawn(Matcher(store, snapshot))
    assert len(drawn.dots) == 40 and drawn.everyone == len(snapshot)
    again = Snapshot.build(store.iter_all(), store.version())
    assert overview.drawn(Matcher(store, again)).dots == drawn.dots


def test_writes_since_the_snapshot_show_on_the_map_without_a_rebuild(store: Store, tmp_path: Path) -> None:
    """Hidden and deleted listeners leave the map at once; a newcomer who opted in joins it."""
    counting = CountingStore(store)
    index = LiveIndex(counting, None, compact_in_background=False)  # type: ignore[arg-type]
    before = overview.drawn(index.matcher())
    hidden, gone = before.dots[0].user_id, before.dots[1].user_id
    profile = store.get(hidden)
    assert profile is not None
    store.put(profile.with_changes(discoverable=False, updated_at="2030-01-01T00:00:00.000000Z"))
    store.delete(gone)
    fan = next(p for p in store.iter_all() if p.user_id not in (hidden, gone))
    store.put(listener("newcomer", [a.name for a in fan.top_artists(limit=20)]))
    store.put(listener("shy", [a.name for a in fan.top_artists(limit=20)], discoverable=False))

    after = overview.drawn(index.matcher())
    ids = {d.user_id for d in after.dots}
    assert hidden not in ids and gone not in ids and "shy" not in ids
    (newcomer,) = [d for d in after.dots if d.user_id == "newcomer"]
    assert newcomer.name == "newcomer <b>&</b>"
    assert after.everyone == before.everyone - 1
    assert counting.full_reads == 1, "the index was built once, and the map read nobody in full"


def test_a_store_that_cannot_report_changes_is_asked_about_everyone_drawn(store: Store) -> None:
    snapshot = Snapshot.build(store.iter_all(), store.version())
    matcher = Matcher(store, snapshot, confirm=True)  # knows nothing of the writes below
    first = overview.drawn(matcher).dots[0]
    profile = store.get(first.user_id)
    assert profile is not None
    store.put(profile.with_changes(discoverable=False, updated_at="2030-01-01T00:00:00.000000Z"))
    assert first.user_id not in {d.user_id for d in overview.drawn(matcher).dots}


def test_you_and_your_soulmates_are_drawn_apart_from_the_crowd(store: Store, snapshot: Snapshot) -> None:
    matcher = Matcher(store, snapshot)
    me = next(p for p in store.iter_all() if p.discoverable)
    mates = [store.get(m.other_id) for m in matcher.top_k(me, 5)]
    view = overview.taste_map_view(snapshot, overview.drawn(matcher), me, [p for p in mates if p])
    assert view.me is not None and view.me.name == me.display_name
    assert [d.name for d in view.soulmates] == [p.display_name for p in mates if p]
    apart = {me.user_id, *(d.user_id for d in view.soulmates)}
    assert not apart & {d.user_id for d in view.listeners}
    assert len(view.listeners) + len(apart) == view.drawn == view.everyone


def test_a_profile_the_model_does_not_know_has_no_place(snapshot: Snapshot) -> None:
    stranger = listener("stranger", ["Nobody Here Knows Me"], genres=False)
    assert overview.place(snapshot, stranger) is None
    assert overview.dimensions(snapshot, stranger) is None


def test_too_few_listeners_make_no_map_but_still_count() -> None:
    few = Snapshot.build(demo_population(4), "v1")
    assert not few.taste_map.available
    assert overview.population_stats(few).listeners == len(few)
    assert Snapshot.from_bytes(few.to_bytes()).taste_map.cluster_labels == ()


def test_demo_personas_are_read_by_id_not_by_a_pass_over_the_store(store: Store) -> None:
    counting = CountingStore(store)
    store.put(listener("not-a-demo", ["Nick Drake"]))
    personas = overview.demo_personas(counting)  # type: ignore[arg-type]
    expected = sorted(p.user_id for p in store.iter_all() if p.source == "demo" and p.discoverable)
    assert [p.user_id for p in personas] == expected
    assert counting.full_reads == 0


def _own_cluster_share(coords: np.ndarray, clusters: np.ndarray) -> float:
    """The share of listeners whose nearest cluster centre on the map is their own cluster's."""
    centres = np.array([coords[clusters == c].mean(axis=0) for c in range(int(clusters.max()) + 1)])
    nearest = np.argmin(((coords[:, None, :] - centres[None]) ** 2).sum(axis=-1), axis=1)
    return float(np.mean(nearest == clusters))


def test_clusters_read_apart_on_the_map(snapshot: Snapshot) -> None:
    """Drawn along the directions that tell clusters apart, far fewer listeners sit nearer another
    cluster's centre than along the two of most spread."""
    taste_map_ = snapshot.taste_map
    clusters = taste_map_.clusters.astype(np.intp)
    latent = snapshot.rows.latent.astype(np.float64)
    latent /= np.linalg.norm(latent, axis=1, keepdims=True)
    centred = latent - latent.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    most_spread = centred @ vectors[:, np.argsort(-values)[:2]]
    drawn = _own_cluster_share(taste_map_.coords.astype(np.float64), clusters)
    assert drawn >= 0.85 and drawn > _own_cluster_share(most_spread, clusters) + 0.2


def test_cluster_names_survive_one_listener_leaving(store: Store, snapshot: Snapshot) -> None:
    """A rebuild after one opt-out keeps most clusters' names (and so their colours on the map)."""
    people = list(store.iter_all())
    before = set(snapshot.taste_map.cluster_labels)
    kept = []
    for leaving in people[:30:6]:
        after = Snapshot.build([p for p in people if p.user_id != leaving.user_id], "v2").taste_map
        kept.append(len(before & set(after.cluster_labels)) / len(before))
    assert min(kept) >= 0.7 and float(np.mean(kept)) >= 0.8, kept


def test_the_density_grid_counts_everyone_on_the_map(snapshot: Snapshot) -> None:
    taste_map_ = snapshot.taste_map
    x0, x1, y0, y1 = taste_map_.extent.tolist()
    coords = taste_map_.coords
    inside = (coords[:, 0] >= x0) & (coords[:, 0] <= x1) & (coords[:, 1] >= y0) & (coords[:, 1] <= y1)
    assert taste_map_.density.shape == (48, 48)
    assert taste_map_.density.sum() == np.count_nonzero(inside) >= 0.98 * len(snapshot)
    loaded = Snapshot.from_bytes(snapshot.to_bytes()).taste_map
    np.testing.assert_array_equal(loaded.density, taste_map_.density)
    np.testing.assert_array_equal(loaded.extent, taste_map_.extent)
