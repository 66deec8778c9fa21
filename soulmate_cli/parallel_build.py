"""``build-index`` on every core: worker processes each read and decode one part of the store
(``Store.iter_part``), which is most of a large build; this process merges their rows and fits.

Workers open their own store handle, as a SQLite connection must not cross a fork. The fit uses
scipy's compiled sparse products when scipy is installed (it comes with the dashboard's extra),
numpy's otherwise.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time

from soulmate_adapters import open_store
from soulmate_core.snapshot import Snapshot
from soulmate_core.sparse import NUMPY_PRODUCTS, Products
from soulmate_core.store import Store
from soulmate_core.taste_rows import TasteRows

log = logging.getLogger("soulmate.index")


def build_in_parallel(store: Store, store_url: str | None, workers: int | None = None) -> Snapshot:
    """The snapshot ``live.build_snapshot`` builds, read by ``workers`` processes (every core)."""
    workers = workers or os.cpu_count() or 1
    version = store.version()
    started = time.perf_counter()
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        parts = [_read(store, 0, 1)]
    else:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            parts = pool.starmap(_read_own, [(store_url, part, workers) for part in range(workers)])
    collected = TasteRows.merge(parts)
    del parts
    log.info("read %d discoverable listeners in %.1f s", len(collected), time.perf_counter() - started)
    return Snapshot.of_rows(collected, version, products=fastest_products())


def fastest_products() -> Products:
    try:
        from soulmate_adapters.scipy_products import ScipyProducts
    except ImportError:
        return NUMPY_PRODUCTS
    return ScipyProducts()


def _read_own(store_url: str | None, part: int, parts: int) -> TasteRows:
    store = open_store(store_url)
    try:
        return _read(store, part, parts)
    finally:
        store.close()


def _read(store: Store, part: int, parts: int) -> TasteRows:
    profiles = store.iter_all() if parts == 1 else store.iter_part(part, parts)
    return TasteRows.collect(p for p in profiles if p.discoverable)
