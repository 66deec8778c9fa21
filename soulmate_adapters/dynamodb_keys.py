"""Recovery keys on DynamoDB: a companion table ``<TABLE>-keys`` (partition key ``id``).

The profiles table keeps one item per user and nothing else, so its scans and the match index
never meet a key. A user's key is two items of the keys table:

- ``{id: "key#<hash>", user_id}``: the lookup by hash, one strongly consistent GetItem;
- ``{id: "user#<SHA-256 of user_id>", key_hash}``: that user's current key, so that a delete, which
  knows only the user id, finds the hash to erase without a Scan or an (eventually consistent)
  index. The user id is hashed so that any id the profiles table takes (up to 2048 bytes) fits.

Both change in the transaction that puts the user's profile (``put_with_key``) or their tombstone
(``delete``), each conditioned on what was read, so a key is never left behind by a delete nor
written without its profile. The actions come after the profile's, so a refused profile is action 0.

Share codes live in a companion table of the same shape, ``<TABLE>-shares`` (``SHARES_SUFFIX``):
``key#<hash of the code>`` finds the owner, and the owner's ``user#`` item also keeps the code
itself (``extra``), for its owner to see again (``soulmate_core.sharing`` says why that is safe).
"""

from __future__ import annotations

import hashlib
from typing import Any

from soulmate_adapters.dynamodb_writes import Action, delete_key, put

KEYS_SUFFIX = "-keys"
SHARES_SUFFIX = "-shares"
KEY_ATTRIBUTE = "id"
_NOT_STORED = "attribute_not_exists(id)"


def _by_hash(key_hash: str) -> dict[str, Any]:
    return {KEY_ATTRIBUTE: {"S": f"key#{key_hash}"}}


def _by_user(user_id: str) -> dict[str, Any]:
    return {KEY_ATTRIBUTE: {"S": "user#" + hashlib.sha256(user_id.encode()).hexdigest()}}


class Keys:
    def __init__(self, client: Any, table: str) -> None:
        self._client = client
        self.table = table

    def user_for(self, key_hash: str) -> str | None:
        item = self._get(_by_hash(key_hash))
        return None if item is None else str(item["user_id"]["S"])

    def current(self, user_id: str) -> str | None:
        """The hash of the user's key, or None."""
        item = self.current_item(user_id)
        return None if item is None else str(item["key_hash"]["S"])

    def current_item(self, user_id: str) -> dict[str, Any] | None:
        """The user's ``user#`` item: their key's hash and any ``extra`` stored with it."""
        return self._get(_by_user(user_id))

    def set(
        self, user_id: str, key_hash: str, current: str | None, extra: dict[str, Any] | None = None
    ) -> list[Action]:
        """Make ``key_hash`` the user's key, while their key is still ``current``; ``extra``
        attributes go in their ``user#`` item. The first action is refused when the hash is
        another user's key."""
        me = {":me": {"S": user_id}}
        actions = [
            put(
                self.table,
                {**_by_hash(key_hash), "user_id": {"S": user_id}},
                f"{_NOT_STORED} OR user_id = :me",
                me,
            ),
            put(
                self.table,
                {**_by_user(user_id), "key_hash": {"S": key_hash}, **(extra or {})},
                *self._still(current),
            ),
        ]
        if current is not None and current != key_hash:
            actions.append(delete_key(self.table, _by_hash(current), f"{_NOT_STORED} OR user_id = :me", me))
        return actions

    def erase(self, user_id: str, current: str | None) -> list[Action]:
        """Erase the user's key, while it is still ``current`` (None: while they have none)."""
        actions = [delete_key(self.table, _by_user(user_id), *self._still(current))]
        if current is not None:
            me = {":me": {"S": user_id}}
            actions.append(delete_key(self.table, _by_hash(current), f"{_NOT_STORED} OR user_id = :me", me))
        return actions

    @staticmethod
    def _still(current: str | None) -> tuple[str, dict[str, Any]]:
        if current is None:
            return _NOT_STORED, {}
        return "key_hash = :current", {":current": {"S": current}}

    def _get(self, key: dict[str, Any]) -> dict[str, Any] | None:
        answer = self._client.get_item(TableName=self.table, Key=key, ConsistentRead=True)
        item: dict[str, Any] | None = answer.get("Item")
        return item
