"""Your share link on the dashboard: make it, see and copy it, replace it, stop it; and a link
someone sent you, which opens Compare with ``?share=CODE``.

A link that arrives before its visitor has connected is kept in this session's
``st.session_state`` (``PENDING_KEY``) and left in the address bar, so connecting first and coming
back to Compare still opens it. The code is never put in ``st.cache_*`` or a log.
"""

from __future__ import annotations

import streamlit as st

from soulmate_app import data, nav, people
from soulmate_core import TasteProfile, service, sharing

PENDING_KEY = "soulmate_share_pending"
"""A code from a link, until a signed-in visit to Compare takes it (``take_pending``)."""
NOTICE_KEY = "soulmate_share_notice"
PANEL_TITLE = "Your share link: let anyone you choose compare with you"


def arrived() -> bool:
    """Whether this page's address carries a link's code (``?share=...``); it is kept for this
    session, whether or not it is valid (Compare says so when it opens it)."""
    value = st.query_params.get(sharing.LINK_PARAMETER)
    if value:
        st.session_state[PENDING_KEY] = value[: sharing.MAX_PASTE]
    return bool(value)


def take_pending() -> str | None:
    """The code a link brought, once: it leaves the session and the address bar."""
    code = st.session_state.pop(PENDING_KEY, None)
    if sharing.LINK_PARAMETER in st.query_params:
        del st.query_params[sharing.LINK_PARAMETER]
    return code if isinstance(code, str) else None


def page_url() -> str:
    """The Compare page's address as the visitor's browser has it (relative without a browser)."""
    here = (st.context.url or "").rstrip("/")
    if not here:
        return "/" + nav.COMPARE_URL
    head, _, last = here.rpartition("/")
    base = head if last in {url for *_, url in nav.PAGES} else here
    return f"{base}/{nav.COMPARE_URL}"


def panel(profile: TasteProfile) -> None:
    """The signed-in listener's link, with buttons to make, replace or stop it."""
    with st.expander(PANEL_TITLE, icon=":material/share:"):
        if people.is_guest(profile):
            st.caption(
                "A demo persona is everyone's: bring your own listening (Spotify or your data "
                "export) on Connect to get a link of your own."
            )
            return
        notice = st.session_state.pop(NOTICE_KEY, None)
        if isinstance(notice, str):
            st.success(notice)
        code = data.store().share_code(profile.user_id)
        if code is None:
            st.write(
                "Make a link and send it to whoever you like: they can compare with you even while "
                "you are hidden from everyone's matches. They see your public name, never your account."
            )
            st.button("Make my share link", key="share_make", on_click=_new, args=(profile.user_id, False))
            return
        st.code(sharing.link(page_url(), code), language=None)
        st.caption(
            f"Whoever has this link, or its code `{code}`, can compare with you, even while you are "
            "hidden. A new link stops this one at once."
        )
        left, right = st.columns(2)
        left.button("Make a new link", key="share_renew", on_click=_new, args=(profile.user_id, True))
        right.button("Stop sharing", key="share_stop", on_click=_stop, args=(profile.user_id,))


def _new(user_id: str, replacing: bool) -> None:
    service.new_share_code(data.store(), user_id)
    st.session_state[NOTICE_KEY] = (
        "Here is your new link. The old one no longer opens anything."
        if replacing
        else "Here is your link. Copy it with the button at its right."
    )


def _stop(user_id: str) -> None:
    data.store().drop_share_code(user_id)
    st.session_state[NOTICE_KEY] = "You stopped sharing: your link no longer opens anything."
