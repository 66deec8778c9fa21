"""The API's settings, read once from the environment at the edge and passed in."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from soulmate_core.sources.spotify_client import SPOTIFY_API_BASE
from soulmate_core.store import DEFAULT_STORE_URL

MAX_BODY_BYTES = 64 * 1024
TOKEN_CACHE_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class ApiSettings:
    store_url: str = DEFAULT_STORE_URL
    spotify_api_base: str = SPOTIFY_API_BASE
    spotify_timeout: float = 8.0
    token_cache_seconds: float = TOKEN_CACHE_SECONDS
    cors_origin: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        """``SOULMATE_STORE``, ``SOULMATE_SPOTIFY_API_BASE`` (tests point it at a fake),
        ``SOULMATE_CORS_ORIGIN``."""
        env = os.environ if env is None else env
        return cls(
            store_url=env.get("SOULMATE_STORE") or DEFAULT_STORE_URL,
            spotify_api_base=env.get("SOULMATE_SPOTIFY_API_BASE") or SPOTIFY_API_BASE,
            cors_origin=env.get("SOULMATE_CORS_ORIGIN") or None,
        )
