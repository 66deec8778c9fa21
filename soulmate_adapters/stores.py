"""``open_store(url)`` and ``open_index``: the factories that turn settings into adapters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from soulmate_core.errors import StoreError
from soulmate_core.live import LiveIndex, Snapshots, build_snapshot
from soulmate_core.settings import get_settings
from soulmate_core.snapshot import Snapshot
from soulmate_core.store import Store
from soulmate_core.store.snapshots import SnapshotFile

INDEX_SUFFIX = ".index.npz"
S3_SCHEME = "s3://"
_NEEDS_BOTO3 = "needs boto3: pip install 'soulmate-finder[api]'"


def open_store(url: str | None = None, *, scan_segments: int = 1) -> Store:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` (SQLAlchemy's convention), or
    ``dynamodb://TABLE``; the settings' store URL when ``url`` is None. Adapters are imported only
    when asked for, so a SQLite user never loads boto3. ``scan_segments`` > 1 makes a DynamoDB
    store read everything with that many parallel Scan segments (the batch build wants it); its
    calls wait ``SOULMATE_STORE_TIMEOUT`` for an answer (``aws_calls.DYNAMODB``)."""
    url = url or get_settings().store_url
    if url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///")
        if not path:
            raise StoreError(f"store URL {url!r} names no file")
        from soulmate_core.store.sqlite import SQLiteStore

        return SQLiteStore(path)
    if url.startswith("dynamodb://"):
        table = url.removeprefix("dynamodb://").strip("/")
        if not table:
            raise StoreError(f"store URL {url!r} names no table")
        try:
            from soulmate_adapters.aws_calls import DYNAMODB
            from soulmate_adapters.dynamodb import DynamoDBStore
        except ImportError as exc:
            raise StoreError(f"the DynamoDB store {_NEEDS_BOTO3}") from exc
        limits = replace(DYNAMODB, read_seconds=get_settings().store_timeout)
        store: Store = DynamoDBStore(table, scan_segments=scan_segments, limits=limits)
        return store
    raise StoreError(f"unknown store URL {url!r}: use sqlite:///PATH or dynamodb://TABLE")


def open_index(
    store: Store,
    store_url: str | None = None,
    index_path: str | None = None,
    *,
    serving: bool = False,
    builder: Callable[[Store], Snapshot] = build_snapshot,
) -> LiveIndex:
    """The match index over ``store``. Its snapshot is kept at ``index_path``, else the settings'
    ``SOULMATE_INDEX``, else in a file named after the SQLite file plus ``.index.npz``: a file, or
    an S3 object for ``s3://BUCKET/KEY``. A DynamoDB store without one keeps its snapshot in memory.

    A ``serving`` process (the API) never builds or compacts a snapshot kept in S3, which would mean
    scanning the whole table on a request: the BuildIndex function writes it, and until it has, a
    query raises ``IndexNotReadyError``. ``builder``: see ``LiveIndex``."""
    settings = get_settings()
    url = store_url or settings.store_url
    path = index_path or settings.index_path
    if path is None and url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///") + INDEX_SUFFIX
    if path is not None and path.startswith(S3_SCHEME):
        remote = open_snapshots(path)
        return LiveIndex(
            store, remote, build_if_missing=not serving, compact_in_background=not serving, builder=builder
        )
    return LiveIndex(store, SnapshotFile(path) if path else None, builder=builder)


def open_snapshots(location: str) -> Snapshots:
    """Where a snapshot is kept: ``s3://BUCKET/KEY`` (boto3, imported only then) or a file path."""
    if not location.startswith(S3_SCHEME):
        return SnapshotFile(location)
    try:
        from soulmate_adapters.s3_snapshots import S3Snapshots, parse_s3_url
    except ImportError as exc:
        raise StoreError(f"a match snapshot in S3 {_NEEDS_BOTO3}") from exc
    return S3Snapshots(*parse_s3_url(location))
