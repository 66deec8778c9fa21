"""Connect: the ways in. Each ends with a saved profile and a button to your soulmates."""

import streamlit as st

from soulmate_app import data, nav, session

st.title("Find your music soulmates")
st.write(
    "Bring your listening, get a taste profile, and meet the people whose taste matches yours, "
    "with every score explained."
)

st.subheader("Try a demo persona")
st.caption("No account needed: step into one of our demo listeners and look around.")
personas = data.demo_personas()
labels = {p.user_id: p.display_name for p in personas}
chosen = st.selectbox(
    "Demo persona",
    options=list(labels),
    format_func=lambda user_id: labels[user_id],
    index=None,
    placeholder="Choose a listener…",
    key="persona_choice",
)
if st.button("Use this persona", type="primary", disabled=chosen is None, key="use_persona"):
    session.sign_in(str(chosen))

profile = session.current_profile()
if profile is not None:
    st.success(f"You are **{profile.display_name}**. Your taste profile is ready.")
    if st.button("See your soulmates", key="see_soulmates", icon=":material/favorite:"):
        st.switch_page(nav.SOULMATES)
