"""One process's match index: a snapshot loaded once, kept current by writes, compacted aside.

The first query loads the saved snapshot (building it only when there is none yet, unless the
index was told not to: the API on the serverless path leaves that to the BuildIndex function and
raises ``IndexNotReadyError`` meanwhile). Each query then folds in what the store says changed
since (``Store.changes_since``), which is a few rows, so the first query after a write costs what
any other does. When the folded-in writes pass ``COMPACT_SHARE`` of the snapshot, a background
thread rebuilds it and swaps it in; no query ever waits for a refit.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

from soulmate_core.errors import CorruptItemError, IndexNotReadyError, StoreError
from soulmate_core.matcher import Matcher
from soulmate_core.profile import TasteProfile
from soulmate_core.scoring import DEFAULT_BLEND, Blend
from soulmate_core.snapshot import Snapshot
from soulmate_core.store import Store

log = logging.getLogger("soulmate.index")

COMPACT_SHARE = 0.1
"""Rebuild in the background once writes since the snapshot pass this share of its listeners..."""
COMPACT_MIN = 200
"""...and this many, so that a small store is not rebuilt on every few writes."""
RELOAD_SECONDS = 60.0
"""How often, at most, a process asks whether a newer snapshot was saved (by another process)."""


class Snapshots(Protocol):
    """Where snapshots are kept: a file (``store.snapshots.SnapshotFile``) or an S3 object."""

    def load(self) -> bytes | None: ...

    def save(self, data: bytes) -> None: ...

    def stamp(self) -> str | None:
        """Changes whenever a new snapshot is saved; None when there is none."""
        ...


def build_snapshot(store: Store, progress: Callable[[int], None] | None = None) -> Snapshot:
    """The batch step: fit the model on the store's discoverable profiles and index them."""
    return Snapshot.build(store.iter_all(), store.version(), progress=progress)


class LiveIndex:
    def __init__(
        self,
        store: Store,
        snapshots: Snapshots | None = None,
        blend: Blend = DEFAULT_BLEND,
        *,
        compact_in_background: bool = True,
        reload_seconds: float = RELOAD_SECONDS,
        build_if_missing: bool = True,
        builder: Callable[[Store], Snapshot] = build_snapshot,
    ) -> None:
        """``build_if_missing=False``: when no snapshot loads, a query raises ``IndexNotReadyError``
        instead of building one from ``store.iter_all()``; the next query looks again. ``builder``:
        how a snapshot is built from the store (``build_snapshot``, or on several processes)."""
        self.store = store
        self.builder = builder
        self.snapshots = snapshots
        self.blend = blend
        self.compact_in_background = compact_in_background
        self.build_if_missing = build_if_missing
        self._lock = threading.Lock()
        self._matcher: Matcher | None = None
        self._seen = ""
        self.reload_seconds = reload_seconds
        self._compacting: threading.Thread | None = None
        self._reloading: threading.Thread | None = None
        self._stamp: str | None = None
        self._checked = time.monotonic()
        self._confirm: bool | None = None
        """Whether matches must be confirmed against the store: it cannot report changes."""
        self._own: dict[str, TasteProfile | None] = {}
        """This process's writes (None: deleted), folded into every snapshot it installs."""

    def matcher(self) -> Matcher:
        """The current matcher, caught up with every write the store can report."""
        with self._lock:
            if self._matcher is None:
                self._install(self._load() or self._bootstrap())
            matcher = self._matcher
            assert matcher is not None
            self._catch_up(matcher)
        self._maybe_compact(matcher)
        self._maybe_reload()
        return matcher

    def warm_up(self) -> threading.Thread:
        """Load (or build) the snapshot in a background thread, so that a first query finds it
        ready, or waits only for the rest of that load; a failure is logged, and the next query
        tries again."""
        thread = threading.Thread(target=self._warm, name="soulmate-warm-up", daemon=True)
        thread.start()
        return thread

    def _warm(self) -> None:
        try:
            self.matcher()
        except Exception:
            log.exception("loading the match index in the background failed; the next query tries again")

    def note_saved(self, profiles: Iterable[TasteProfile]) -> None:
        """This process's own writes, for stores that cannot report changes (DynamoDB)."""
        with self._lock:
            saved = list(profiles)
            self._own.update((p.user_id, p) for p in saved)
            if self._matcher is not None:
                self._matcher.note_saved(saved)

    def note_deleted(self, user_ids: Iterable[str]) -> None:
        with self._lock:
            gone = list(user_ids)
            self._own.update((u, None) for u in gone)
            if self._matcher is not None:
                self._matcher.note_deleted(gone)

    def rebuild(self) -> Snapshot:
        """Build, save and swap in a new snapshot; writes made meanwhile are folded in after."""
        snapshot = self._build_and_save()
        with self._lock:
            self._install(snapshot)
            assert self._matcher is not None
            self._catch_up(self._matcher)
        return snapshot

    def _install(self, snapshot: Snapshot) -> None:
        if self._confirm is None:
            self._confirm = self.store.changes_since(self.store.version()) is None
        matcher = Matcher(self.store, snapshot, self.blend, confirm=self._confirm)
        saved = [p for p in self._own.values() if p is not None and p.updated_at >= snapshot.built_at]
        matcher.note_saved(saved)
        matcher.note_deleted([u for u, p in self._own.items() if p is None])
        self._matcher = matcher
        self._seen = snapshot.store_version

    def _catch_up(self, matcher: Matcher) -> None:
        if self.store.version() == self._seen:
            return
        changes = self.store.changes_since(self._seen)
        if changes is None:
            return
        matcher.note_saved(changes.saved)
        matcher.note_deleted(changes.deleted)
        self._seen = changes.version

    def _bootstrap(self) -> Snapshot:
        if not self.build_if_missing:
            log.warning("no readable match snapshot yet; queries wait for the batch build")
            raise IndexNotReadyError()
        return self._build_and_save()

    def _load(self) -> Snapshot | None:
        if self.snapshots is None:
            return None
        stamp = self.snapshots.stamp()
        if stamp is None:
            return None
        data = self.snapshots.load()
        if data is None:
            return None
        try:
            snapshot = Snapshot.from_bytes(data)
        except CorruptItemError as exc:
            log.warning("the saved match snapshot cannot be used: %s", exc)
            return None
        self._stamp = stamp
        return snapshot

    def _build_and_save(self) -> Snapshot:
        snapshot = self.builder(self.store)
        if self.snapshots:
            self.snapshots.save(snapshot.to_bytes())
            self._stamp = self.snapshots.stamp()
        return snapshot

    def _maybe_reload(self) -> None:
        """Every ``reload_seconds`` at most, ask for the snapshot's stamp; a newer snapshot (say,
        from the scheduled ``build-index``) is loaded by a background thread and swapped in. One
        load at a time, and a failed look-up leaves the current snapshot serving."""
        with self._lock:
            if self.snapshots is None or time.monotonic() - self._checked < self.reload_seconds:
                return
            if self._reloading is not None and self._reloading.is_alive():
                return
            self._checked = time.monotonic()
        try:
            stamp = self.snapshots.stamp()
        except StoreError as exc:
            log.warning("cannot look for a newer match snapshot, still serving this one: %s", exc)
            return
        if stamp is None or stamp == self._stamp:
            return
        with self._lock:
            if self._reloading is None or not self._reloading.is_alive():
                self._reloading = threading.Thread(target=self._reload, name="soulmate-reload", daemon=True)
                self._reloading.start()

    def _reload(self) -> None:
        try:
            snapshot = self._load()
        except Exception:
            log.exception("loading a newer match snapshot failed; still serving the old one")
            return
        if snapshot is not None:
            with self._lock:
                self._install(snapshot)
                assert self._matcher is not None
                self._catch_up(self._matcher)

    def _maybe_compact(self, matcher: Matcher) -> None:
        due = matcher.pending >= max(COMPACT_MIN, COMPACT_SHARE * len(matcher.snapshot))
        if not (due and self.compact_in_background):
            return
        with self._lock:
            if self._compacting and self._compacting.is_alive():
                return
            self._compacting = threading.Thread(target=self._compact, name="soulmate-compact", daemon=True)
            self._compacting.start()

    def _compact(self) -> None:
        try:
            self.rebuild()
        except Exception:
            log.exception("background rebuild of the match index failed; still serving the old one")
