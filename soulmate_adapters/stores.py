"""``open_store(url)``: the one factory that turns a store URL into an adapter."""

from __future__ import annotations

from soulmate_core.errors import StoreError
from soulmate_core.settings import get_settings
from soulmate_core.store import Store


def open_store(url: str | None = None) -> Store:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` (SQLAlchemy's convention), or
    ``dynamodb://TABLE``; the settings' store URL when ``url`` is None. Adapters are imported only
    when asked for, so a SQLite user never loads boto3."""
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
        store: Store = DynamoDBStore(table)
        return store
    raise StoreError(f"unknown store URL {url!r}: use sqlite:///PATH or dynamodb://TABLE")
