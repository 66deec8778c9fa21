"""Music Soulmate Finder: the Streamlit dashboard. Run with ``make run``."""

import streamlit as st

from soulmate_app import account, guard, nav, people, session, settings
from soulmate_app.escape import md

st.set_page_config(page_title="Music Soulmate Finder", page_icon=":material/favorite:", layout="wide")
settings.require_valid()

pages = [
    st.Page(path, title=title, icon=icon, url_path=url, default=path == nav.CONNECT)
    for path, title, icon, url in nav.PAGES
]
current = st.navigation(pages)

with guard.shown_safely():
    with st.sidebar:
        account.resume()
        profile = session.current_profile()
        if profile is not None:
            st.caption(f"Signed in as **{md(people.own_name(profile))}**")
            if st.button("Sign out", key="sign_out"):
                account.sign_out()
        account.sidebar()

    current.run()
