"""Who is calling: a Spotify access token -> our user id (Spotify ``account_id``, else ``id``).

The answer is cached per container for at most ``ttl`` seconds, keyed by a SHA-256 of the token;
the token itself is never kept, logged or stored.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from soulmate_adapters.spotify_client import fetch_me, make_client
from soulmate_api.errors import NotAuthenticatedError
from soulmate_core.sources.spotify_api import spotify_user_id

MAX_TOKEN_LENGTH = 4096
MAX_ENTRIES = 4096


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: str
    display_name: str


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token of an ``Authorization: Bearer <token>`` header (header names are case-blind)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise NotAuthenticatedError("send Authorization: Bearer <Spotify access token>")
    return token


def identity_from_me(me: Mapping[str, object]) -> Identity:
    user_id = spotify_user_id(me)
    return Identity(user_id=user_id, display_name=str(me.get("display_name") or user_id))


class IdentityCache:
    """Token hash -> ``Identity``, for ``ttl`` seconds at most, bounded in size."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Identity]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    def get(self, token: str) -> Identity | None:
        key = self.key(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() - entry[0] >= self.ttl:
                del self._entries[key]
                return None
            return entry[1]

    def put(self, token: str, identity: Identity) -> None:
        with self._lock:
            self._entries[self.key(token)] = (self._clock(), identity)
            self._entries.move_to_end(self.key(token))
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def resolve(token: str, cache: IdentityCache, api_base: str, timeout: float) -> Identity:
    """The caller's identity, from the cache or from Spotify's ``GET /me``."""
    cached = cache.get(token)
    if cached is not None:
        return cached
    identity = identity_from_me(fetch_me(make_client(token, api_base=api_base, timeout=timeout)))
    cache.put(token, identity)
    return identity
