"""Recovery keys on the dashboard: a new key shown once, and "Sign in with your recovery key".

A new key stays in this browser session's ``st.session_state`` only until its owner says they have
saved it (or signs out), and never in ``st.cache_*`` or a log. The sign-in field is masked, and the
form clears it once sent.
"""

from __future__ import annotations

import streamlit as st

from soulmate_app import data, session
from soulmate_core import TasteProfile, recovery, service
from soulmate_core.errors import UnknownKeyError

KEY_FILE = "soulmate-recovery-key.txt"
WRONG_KEY = (
    "That recovery key does not open any profile. Check that you pasted all of it (it begins with "
    f"`{recovery.KEY_PREFIX}`); a deleted profile's key opens nothing. Nothing was changed."
)


def keep_new_key(user_id: str, key: str) -> None:
    """Show ``key`` to this session while it is signed in as ``user_id``, until they have saved it
    (``show_new_key``) or signed out."""
    st.session_state[session.NEW_RECOVERY_KEY] = (user_id, key)


def sign_in(text: str) -> TasteProfile:
    """Sign this session in as the owner of the recovery key in ``text``; a later upload here
    replaces that profile. Raises ``UnknownKeyError`` and changes nothing when no profile has it."""
    profile = service.profile_for_key(data.store(), text)
    session.sign_out()
    session.sign_in(profile.user_id)
    st.session_state[session.EXPORT_ID_KEY] = profile.user_id
    return profile


def show_new_key() -> None:
    """The key just made for this session's profile, with its download, until saved."""
    pending = st.session_state.get(session.NEW_RECOVERY_KEY)
    if not (isinstance(pending, tuple) and pending[0] == session.current_user_id()):
        return
    key = pending[1]
    with st.container(border=True):
        st.subheader("Your recovery key")
        st.write(
            "This key is how you get this profile back after closing the page, in another browser, "
            "or after signing out: to see it, download it, upload a newer export over it, or delete it. "
            "Keep it private, like a password. We keep only a hash of it, so this is the only time "
            "we can show it."
        )
        st.code(key, language=None)
        st.download_button(
            "Download my recovery key",
            data=recovery.key_file(key),
            file_name=KEY_FILE,
            mime="text/plain",
            key="recovery_key_download",
            on_click="ignore",
            icon=":material/key:",
        )
        if st.button("I have saved my key", key="recovery_key_saved"):
            st.session_state.pop(session.NEW_RECOVERY_KEY, None)
            st.rerun()


def sign_in_form() -> None:
    """"Sign in with your recovery key": the form, and what its submission did."""
    with st.expander("Uploaded before? Sign in with your recovery key", icon=":material/key:"):
        with st.form("recovery_key_form", clear_on_submit=True, border=False):
            text = st.text_input(
                "Recovery key",
                type="password",
                key="recovery_key",
                placeholder=f"{recovery.KEY_PREFIX}…",
                help="Paste the key, or the whole text of the key file you downloaded.",
            )
            submitted = st.form_submit_button("Sign in with my key", key="recovery_key_sign_in")
        if submitted:
            try:
                sign_in(text or "")
            except UnknownKeyError:
                st.error(WRONG_KEY)
            else:
                session.notice(
                    "Welcome back. An upload here now replaces this profile instead of adding one."
                )
