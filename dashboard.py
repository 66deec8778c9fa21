"""Music Soulmate Finder: the Streamlit dashboard. Run with ``make run``."""

import streamlit as st

from soulmate_app import guard, nav, session, settings, sidebar

st.set_page_config(page_title="Music Soulmate Finder", page_icon=":material/favorite:", layout="wide")
settings.require_valid()

pages = [
    st.Page(path, title=title, icon=icon, url_path=url, default=path == nav.CONNECT)
    for path, title, icon, url in nav.PAGES
]
current = st.navigation(pages)

with guard.shown_safely():
    with st.sidebar:
        sidebar.show(current.url_path)
    session.show_notices()
    current.run()
    session.settle()
