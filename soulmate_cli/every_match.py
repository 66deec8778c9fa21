"""``matches --all``: every user's matches as JSON lines, in parts over every core.

The index is loaded once, then worker processes forked from this one share it. The store is cut
into parts by user id (``Store.iter_part``); each worker opens its own store handle (a SQLite
connection must not cross a fork), reads a part, scores it and returns its lines, which are written
in the store's order. Lines are plain JSON in ``MatchesOut``'s shape (``schema.matches_body``): an
answer of every user's matches holds two hundred shared items per user, too many to build models of.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Iterable, Iterator

from soulmate_adapters import open_store
from soulmate_core.matcher import Matcher
from soulmate_core.profile import TasteProfile
from soulmate_core.schema import matches_body
from soulmate_core.settings import get_settings
from soulmate_core.store import Store

PARTS_PER_WORKER = 8
"""More parts than workers, so one slow part does not leave the other cores idle at the end."""
_worker: Matcher | None = None


def every_users_matches(matcher: Matcher, store: Store, limit: int, store_url: str | None) -> Iterator[str]:
    """One JSON line per profile, in the store's order."""
    workers = os.cpu_count() or 1
    if workers == 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from _lines(matcher, store.iter_all(), limit)
        return
    global _worker
    _worker = matcher
    parts = workers * PARTS_PER_WORKER
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=_open_own_store, initargs=(store_url,)) as pool:
        for lines in pool.imap(_part, ((part, parts, limit) for part in range(parts))):
            yield from lines


def _open_own_store(store_url: str | None) -> None:
    assert _worker is not None
    _worker.store = open_store(store_url)


def _part(work: tuple[int, int, int]) -> list[str]:
    assert _worker is not None
    part, parts, limit = work
    return list(_lines(_worker, _worker.store.iter_part(part, parts), limit))


def _lines(matcher: Matcher, profiles: Iterable[TasteProfile], limit: int) -> Iterator[str]:
    key = get_settings().alias_key
    for profile in profiles:
        body = matches_body(profile.user_id, matcher.top_k(profile, limit), key)
        yield json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"
