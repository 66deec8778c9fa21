"""Storage behind one port. ``open_store(url)`` is the only way the edges get an adapter."""

from __future__ import annotations

import os

from soulmate_core.errors import StoreError
from soulmate_core.store.base import Store

DEFAULT_STORE_URL = "sqlite:///data/soulmate.db"

__all__ = ["DEFAULT_STORE_URL", "Store", "open_store", "store_url_from_env"]


def store_url_from_env() -> str:
    return os.environ.get("SOULMATE_STORE") or DEFAULT_STORE_URL


def open_store(url: str | None = None) -> Store:
    """``sqlite:///relative/path``, ``sqlite:////absolute/path`` (SQLAlchemy's convention),
    or ``dynamodb://TABLE``. Adapters are imported only when asked for."""
    url = url or store_url_from_env()
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
            from soulmate_core.store.dynamodb import DynamoDBStore
        except ImportError as exc:
            raise StoreError("the DynamoDB store is not available in this build") from exc
        store: Store = DynamoDBStore(table)
        return store
    raise StoreError(f"unknown store URL {url!r}: use sqlite:///PATH or dynamodb://TABLE")
