"""``matches --all``: every user's matches as JSON lines, in blocks over every core.

The index is loaded once, then worker processes forked from this one share it; each scores a
block of users and returns its lines, which are written in the store's order. Workers open their
own store handle: a SQLite connection must not cross a fork.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from itertools import islice

from soulmate_adapters import open_store
from soulmate_core.matcher import Matcher
from soulmate_core.profile import TasteProfile
from soulmate_core.schema import MatchesOut
from soulmate_core.settings import get_settings

BLOCK = 256
_worker: Matcher | None = None


def every_users_matches(
    matcher: Matcher, profiles: Iterator[TasteProfile], limit: int, store_url: str | None
) -> Iterator[str]:
    """One JSON line per profile, in order."""
    blocks = iter(lambda: list(islice(profiles, BLOCK)), [])
    workers = os.cpu_count() or 1
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        for block in blocks:
            yield from _lines(matcher, block, limit)
        return
    global _worker
    _worker = matcher
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_open_own_store, initargs=(store_url,)) as pool:
        for lines in pool.imap(_block, ((block, limit) for block in blocks)):
            yield from lines


def _open_own_store(store_url: str | None) -> None:
    assert _worker is not None
    _worker.store = open_store(store_url)


def _block(work: tuple[list[TasteProfile], int]) -> list[str]:
    assert _worker is not None
    return _lines(_worker, *work)


def _lines(matcher: Matcher, block: list[TasteProfile], limit: int) -> list[str]:
    key = get_settings().alias_key
    return [MatchesOut.of(p.user_id, matcher.top_k(p, limit), key).model_dump_json() + "\n" for p in block]
