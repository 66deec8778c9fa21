"""Soulmates: ranked matches, each score broken into its parts, with a one-line why."""

import streamlit as st

from soulmate_app import charts, data, session

profile = session.require_profile()
st.title("Your soulmates")

found = data.matches(profile.user_id, 10)
if not found:
    st.info("No soulmates yet: nobody who opted in shares your taste. Check back as more people join.")
    st.stop()

st.plotly_chart(charts.match_scores(found), key="match_scores")
for rank, m in enumerate(found, start=1):
    with st.container(border=True):
        st.markdown(f"**{rank}. {m.other_display_name}** · score **{round(100 * m.score)}**")
        st.progress(min(1.0, m.score))
        st.write(m.summary)
