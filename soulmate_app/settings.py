"""Configuration, read once at the edge from the environment and ``.streamlit/secrets.toml``.

The environment wins over secrets, so tests and deployments can override one value at a time.

``secrets.toml``::

    SOULMATE_STORE = "sqlite:///data/soulmate.db"   # optional

    [spotify]
    client_id = "..."
    client_secret = "..."
    redirect_uri = "http://127.0.0.1:8501/"          # optional, this is the default
    state_secret = "..."                             # optional: HMAC key for the OAuth state
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import streamlit as st

from soulmate_core.sources.spotify_export import MAX_TOTAL_BYTES
from soulmate_core.store import store_url_from_env

DEFAULT_REDIRECT_URI = "http://127.0.0.1:8501/"
SPOTIFY_ACCOUNTS_BASE = "https://accounts.spotify.com"


@dataclass(frozen=True)
class SpotifySettings:
    client_id: str
    client_secret: str
    redirect_uri: str
    state_secret: bytes
    api_base: str | None = None  # None: the real Web API
    accounts_base: str = SPOTIFY_ACCOUNTS_BASE

    @property
    def authorize_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/api/token"

    def __repr__(self) -> str:  # never print the secrets
        return f"SpotifySettings(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"


@dataclass(frozen=True)
class AppSettings:
    store_url: str
    spotify: SpotifySettings | None
    max_export_bytes: int = MAX_TOTAL_BYTES


def load_settings() -> AppSettings:
    secrets = _secrets()
    store_url = os.environ.get("SOULMATE_STORE") or str(secrets.get("SOULMATE_STORE") or "")
    cap_mb = os.environ.get("SOULMATE_MAX_EXPORT_MB") or str(secrets.get("SOULMATE_MAX_EXPORT_MB") or "")
    return AppSettings(
        store_url=store_url or store_url_from_env(),
        spotify=_spotify(secrets),
        max_export_bytes=int(cap_mb) * 2**20 if cap_mb.isdigit() else MAX_TOTAL_BYTES,
    )


def _spotify(secrets: Mapping[str, Any]) -> SpotifySettings | None:
    section = secrets.get("spotify")
    table: Mapping[str, Any] = section if isinstance(section, Mapping) else {}

    def value(env: str, key: str) -> str:
        return (os.environ.get(env) or str(table.get(key) or "")).strip()

    client_id = value("SPOTIFY_CLIENT_ID", "client_id")
    client_secret = value("SPOTIFY_CLIENT_SECRET", "client_secret")
    if not client_id or not client_secret:
        return None
    state_secret = value("SOULMATE_STATE_SECRET", "state_secret")
    return SpotifySettings(
        client_id=client_id,
        client_secret=client_secret,
        redirect_uri=value("SPOTIFY_REDIRECT_URI", "redirect_uri") or DEFAULT_REDIRECT_URI,
        # Without its own key, the state is signed with a key derived from the client secret.
        state_secret=state_secret.encode()
        or hashlib.sha256(b"soulmate-oauth-state:" + client_secret.encode()).digest(),
        api_base=value("SPOTIFY_API_BASE", "api_base") or None,
        accounts_base=value("SPOTIFY_ACCOUNTS_BASE", "accounts_base") or SPOTIFY_ACCOUNTS_BASE,
    )


def _secrets() -> Mapping[str, Any]:
    """``st.secrets`` as a plain mapping; empty when there is no secrets file."""
    try:
        return {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}
