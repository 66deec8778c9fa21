"""Log in with Spotify: the Authorization Code flow, one token per browser session.

The token lives only in ``st.session_state`` (``SessionCacheHandler``): never in a file, never in
``st.cache_*``, never logged. spotipy does not verify ``state``; ``oauth_state`` signs it and
``login_binding`` binds it to this browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import streamlit as st
from spotipy.cache_handler import CacheHandler
from spotipy.oauth2 import SpotifyOAuth

from soulmate_adapters.spotify_client import Progress, fetch_payloads, make_client, spotify_errors
from soulmate_app import login_binding
from soulmate_app.oauth_state import StateCheck, sign_state, verify_state
from soulmate_app.session import TOKEN_KEY
from soulmate_app.settings import SpotifySettings
from soulmate_core import TasteProfile
from soulmate_core.errors import SpotifyAuthError, SpotifyRateLimitError
from soulmate_core.sources.spotify_api import NameLookup, build_taste_profile, nothing_stored

SCOPE = "user-top-read playlist-modify-private"
"""Top artists and tracks to read; a private playlist to make, only when asked (Group blend)."""
MAX_RATE_LIMIT_RETRIES = 3
MAX_WAIT_SECONDS = 120


class SessionCacheHandler(CacheHandler):  # type: ignore[misc]
    """spotipy's token cache, kept in this browser session's ``st.session_state`` only."""

    def get_cached_token(self) -> dict[str, Any] | None:
        token = st.session_state.get(TOKEN_KEY)
        return token if isinstance(token, dict) else None

    def save_token_to_cache(self, token_info: dict[str, Any]) -> None:
        st.session_state[TOKEN_KEY] = token_info


def auth_manager(settings: SpotifySettings) -> SpotifyOAuth:
    manager = SpotifyOAuth(
        client_id=settings.client_id,
        client_secret=settings.client_secret,
        redirect_uri=settings.redirect_uri,
        scope=SCOPE,
        cache_handler=SessionCacheHandler(),
        open_browser=False,
        requests_timeout=10,
    )
    # Per instance, so tests can point one manager at a local fake of the accounts service.
    manager.OAUTH_AUTHORIZE_URL = settings.authorize_url
    manager.OAUTH_TOKEN_URL = settings.token_url
    return manager


def login_url(settings: SpotifySettings) -> str:
    state = sign_state(settings.state_secret, login_binding.nonce_for_login())
    url: str = auth_manager(settings).get_authorize_url(state=state)
    return url


def state_refusal(settings: SpotifySettings, state: str | None) -> str | None:
    """Why a return from Spotify with this ``state`` must be refused, or None to go on."""
    check = verify_state(settings.state_secret, state, login_binding.this_browsers_nonces())
    if check is StateCheck.VALID:
        return None
    if check is StateCheck.OTHER_BROWSER:
        return (
            "This Spotify login was started in another browser, not this one, so we refused it: "
            "someone may be trying to sign you in to their account. Nothing was stored. "
            "To log in with your own Spotify account, start the login again from this page."
        )
    return (
        "This Spotify login could not be verified (its state is missing, forged or expired), "
        "so we refused it. Nothing was stored. Please start the login again."
    )


def exchange_code(settings: SpotifySettings, code: str) -> None:
    """Trade the authorization code for a token, saved in this session only."""
    with spotify_errors():
        auth_manager(settings).get_access_token(code, as_dict=False, check_cache=False)


def has_token() -> bool:
    return SessionCacheHandler().get_cached_token() is not None


def fetch_profile(
    settings: SpotifySettings,
    *,
    display_name: str | None = None,
    stored_name: NameLookup = nothing_stored,
    progress: Progress | None = None,
    on_wait: Callable[[int], None] = time.sleep,
) -> TasteProfile:
    """The visitor's profile from Spotify, named as ``build_taste_profile`` says (the name chosen
    now, else the one ``stored_name`` had): never Spotify's display_name. On 429 waits
    ``Retry-After`` (via ``on_wait``) and retries; on a rejected token refreshes it once. Raises
    the core's ``SpotifyError`` tree."""
    manager = auth_manager(settings)
    client = make_client(auth_manager=manager, api_base=settings.api_base)
    refreshed = False
    waits = 0
    while True:
        try:
            return build_taste_profile(
                fetch_payloads(client, progress=progress), display_name=display_name, stored_name=stored_name
            )
        except SpotifyRateLimitError as exc:
            waits += 1
            if waits > MAX_RATE_LIMIT_RETRIES or exc.retry_after > MAX_WAIT_SECONDS:
                raise
            on_wait(exc.retry_after)
        except SpotifyAuthError:
            token = SessionCacheHandler().get_cached_token()
            if refreshed or not token or not token.get("refresh_token"):
                raise
            refreshed = True
            with spotify_errors():
                manager.refresh_access_token(token["refresh_token"])


def forget_token() -> None:
    st.session_state.pop(TOKEN_KEY, None)
