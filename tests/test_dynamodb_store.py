"""What only the DynamoDB adapter does: item shape, numbers as Decimal, the size cap, table names.

The shared behaviour is in ``test_store_contract.py``. These run against moto's server over HTTP.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from decimal import Decimal

import boto3
import pytest

from soulmate_adapters import open_store
from soulmate_adapters.dynamodb import DynamoDBStore, decode_item, encode_item
from soulmate_core.errors import StoreError, UnknownUserError
from soulmate_core.profile import ArtistEntry, RangeTaste, make_profile
from soulmate_core.trim import MAX_ITEM_BYTES, item_size
from tests.aws_standins import new_table, set_aws_env, standin_limits
from tests.sample_profiles import sample_profile


@pytest.fixture
def store(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[DynamoDBStore]:
    set_aws_env(monkeypatch, moto_endpoint)
    opened = DynamoDBStore(new_table(), limits=standin_limits())
    yield opened
    opened.close()


def _raw(store: DynamoDBStore, user_id: str) -> dict[str, object]:
    client = boto3.session.Session().client("dynamodb")
    item: dict[str, object] = client.get_item(TableName=store.table, Key={"user_id": {"S": user_id}})["Item"]
    return item


@pytest.mark.slow
def test_open_store_reads_the_endpoint_from_the_aws_environment(store: DynamoDBStore) -> None:
    opened = open_store(f"dynamodb://{store.table}")
    try:
        assert isinstance(opened, DynamoDBStore)
        opened.put(sample_profile("ana"))
        assert store.get("ana") == sample_profile("ana")
    finally:
        opened.close()


@pytest.mark.slow
def test_the_item_is_user_id_profile_map_and_updated_at(store: DynamoDBStore) -> None:
    store.put(sample_profile("ana"))
    raw = _raw(store, "ana")
    assert set(raw) == {"user_id", "profile", "updated_at"}
    assert raw["user_id"] == {"S": "ana"}
    assert raw["updated_at"] == {"S": "2026-01-01T00:00:00.000000Z"}
    assert "M" in raw["profile"]  # type: ignore[operator]


def test_floats_travel_as_decimal_and_come_back_as_the_same_floats() -> None:
    values = [1 / 3, 0.1, 1e-120, 2.0, 123456789.123456789]
    encoded = encode_item({"user_id": "x", "weights": values, "n": 3})
    assert all("N" in v for v in encoded["weights"]["L"])
    decoded = decode_item(encoded)
    assert decoded["weights"] == values
    assert [type(v) for v in decoded["weights"]] == [float, float, float, int, float]
    assert decoded["n"] == 3
    assert Decimal(encoded["weights"]["L"][0]["N"]) == Decimal(repr(1 / 3))
    assert decode_item(encode_item({"tiny": 1e-300}))["tiny"] == 0


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_numbers_are_refused(bad: float) -> None:
    with pytest.raises(StoreError):
        encode_item({"user_id": "x", "weight": bad})


@pytest.mark.slow
def test_a_huge_profile_is_trimmed_under_the_item_limit_and_says_so(store: DynamoDBStore) -> None:
    artists = tuple(
        ArtistEntry(name=f"Artist number {i} " + "ø" * 200, weight=1 / 5000, genres=(f"genre {i % 40}",))
        for i in range(5000)
    )
    huge = make_profile(
        user_id="ana",
        display_name="Ana",
        source="listens",
        ranges={"all_time": RangeTaste(artists=artists)},
        updated_at="2026-01-01T00:00:00.000000Z",
    )
    assert item_size(huge) > 1_000_000
    store.put(huge)
    stored = store.get("ana")
    assert stored is not None
    assert stored.trimmed is True
    kept = stored.ranges["all_time"].artists
    assert 0 < len(kept) < 5000
    assert [a.name for a in kept] == [a.name for a in artists[: len(kept)]]
    assert math.isclose(sum(a.weight for a in kept), 1.0)
    assert item_size(stored) <= MAX_ITEM_BYTES


@pytest.mark.slow
def test_a_small_profile_is_not_trimmed(store: DynamoDBStore) -> None:
    store.put(sample_profile("ana"))
    stored = store.get("ana")
    assert stored is not None and stored.trimmed is False


@pytest.mark.slow
def test_a_missing_table_is_a_store_error(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_aws_env(monkeypatch, moto_endpoint)
    missing = DynamoDBStore("no-such-table")
    try:
        with pytest.raises(StoreError):
            missing.get("ana")
        with pytest.raises(StoreError):
            list(missing.iter_all())
    finally:
        missing.close()


# --- parallel Scan segments (the batch build's read) ---------------------------------------------


def _scan_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("soulmate-scan-")]


@pytest.mark.slow
def test_parallel_segments_read_every_profile_once_and_skip_a_corrupt_item(store: DynamoDBStore) -> None:
    profiles = [sample_profile(f"big-{i:02d}", artists=60, name_length=400) for i in range(45)]
    assert sum(item_size(p) for p in profiles) > 1_200_000  # several 1 MB pages, spread over segments
    store.put_many(profiles)
    body = {"display_name": "Mallory", "ranges": {"all_time": {"artists": [{"name": "X", "weight": "lots"}]}}}
    boto3.session.Session().client("dynamodb").put_item(
        TableName=store.table,
        Item=encode_item(
            {"user_id": "mallory", "profile": body, "updated_at": "2026-01-01T00:00:00.000000Z"}
        ),
    )
    parallel = DynamoDBStore(store.table, scan_segments=4, limits=standin_limits())
    try:
        read = list(parallel.iter_all())
        assert sorted(read, key=lambda p: p.user_id) == profiles
        assert parallel.skipped == ["mallory"]
    finally:
        parallel.close()
    assert _scan_threads() == []


@pytest.mark.slow
def test_a_reader_that_stops_early_stops_the_segments(store: DynamoDBStore) -> None:
    store.put_many([sample_profile(f"big-{i:02d}", artists=60, name_length=400) for i in range(45)])
    parallel = DynamoDBStore(store.table, scan_segments=3, limits=standin_limits())
    try:
        profiles = parallel.iter_all()
        assert next(profiles).user_id.startswith("big-")
        profiles.close()  # type: ignore[attr-defined]
        assert _scan_threads() == []
    finally:
        parallel.close()


@pytest.mark.slow
def test_a_failing_segment_is_a_store_error(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    set_aws_env(monkeypatch, moto_endpoint)
    missing = DynamoDBStore("no-such-table", scan_segments=3)
    try:
        with pytest.raises(StoreError, match="ResourceNotFoundException"):
            list(missing.iter_all())
    finally:
        missing.close()
    assert _scan_threads() == []


def test_scan_segments_must_be_positive() -> None:
    with pytest.raises(StoreError, match="scan_segments"):
        DynamoDBStore("profiles", client=object(), scan_segments=0)


# --- share codes: never written for someone deleted meanwhile ---------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("atomic", [True, False], ids=["transaction", "one-by-one"])
def test_a_share_code_read_as_stored_but_deleted_before_it_lands_is_refused(
    store: DynamoDBStore, monkeypatch: pytest.MonkeyPatch, atomic: bool
) -> None:
    """The profile check and the code's write race a delete: the check in the write refuses it."""
    store.put(sample_profile("ana"))
    store._tx.atomic = atomic  # False: as on a stand-in without transactions (dynalite)
    codes = store._codes
    seen_stored = codes._profile_stored
    reads = []

    def stored_then_deleted(user_id: str) -> bool:
        reads.append(user_id)
        if len(reads) == 1:  # the first read sees the profile; the delete lands right after it
            assert seen_stored(user_id)
            store.delete(user_id)
            return True
        return seen_stored(user_id)

    monkeypatch.setattr(codes, "_profile_stored", stored_then_deleted)
    with pytest.raises(UnknownUserError):
        store.set_share_code("ana", "A" * 22)
    assert len(reads) == 2
    assert (store.share_code("ana"), store.user_for_share_code("A" * 22)) == (None, None)
