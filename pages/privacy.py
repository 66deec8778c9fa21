"""Privacy & data: who can find you, your data as JSON, and deleting it."""

import streamlit as st

from soulmate_app import flows, session

profile = session.require_profile()
st.title("Privacy & data")
demo = profile.source == "demo"

st.subheader("Who can find you")
if demo:
    st.caption("Demo personas are shared by every visitor and always discoverable.")
visible = st.toggle(
    "Let other listeners find me as a soulmate", value=profile.discoverable, disabled=demo, key="discoverable"
)
if not demo and visible != profile.discoverable:
    profile = flows.set_discoverable(profile, visible)
    st.success("You are now discoverable." if visible else "You are hidden from everyone's matches.")

st.subheader("Your data")
st.write(
    "We store your display name, your ranked artists and tracks per time range, derived genre "
    "weights and this choice. Never raw listening rows, never your Spotify token."
)
st.download_button(
    "Download my profile (JSON)",
    data=flows.profile_json(profile),
    file_name=f"soulmate-profile-{profile.user_id}.json",
    mime="application/json",
    key="download_profile",
)

st.subheader("Delete my data")
if demo:
    st.caption("Demo personas cannot be deleted. Sign out from the sidebar to leave.")
else:
    sure = st.checkbox("I understand this removes my profile for good", key="delete_confirm")
    if st.button("Delete my data", type="primary", disabled=not sure, key="delete_data"):
        flows.delete_my_data(profile)
        session.notice("Your data is deleted and you are signed out. Nobody will see you in their matches.")
