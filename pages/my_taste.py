"""My taste: top genres and top artists."""

import streamlit as st

from soulmate_app import charts, session
from soulmate_core.insights import genre_families

profile = session.require_profile()
st.title("My taste")
st.caption(f"{profile.display_name} · source: {profile.source}")

if profile.has_genres:
    left, right = st.columns(2)
    left.plotly_chart(charts.genre_bars(profile.genre_weights), key="genre_bars")
    right.plotly_chart(charts.genre_sunburst(genre_families(profile)), key="genre_sunburst")

main = profile.main_range()
st.plotly_chart(
    charts.artist_bars(profile.top_artists(main, 15), f"Top artists, {charts.RANGE_LABELS[main]}"),
    key="top_artists",
)
