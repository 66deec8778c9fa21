"""Per-visitor state, kept only in ``st.session_state`` (one per browser session).

Signing in or out while a page runs marks the session changed: the sidebar, drawn before the
page, then names someone else, so ``dashboard.py`` reruns the script at once (``settle``). A word
for the visitor about what just happened goes through ``notice``, which survives that rerun.
"""

from __future__ import annotations

import streamlit as st

from soulmate_app import data, nav
from soulmate_core import TasteProfile

USER_KEY = "soulmate_user_id"
TOKEN_KEY = "soulmate_spotify_token"  # written only by spotify_login.SessionCacheHandler
EXPORT_ID_KEY = "soulmate_export_user_id"
NEW_RECOVERY_KEY = "soulmate_new_recovery_key"  # written only by key_login, until its owner saved it
CHANGED_KEY = "soulmate_identity_changed"
NOTICES_KEY = "soulmate_notices"


def current_user_id() -> str | None:
    value = st.session_state.get(USER_KEY)
    return value if isinstance(value, str) else None


def sign_in(user_id: str) -> None:
    """Also after a save of the signed-in profile: its name may have changed."""
    st.session_state[USER_KEY] = user_id
    st.session_state[CHANGED_KEY] = True


def sign_out() -> None:
    """Forget who this session is, including any Spotify token or unsaved recovery key."""
    for key in (USER_KEY, TOKEN_KEY, EXPORT_ID_KEY, NEW_RECOVERY_KEY):
        st.session_state.pop(key, None)
    st.session_state[CHANGED_KEY] = True


def shown() -> None:
    """The sidebar now shows the session as it is."""
    st.session_state.pop(CHANGED_KEY, None)


def settle() -> None:
    """Rerun at once when the page signed someone in or out since the sidebar was drawn."""
    if st.session_state.pop(CHANGED_KEY, False):
        st.rerun()


def notice(text: str) -> None:
    """A success line (Markdown, escaped by the caller) to show at the top of the next page drawn."""
    st.session_state.setdefault(NOTICES_KEY, []).append(text)


def show_notices() -> None:
    for text in st.session_state.pop(NOTICES_KEY, []):
        st.success(text)


def current_profile() -> TasteProfile | None:
    """The signed-in profile, or None; signs out when the profile was deleted meanwhile."""
    user_id = current_user_id()
    if user_id is None:
        return None
    profile = data.store().get(user_id)
    if profile is None:
        sign_out()
    return profile


def require_profile() -> TasteProfile:
    """The signed-in profile; otherwise a pointer to the Connect page, and the page stops here."""
    profile = current_profile()
    if profile is None:
        st.info("Connect first: log in with Spotify, upload your listening history, or pick a demo persona.")
        st.page_link(nav.CONNECT, label="Go to Connect", icon=":material/login:")
        st.stop()
    return profile
