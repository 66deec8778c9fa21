"""The match index: a snapshot built by a batch step, kept current by writes, never refitted on a query.

Every expectation is the exhaustive exact ranking (``exact_top_k``) with the same model, or a
property of it; nothing is copied from a run.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from soulmate_adapters import open_store
from soulmate_core.demo import demo_population
from soulmate_core.errors import IndexNotReadyError, StoreError
from soulmate_core.live import LiveIndex
from soulmate_core.matcher import Matcher, exact_top_k
from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, make_profile
from soulmate_core.scoring import Match
from soulmate_core.snapshot import MIN_CLUSTERED, Snapshot
from soulmate_core.store import Store
from soulmate_core.store.snapshots import SnapshotFile

K = 10


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    store.put_many(demo_population(240))
    return store


HALF = 2e-3
"""Snapshot rows keep half precision: a score read from them may be this far off the exact one."""


def ranking(found: list[Match]) -> list[tuple[str, float]]:
    """Ids and scores: for two rankings read from the same rows, which must be identical."""
    return [(m.other_id, m.score) for m in found]


def assert_ranks_as_exact(found: list[Match], exact: list[Match]) -> None:
    """``found`` is the exact top ``len(found)`` (``exact`` holds one more): the same scores to
    ``HALF``, and the same person at every place whose exact score stands apart from every other
    by more than rounding could bridge; only people that close may trade places."""
    k = len(found)
    assert [m.score for m in found] == pytest.approx([m.score for m in exact[:k]], abs=HALF)
    scores = [m.score for m in exact]
    for place, m in enumerate(exact[:k]):
        if all(abs(m.score - other) > 2 * HALF for j, other in enumerate(scores) if j != place):
            assert found[place].other_id == m.other_id, place


def newcomer(user_id: str, artists: list[str], *, discoverable: bool = True) -> TasteProfile:
    entries = tuple(ArtistEntry(name, 1 / len(artists), ("folk",)) for name in artists)
    return make_profile(
        user_id=user_id,
        display_name=user_id,
        source="listens",
        ranges={"all_time": RangeTaste(artists=entries)},
        discoverable=discoverable,
    )


@pytest.mark.parametrize("confirm", [False, True], ids=["explained from rows", "confirmed by the store"])
def test_below_the_cluster_threshold_the_index_is_the_exact_ranking(store: Store, confirm: bool) -> None:
    snapshot = Snapshot.build(store.iter_all(), store.version())
    matcher = Matcher(store, snapshot, confirm=confirm)
    assert len(snapshot) < MIN_CLUSTERED and len(snapshot.centroids) == 1
    for me in list(store.iter_all())[::8]:  # hidden ones among them
        assert_ranks_as_exact(matcher.top_k(me, K), exact_top_k(store, snapshot, me, K + 1))


@pytest.mark.slow
def test_clustered_index_recalls_the_exact_top_10(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'big.db'}")
    store.put_many(demo_population(MIN_CLUSTERED + 600))
    snapshot = Snapshot.build(store.iter_all(), store.version())
    assert len(snapshot.centroids) > 24, "enough clusters that a query scans only some"
    matcher = Matcher(store, snapshot)
    people = list(store.iter_all())[::97]
    hits = sum(
        len(
            {m.other_id for m in matcher.top_k(me, K)}
            & {m.other_id for m in exact_top_k(store, snapshot, me, K)}
        )
        for me in people
    )
    assert hits / (K * len(people)) >= 0.99


def test_a_hidden_profile_shapes_nobody_elses_matches(store: Store) -> None:
    before = Snapshot.build(store.iter_all(), store.version())
    store.put(newcomer("hidden", ["Nick Drake", "An Artist Only I Know"], discoverable=False))
    after = Snapshot.build(store.iter_all(), store.version())
    assert after.population.size == before.population.size
    for me in list(store.iter_all())[::8]:
        if me.user_id != "hidden":
            assert ranking(Matcher(store, after).top_k(me, K)) == ranking(Matcher(store, before).top_k(me, K))


def test_a_snapshot_survives_its_file(store: Store, tmp_path: Path) -> None:
    snapshot = Snapshot.build(store.iter_all(), store.version())
    file = SnapshotFile(tmp_path / "index.npz")
    file.save(snapshot.to_bytes())
    loaded = Snapshot.from_bytes(file.load() or b"")
    assert loaded.rows.user_ids == snapshot.rows.user_ids and loaded.store_version == snapshot.store_version
    np.testing.assert_array_equal(loaded.population.factors, snapshot.population.factors)
    me = next(iter(store.iter_all()))
    assert ranking(Matcher(store, loaded).top_k(me, K)) == ranking(Matcher(store, snapshot).top_k(me, K))


def test_a_damaged_snapshot_file_is_rebuilt_not_misread(store: Store, tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "index.npz")
    file.save(b"not a snapshot")
    index = LiveIndex(store, file)
    me = next(iter(store.iter_all()))
    assert_ranks_as_exact(
        index.matcher().top_k(me, K), exact_top_k(store, index.matcher().snapshot, me, K + 1)
    )
    assert Snapshot.from_bytes(file.load() or b"").store_version == store.version()


@pytest.mark.parametrize("same_process", [True, False], ids=["this process", "another process"])
def test_writes_hold_on_the_very_next_query_without_a_rebuild(
    store: Store, tmp_path: Path, same_process: bool
) -> None:
    index = LiveIndex(store, SnapshotFile(tmp_path / "index.npz"), compact_in_background=False)
    writer = store if same_process else open_store(f"sqlite:///{tmp_path / 'soulmate.db'}")
    snapshot = index.matcher().snapshot
    fan = next(p for p in store.iter_all() if p.discoverable)
    best = index.matcher().top_k(fan, K)
    first, second = best[0].other_id, best[1].other_id

    writer.delete(first)
    hidden = writer.get(second)
    assert hidden is not None
    writer.put(hidden.with_changes(discoverable=False, updated_at="2030-01-01T00:00:00.000000Z"))
    twin = newcomer("twin", [a.name for a in fan.top_artists(limit=50)])
    writer.put(twin)

    found = index.matcher().top_k(fan, K)
    ids = [m.other_id for m in found]
    assert first not in ids and second not in ids
    assert ids[0] == "twin"
    assert_ranks_as_exact(found, exact_top_k(store, snapshot, fan, K + 1))
    assert index.matcher().snapshot is snapshot, "no rebuild"


def test_a_changed_profile_is_scored_as_it_is_now(store: Store, tmp_path: Path) -> None:
    index = LiveIndex(store, None, compact_in_background=False)
    fan = next(p for p in store.iter_all() if p.discoverable)
    stranger = [p for p in store.iter_all() if p.discoverable and p.user_id != fan.user_id][-1]
    store.put(
        stranger.with_changes(
            ranges=fan.ranges, genre_weights=fan.genre_weights, updated_at="2030-01-01T00:00:00.000000Z"
        )
    )
    found = index.matcher().top_k(fan, K)
    assert found[0].other_id == stranger.user_id
    assert found[0].score == pytest.approx(1.0, abs=HALF)


def test_a_newer_snapshot_saved_elsewhere_is_picked_up_without_a_rebuild_here(
    store: Store, tmp_path: Path
) -> None:
    file = tmp_path / "index.npz"
    serving = LiveIndex(store, SnapshotFile(file), compact_in_background=False, reload_seconds=0.0)
    old = serving.matcher().snapshot
    batch = LiveIndex(open_store(f"sqlite:///{tmp_path / 'soulmate.db'}"), SnapshotFile(file))
    new = batch.rebuild()  # the scheduled build-index, in another process

    deadline = time.monotonic() + 10
    while serving.matcher().snapshot.built_at != new.built_at:
        assert time.monotonic() < deadline, "the newer snapshot was never loaded"
        time.sleep(0.05)
    assert serving.matcher().snapshot is not old
    assert len(new) == len(old)


def explained(found: list[Match]) -> tuple[list[object], list[float]]:
    """What a match says in words, and its numbers apart: the snapshot keeps single precision."""
    words = [
        (
            m.other_id,
            m.other_display_name,
            m.summary,
            [c.name for c in m.components],
            [(s.name, s.niche) for s in m.shared_artists],
            [(s.name, s.niche) for s in m.shared_genres],
            [(r.mine, r.theirs) for r in m.related_artists],
        )
        for m in found
    ]
    numbers = [
        x
        for m in found
        for x in (
            *(v for c in m.components for v in (c.weight, c.value)),
            *(s.contribution for s in (*m.shared_artists, *m.shared_genres)),
            *(r.contribution for r in m.related_artists),
            m.latent_from_shared,
        )
    ]
    return words, numbers


def test_a_match_explained_from_rows_says_what_the_live_profiles_say(store: Store) -> None:
    snapshot = Snapshot.build(store.iter_all(), store.version())
    from_rows, from_profiles = Matcher(store, snapshot), Matcher(store, snapshot, confirm=True)
    people = list(store.iter_all())[::11]
    assert any(m.shared_genres for me in people for m in from_rows.top_k(me, K))
    assert any(m.related_artists for me in people for m in from_rows.top_k(me, K))
    for me in people:
        words, numbers = explained(from_rows.top_k(me, K))
        live_words, live_numbers = explained(from_profiles.top_k(me, K))
        assert words == live_words
        assert numbers == pytest.approx(live_numbers, abs=HALF)


def test_an_index_told_not_to_build_waits_for_the_batch_snapshot(store: Store, tmp_path: Path) -> None:
    file = SnapshotFile(tmp_path / "index.npz")
    serving = LiveIndex(store, file, build_if_missing=False, compact_in_background=False)
    with pytest.raises(IndexNotReadyError, match="being built"):
        serving.matcher()
    assert file.load() is None, "nothing was built"
    built = LiveIndex(store, file).rebuild()  # the batch step
    assert serving.matcher().snapshot.built_at == built.built_at


class FlakySnapshots(SnapshotFile):
    """A snapshot file whose stamp cannot be read while ``down``, as an S3 outage would have it."""

    down = False

    def stamp(self) -> str | None:
        if self.down:
            raise StoreError("S3 is down")
        return super().stamp()


def test_a_failed_look_for_a_newer_snapshot_keeps_the_loaded_one_serving(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    file = FlakySnapshots(tmp_path / "index.npz")
    index = LiveIndex(store, file, compact_in_background=False, reload_seconds=0.0)
    me = next(p for p in store.iter_all() if p.discoverable)
    first = index.matcher().top_k(me, K)
    file.down = True
    with caplog.at_level("WARNING", logger="soulmate.index"):
        assert ranking(index.matcher().top_k(me, K)) == ranking(first)
    assert "S3 is down" in caplog.text


def test_confirmed_matches_look_further_when_candidates_left_the_store_unseen(store: Store) -> None:
    """As on DynamoDB: another process deletes people the snapshot still holds, and this matcher
    hears nothing of it; it still finds k live matches, the exact ones."""
    snapshot = Snapshot.build(store.iter_all(), store.version())
    matcher = Matcher(store, snapshot, confirm=True)
    fan = next(p for p in store.iter_all() if p.discoverable)
    for gone in matcher.top_k(fan, 2 * K):  # more than the matcher's margin
        store.delete(gone.other_id)
    found = matcher.top_k(fan, K)
    assert len(found) == K
    assert_ranks_as_exact(found, exact_top_k(store, snapshot, fan, K + 1))


def test_building_on_several_processes_gives_the_snapshot_one_process_builds(
    store: Store, tmp_path: Path
) -> None:
    from soulmate_cli.parallel_build import build_in_parallel
    from soulmate_core.sparse import NUMPY_PRODUCTS
    from soulmate_core.taste_rows import TasteRows

    url = f"sqlite:///{tmp_path / 'soulmate.db'}"
    one = Snapshot.build(store.iter_all(), store.version())
    parts = [TasteRows.collect(p for p in store.iter_part(i, 3) if p.discoverable) for i in range(3)]
    whole = TasteRows.collect(p for p in store.iter_all() if p.discoverable)
    merged = TasteRows.merge(parts)
    assert (merged.user_ids, merged.artist_keys, merged.genre_keys) == (
        whole.user_ids,
        whole.artist_keys,
        whole.genre_keys,
    )
    for mine, theirs in ((merged.artists, whole.artists), (merged.genres, whole.genres)):
        np.testing.assert_array_equal(mine.dense(), theirs.dense())  # same rows, same column numbering
    for workers in (1, 3):
        many = build_in_parallel(store, url, workers=workers)
        assert many.rows.user_ids == one.rows.user_ids
        assert many.population.artist_holders == one.population.artist_holders
        np.testing.assert_allclose(many.population.factors, one.population.factors, atol=1e-4)
        me = next(iter(store.iter_all()))
        assert ranking(Matcher(store, many).top_k(me, K)) == ranking(Matcher(store, one).top_k(me, K))
    plain = Snapshot.build(store.iter_all(), store.version(), products=NUMPY_PRODUCTS)
    np.testing.assert_allclose(plain.population.factors, one.population.factors, atol=1e-4)


class CountedSnapshots(SnapshotFile):
    """A snapshot file that counts its loads."""

    loads = 0

    def load(self) -> bytes | None:
        self.loads += 1
        return super().load()


def test_a_warmed_up_index_answers_its_first_query_from_the_snapshot_it_loaded(
    store: Store, tmp_path: Path
) -> None:
    saved = LiveIndex(store, SnapshotFile(tmp_path / "index.npz")).rebuild()
    file = CountedSnapshots(tmp_path / "index.npz")
    index = LiveIndex(store, file, compact_in_background=False)
    index.warm_up().join(timeout=30)
    assert file.loads == 1
    me = next(p for p in store.iter_all() if p.discoverable)
    assert index.matcher().top_k(me, K) and index.matcher().snapshot.built_at == saved.built_at
    assert file.loads == 1, "the first query waited for nothing more"
