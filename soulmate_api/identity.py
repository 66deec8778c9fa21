"""Who is calling: the claims of a JWT that API Gateway's authorizer validated -> our account user
id (``account_user_id(iss, sub)``, as on the dashboard), else a Spotify access token -> our user id
(Spotify ``account_id``, else ``id``).

Claims are read only from ``requestContext.authorizer.jwt.claims``, which API Gateway writes after
checking the token's signature, issuer, audience and expiry; a client cannot set them.

``TokenCache`` remembers, per container and keyed by a SHA-256 of the token (the token itself is
never kept, logged or stored):

- an accepted token's identity, for at most ``MAX_ACCEPTED_SECONDS`` (60 s): a token revoked at
  Spotify works here that long at most, and not at all once any Spotify call made with it is
  rejected, which evicts it at once;
- a rejected token, for ``REJECTED_SECONDS``: the same bad token sent again is refused without
  asking Spotify.

A token that is not an RFC 6750 ``b64token`` (spaces, control characters, a folded header) is
refused before any of this.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from soulmate_api.errors import NotAuthenticatedError
from soulmate_core.accounts import account_user_id
from soulmate_core.errors import InputError, SpotifyAuthError
from soulmate_core.sources.spotify_api import spotify_user_id

MAX_TOKEN_LENGTH = 4096
MAX_ENTRIES = 4096
MAX_ACCEPTED_SECONDS = 60.0
REJECTED_SECONDS = 30.0
B64TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Identity:
    user_id: str
    display_name: str


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token of an ``Authorization: Bearer <token>`` header (header names are case-blind)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.strip(" \t").partition(" ")
    token = token.strip(" \t")
    if scheme.lower() != "bearer" or len(token) > MAX_TOKEN_LENGTH or not B64TOKEN.fullmatch(token):
        raise NotAuthenticatedError("send Authorization: Bearer <Spotify access token>")
    return token


def jwt_claims(event: Mapping[str, object]) -> Mapping[str, object] | None:
    """The validated claims of a v2 event's JWT authorizer, or None when the route has none."""
    found: object = event
    for key in ("requestContext", "authorizer", "jwt", "claims"):
        found = found.get(key) if isinstance(found, Mapping) else None
    return found if isinstance(found, Mapping) and found else None


def identity_from_claims(claims: Mapping[str, object]) -> Identity:
    try:
        user_id = account_user_id(str(claims.get("iss") or ""), str(claims.get("sub") or ""))
    except InputError:
        raise NotAuthenticatedError("the token's claims name no issuer and subject") from None
    name = claims.get("name") or claims.get("email") or claims.get("cognito:username") or user_id
    return Identity(user_id=user_id, display_name=str(name))


def identity_from_me(me: Mapping[str, object]) -> Identity:
    user_id = spotify_user_id(me)
    return Identity(user_id=user_id, display_name=str(me.get("display_name") or user_id))


class TokenCache:
    """Token hash -> ``Identity`` (accepted) or ``None`` (rejected), each until its expiry; bounded."""

    def __init__(
        self,
        ttl: float = MAX_ACCEPTED_SECONDS,
        rejected_ttl: float = REJECTED_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl = min(ttl, MAX_ACCEPTED_SECONDS)
        self.rejected_ttl = rejected_ttl
        self._clock = clock
        self._entries: OrderedDict[str, tuple[float, Identity | None]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(token: str) -> str:
        return hashlib.sha256(token.encode("ascii")).hexdigest()

    def get(self, token: str) -> Identity | None:
        """The cached identity; ``SpotifyAuthError`` when the token was rejected lately."""
        key = self.key(token)
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if self._clock() >= entry[0]:
                del self._entries[key]
                return None
        if entry[1] is None:
            raise SpotifyAuthError("Spotify rejected this access token moments ago (expired or invalid)")
        return entry[1]

    def check(self, token: str) -> None:
        """Refuse a lately rejected token before any call is made with it."""
        self.get(token)

    def put(self, token: str, identity: Identity) -> None:
        self._store(token, self.ttl, identity)

    def reject(self, token: str) -> None:
        """Spotify said 401: forget the identity at once, and refuse the token for a while."""
        self._store(token, self.rejected_ttl, None)

    def _store(self, token: str, ttl: float, value: Identity | None) -> None:
        key = self.key(token)
        with self._lock:
            self._entries[key] = (self._clock() + ttl, value)
            self._entries.move_to_end(key)
            while len(self._entries) > MAX_ENTRIES:
                self._entries.popitem(last=False)


def guarded(cache: TokenCache, token: str, call: Callable[[], T]) -> T:
    """``call()`` made with ``token``: refused at once if the token was lately rejected; a rejection
    by Spotify is remembered (and the token's identity forgotten) before it is passed on."""
    cache.check(token)
    try:
        return call()
    except SpotifyAuthError:
        cache.reject(token)
        raise


def resolve(token: str, cache: TokenCache, read_me: Callable[[], Mapping[str, object]]) -> Identity:
    """The caller's identity, from the cache or from Spotify's ``GET /me``."""
    cached = cache.get(token)
    if cached is not None:
        return cached
    identity = identity_from_me(guarded(cache, token, read_me))
    cache.put(token, identity)
    return identity
