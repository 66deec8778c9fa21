"""The match snapshot kept in S3: round trips through moto's S3 over HTTP, deadlines, URLs.

The serverless path as a whole (the build function, the API reading the snapshot) is in
``test_serverless_index.py``.
"""

from __future__ import annotations

import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from soulmate_adapters import open_store
from soulmate_adapters.s3_snapshots import S3Snapshots, parse_s3_url
from soulmate_adapters.stores import open_index
from soulmate_core.demo import demo_population
from soulmate_core.errors import StoreError
from soulmate_core.snapshot import Snapshot
from tests.aws_standins import moto_server, set_aws_env

MB = 2**20


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def bucket(endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    set_aws_env(monkeypatch, endpoint)
    name = f"index-{uuid.uuid4().hex[:12]}"
    boto3.session.Session().client("s3").create_bucket(
        Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    return name


@pytest.mark.slow
def test_a_snapshot_round_trips_through_s3_and_a_new_save_changes_the_stamp(bucket: str) -> None:
    snapshots = S3Snapshots(bucket, "serving/index.npz")
    assert (snapshots.stamp(), snapshots.load()) == (None, None)

    first = Snapshot.build(demo_population(40), "dynamodb:1")
    snapshots.save(first.to_bytes())
    stamp = snapshots.stamp()
    assert stamp is not None and snapshots.stamp() == stamp  # reading changes nothing
    assert snapshots.load() == first.to_bytes()
    loaded = Snapshot.from_bytes(snapshots.load() or b"")
    assert (loaded.rows.user_ids, loaded.store_version) == (first.rows.user_ids, "dynamodb:1")

    second = Snapshot.build(demo_population(60), "dynamodb:2")
    snapshots.save(second.to_bytes())
    assert snapshots.stamp() not in (None, stamp)
    assert snapshots.load() == second.to_bytes()
    head = boto3.session.Session().client("s3").head_object(Bucket=bucket, Key="serving/index.npz")
    assert head["ServerSideEncryption"] == "AES256"


@pytest.mark.slow
def test_a_large_snapshot_goes_up_and_down_in_parts(bucket: str) -> None:
    snapshots = S3Snapshots(bucket, "index.npz", part_bytes=5 * MB)  # S3's smallest part
    data = bytes(range(256)) * (12 * MB // 256) + b"tail"
    snapshots.save(data)
    stamp = snapshots.stamp()
    assert snapshots.load() == data
    snapshots.save(data[::-1])
    assert snapshots.load() == data[::-1]
    assert snapshots.stamp() not in (None, stamp)


@pytest.mark.slow
def test_a_missing_bucket_is_a_store_error_naming_the_object(bucket: str) -> None:
    snapshots = S3Snapshots(f"{bucket}-gone", "index.npz")
    with pytest.raises(StoreError, match=rf"s3://{bucket}-gone/index\.npz.*NoSuchBucket"):
        snapshots.save(b"snapshot")


@pytest.mark.slow
def test_a_silent_s3_fails_each_call_within_its_deadline(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        set_aws_env(monkeypatch, f"http://127.0.0.1:{silent.getsockname()[1]}")
        snapshots = S3Snapshots("bucket", "index.npz", read_seconds=0.3, attempts=2)
        for call in (snapshots.stamp, snapshots.load, lambda: snapshots.save(b"snapshot")):
            started = time.monotonic()
            with pytest.raises(StoreError, match=r"s3://bucket/index\.npz"):
                call()
            assert time.monotonic() - started < 10


def test_an_unreachable_s3_is_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    set_aws_env(monkeypatch, f"http://127.0.0.1:{port}")
    with pytest.raises(StoreError, match=r"cannot look up the match snapshot s3://bucket/index\.npz"):
        S3Snapshots("bucket", "index.npz", attempts=1).stamp()


@pytest.mark.parametrize(
    ("url", "bucket", "key"),
    [("s3://b/index.npz", "b", "index.npz"), ("s3://my-bucket/a/b/index.npz", "my-bucket", "a/b/index.npz")],
)
def test_an_s3_url_names_a_bucket_and_a_key(url: str, bucket: str, key: str) -> None:
    assert parse_s3_url(url) == (bucket, key)


@pytest.mark.parametrize("url", ["s3://", "s3://bucket", "s3://bucket/", "s3:///index.npz", "s3://b/dir/"])
def test_an_s3_url_without_a_bucket_or_key_is_refused(url: str) -> None:
    with pytest.raises(StoreError, match="s3://BUCKET/KEY"):
        parse_s3_url(url)


def test_open_index_keeps_an_s3_snapshot_in_s3_and_a_serving_index_never_builds_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_aws_env(monkeypatch, "http://127.0.0.1:9")
    url = f"sqlite:///{tmp_path / 'api.db'}"
    store = open_store(url)
    batch = open_index(store, url, "s3://bucket/serving/index.npz")
    assert isinstance(batch.snapshots, S3Snapshots)
    assert (batch.snapshots.bucket, batch.snapshots.key) == ("bucket", "serving/index.npz")
    assert batch.build_if_missing and batch.compact_in_background
    serving = open_index(store, url, "s3://bucket/serving/index.npz", serving=True)
    assert not serving.build_if_missing and not serving.compact_in_background
    local = open_index(store, url, serving=True)  # a file beside SQLite: serve-api still builds it
    assert local.build_if_missing
    with pytest.raises(StoreError, match="s3://BUCKET/KEY"):
        open_index(store, url, "s3://bucket")
