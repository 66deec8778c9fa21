"""The artist catalogue on DynamoDB: the companion table ``<TABLE>-artists``, partition key
``artist`` (the artist key), one item ``{artist, genres: [..]}`` per artist.

Learning is ``BatchWriteItem`` (25 puts a request), reading ``BatchGetItem`` (100 keys a request),
each retrying what DynamoDB leaves unprocessed (``dynamodb_batches``). Reads are eventually
consistent: the catalogue is advice about artists, and a genre learned a second ago may be lent
a second later. An artist key longer than DynamoDB's 2048-byte partition key is neither learned
nor asked for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from soulmate_adapters.dynamodb_batches import batch_get, batch_put
from soulmate_core.catalogue import bounded_entries

ARTISTS_SUFFIX = "-artists"
KEY_ATTRIBUTE = "artist"
_MAX_KEY_BYTES = 2048


class ArtistCatalogue:
    def __init__(self, client: Any, profiles_table: str) -> None:
        self._client = client
        self.table = profiles_table + ARTISTS_SUFFIX

    def learn(self, genres: Mapping[str, Sequence[str]]) -> int:
        items = [
            {KEY_ATTRIBUTE: {"S": key}, "genres": {"L": [{"S": genre} for genre in found]}}
            for key, found in bounded_entries(genres).items()
            if _fits(key)
        ]
        return batch_put(self._client, self.table, items)

    def genres_for(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        wanted = [{KEY_ATTRIBUTE: {"S": key}} for key in dict.fromkeys(keys) if key and _fits(key)]
        items = batch_get(self._client, self.table, wanted, consistent=False)
        return {
            item[KEY_ATTRIBUTE]["S"]: tuple(genre["S"] for genre in item.get("genres", {}).get("L", []))
            for item in items
        }


def _fits(key: str) -> bool:
    return len(key.encode("utf-8")) <= _MAX_KEY_BYTES
