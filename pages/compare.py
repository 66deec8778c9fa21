"""Compare: you and one other listener side by side: a soulmate, anyone on the map, or whoever gave
you their share code or link."""

import streamlit as st

from soulmate_app import charts, compare_choice, data, explain, people, session, share_link
from soulmate_app.escape import md
from soulmate_core import family_weights, shared_and_unique, union_top

if share_link.arrived() and session.current_user_id() is None:
    st.info(
        "Someone sent you their share link. Connect first (Spotify, your data export, or your "
        "recovery key), then open Compare again: we keep the link for this visit."
    )
profile = session.require_profile()
st.title("Compare")
share_link.panel(profile)

chosen = compare_choice.choose(profile, data.visible_matches(profile, 20))
if chosen is None:
    st.stop()
other = chosen.other
m = people.masked(chosen.match) if people.hidden(profile, other.user_id) else chosen.match
name = people.name_of(m)
st.markdown(f"### You and {md(name)}: score {explain.score_points(m)}")
if explain.meaning(m):
    st.caption(explain.meaning(m))
if chosen.by_code and not other.discoverable:
    st.caption("They shared their link with you: only people with it can compare with them.")
st.markdown(md(m.summary))
if people.hidden(profile, other.user_id):
    st.stop()

if profile.has_genres and other.has_genres:
    mine, theirs = family_weights(profile), family_weights(other)
    axes = union_top([mine, theirs], 5)
    series = {"you": [mine.get(a, 0.0) for a in axes], name: [theirs.get(a, 0.0) for a in axes]}
    st.plotly_chart(charts.radar(axes, series, "Genre families"), key="radar")
else:
    mine_dims, theirs_dims = data.taste_dimensions(profile), data.taste_dimensions(other)
    if mine_dims is not None and theirs_dims is not None:
        series = {"you": mine_dims.percentiles, name: theirs_dims.percentiles}
        st.plotly_chart(
            charts.radar(list(mine_dims.labels), series, "Latent taste dimensions (percentiles)"), key="radar"
        )

shared, only_me, only_them = shared_and_unique(profile, other)
a, b, c = st.columns(3)
a.markdown("**Only you**\n\n" + ("\n".join(f"- {md(n)}" for n in only_me) or "—"))
b.markdown("**Both of you**\n\n" + ("\n".join(f"- {md(n)}" for n in shared) or "—"))
c.markdown(f"**Only {md(name)}**\n\n" + ("\n".join(f"- {md(n)}" for n in only_them) or "—"))

st.subheader("Why this score")
explain.show(m)
