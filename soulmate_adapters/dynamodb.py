"""The DynamoDB store: one item per user, ``{user_id, profile: {...}, updated_at}``.

- **Where.** Region, credentials and endpoint come from the standard AWS environment (e.g.
  ``AWS_REGION``, ``AWS_ENDPOINT_URL_DYNAMODB``), read by boto3 itself.
- **Numbers.** Floats are stored as ``Decimal`` (from their shortest repr, so they come back as the
  same float); magnitudes under DynamoDB's 1E-130 become 0; NaN and infinities are refused.
- **Conditional writes and tombstones.** A put succeeds only when no item exists, the stored
  ``updated_at`` is not newer, or the stored item is a tombstone older than the put (``Store`` says
  what "older" means). ``delete`` replaces the profile with a tombstone item
  ``{user_id, deleted_at}``, conditioned on the item it read being still there; readers skip
  tombstones. Otherwise ``StaleWriteError``.
- **Size.** Profiles are capped by ``trim.cap_profile`` well under the 400 KB item limit.
- **Reads.** Strongly consistent, so that an index cached under ``version()`` never holds data older
  than that version. ``iter_all`` follows Scan pagination (1 MB pages) with a paginator; a store
  opened with ``scan_segments=N`` reads N parallel Scan segments instead (``parallel_scan``), in no
  particular order, which is what the batch build of the match index wants.
- **Version.** The profiles table holds nothing but users' items, so the change counter lives in
  a companion table ``<TABLE>-meta`` (key ``name``, one item ``version``). Every write or delete
  adds 1 to it in the same ``TransactWriteItems`` (``dynamodb_writes``), so the two change
  together; ``version()`` is one strongly consistent GetItem. A ``put_many`` larger than one
  transaction undoes what it wrote when it fails (``dynamodb_bulk``).
- **Deadlines.** Every request has connect and read timeouts and a bounded number of attempts
  (``aws_calls.DYNAMODB``), so a stalled table fails a store call with ``StoreError`` in seconds,
  well inside the API's request deadline, instead of holding a Lambda until it is killed.
- **Recovery keys.** A third table ``<TABLE>-keys`` (key ``id``) holds each key's hash and who it
  belongs to (``dynamodb_keys``), written in the transaction of the profile or the tombstone.
- **Share codes.** A fourth, ``<TABLE>-shares`` (key ``id``), of the same shape (``dynamodb_shares``),
  erased in the transaction of the tombstone.
- **Artist catalogue.** A fifth, ``<TABLE>-artists`` (key ``artist``): genres by artist key, written
  and read in batches (``dynamodb_artists``), apart from every profile and its version.

boto3 is imported here and in ``s3_snapshots.py``, nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from functools import partial
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from botocore.exceptions import BotoCoreError, ClientError

from soulmate_adapters.aws_calls import DYNAMODB, CallLimits
from soulmate_adapters.dynamodb_artists import KEY_ATTRIBUTE as ARTIST_ATTRIBUTE
from soulmate_adapters.dynamodb_artists import ArtistCatalogue
from soulmate_adapters.dynamodb_batches import batch_get
from soulmate_adapters.dynamodb_bulk import Sized, write_all
from soulmate_adapters.dynamodb_keys import KEY_ATTRIBUTE, KEYS_SUFFIX, Keys
from soulmate_adapters.dynamodb_shares import ShareCodes
from soulmate_adapters.dynamodb_writes import (
    NEWER_THAN_STORED,
    VERSION_KEY,
    Refused,
    Transactions,
    error_code,
    is_tombstone,
    put,
    stamp_of,
    unchanged,
)
from soulmate_adapters.parallel_scan import Item, scan_pages
from soulmate_core.errors import CorruptItemError, StaleWriteError, StoreError
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.schema import from_item, to_item
from soulmate_core.store.base import Changes, valid_profiles
from soulmate_core.trim import MAX_ITEM_BYTES, cap_profile, item_size

META_SUFFIX = "-meta"
_ATTEMPTS = 5
_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


class DynamoDBStore:
    def __init__(
        self,
        table: str,
        *,
        client: Any = None,
        max_item_bytes: int = MAX_ITEM_BYTES,
        scan_segments: int = 1,
        limits: CallLimits = DYNAMODB,
    ) -> None:
        if scan_segments < 1:
            raise StoreError(f"scan_segments must be at least 1, not {scan_segments}")
        self.table = table
        self.skipped: list[str] = []
        self.meta_table = table + META_SUFFIX
        self.max_item_bytes = max_item_bytes
        self.scan_segments = scan_segments
        try:
            # A session per store: boto3's shared default session is not safe across threads. One
            # pooled connection per scan segment.
            config = limits.config(pool=scan_segments)
            self._client = client or boto3.session.Session().client("dynamodb", config=config)
        except BotoCoreError as exc:
            raise StoreError(f"cannot reach DynamoDB: {exc}") from exc
        self._tx = Transactions(self._client, self.meta_table)
        self._keys = Keys(self._client, table + KEYS_SUFFIX)
        self._codes = ShareCodes(self._client, table, self._tx)
        self._artists = ArtistCatalogue(self._client, table)

    def get(self, user_id: str) -> TasteProfile | None:
        item = self._item(user_id)
        return None if item is None or is_tombstone(item) else _decode(item)

    def put(self, profile: TasteProfile) -> None:
        self.put_many([profile])

    def put_many(self, profiles: Iterable[TasteProfile]) -> int:
        """All or none: one transaction with the version when it fits, else ``dynamodb_bulk``,
        which reads ``profiles`` one group at a time."""
        count = 0

        def items() -> Iterator[Sized]:
            nonlocal count
            for profile in profiles:
                capped = cap_profile(profile, self.max_item_bytes)
                count += 1
                yield Sized(encode_item(to_item(capped)), item_size(capped))

        write_all(self._tx, self.table, items(), self._items)
        return count

    def put_with_key(self, profile: TasteProfile, key_hash: str) -> None:
        """The profile's put and the key's items in one transaction, the key's conditioned on the
        user's key read just before (read again if it changed meanwhile). Another user's hash is
        refused before anything is written, also where there are no transactions."""
        item = encode_item(to_item(cap_profile(profile, self.max_item_bytes)))
        if self.user_for_key(key_hash) not in (None, profile.user_id):
            raise StoreError("that recovery key hash belongs to another user")
        for _ in range(_ATTEMPTS):
            current = self._current_key(profile.user_id)
            actions = [
                put(self.table, item, NEWER_THAN_STORED, {":at": item["updated_at"]}),
                *self._keys.set(profile.user_id, key_hash, current),
            ]
            try:
                self._tx.commit(actions)
            except Refused as refused:
                if refused.index == 0:
                    raise StaleWriteError(profile.user_id) from None
                if refused.index == 1:
                    raise StoreError("that recovery key hash belongs to another user") from None
                continue
            return
        raise StoreError(f"the recovery key of {profile.user_id!r} kept changing; try again")

    def user_for_key(self, key_hash: str) -> str | None:
        with _store_errors():
            return self._keys.user_for(key_hash)

    def _current_key(self, user_id: str) -> str | None:
        with _store_errors():
            return self._keys.current(user_id)

    def set_share_code(self, user_id: str, code: str) -> None:
        with _store_errors():
            self._codes.set(user_id, code)

    def share_code(self, user_id: str) -> str | None:
        with _store_errors():
            return self._codes.code(user_id)

    def user_for_share_code(self, code: str) -> str | None:
        with _store_errors():
            return self._codes.owner(code)

    def drop_share_code(self, user_id: str) -> bool:
        with _store_errors():
            return self._codes.drop(user_id)

    def learn_genres(self, genres: Mapping[str, Sequence[str]]) -> int:
        with _store_errors():
            return self._artists.learn(genres)

    def genres_for(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        with _store_errors():
            return self._artists.genres_for(keys)

    def delete(self, user_id: str) -> bool:
        """Put a tombstone over whatever item was read and erase the key and the share code that
        were read, if all are still there (else read again); the version moves with it when a
        profile goes."""
        for _ in range(_ATTEMPTS):
            prior = self._item(user_id)
            current = self._current_key(user_id)
            with _store_errors():
                share = self._codes.erase(user_id)
            existed = prior is not None and not is_tombstone(prior)
            stamp = max(utc_now_iso(), stamp_of(prior))
            tombstone = {"user_id": {"S": user_id}, "deleted_at": {"S": stamp}}
            actions = [
                put(self.table, tombstone, *unchanged(prior)),
                *self._keys.erase(user_id, current),
                *share,
            ]
            try:
                self._tx.commit(actions, bump=existed)
            except Refused:
                continue
            return existed
        raise StoreError(f"the item of {user_id!r} kept changing during its deletion; try again")

    def get_many(self, user_ids: Sequence[str]) -> dict[str, TasteProfile]:
        items = self._items(user_ids).items()
        decoded = valid_profiles(
            ((user_id, partial(_decode, item)) for user_id, item in items if not is_tombstone(item)),
            self.skipped,
        )
        return {p.user_id: p for p in decoded}

    def _item(self, user_id: str) -> Item | None:
        """The user's stored item, a profile or a tombstone, read strongly consistently."""
        with _store_errors():
            answer = self._client.get_item(
                TableName=self.table, Key={"user_id": {"S": user_id}}, ConsistentRead=True
            )
        item: Item | None = answer.get("Item")
        return item

    def _items(self, user_ids: Sequence[str]) -> dict[str, Item]:
        """The items of ``user_ids``, tombstones included, by BatchGetItem (``batch_get``),
        strongly consistent."""
        keys = [{"user_id": {"S": u}} for u in dict.fromkeys(user_ids)]
        with _store_errors():
            items = batch_get(self._client, self.table, keys)
        return {item.get("user_id", {}).get("S", "?"): item for item in items}

    def changes_since(self, version: str) -> Changes | None:
        """None: the table keeps no change log; readers confirm candidates with ``get_many``."""
        return None

    def iter_all(self) -> Iterator[TasteProfile]:
        with _store_errors():
            for items in self._pages():
                yield from self._valid(items)

    def iter_part(self, part: int, parts: int) -> Iterator[TasteProfile]:
        """Scan segment ``part`` of ``parts``: DynamoDB's own split of the table."""
        if not 0 <= part < parts:
            raise StoreError(f"part {part} of {parts}")
        paginator = self._client.get_paginator("scan")
        with _store_errors():
            for page in paginator.paginate(
                TableName=self.table, ConsistentRead=True, Segment=part, TotalSegments=parts
            ):
                yield from self._valid(page.get("Items", []))

    def _valid(self, items: list[Item]) -> Iterator[TasteProfile]:
        """The profiles among scanned items: tombstones left out, corrupt items skipped."""
        return valid_profiles(
            (
                (item.get("user_id", {}).get("S", "?"), partial(_decode, item))
                for item in items
                if not is_tombstone(item)
            ),
            self.skipped,
        )

    def _pages(self) -> Iterator[list[Item]]:
        if self.scan_segments > 1:
            yield from scan_pages(self._client, self.table, self.scan_segments)
            return
        for page in self._client.get_paginator("scan").paginate(TableName=self.table, ConsistentRead=True):
            yield page.get("Items", [])

    def version(self) -> str:
        with _store_errors():
            answer = self._client.get_item(TableName=self.meta_table, Key=VERSION_KEY, ConsistentRead=True)
        value = answer.get("Item", {}).get("value", {}).get("N", "0")
        return f"dynamodb:{value}"

    def close(self) -> None:
        self._client.close()

    def create_tables(self) -> None:
        """Create the five tables, on demand, and wait for them: for local stand-ins and tests. In
        AWS the SAM template creates them."""
        tables = (
            (self.table, "user_id"),
            (self.meta_table, "name"),
            (self._keys.table, KEY_ATTRIBUTE),
            (self._codes.table, KEY_ATTRIBUTE),
            (self._artists.table, ARTIST_ATTRIBUTE),
        )
        with _store_errors():
            for name, key in tables:
                self._client.create_table(
                    TableName=name,
                    KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                    AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
                    BillingMode="PAY_PER_REQUEST",
                )
            for name, _ in tables:
                self._client.get_waiter("table_exists").wait(
                    TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
                )


def encode_item(item: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-like item -> DynamoDB's typed attribute values (floats become ``Decimal``)."""
    return {key: _serializer.serialize(_to_dynamo(value)) for key, value in item.items()}


def decode_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    """DynamoDB's typed attribute values -> a JSON-like item (``Decimal`` becomes int or float)."""
    return {key: _from_dynamo(_deserializer.deserialize(value)) for key, value in raw.items()}


def _decode(raw: Mapping[str, Any]) -> TasteProfile:
    try:
        item = decode_item(raw)
    except (TypeError, ValueError) as exc:
        raise CorruptItemError(
            str(raw.get("user_id", {}).get("S", "?")), f"unreadable item ({exc})"
        ) from None
    return from_item(item)


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise StoreError(f"DynamoDB cannot store the number {value!r}")
        # DynamoDB's smallest magnitude is 1E-130: anything smaller is stored as 0.
        return Decimal(repr(value)) if abs(value) >= 1e-130 else Decimal(0)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Mapping):
        return {str(k): _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    raise StoreError(f"cannot store a {type(value).__name__} in DynamoDB")


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    return value


@contextmanager
def _store_errors() -> Iterator[None]:
    """Turn boto3 failures into ``StoreError``, naming DynamoDB's error code."""
    try:
        yield
    except ClientError as exc:
        raise StoreError(f"DynamoDB failed: {error_code(exc)}: {exc}") from exc
    except BotoCoreError as exc:
        raise StoreError(f"DynamoDB failed: {exc}") from exc
