"""This browser's login nonce, which binds a Spotify OAuth ``state`` to the browser that asked.

The nonce is kept in two places: this session's ``st.session_state``, and a cookie of the browser
session (no expiry, ``SameSite=Lax``), set from the page because Streamlit's Python cannot set
cookies. Spotify's redirect opens a new Streamlit session, which finds the nonce again in the
cookie the browser sends with its connection (``st.context.cookies``). A login started in any
other browser carries another nonce and is refused.
"""

from __future__ import annotations

import json
import re

import streamlit as st

from soulmate_app.oauth_state import new_nonce

COOKIE = "soulmate_login_nonce"
NONCE_KEY = "soulmate_login_nonce"
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{43}")

_SET_COOKIE = """<script>
document.cookie = %s + "=" + %s + "; Path=/; SameSite=Lax"
  + (window.location.protocol === "https:" ? "; Secure" : "");
</script>"""


def this_browsers_nonces() -> list[str]:
    """The nonces this browser can prove it holds: the session's and the cookie's."""
    found = [st.session_state.get(NONCE_KEY), _cookie()]
    return [nonce for nonce in found if isinstance(nonce, str) and _WELL_FORMED.fullmatch(nonce)]


def nonce_for_login() -> str:
    """This browser's nonce, made and handed to the browser as a cookie on first use."""
    nonce = st.session_state.get(NONCE_KEY) or _cookie() or new_nonce()
    st.session_state[NONCE_KEY] = nonce
    if _cookie() != nonce:
        st.html(_SET_COOKIE % (json.dumps(COOKIE), json.dumps(nonce)), unsafe_allow_javascript=True)
    return str(nonce)


def _cookie() -> str | None:
    value = st.context.cookies.get(COOKIE)
    return value if isinstance(value, str) and _WELL_FORMED.fullmatch(value) else None
