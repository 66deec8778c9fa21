"""``open_store(url)``: the one factory that turns a store URL into an adapter."""

from __future__ import annotations

from soulmate_core.errors import StoreError
from soulmate_core.live import LiveIndex
from soulmate_core.settings import get_settings
from soulmate_core.store import Store
from soulmate_core.store.snapshots import SnapshotFile

INDEX_SUFFIX = ".index.npz"


def open_store(url: str | None = None, *, scan_segments: int = 1) -> Store:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` (SQLAlchemy's convention), or
    ``dynamodb://TABLE``; the settings' store URL when ``url`` is None. Adapters are imported only
    when asked for, so a SQLite user never loads boto3. ``scan_segments`` > 1 makes a DynamoDB
    store read everything with that many parallel Scan segments (the batch build wants it)."""
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
            from soulmate_adapters.dynamodb import DynamoDBStore
        except ImportError as exc:
            raise StoreError("the DynamoDB store needs boto3: pip install 'soulmate-finder[api]'") from exc
        store: Store = DynamoDBStore(table, scan_segments=scan_segments)
        return store
    raise StoreError(f"unknown store URL {url!r}: use sqlite:///PATH or dynamodb://TABLE")


def open_index(store: Store, store_url: str | None = None, index_path: str | None = None) -> LiveIndex:
    """The match index over ``store``: its snapshot file is ``index_path``, else the settings'
    ``SOULMATE_INDEX``, else the SQLite file's name plus ``.index.npz``; a DynamoDB store without
    one keeps its snapshot in memory."""
    settings = get_settings()
    url = store_url or settings.store_url
    path = index_path or settings.index_path
    if path is None and url.startswith("sqlite:///"):
        path = url.removeprefix("sqlite:///") + INDEX_SUFFIX
    return LiveIndex(store, SnapshotFile(path) if path else None)
