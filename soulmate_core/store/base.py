"""The store port: every adapter keeps one item per user and speaks in ``TasteProfile``."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

from soulmate_core.profile import TasteProfile


class Store(Protocol):
    """Where profiles live. A put overwrites that user's item atomically, unless the stored item
    is newer (``updated_at``), in which case it raises ``StaleWriteError`` and changes nothing."""

    def get(self, user_id: str) -> TasteProfile | None: ...

    def put(self, profile: TasteProfile) -> None: ...

    def put_many(self, profiles: Iterable[TasteProfile]) -> int:
        """Write several profiles; the SQLite adapter writes them all or none. Returns the count."""
        ...

    def delete(self, user_id: str) -> bool:
        """Remove a user's item; False when there was none."""
        ...

    def iter_all(self) -> Iterator[TasteProfile]: ...

    def version(self) -> str:
        """A token that changes whenever any item is written or deleted: a cache key."""
        ...

    def close(self) -> None: ...
