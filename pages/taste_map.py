"""Taste map: everyone who opted in, placed by taste, with you highlighted."""

import streamlit as st

from soulmate_app import charts, data, session

profile = session.require_profile()
st.title("Taste map")
st.caption(
    "Each dot is a listener who opted in, placed by a low-rank model of artists and genres "
    "(truncated SVD, then PCA). Close dots listen alike. Colours are taste clusters."
)
space = data.taste_space()
if space is None:
    st.info("The map needs a few more listeners who opted in.")
    st.stop()
position, _ = space.project(profile)
st.plotly_chart(
    charts.taste_map(
        xs=space.coords[:, 0].tolist(),
        ys=space.coords[:, 1].tolist(),
        names=list(space.display_names),
        clusters=space.clusters.tolist(),
        cluster_labels=list(space.cluster_labels),
        me=(float(position[0]), float(position[1]), profile.display_name),
    ),
    key="taste_map",
)
if not profile.discoverable:
    st.caption("Your star is shown only to you: others will see you once you opt in.")
