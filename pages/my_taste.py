"""My taste: genres, top artists and tracks per time range, drift, diversity and niche-ness."""

import streamlit as st

from soulmate_app import cards, charts, data, people, session, taste_facts
from soulmate_app.escape import md
from soulmate_core import diversity, genre_coverage, genre_families, rarity_of, slopes

profile = session.require_profile()
st.title("My taste")
st.caption(f"{md(people.own_name(profile))} · from {profile.source} · updated {profile.updated_at[:10]}")

spread = diversity(profile)
stats, counted = data.stats(), data.counted(profile)
rarity = rarity_of(profile, stats, counted=counted)
left, right = st.columns(2)
left.metric("Diversity", f"{round(100 * spread.value)} / 100")
left.caption(
    f"How evenly your listening spreads over {spread.basis} (normalised entropy): like loving "
    f"{spread.effective:.0f} {spread.basis} equally."
)
right.metric("Niche-ness", taste_facts.niche_value(rarity))
right.caption(taste_facts.niche_caption(rarity))

if profile.listening is not None:
    taste_facts.show_listening(profile.listening)

if profile.has_genres:
    a, b = st.columns(2)
    a.plotly_chart(charts.genre_sunburst(genre_families(profile)), key="genre_sunburst")
    b.plotly_chart(charts.genre_bars(profile.genre_weights), key="genre_bars")
    if profile.catalogue_genres:
        with_genres, artists = genre_coverage(profile)
        st.caption(
            f"Genres from the artist catalogue: {with_genres} of your {artists} artists have genres "
            "here, learned from the listeners whose sources name them."
        )
else:
    dimensions = data.taste_dimensions(profile)
    if dimensions is not None:
        st.info(
            "Your source gives no genres, so here is your taste along dimensions learned from "
            "everyone's artists. Each is named by the artists that define it."
        )
        st.plotly_chart(charts.latent_bars(dimensions.labels, dimensions.percentiles), key="latent_dims")
    else:
        st.info("Your source gives no genres; your artists below tell the story.")

st.subheader("Top artists")
tabs = st.tabs([charts.range_label(profile, name) for name in profile.ranges])
for tab, name in zip(tabs, profile.ranges, strict=True):
    with tab:
        title = f"Top artists, {charts.short_range_label(profile, name)}"
        st.plotly_chart(charts.artist_bars(profile.top_artists(name, 15), title), key=f"artists_{name}")

taste_facts.show_top_tracks(profile)

paths = slopes(profile)
st.subheader("Taste drift")
if paths is not None:
    st.caption(
        "Your top artists' ranks from your longest range to the last 4 weeks: green climbed, "
        "orange slipped, grey held their place."
    )
    st.plotly_chart(charts.drift_slopes(paths), key="drift")
else:
    st.caption("Drift needs both a recent and a longer time range; this profile has one.")

taste_facts.show_rarest(rarity)

st.subheader("Share your taste")
st.caption("A picture of your top artists and genres to post anywhere. Nothing else about you is on it.")
cards.profile_button(profile, cards.show_my_name("card_my_name"))
