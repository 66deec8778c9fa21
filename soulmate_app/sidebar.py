"""The sidebar: who is signed in (drawn before the page; ``session.settle`` redraws it when the
page signs someone in or out), and out of the way after each navigation on a narrow screen."""

from __future__ import annotations

import streamlit as st

from soulmate_app import account, people, session
from soulmate_app.escape import md

NARROW = 768
"""Below this width (Streamlit's own breakpoint) the sidebar is drawn over the page."""
_CLOSE_WHEN_NARROW = """<script>
/* %s */
(() => {
  if (window.innerWidth >= %d) return;
  const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
  if (close && close.getAttribute("aria-expanded") === "true") close.click();
})();
</script>"""


def show(page: str) -> None:
    """``page``: the url path of the page about to run."""
    account.resume()
    profile = session.current_profile()
    if profile is not None:
        st.caption(f"Signed in as **{md(people.own_name(profile))}**")
        if st.button("Sign out", key="sign_out"):
            account.sign_out()
    account.sidebar()
    session.shown()
    close_after_navigation(page)


def close_after_navigation(page: str) -> None:
    """On a narrow screen, close the sidebar once a page link in it was followed. Streamlit does
    this only for browsers that say they are phones; a narrow window, a tablet or a phone asking
    for the desktop site keeps the sidebar open over the page. The script names the page, so it
    runs again (and only) when the page changes. Nothing in it comes from a person."""
    st.html(_CLOSE_WHEN_NARROW % (page.replace("*/", ""), NARROW), unsafe_allow_javascript=True)
