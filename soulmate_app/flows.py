"""What the Connect page does with each way in, once the widgets have spoken."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Sequence
from functools import partial

import streamlit as st

from soulmate_adapters.spotify_client import Progress
from soulmate_app import account, data, key_login, session, spotify_login
from soulmate_app.settings import SpotifySettings, load_settings
from soulmate_core import MatchesOut, ProfileOut, TasteProfile, service
from soulmate_core.errors import (
    InputError,
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbiddenError,
    SpotifyRateLimitError,
    SpotifyUnavailableError,
)
from soulmate_core.scoring import Match
from soulmate_core.sources.bounded import Source, size_of
from soulmate_core.sources.history import Progress as ReadProgress
from soulmate_core.sources.history import profile_from_history, read_history
from soulmate_core.text import clean_name


def save_connected(profile: TasteProfile) -> TasteProfile:
    """Save a freshly built profile and sign this session in as its owner.

    A returning person keeps the discoverable choice they made; a new real person starts hidden.
    """
    existing = data.store().get(profile.user_id)
    if existing is not None:
        profile = profile.with_changes(discoverable=existing.discoverable)
    service.save_profile(data.store(), profile)
    session.sign_in(profile.user_id)
    return profile


def connect_spotify(
    settings: SpotifySettings,
    typed_name: str,
    *,
    progress: Progress | None = None,
    on_wait: Callable[[int], None] = time.sleep,
) -> TasteProfile:
    """Fetch the visitor's profile from Spotify, save it and sign this session in. Its public name
    is ``typed_name`` (cleaned); left empty, the name they chose before, else none (others see
    ``Listener #tag``): never Spotify's display_name. Raises the core's ``SpotifyError`` tree."""
    profile = spotify_login.fetch_profile(
        settings,
        display_name=clean_name(typed_name) or None,
        stored_name=partial(service.stored_name, data.store()),
        progress=progress,
        on_wait=on_wait,
    )
    return save_connected(profile)


def import_history(
    files: Sequence[tuple[str, Source]], display_name: str, progress: ReadProgress | None = None
) -> TasteProfile:
    """Build and save a profile from an uploaded listening history, in any format the importer
    knows (each file's format is read from it, as ``soulmate import`` does). Raises
    ``InputError``; stores nothing then. The raw rows are dropped as soon as the profile is built.
    Uploads are read as streams, never copied, and the cap holds for all of them together
    (Streamlit's own limit is per file): more than the cap is refused before any is read.

    Signed in to an account, it is the account's profile. Otherwise it replaces the export
    profile this session holds (uploaded here, or signed in to with its recovery key), or is a new
    profile, saved with a new recovery key for this session to show once."""
    cap = load_settings().max_export_bytes
    if sum(size_of(source) or 0 for _, source in files) > cap:
        raise InputError(f"the files are larger than the {cap // 2**20} MB cap together")
    history = read_history(files, max_total_bytes=cap, progress=progress)
    owned = _signed_in_id() or _owned_export()
    user_id = owned or f"export-{secrets.token_hex(8)}"
    name = clean_name(display_name) or (owned and service.stored_name(data.store(), owned)) or ""
    profile = profile_from_history(history, user_id=user_id, display_name=name)
    if owned:
        saved = save_connected(profile)
    else:
        saved, key = service.save_new_profile(data.store(), profile)
        session.sign_in(user_id)
        key_login.keep_new_key(user_id, key)
    st.session_state[session.EXPORT_ID_KEY] = user_id
    return saved


def _owned_export() -> str | None:
    """The export profile this session holds, if it is still stored."""
    user_id = st.session_state.get(session.EXPORT_ID_KEY)
    return user_id if isinstance(user_id, str) and data.store().get(user_id) is not None else None


def use_persona(persona_id: str) -> None:
    """Step into a demo persona; signed in to an account, keep a copy of it as your own profile
    (hidden at first, like any new real person's) that comes back with the account."""
    user_id = _signed_in_id()
    persona = data.store().get(persona_id) if user_id else None
    if user_id is None or persona is None:
        session.sign_in(persona_id)
        return
    save_connected(persona.with_changes(user_id=user_id, source="persona", discoverable=False))


def _signed_in_id() -> str | None:
    signed_in = account.signed_in()
    return signed_in.user_id if signed_in else None


def set_discoverable(profile: TasteProfile, visible: bool) -> TasteProfile:
    return service.set_discoverable(data.store(), profile.user_id, visible)


def delete_my_data(profile: TasteProfile) -> None:
    """Remove the profile from the store (and so from every match) and sign this session out."""
    service.delete_user(data.store(), profile.user_id)
    session.sign_out()


def profile_json(profile: TasteProfile) -> str:
    """The download of one's own profile: the same schema as the API and ``soulmate profile``."""
    return ProfileOut.of(profile).model_dump_json(indent=2)


def matches_json(user_id: str, found: list[Match]) -> str:
    """The download of one's matches: the same schema as the API and ``soulmate matches``."""
    return MatchesOut.of(user_id, found, load_settings().alias_key).model_dump_json(indent=2)


def spotify_message(exc: SpotifyError) -> str:
    """A friendly, actionable line for each way a Spotify call can fail: plain text, which quotes
    the error, so escape it for Markdown (``escape.md``) to show it."""
    if isinstance(exc, SpotifyForbiddenError):
        return (
            "Spotify refused access for this account. This app runs in Spotify's Development Mode, "
            "which lets in at most 5 users that the app owner has registered. Ask the owner to add "
            "you, or upload your Spotify data export instead: it works for everyone."
        )
    if isinstance(exc, SpotifyRateLimitError):
        return f"Spotify is busy right now (rate limit). Please try again in {exc.retry_after} seconds."
    if isinstance(exc, SpotifyAuthError):
        return "Your Spotify login has expired or was refused. Please log in with Spotify again."
    if isinstance(exc, SpotifyUnavailableError):
        return "Spotify did not answer. Please try again in a minute."
    return f"Spotify could not give us your listening: {exc}"
