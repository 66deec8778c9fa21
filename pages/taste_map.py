"""Taste map: listeners who opted in, placed by taste, with you and your soulmates highlighted.
A click on someone's dot opens Compare with them."""

import streamlit as st

from soulmate_app import data, map_chart, nav, people, session

profile = session.require_profile()
st.title("Taste map")
view = data.taste_map(profile)
if view is None:
    st.info("The map needs a few more listeners who opted in.")
    st.stop()
st.caption(
    "Each dot is a listener who opted in, placed by taste: close dots listen alike. Colours are "
    "taste clusters, named by what their listeners play most; diamonds are your soulmates. "
    "Click a dot to compare with that listener."
)
event = st.plotly_chart(
    map_chart.taste_map(view, people.handle),
    key="taste_map",
    on_select="rerun",
    selection_mode="points",
    config={"displaylogo": False, "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]},
)
chosen = map_chart.picked(event.selection if event else None, view, people.handle)
if chosen is not None:
    st.session_state["compare_with"] = chosen
    st.switch_page(nav.COMPARE)
if view.sampled:
    st.caption(
        f"A sample of {view.drawn:,} of the {view.everyone:,} listeners is drawn, the same on every "
        "visit, with you and your soulmates always among them; the grey shading shows where everyone is."
    )
if view.me is None:
    st.caption(
        "None of your artists are known to the model yet, so your star is missing until its next build."
    )
elif not profile.discoverable:
    st.caption("Your star is shown only to you: others will see you once you opt in.")
