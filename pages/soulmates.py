"""Soulmates: ranked matches, each score broken into its parts, with shared artists and a why."""

import streamlit as st

from soulmate_app import cards, charts, data, explain, flows, nav, people, session
from soulmate_app.escape import md

profile = session.require_profile()
st.title("Your soulmates")
if not profile.discoverable:
    st.caption("You can see others who opted in; they cannot see you until you opt in on Privacy & data.")

left, right = st.columns(2)
limit = left.slider("How many", min_value=1, max_value=50, value=10, key="match_limit")
minimum = right.slider("Minimum score", min_value=0, max_value=100, value=0, key="match_min")

with st.spinner("Finding your soulmates…"):
    found = [m for m in data.visible_matches(profile, limit) if 100 * m.score >= minimum]
if not found:
    st.info("No soulmates at this minimum score yet. Lower it, or check back as more people join.")
    st.stop()

names = [people.name_of(m) for m in found]
st.plotly_chart(charts.match_scores(found, names), key="match_scores")
st.download_button(
    "Download these matches (JSON)",
    data=flows.matches_json(profile.user_id, found),
    file_name=f"soulmate-matches-{profile.user_id}.json",
    mime="application/json",
    key="download_matches",
)
with_my_name = cards.show_my_name("card_my_name")
for rank, (m, name) in enumerate(zip(found, names, strict=True), start=1):
    with st.container(border=True):
        st.markdown(f"**{rank}. {md(name)}** · score **{explain.score_points(m)}**")
        st.progress(min(1.0, m.score), text=explain.meaning(m) or None)
        st.markdown(md(m.summary))
        with st.expander(f"Why {explain.score_points(m)} points"):
            explain.show(m)
        with st.container(horizontal=True):
            if st.button("Compare", key=f"compare_{people.handle_of(m)}"):
                st.session_state["compare_with"] = m.other_id
                st.switch_page(nav.COMPARE)
            cards.match_button(profile, m, with_my_name)
