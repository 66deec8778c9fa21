"""``seed-synthetic`` on every core: worker processes each draw and write spans of listeners.

Drawing a listener and encoding it for the store is most of a seed; the writes themselves are
short transactions, which the store serialises. A listener is the same whichever process draws
it (``synthetic_profiles`` from a start), so the store ends up the same as from one process.
Each span is written in chunks of ``chunk``, one ``put_many`` each: all of a chunk lands or none.
Workers open their own store handle: a SQLite connection must not cross a fork.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Iterator
from itertools import islice

from soulmate_adapters import open_store
from soulmate_core.store import Store
from soulmate_core.synthetic import BLOCK, synthetic_profiles

SPAN = 10 * BLOCK
"""Listeners one task draws and writes: whole blocks, so no block is drawn twice."""
_store: Store | None = None


def seed_in_parallel(
    store: Store,
    store_url: str | None,
    users: int,
    seed: int,
    chunk: int,
    workers: int | None = None,
    span: int = SPAN,
) -> Iterator[int]:
    """Write listeners 0 to ``users - 1``; yields how many each finished piece of work wrote."""
    workers = workers or os.cpu_count() or 1
    spans = [(start, min(users, start + span), seed, chunk) for start in range(0, users, span)]
    if workers == 1 or len(spans) == 1 or "fork" not in multiprocessing.get_all_start_methods():
        collecting = gc.isenabled()
        gc.disable()  # profiles hold no cycles; scanning the millions of objects a run makes is waste
        try:
            for piece in spans:
                yield from _write(store, *piece)
        finally:
            if collecting:
                gc.enable()
        return
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_open_own_store, initargs=(store_url,)) as pool:
        yield from pool.imap_unordered(_span, spans)


def _open_own_store(store_url: str | None) -> None:
    global _store
    _store = open_store(store_url)
    gc.disable()  # as above


def _span(span: tuple[int, int, int, int]) -> int:
    assert _store is not None
    return sum(_write(_store, *span))


def _write(store: Store, start: int, end: int, seed: int, chunk: int) -> Iterator[int]:
    profiles = synthetic_profiles(end, seed, start=start)
    while batch := list(islice(profiles, chunk)):
        yield store.put_many(batch)
