"""Matches from a snapshot kept current by writes, without refitting.

A write never refits: a saved profile is folded into the snapshot's model and joins a small delta;
a deleted, hidden or changed user is a tombstone over their snapshot row. A query scores the
nearest clusters of the snapshot and the whole delta, then rescores its best candidates exactly.

Where the store reports every change (SQLite, ``Store.changes_since``), the snapshot and delta are
current, and the best candidates are explained from their rows (``row_parts``). Where it cannot
(DynamoDB), they are confirmed against the store first (``get_many``) and explained from their live
profiles, so a deletion or an opt-out made by another process holds on the very next query.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from soulmate_core.population import Taste
from soulmate_core.profile import TasteProfile
from soulmate_core.row_parts import RowExplainer
from soulmate_core.scoring import DEFAULT_BLEND, Blend, Match, explain
from soulmate_core.snapshot import Query, Rows, Snapshot
from soulmate_core.store import Store

MARGIN = 2
"""Candidates explained beyond k: the scan and the explanation round the same single-precision
rows differently, so two near-equal scores may swap across the k-th place."""


@dataclass(frozen=True)
class _Delta:
    profiles: dict[str, tuple[TasteProfile, Taste]]
    """Users written since the snapshot, discoverable ones only."""
    rows: Rows
    dead: NDArray[np.bool_]
    """Snapshot rows deleted, hidden or rewritten since."""


class Matcher:
    def __init__(
        self, store: Store, snapshot: Snapshot, blend: Blend = DEFAULT_BLEND, *, confirm: bool = False
    ) -> None:
        self.store = store
        self.snapshot = snapshot
        self.blend = blend
        self.confirm = confirm
        self._lock = threading.Lock()
        self._profiles: dict[str, tuple[TasteProfile, Taste]] = {}
        self._touched: set[str] = set()
        self._delta = self._build_delta()

    @property
    def pending(self) -> int:
        """Writes folded in since the snapshot: compaction (a rebuild) is due when this grows."""
        return len(self._touched)

    def since_snapshot(self) -> tuple[Rows, NDArray[np.bool_]]:
        """(the discoverable users written since the snapshot, as rows; the snapshot rows that
        writes and deletions have outdated): what a reader of the snapshot adds and leaves out."""
        delta = self._delta
        return delta.rows, delta.dead

    def note_saved(self, profiles: Iterable[TasteProfile]) -> None:
        """Fold written profiles in; hidden ones only leave."""
        population = self.snapshot.population
        with self._lock:
            for profile in profiles:
                self._touched.add(profile.user_id)
                if profile.discoverable:
                    self._profiles[profile.user_id] = (profile, population.taste(profile))
                else:
                    self._profiles.pop(profile.user_id, None)
            self._delta = self._build_delta()

    def note_deleted(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            for user_id in user_ids:
                self._touched.add(user_id)
                self._profiles.pop(user_id, None)
            self._delta = self._build_delta()

    def _build_delta(self) -> _Delta:
        dead = np.zeros(len(self.snapshot), dtype=bool)
        positions = self.snapshot.positions
        dead[[positions[u] for u in self._touched if u in positions]] = True
        named = {u: (p.display_name, t) for u, (p, t) in self._profiles.items()}
        return _Delta(dict(self._profiles), Rows.of_tastes(named, self.snapshot.population), dead)

    def top_k(self, me: TasteProfile, k: int, probe: int | None = None) -> list[Match]:
        """``me``'s best ``k`` discoverable matches, best first, ties by user id. ``probe``: how many
        of the nearest taste clusters to scan: the snapshot's calibrated number by default."""
        delta = self._delta
        taste = self.snapshot.population.taste(me)
        query = Query.of(taste, self.snapshot.population)
        limit = k + MARGIN
        while True:
            base, fresh = self._candidates(query, me.user_id, delta, limit, probe)
            if not self.confirm:
                explainer = RowExplainer(
                    me, taste, self.snapshot.population, self.snapshot.artist_names, self.blend
                )
                found = explainer.explain(self.snapshot.rows, np.asarray(base, dtype=np.intp))
                found += [self._explain(me, taste, *delta.profiles[u]) for u in fresh]
                break
            found = self._confirmed(me, taste, [self.snapshot.rows.user_ids[i] for i in base] + fresh)
            if len(found) >= k or len(base) + len(fresh) < limit:
                break
            limit *= 4  # many candidates left the store since the snapshot: look further
        found.sort(key=lambda m: (-m.score, m.other_id))
        return [placed(self.snapshot, m) for m in found[:k]]

    def explain_pair(self, me: TasteProfile, other: TasteProfile) -> Match:
        """How ``me`` matches ``other`` (anyone, discoverable or not) with the snapshot's model: one
        pair, explained and placed among pairs of listeners here as a match in ``top_k`` is."""
        population = self.snapshot.population
        return placed(self.snapshot, self._explain(me, population.taste(me), other, population.taste(other)))

    def _candidates(
        self, query: Query, me: str, delta: _Delta, limit: int, probe: int | None
    ) -> tuple[list[int], list[str]]:
        """The best ``limit`` by the scan's score, asker excluded: snapshot rows, and delta user ids."""
        skip = delta.dead.copy()
        if me in self.snapshot.positions:
            skip[self.snapshot.positions[me]] = True
        ranges = self.snapshot.candidates(query, probe)
        rows, scanned = self.snapshot.rows.best(query, ranges, self.blend, limit, skip)
        fresh = np.array([i for i, u in enumerate(delta.rows.user_ids) if u != me], dtype=np.intp)
        scores = np.concatenate((scanned, delta.rows.scores(query, fresh, self.blend)))
        owners = np.concatenate((rows, -1 - fresh))  # delta entries as negative numbers
        if len(scores) > limit:
            owners = owners[np.argpartition(-scores, limit - 1)[:limit]]
        base = [int(o) for o in owners if o >= 0]
        return base, [delta.rows.user_ids[-1 - int(o)] for o in owners if o < 0]

    def _confirmed(self, me: TasteProfile, taste: Taste, candidates: list[str]) -> list[Match]:
        live = self.store.get_many(candidates)
        population = self.snapshot.population
        return [
            self._explain(me, taste, other, population.taste(other))
            for other in (live.get(user_id) for user_id in candidates)
            if other is not None and other.discoverable and other.user_id != me.user_id
        ]

    def _explain(self, me: TasteProfile, taste: Taste, other: TasteProfile, theirs: Taste) -> Match:
        return explain(me, other, taste, theirs, self.snapshot.population, self.blend)


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
    return [placed(snapshot, m) for m in everyone[:k]]


def placed(snapshot: Snapshot, found: Match) -> Match:
    """``found`` with the share of pairs of listeners here who score below it (``closeness``)."""
    return replace(found, percentile=snapshot.spread.percentile(found.score))
