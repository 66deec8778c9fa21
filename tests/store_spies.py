"""Hand-written spies around a real store, no mock library: what a test counts, the store still does."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from soulmate_core.store import Store


class CountingStore:
    """The real store, counting full reads (``iter_all``): a scan of the whole table, in DynamoDB;
    and keeping the keys of each read of the artist catalogue (``genres_for``)."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner
        self.full_reads = 0
        self.catalogue_reads: list[list[str]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def iter_all(self) -> Iterator[Any]:
        self.full_reads += 1
        return self.inner.iter_all()

    def genres_for(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        self.catalogue_reads.append(list(keys))
        return self.inner.genres_for(keys)
