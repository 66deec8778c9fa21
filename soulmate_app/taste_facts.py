"""My taste's figures that need words around them: rarity (claimed only where ``rarity`` allows),
top tracks per range, and what an imported history counted, minutes listened included."""

from __future__ import annotations

import streamlit as st

from soulmate_app import charts
from soulmate_app.escape import md
from soulmate_core import ListeningSummary, Rarity, TasteProfile, listening_lines
from soulmate_core.listening import minutes
from soulmate_core.profile import RangeName
from soulmate_core.rarity import too_few

TOP_TRACKS = 10
MINUTE_RANGES: dict[RangeName, str] = {"short_term": "last 4 weeks", "medium_term": "last 6 months"}
"""The ranges whose minutes are shown beside the whole history's (the long term is all of it)."""


def niche_value(rarity: Rarity) -> str:
    return f"{round(100 * rarity.niche.score)} / 100" if rarity.niche else "not yet"


def niche_caption(rarity: Rarity) -> str:
    if rarity.niche is None:
        return too_few(rarity.listeners)
    return (
        f"How rare your artists are among the {rarity.listeners:,} listeners here, weighted by how "
        f"much you play them: more niche than {round(100 * rarity.niche.percentile)}% of them."
    )


def rarest_markdown(rarity: Rarity) -> str | None:
    """"**Name** (1 other listener), ...": only where rarity is claimed and someone else plays them."""
    if not rarity.claimed or not rarity.rarest:
        return None
    return ", ".join(
        f"**{md(name)}** ({others:,} other listener{'' if others == 1 else 's'})"
        for name, others in rarity.rarest
    )


def only_you_markdown(rarity: Rarity) -> str | None:
    """The artists nobody else here plays: a fact about this place, not a claim of rarity."""
    if not rarity.claimed or not rarity.only_you:
        return None
    names = ", ".join(f"**{md(name)}**" for name in rarity.only_you)
    more = rarity.only_you_count - len(rarity.only_you)
    tail = f" and {more:,} more of your artists" if more > 0 else ""
    return f"Nobody else here plays {names}{tail} (yet)."


def show_rarest(rarity: Rarity) -> None:
    rarest, only_you = rarest_markdown(rarity), only_you_markdown(rarity)
    if rarest is None and only_you is None:
        return
    st.subheader("Your rarest artists")
    if rarest is not None:
        st.markdown(rarest)
    if only_you is not None:
        st.caption(only_you)


def show_top_tracks(profile: TasteProfile) -> None:
    """A tab per range that has tracks; nothing when the source gave none."""
    ranges = [name for name, taste in profile.ranges.items() if taste.tracks]
    if not ranges:
        return
    st.subheader("Top tracks")
    tabs = st.tabs([charts.range_label(profile, name) for name in ranges])
    for tab, name in zip(tabs, ranges, strict=True):
        with tab:
            title = f"Top tracks, {charts.short_range_label(profile, name)}"
            tracks = profile.ranges[name].tracks[:TOP_TRACKS]
            st.plotly_chart(charts.track_bars(tracks, title), key=f"tracks_{name}")


def show_listening(summary: ListeningSummary) -> None:
    """What an imported history counted: minutes listened where its files say, then every line."""
    st.subheader("What your history counted")
    if summary.minutes is not None:
        st.metric("Minutes listened", f"{summary.minutes:,}")
        caption = minutes_by_range(summary)
        if caption:
            st.caption(caption)
    st.markdown("\n".join(f"- {md(line)}" for line in listening_lines(summary)))


def minutes_by_range(summary: ListeningSummary) -> str:
    """"Last 4 weeks: 1,234 minutes · last 6 months: 9,876 minutes", for the ranges the history has."""
    parts = [
        f"{label}: {minutes(summary.range_ms[name]):,} minutes"
        for name, label in MINUTE_RANGES.items()
        if name in summary.range_ms
    ]
    text = " · ".join(parts)
    return text[:1].upper() + text[1:]
