"""Connect: three ways in. Each ends with a saved profile and a button to your soulmates."""

import time

import streamlit as st

from soulmate_app import data, flows, key_login, nav, people, public_name, session, spotify_login
from soulmate_app.escape import md
from soulmate_app.settings import load_settings
from soulmate_core import InputError, SpotifyAuthError, SpotifyError

settings = load_settings()
spotify = settings.spotify

HISTORY_HELP = """
- **Spotify**: *Account → Privacy settings → Download your data*. Ask for the *Extended streaming
  history* (every year you listened; it can take up to 30 days) or the *Account data* (the last year,
  in about 5 days), then upload the zip, or its `Streaming_History_Audio_*.json`, `endsong_*.json`,
  `StreamingHistory_music_*.json` or `StreamingHistory*.json` files.
- **ListenBrainz**: *Settings → Export data*, then upload the zip (`user.json` and `listens/`).
- **Last.fm**: Last.fm has no export of its own; a community exporter such as *lastfm-to-csv* gives a
  CSV of artist, album, track and date. Upload that CSV.
- **Libre.fm**: its data export, a CSV of `time,artist,track,album`.
- **A portable player** (Rockbox and others): the `.scrobbler.log` in the player's root folder.

Skips, plays under 30 s, podcasts, audiobooks, videos and private sessions are left out, and one track
on repeat cannot make your taste: *My taste* shows what was counted.
"""


def fetch_from_spotify(typed_name: str = "") -> None:
    """Fetch /me and the top items with a progress bar, then save the profile under the public name
    typed (empty: the one chosen before, else Listener #tag)."""
    assert spotify is not None
    bar = st.progress(0.0, text="Asking Spotify for your listening…")

    def progress(done: int, total: int, label: str) -> None:
        bar.progress(done / total, text=f"Fetching {label}…")

    def wait(seconds: int) -> None:
        with st.spinner(f"Spotify asked us to slow down; retrying in {seconds} s…"):
            time.sleep(seconds)

    try:
        flows.connect_spotify(spotify, typed_name, progress=progress, on_wait=wait)
    except SpotifyError as exc:
        if isinstance(exc, SpotifyAuthError):
            spotify_login.forget_token()
        st.error(md(flows.spotify_message(exc)))
    finally:
        bar.empty()


st.title("Find your music soulmates")
st.write(
    "Bring your listening, get a taste profile, and meet the people whose taste matches yours, "
    "with every score explained."
)

# --- coming back from Spotify's login page (a new browser session) ---------------------------
params = st.query_params
if "code" in params or "error" in params:
    code, state, denied = params.get("code"), params.get("state"), params.get("error")
    st.query_params.clear()
    if spotify is None:
        st.error("Spotify login is not configured on this server.")
    elif (refusal := spotify_login.state_refusal(spotify, state)) is not None:
        st.error(refusal)
    elif denied:
        st.warning("You cancelled the Spotify login. Nothing was stored.")
    elif code:
        try:
            spotify_login.exchange_code(spotify, code)
        except SpotifyError as exc:
            st.error(md(flows.spotify_message(exc)))
        else:
            fetch_from_spotify()

SPOTIFY, EXPORT, DEMO = "Log in with Spotify", "Upload your listening history", "Try a demo persona"
ways = [SPOTIFY, EXPORT, DEMO] if spotify is not None else [DEMO, EXPORT, SPOTIFY]
tabs = dict(zip(ways, st.tabs(ways), strict=True))
spotify_tab, export_tab, demo_tab = tabs[SPOTIFY], tabs[EXPORT], tabs[DEMO]

with spotify_tab:
    if spotify is None:
        st.info(
            "Spotify login is not set up on this server. To enable it, register an app at "
            "developer.spotify.com, add the redirect URI `http://127.0.0.1:8501/`, and put "
            "`client_id` and `client_secret` under `[spotify]` in `.streamlit/secrets.toml` "
            "(see `.streamlit/secrets.toml.example`). Meanwhile, upload your listening history or try a "
            "demo persona: the other two tabs."
        )
    else:
        st.write(
            "We read your top artists and tracks (scope `user-top-read`), and make a private "
            "playlist in your account only when you ask for one on Group blend "
            "(`playlist-modify-private`). Your token stays in this browser session only."
        )
        st.link_button("Log in with Spotify", spotify_login.login_url(spotify), type="primary")
        if spotify_login.has_token():
            spotify_name = public_name.name_input("spotify_name")
            if st.button("Save my name and refresh my profile from Spotify", key="spotify_refresh"):
                fetch_from_spotify(spotify_name)
        else:
            st.caption(
                "Others never see your Spotify name. Once you are back from Spotify, choose a "
                "public name here; until then you appear as Listener #tag, and only once you opt in."
            )
        st.caption(
            "Spotify's Development Mode admits only 5 registered users per app. "
            "Everyone else: upload your listening history."
        )

with export_tab:
    st.write(
        "Upload your listening history: we tell the format from the file. We keep only artists, "
        "tracks and when you played them, never the raw rows or personal fields."
    )
    with st.expander("Which files, and how to get them"):
        st.markdown(HISTORY_HELP)
    uploads = st.file_uploader(
        "Your listening history",
        type=["zip", "json", "jsonl", "csv", "tsv", "log", "txt"],
        accept_multiple_files=True,
        key="export_files",
        max_upload_size=settings.upload_cap_mb,
    )
    export_name = public_name.name_input("export_name")
    if st.button("Build my profile", disabled=not uploads, key="export_build", type="primary"):
        bar = st.progress(0.0, text="Reading your listening history…")

        def reading(done: int, total: int) -> None:
            bar.progress(min(done / total, 1.0) if total else 0.0, text="Reading your listening history…")

        try:
            flows.import_history([(f.name, f) for f in uploads or []], export_name, progress=reading)
        except InputError as exc:
            st.error(f"We could not use this upload: {md(str(exc))}. Nothing was stored.")
        finally:
            bar.empty()

with demo_tab:
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
        flows.use_persona(str(chosen))

key_login.sign_in_form()

profile = session.current_profile()
if profile is not None:
    st.success(f"You are **{md(people.own_name(profile))}**. Your taste profile is saved.")
    key_login.show_new_key()
    if not profile.discoverable:
        st.caption("Others cannot find you yet: opt in on the Privacy & data page when you are ready.")
    if st.button("See your soulmates", key="see_soulmates", icon=":material/favorite:", type="primary"):
        st.switch_page(nav.SOULMATES)
