"""Share codes on DynamoDB: the companion table ``<TABLE>-shares``, shaped as the keys table is
(``dynamodb_keys``): an item per code hash naming its owner, and the owner's item naming their
code's hash and keeping the code.

- **Setting** a code is one transaction: a check that the user's profile is still stored (not
  missing, not a tombstone), the code's two items, and the removal of the code it replaces, each
  conditioned on what was read. A delete that lands first cancels it, and one that lands after it
  erases the new code, since ``delete`` reads the user's code and conditions its erasure on it.
- Setting or dropping a code leaves the store's version alone: no profile changes.
"""

from __future__ import annotations

from typing import Any

from soulmate_adapters.dynamodb_keys import SHARES_SUFFIX, Keys
from soulmate_adapters.dynamodb_writes import PROFILE_STORED, Action, Refused, Transactions, check
from soulmate_core.errors import StoreError, UnknownUserError
from soulmate_core.sharing import code_hash

_ATTEMPTS = 5


class ShareCodes:
    def __init__(self, client: Any, profiles_table: str, tx: Transactions) -> None:
        self._client = client
        self._profiles = profiles_table
        self._tx = tx
        self._shares = Keys(client, profiles_table + SHARES_SUFFIX)

    @property
    def table(self) -> str:
        return self._shares.table

    def set(self, user_id: str, code: str) -> None:
        hashed = code_hash(code)
        if self._shares.user_for(hashed) not in (None, user_id):
            raise StoreError("that share code belongs to another user")
        for _ in range(_ATTEMPTS):
            if not self._profile_stored(user_id):
                raise UnknownUserError(user_id)
            current = self._shares.current(user_id)
            actions = [
                check(self._profiles, user_id, PROFILE_STORED),
                *self._shares.set(user_id, hashed, current, {"code": {"S": code}}),
            ]
            try:
                self._tx.commit(actions, bump=False)
            except Refused as refused:
                if refused.index == 1:
                    raise StoreError("that share code belongs to another user") from None
                continue  # deleted meanwhile (read again, and refuse), or another code set meanwhile
            return
        raise StoreError(f"the share code of {user_id!r} kept changing; try again")

    def code(self, user_id: str) -> str | None:
        item = self._shares.current_item(user_id)
        return None if item is None or "code" not in item else str(item["code"]["S"])

    def owner(self, code: str) -> str | None:
        return self._shares.user_for(code_hash(code))

    def drop(self, user_id: str) -> bool:
        for _ in range(_ATTEMPTS):
            current = self._shares.current(user_id)
            if current is None:
                return False
            try:
                self._tx.commit(self._shares.erase(user_id, current), bump=False)
            except Refused:
                continue
            return True
        raise StoreError(f"the share code of {user_id!r} kept changing; try again")

    def erase(self, user_id: str) -> list[Action]:
        """The actions that erase the user's code as read now, for the transaction of their delete;
        they fail it when the code changes before it lands (so the delete reads again)."""
        return self._shares.erase(user_id, self._shares.current(user_id))

    def _profile_stored(self, user_id: str) -> bool:
        answer = self._client.get_item(
            TableName=self._profiles,
            Key={"user_id": {"S": user_id}},
            ConsistentRead=True,
            ProjectionExpression="updated_at, deleted_at",
        )
        item = answer.get("Item") or {}
        return "updated_at" in item and "deleted_at" not in item
