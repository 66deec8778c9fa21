"""Matches from a snapshot kept current by writes, without refitting.

A write never refits: a saved profile is folded into the snapshot's model and joins a small delta;
a deleted, hidden or changed user is a tombstone over their snapshot row. A query scores the
nearest clusters of the snapshot and the whole delta, then confirms its best candidates against
the store and explains them from their live profiles, so a deletion or an opt-out holds on the very
next query even when another process made it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from soulmate_core.population import Taste
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND, Blend, Match, explain
from soulmate_core.snapshot import Query, Rows, Snapshot
from soulmate_core.store import Store

MARGIN = 10
"""Candidates confirmed beyond k, so that a tie or a stale row at the edge cannot push out a match."""


@dataclass(frozen=True)
class _Delta:
    rows: Rows
    """Users written since the snapshot, discoverable ones only."""
    dead: NDArray[np.bool_]
    """Snapshot rows deleted, hidden or rewritten since."""


class Matcher:
    def __init__(self, store: Store, snapshot: Snapshot, blend: Blend = DEFAULT_BLEND) -> None:
        self.store = store
        self.snapshot = snapshot
        self.blend = blend
        self._lock = threading.Lock()
        self._tastes: dict[str, Taste] = {}
        self._touched: set[str] = set()
        self._delta = _Delta(Rows.of_tastes({}, snapshot.population), np.zeros(len(snapshot), dtype=bool))

    @property
    def pending(self) -> int:
        """Writes folded in since the snapshot: compaction (a rebuild) is due when this grows."""
        return len(self._touched)

    def note_saved(self, profiles: Iterable[TasteProfile]) -> None:
        """Fold written profiles in; hidden ones only leave."""
        population = self.snapshot.population
        with self._lock:
            for profile in profiles:
                self._touched.add(profile.user_id)
                if profile.discoverable:
                    self._tastes[profile.user_id] = population.taste(profile)
                else:
                    self._tastes.pop(profile.user_id, None)
            self._refresh()

    def note_deleted(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._touched.add(user_id)
                self._tastes.pop(user_id, None)
            self._refresh()

    def _refresh(self) -> None:
        dead = np.zeros(len(self.snapshot), dtype=bool)
        positions = self.snapshot.positions
        dead[[positions[u] for u in self._touched if u in positions]] = True
        self._delta = _Delta(Rows.of_tastes(dict(self._tastes), self.snapshot.population), dead)

    def top_k(self, me: TasteProfile, k: int) -> list[Match]:
        """``me``'s best ``k`` discoverable matches, best first, ties by user id."""
        population, delta = self.snapshot.population, self._delta
        taste = population.taste(me)
        ranked = self._ranked(Query.of(taste, population), me.user_id, delta)
        found: list[Match] = []
        for start in range(0, len(ranked), 2 * k + MARGIN):
            batch = ranked[start : start + 2 * k + MARGIN]
            live = self.store.get_many(batch)
            found += [
                explain(me, other, taste, population.taste(other), population, self.blend)
                for other in (live.get(user_id) for user_id in batch)
                if other is not None and other.discoverable and other.user_id != me.user_id
            ]
            if len(found) >= k:
                break
        found.sort(key=lambda m: (-m.score, m.other_id))
        return found[:k]

    def _ranked(self, query: Query, me: str, delta: _Delta) -> list[str]:
        """Candidate user ids, best approximate score first."""
        base = self.snapshot.candidates(query)
        base = base[~delta.dead[base]]
        ids = [self.snapshot.rows.user_ids[i] for i in base.tolist()] + list(delta.rows.user_ids)
        scores = np.concatenate(
            (
                self.snapshot.rows.scores(query, base, self.blend),
                delta.rows.scores(query, np.arange(len(delta.rows), dtype=np.intp), self.blend),
            )
        )
        order = np.lexsort((np.arange(len(ids)), -scores))
        return [ids[i] for i in order.tolist() if ids[i] != me]


def exact_top_k(
    store: Store, snapshot: Snapshot, me: TasteProfile, k: int, blend: Blend = DEFAULT_BLEND
) -> list[Match]:
    """The exhaustive reference: every live discoverable profile scored exactly with the snapshot's
    model. Slow (a pass over the store); what the index's recall is measured against."""
    population = snapshot.population
    taste = population.taste(me)
    everyone = [
        explain(me, other, taste, population.taste(other), population, blend)
        for other in store.iter_all()
        if other.discoverable and other.user_id != me.user_id
    ]
    everyone.sort(key=lambda m: (-m.score, m.other_id))
    return everyone[:k]
