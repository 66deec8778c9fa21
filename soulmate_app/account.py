"""Sign-in through OpenID Connect (``st.login``), where the operator has configured ``[auth]`` in
``.streamlit/secrets.toml`` (README, "Security and privacy"). Without it nothing here shows.

A signed-in visitor's profile is kept under ``account_user_id(iss, sub)``, so a profile made from a
file or a demo persona while signed in comes back after a reload, in a new tab, on another day:
Streamlit's identity cookie brings ``st.user`` back, and ``resume`` signs the session in again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import streamlit as st

from soulmate_app import data, session
from soulmate_app.escape import md
from soulmate_core.accounts import account_user_id
from soulmate_core.errors import InputError
from soulmate_core.text import clean_name


@dataclass(frozen=True)
class Account:
    user_id: str
    label: str  # the e-mail address or name the provider gave, cleaned; shown to its owner only


def configured() -> bool:
    """Whether the operator set up OIDC sign-in (``[auth]`` with a redirect URI and cookie secret)."""
    try:
        auth = st.secrets.get("auth")
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return False
    return isinstance(auth, Mapping) and bool(auth.get("redirect_uri")) and bool(auth.get("cookie_secret"))


def signed_in() -> Account | None:
    """The visitor's account when they signed in through OIDC, else None."""
    user = st.user
    if not user.get("is_logged_in"):
        return None
    try:
        user_id = account_user_id(str(user.get("iss") or ""), str(user.get("sub") or ""))
    except InputError:
        return None
    label = clean_name(str(user.get("email") or user.get("name") or "")) or "your account"
    return Account(user_id=user_id, label=label)


def resume() -> None:
    """Sign this session in as the account's profile, when there is one and no one else is in."""
    account = signed_in()
    if (
        account is not None
        and session.current_user_id() is None
        and data.store().get(account.user_id) is not None
    ):
        session.sign_in(account.user_id)


def sidebar() -> None:
    """"Sign in" (or who is signed in, and "Sign out of your account"), when OIDC is configured."""
    if not configured():
        return
    account = signed_in()
    if account is None:
        st.caption("Sign in to keep the profile you make from a file or a persona.")
        if st.button("Sign in", key="account_sign_in", icon=":material/account_circle:"):
            st.login()
        return
    st.caption(f"Signed in as **{md(account.label)}** with your account")
    if session.current_user_id() is None and st.button("Sign out of your account", key="account_sign_out"):
        sign_out()


def sign_out() -> None:
    """Forget who this session is; signed in to an account, sign out of it too (else a reload would
    bring the profile back), through the provider's logout when it has one."""
    had_account = signed_in() is not None
    session.sign_out()
    if had_account:
        st.logout()
    else:
        st.rerun()
