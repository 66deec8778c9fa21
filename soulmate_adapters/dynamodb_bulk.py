"""``put_many`` on DynamoDB: all of it, or none of it.

What fits one transaction (``dynamodb_writes.MAX_ACTIONS`` items, ``MAX_BYTES``) is one
transaction. A larger write goes in groups that each remember what they replaced:

1. read the group's stored items (strongly consistent); a newer one raises ``StaleWriteError``;
2. write the group in one transaction, each put conditioned on its item being still the one read
   (if one changed meanwhile, read and try again);
3. when any later step fails (the store, a stale profile, an interrupt), put back every replaced
   item and delete every new one, newest group first, each only while it is still the item this
   write stored (a newer write by someone else stays), then raise the original error. If undoing
   fails too, ``PartialWriteError`` names the profiles that stay written.

A transaction that failed may still have landed: a call that timed out was applied, and its retry
refused. So a failed group stays on the list to undo, and what is undone, or named as left, is
what the table is read to hold of this write.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from soulmate_adapters.dynamodb_writes import (
    MAX_BYTES,
    NEWER_THAN_STORED,
    Action,
    Refused,
    Transactions,
    delete,
    is_tombstone,
    put,
    refuses,
    stamp_of,
    unchanged,
)
from soulmate_core.errors import PartialWriteError, StaleWriteError, StoreError

Item = Mapping[str, Any]
Reader = Callable[[Sequence[str]], dict[str, Item]]
"""Stored items (profiles and tombstones) by user id, read strongly consistently."""
_READ_ATTEMPTS = 3
_OURS = "updated_at = :ours AND attribute_not_exists(deleted_at)"


@dataclass(frozen=True)
class Sized:
    item: Item
    size: int

    @property
    def user_id(self) -> str:
        return str(self.item["user_id"]["S"])

    @property
    def updated_at(self) -> str:
        return str(self.item["updated_at"]["S"])


@dataclass(frozen=True)
class _Written:
    user_id: str
    prior: Item | None
    updated_at: str


def write_all(tx: Transactions, table: str, items: Iterable[Sized], read: Reader) -> None:
    """``items`` are read one group ahead of the writes, so a long generator is never held whole;
    an error it raises midway undoes what was written, as a store error would."""
    groups = _groups(items, tx.max_actions)
    first, second = next(groups, None), next(groups, None)
    if first is None:
        return
    if second is None:
        actions = [put(table, s.item, NEWER_THAN_STORED, {":at": s.item["updated_at"]}) for s in first]
        try:
            tx.commit(actions)
        except Refused as refused:
            raise StaleWriteError(first[refused.index].user_id) from None
        return
    written: list[_Written] = []
    try:
        for group in chain((first, second), groups):
            _write_group(tx, table, group, read, written)
    except BaseException as exc:
        count = _undo(tx, table, written, str(exc), read)
        if isinstance(exc, StoreError) and not isinstance(exc, PartialWriteError):
            raise StoreError(f"{exc}; nothing was kept (the {count} profiles written were undone)") from exc
        raise


def _write_group(
    tx: Transactions, table: str, group: list[Sized], read: Reader, written: list[_Written]
) -> None:
    for _ in range(_READ_ATTEMPTS):
        priors = read([s.user_id for s in group])
        for sized in group:
            if refuses(priors.get(sized.user_id), sized.updated_at):
                raise StaleWriteError(sized.user_id)
        entries = [_Written(s.user_id, priors.get(s.user_id), s.updated_at) for s in group]
        written += entries  # before committing: without transactions a failure may leave some written
        try:
            tx.commit([put(table, s.item, *unchanged(e.prior)) for s, e in zip(group, entries, strict=True)])
            return
        except Refused:
            del written[-len(entries) :]  # an item changed since it was read: nothing was written
    raise StoreError("profiles kept changing while this write ran; try again")


def _undo(tx: Transactions, table: str, written: list[_Written], reason: str, read: Reader) -> int:
    """Undo what the table holds of ``written``, newest first; how many profiles were undone."""
    pending = _still_ours(read, written[::-1])
    undone: set[str] = set()
    while pending:
        batch = pending[: tx.max_actions]
        try:
            tx.commit([_restore(table, w) for w in batch])
        except Refused as refused:
            pending.remove(batch[refused.index])  # not ours any more (or never written): leave it
            continue
        except StoreError:
            left = _still_ours(read, pending)
            raise PartialWriteError(reason, sorted({w.user_id for w in left})) from None
        undone.update(w.user_id for w in batch)
        del pending[: len(batch)]
    return len(undone)


def _still_ours(read: Reader, written: list[_Written]) -> list[_Written]:
    """Those of ``written`` whose items the table holds as this write stored them; all of them
    when the table cannot be read."""
    try:
        stored = read([w.user_id for w in written])
    except StoreError:
        return written
    return [w for w in written if _holds(stored.get(w.user_id), w.updated_at)]


def _holds(item: Item | None, updated_at: str) -> bool:
    return item is not None and not is_tombstone(item) and stamp_of(item) == updated_at


def _restore(table: str, written: _Written) -> Action:
    ours = {":ours": {"S": written.updated_at}}
    if written.prior is None:
        return delete(table, written.user_id, _OURS, ours)
    return put(table, written.prior, _OURS, ours)


def _groups(items: Iterable[Sized], max_actions: int) -> Iterator[list[Sized]]:
    """Consecutive groups under the transaction limits, a user at most once in each."""
    group: list[Sized] = []
    size = 0
    for sized in items:
        full = len(group) >= max_actions or size + sized.size > MAX_BYTES
        if group and (full or any(s.user_id == sized.user_id for s in group)):
            yield group
            group, size = [], 0
        group.append(sized)
        size += sized.size
    if group:
        yield group
