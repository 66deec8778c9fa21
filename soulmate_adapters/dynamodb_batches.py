"""DynamoDB's batch calls as one loop each: ``BatchGetItem`` 100 keys a request and
``BatchWriteItem`` 25 puts a request, asking again for what DynamoDB left unprocessed with a
growing pause, up to ``ATTEMPTS`` rounds, then ``StoreError``. Errors of the calls themselves are
the caller's to translate."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from soulmate_core.errors import StoreError

Item = dict[str, Any]
GET_KEYS = 100
WRITE_ITEMS = 25
ATTEMPTS = 6


def batch_get(
    client: Any, table: str, keys: Sequence[Mapping[str, Any]], *, consistent: bool = True
) -> list[Item]:
    """The items of ``keys`` that exist (in no particular order)."""
    items: list[Item] = []
    for start in range(0, len(keys), GET_KEYS):
        chunk = {table: {"Keys": list(keys[start : start + GET_KEYS]), "ConsistentRead": consistent}}
        for answer in _until_processed(client.batch_get_item, chunk, "UnprocessedKeys"):
            items += answer.get("Responses", {}).get(table, [])
    return items


def batch_put(client: Any, table: str, items: Iterable[Item]) -> int:
    """Put every item (no conditions: a batch write takes none); returns the count."""
    listed = list(items)
    for start in range(0, len(listed), WRITE_ITEMS):
        chunk = {table: [{"PutRequest": {"Item": item}} for item in listed[start : start + WRITE_ITEMS]]}
        for _ in _until_processed(client.batch_write_item, chunk, "UnprocessedItems"):
            pass
    return len(listed)


def _until_processed(send: Callable[..., Any], request: Mapping[str, Any], leftover: str) -> Iterator[Any]:
    """Each answer to ``request`` and then to what the last one left over (``leftover``)."""
    for attempt in range(ATTEMPTS):
        answer = send(RequestItems=request)
        yield answer
        request = answer.get(leftover) or {}
        if not request:
            return
        time.sleep(0.05 * 2**attempt)
    raise StoreError("DynamoDB left part of a batch unprocessed; try again")
