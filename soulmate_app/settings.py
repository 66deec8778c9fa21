"""The dashboard's settings: ``soulmate_core.settings.Settings`` with ``.streamlit/secrets.toml`` as
fallbacks for what the environment leaves unset. Read once per process (``load_settings``).

``secrets.toml`` (see ``.streamlit/secrets.toml.example``)::

    SOULMATE_STORE = "sqlite:///data/soulmate.db"   # optional; any variable of README's table

    [spotify]
    client_id = "..."                                # SPOTIFY_CLIENT_ID
    client_secret = "..."                            # SPOTIFY_CLIENT_SECRET
    redirect_uri = "http://127.0.0.1:8501/"          # SPOTIFY_REDIRECT_URI, optional
    state_secret = "..."                             # SOULMATE_STATE_SECRET, optional
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import streamlit as st
from streamlit import config as streamlit_config

from soulmate_app.escape import md
from soulmate_core.errors import InputError
from soulmate_core.settings import Settings

UPLOAD_OPTION = "server.maxUploadSize"
SPOTIFY_SECTION = {
    "client_id": "SPOTIFY_CLIENT_ID",
    "client_secret": "SPOTIFY_CLIENT_SECRET",
    "redirect_uri": "SPOTIFY_REDIRECT_URI",
    "state_secret": "SOULMATE_STATE_SECRET",
}


@dataclass(frozen=True)
class SpotifySettings:
    """What the Spotify login needs; present only when the app's credentials are configured."""

    client_id: str
    client_secret: str
    redirect_uri: str
    state_secret: bytes
    api_base: str
    accounts_base: str

    @property
    def authorize_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.accounts_base.rstrip('/')}/api/token"

    def __repr__(self) -> str:  # never print the secrets
        return f"SpotifySettings(client_id={self.client_id!r}, redirect_uri={self.redirect_uri!r})"

    @classmethod
    def of(cls, settings: Settings) -> SpotifySettings | None:
        secret = settings.spotify_client_secret.get_secret_value() if settings.spotify_client_secret else ""
        if not settings.spotify_client_id or not secret:
            return None
        state = settings.state_secret.get_secret_value() if settings.state_secret else ""
        return cls(
            client_id=settings.spotify_client_id,
            client_secret=secret,
            redirect_uri=settings.spotify_redirect_uri,
            # Without its own key, the state is signed with a key derived from the client secret.
            state_secret=state.encode()
            or hashlib.sha256(b"soulmate-oauth-state:" + secret.encode()).digest(),
            api_base=settings.spotify_api_base,
            accounts_base=settings.spotify_accounts_base,
        )


@dataclass(frozen=True)
class AppSettings:
    store_url: str
    index_path: str | None
    max_export_bytes: int
    spotify: SpotifySettings | None
    alias_key: bytes = field(repr=False)

    @property
    def upload_cap_mb(self) -> int:
        """The importer's cap in the megabytes Streamlit's upload limits count."""
        return self.max_export_bytes // 2**20


@cache
def load_settings() -> AppSettings:
    settings = Settings.load(fallbacks=_secrets())
    return AppSettings(
        store_url=settings.store_url,
        index_path=settings.index_path,
        max_export_bytes=settings.max_export_bytes,
        spotify=SpotifySettings.of(settings),
        alias_key=settings.alias_key,
    )


def _secrets() -> dict[str, Any]:
    """``st.secrets`` by variable name; empty when there is no secrets file."""
    try:
        raw = {key: st.secrets[key] for key in st.secrets}
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return {}
    section = raw.pop("spotify", None)
    flat = {key: value for key, value in raw.items() if not isinstance(value, Mapping)}
    if isinstance(section, Mapping):
        flat.update({SPOTIFY_SECTION[k]: v for k, v in section.items() if k in SPOTIFY_SECTION})
    return flat


def require_valid() -> None:
    """Stop the page with a readable message when a setting is malformed. Otherwise hold the
    server's upload limit to the importer's cap (``.streamlit/config.toml`` holds the default cap
    until the first page runs): the uploader's own limit binds the browser only, and a request sent
    past it is read into memory up to ``server.maxUploadSize``. Streamlit reads that option on each
    upload; ``st.set_option`` refuses server options, hence its config module."""
    try:
        settings = load_settings()
    except InputError as exc:
        st.error(f"The dashboard is misconfigured: {md(str(exc))}")
        st.stop()
        return
    if streamlit_config.get_option(UPLOAD_OPTION) != settings.upload_cap_mb:
        streamlit_config.set_option(UPLOAD_OPTION, settings.upload_cap_mb, "SOULMATE_MAX_EXPORT_MB")
