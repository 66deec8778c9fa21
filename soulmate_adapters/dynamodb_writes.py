"""DynamoDB writes that land together with the store's version counter.

- **One transaction.** ``Transactions.commit`` sends a write's actions (conditional puts and
  deletes of profile items) and the counter's ``ADD 1`` as one ``TransactWriteItems``: all of it
  happens or none, so a version never lags a write and a failed bump never leaves a half-done
  delete. At most ``MAX_ACTIONS`` actions and ``MAX_BYTES`` of items go in one.
- **Conditions.** A failed condition cancels the whole transaction and raises ``Refused`` with the
  index of the action that failed. Cancellations caused only by a concurrent transaction on the
  same item (the counter is on every one) are retried with a growing, jittered pause.
- **Stand-ins without transactions** (dynalite answers ``UnknownOperationException``): the actions
  are sent one by one, the counter last, and ``atomic`` turns False so callers send one action per
  commit. A ``ConditionCheck`` alone is an ``UpdateItem`` under its condition that changes nothing
  (it removes an attribute no item has); its conditions must fail on a missing item, as
  ``PROFILE_STORED`` does. That path is for local tests only: AWS and moto have transactions.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from soulmate_core.errors import StoreError

log = logging.getLogger("soulmate.store.dynamodb")

Action = dict[str, Any]
"""One entry of ``TransactItems``: ``{"Put": {...}}``, ``{"Delete": {...}}``, ``{"Update": {...}}``
or ``{"ConditionCheck": {...}}``."""

MAX_ACTIONS = 99
"""Profile actions per transaction: DynamoDB's limit is 100, and one goes to the counter."""
MAX_BYTES = 3_500_000
"""Item bytes per transaction, under DynamoDB's 4 MB."""
VERSION_KEY = {"name": {"S": "version"}}
_CONFLICT_ATTEMPTS = 6
_SINGLE_CALL = {"Put": "put_item", "Delete": "delete_item", "Update": "update_item"}
_NO_SUCH_ATTRIBUTE = {"#unset": "soulmate-no-such-attribute"}


class Refused(Exception):
    """The condition of action ``index`` failed; within a transaction nothing was written."""

    def __init__(self, index: int) -> None:
        self.index = index
        super().__init__(f"the condition of action {index} failed")


class Transactions:
    def __init__(self, client: Any, meta_table: str) -> None:
        self._client = client
        self.meta_table = meta_table
        self.atomic = True
        """False once the endpoint turned out to lack transactions (a local stand-in)."""

    @property
    def max_actions(self) -> int:
        return MAX_ACTIONS if self.atomic else 1

    def commit(self, actions: Sequence[Action], *, bump: bool = True) -> None:
        """Apply ``actions`` and (when ``bump``) add 1 to the version, all at once."""
        items = [*actions, self._bump()] if bump else list(actions)
        if self.atomic and len(items) > 1:
            try:
                self._transact(items)
                return
            except _NoTransactions:
                self.atomic = False
                log.warning("this DynamoDB endpoint has no transactions: writes are not atomic")
        self._one_by_one(items)

    def _transact(self, items: list[Action]) -> None:
        for attempt in range(_CONFLICT_ATTEMPTS):
            try:
                with _errors():
                    self._client.transact_write_items(TransactItems=items)
                return
            except ClientError as exc:
                reasons = [r.get("Code", "None") for r in exc.response.get("CancellationReasons", [])]
                if "ConditionalCheckFailed" in reasons:
                    raise Refused(reasons.index("ConditionalCheckFailed")) from None
                if "TransactionConflict" not in reasons or attempt == _CONFLICT_ATTEMPTS - 1:
                    raise StoreError(f"DynamoDB failed: {error_code(exc)}: {exc}") from exc
                time.sleep(random.uniform(0.5, 1.0) * 0.02 * 2**attempt)

    def _one_by_one(self, items: list[Action]) -> None:
        for index, action in enumerate(items):
            ((kind, params),) = action.items()
            if kind == "ConditionCheck":
                kind, params = "Update", {**params, "UpdateExpression": "REMOVE #unset"}
                params["ExpressionAttributeNames"] = _NO_SUCH_ATTRIBUTE
            try:
                with _errors():
                    getattr(self._client, _SINGLE_CALL[kind])(**params)
            except ClientError as exc:
                if error_code(exc) == "ConditionalCheckFailedException":
                    raise Refused(index) from None
                raise StoreError(f"DynamoDB failed: {error_code(exc)}: {exc}") from exc

    def _bump(self) -> Action:
        return {
            "Update": {
                "TableName": self.meta_table,
                "Key": VERSION_KEY,
                "UpdateExpression": "ADD #value :one",
                "ExpressionAttributeNames": {"#value": "value"},
                "ExpressionAttributeValues": {":one": {"N": "1"}},
            }
        }


class _NoTransactions(Exception):
    pass


def error_code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def _errors() -> Iterator[None]:
    """ClientErrors stay (the caller reads their code); an unknown transaction call and botocore's
    own failures become ``_NoTransactions`` and ``StoreError``."""
    try:
        yield
    except ClientError as exc:
        if error_code(exc) == "UnknownOperationException":
            raise _NoTransactions() from exc
        raise
    except BotoCoreError as exc:
        raise StoreError(f"DynamoDB failed: {exc}") from exc


# --- actions and their conditions -----------------------------------------------------------------

NEWER_THAN_STORED = "attribute_not_exists(user_id) OR updated_at <= :at OR deleted_at < :at"
"""A put's condition: no item, an older-or-equal profile, or a tombstone strictly older."""


PROFILE_STORED = "attribute_exists(updated_at) AND attribute_not_exists(deleted_at)"
"""A condition that holds while the user's item is a profile: not missing, not a tombstone."""


def check(table: str, user_id: str, condition: str) -> Action:
    """An action that writes nothing and cancels its transaction unless ``condition`` holds on the
    user's item."""
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": {"user_id": {"S": user_id}},
            "ConditionExpression": condition,
        }
    }


def put(table: str, item: Mapping[str, Any], condition: str, values: Mapping[str, Any]) -> Action:
    return {"Put": {"TableName": table, "Item": dict(item), **_condition(condition, values)}}


def delete(table: str, user_id: str, condition: str, values: Mapping[str, Any]) -> Action:
    return delete_key(table, {"user_id": {"S": user_id}}, condition, values)


def delete_key(table: str, key: Mapping[str, Any], condition: str, values: Mapping[str, Any]) -> Action:
    return {"Delete": {"TableName": table, "Key": dict(key), **_condition(condition, values)}}


def _condition(condition: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB refuses an empty ``ExpressionAttributeValues``: leave it out then."""
    return {"ConditionExpression": condition} | (
        {"ExpressionAttributeValues": dict(values)} if values else {}
    )


def unchanged(prior: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """A condition that holds while the stored item is still ``prior`` (None: no item)."""
    if prior is None:
        return "attribute_not_exists(user_id)", {}
    if "deleted_at" in prior:
        return "deleted_at = :prior", {":prior": prior["deleted_at"]}
    if "updated_at" in prior:
        return "updated_at = :prior AND attribute_not_exists(deleted_at)", {":prior": prior["updated_at"]}
    return "attribute_exists(user_id) AND attribute_not_exists(updated_at)", {}


def stamp_of(item: Mapping[str, Any] | None) -> str:
    """The time an item holds: a profile's ``updated_at``, a tombstone's ``deleted_at``, or ''."""
    if item is None:
        return ""
    value = item.get("deleted_at") or item.get("updated_at") or {}
    return str(value.get("S", ""))


def is_tombstone(item: Mapping[str, Any]) -> bool:
    return "deleted_at" in item


def refuses(prior: Mapping[str, Any] | None, updated_at: str) -> bool:
    """Whether ``prior`` is newer than a write made at ``updated_at`` (``NEWER_THAN_STORED``'s test)."""
    if prior is None:
        return False
    at = stamp_of(prior)
    return at >= updated_at if is_tombstone(prior) else at > updated_at
