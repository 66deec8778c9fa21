"""Compare: you against one soulmate, side by side."""

import streamlit as st

from soulmate_app import charts, data, explain, people, session
from soulmate_app.escape import md
from soulmate_core import family_weights, shared_and_unique, union_top

profile = session.require_profile()
st.title("Compare")

candidates = data.visible_matches(profile, 20)
if not candidates:
    st.info("No soulmates to compare with yet.")
    st.stop()
by_id = {m.other_id: m for m in candidates}
wanted = st.session_state.get("compare_with")
chosen = st.selectbox(
    "Compare with",
    options=list(by_id),
    index=list(by_id).index(wanted) if wanted in by_id else 0,
    format_func=lambda other: f"{people.name_of(by_id[other])} ({round(100 * by_id[other].score)})",
    key="compare_choice",
)
m = by_id[chosen]
name = people.name_of(m)
st.markdown(f"### You and {md(name)}: score {explain.score_points(m)}")
if explain.meaning(m):
    st.caption(explain.meaning(m))
st.markdown(md(m.summary))
other = data.store().get(m.other_id)
if other is None:
    st.warning("This listener just left.")
    st.stop()
if people.hidden(profile, m.other_id):
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
