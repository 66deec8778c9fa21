"""Taste map: listeners who opted in, placed by taste, with you and your soulmates highlighted."""

import streamlit as st

from soulmate_app import charts, data, session

profile = session.require_profile()
st.title("Taste map")
view = data.taste_map(profile)
if view is None:
    st.info("The map needs a few more listeners who opted in.")
    st.stop()
st.caption(
    "Each dot is a listener who opted in, placed by the two main directions of the latent taste "
    "model that matching uses. Close dots listen alike. Colours are taste clusters; diamonds are "
    "your soulmates."
)
st.plotly_chart(charts.taste_map(view), key="taste_map")
if view.drawn < view.everyone:
    st.caption(
        f"A sample of {view.drawn:,} of the {view.everyone:,} listeners is drawn, the same on every visit."
    )
if view.me is None:
    st.caption(
        "None of your artists are known to the model yet, so your star is missing until its next build."
    )
elif not profile.discoverable:
    st.caption("Your star is shown only to you: others will see you once you opt in.")
