"""Group blend: you and 2 to 9 people who gave you their share codes. Who matches whom, the artists
that hold you together, and a playlist of what most of you play."""

import streamlit as st

from soulmate_app import flows, group_charts, groups, nav, people, session, spotify_login
from soulmate_app.escape import md
from soulmate_app.settings import load_settings
from soulmate_core import InputError, SpotifyError

profile = session.require_profile()
st.title("Group blend")
if people.is_guest(profile):
    st.info(
        "A group is made of real listeners who share their links. Bring your own listening on Connect "
        "first; then ask your friends for their share links and paste them here."
    )
    st.stop()
st.write(
    "Blend your taste with 2 to 9 friends. Each of them makes a share link on their Compare page "
    "(yours is there too) and sends it to you: paste their links or codes here."
)
st.page_link(nav.COMPARE, label="Your share link is on Compare", icon=":material/share:")
with st.form("group_form", border=False):
    text = st.text_area(
        "Their share links or codes, one per line",
        key="group_codes",
        height=150,
        placeholder="https://…/compare?share=…\nhttps://…/compare?share=…",
    )
    if st.form_submit_button("Blend us", key="group_blend", type="primary"):
        groups.remember(text or "")

pasted = groups.remembered()
if not pasted:
    st.stop()
try:
    with st.spinner("Blending your group…"):
        members, group = groups.blend(profile, pasted)
except InputError as exc:
    said = f"{exc.where}: {exc.reason}" if exc.where else exc.reason
    st.error(f"{md(said[:1].upper() + said[1:])}. Nothing was blended.")
    st.stop()

names = groups.names(members)
st.metric(
    "How well you all fit",
    f"{round(100 * group.harmony)} / 100",
    help="The mean of every pair's match score in the group.",
)
st.plotly_chart(group_charts.group_heatmap(names, group.scores), key="group_heatmap")

st.subheader("Each member's closest match")
closest = []
for i, j in enumerate(group.closest):
    score = round(100 * (group.scores[i][j] or 0.0))
    closest.append(f"- **{md(names[i])}** and **{md(names[j])}** · {score}")
st.markdown("\n".join(closest))

st.subheader("What holds you together")
if group.glue:
    st.plotly_chart(group_charts.glue_bars(group.glue, len(members)), key="group_glue")
else:
    st.caption("No artist is played by two of you yet.")

st.subheader("Your shared playlist seed")
if not group.seed:
    st.info("No track has two of you behind it yet, on the track or its artists.")
    st.stop()
st.caption("The tracks most of you play first, then tracks by the artists most of you play.")
with st.container(height=320):
    st.markdown(groups.seed_lines(group))
name = groups.playlist_name(names)
left, right = st.columns(2)
left.download_button(
    "Download the playlist (CSV)",
    data=groups.seed_csv(group),
    file_name="soulmate-group-playlist.csv",
    mime="text/csv",
    key="group_csv",
    on_click="ignore",
    icon=":material/download:",
)
right.download_button(
    "Download the playlist (JSON)",
    data=groups.seed_json(name, group),
    file_name="soulmate-group-playlist.json",
    mime="application/json",
    key="group_json",
    on_click="ignore",
    icon=":material/download:",
)
spotify, uris = load_settings().spotify, groups.spotify_uris(group)
if spotify is None or not spotify_login.has_token():
    st.caption("Logged in with Spotify (on Connect), you can also make it a private playlist of yours.")
    st.stop()
if st.button("Create this playlist in my Spotify", key="group_spotify", disabled=not uris, type="primary"):
    try:
        with st.spinner("Creating your playlist in Spotify…"):
            made = groups.create_in_spotify(spotify, name, uris)
    except SpotifyError as exc:
        st.error(md(flows.spotify_message(exc)))
    else:
        st.success(f"Created **{md(name)}** in your Spotify, private, with {made.added} tracks.")
        if made.url:
            st.link_button("Open it in Spotify", made.url, icon=":material/open_in_new:")
if len(uris) < len(group.seed):
    st.caption(
        f"{len(group.seed) - len(uris)} of these tracks came without a Spotify id (from data exports), "
        "so they stay out of the Spotify playlist; the downloads have them all."
    )
