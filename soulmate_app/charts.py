"""Plotly figure builders: core models in, ``go.Figure`` out. No Streamlit, no store access."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from soulmate_app import explain
from soulmate_app.escape import plotly as shown
from soulmate_core import ArtistEntry, Match
from soulmate_core.insights import DriftRow
from soulmate_core.overview import TasteMapView

RANGE_LABELS = {
    "short_term": "last 4 weeks",
    "medium_term": "last 6 months",
    "long_term": "all time (Spotify's long term)",
    "all_time": "all time",
}
PALETTE = (
    "#1DB954",
    "#7C5CFF",
    "#FF8A3D",
    "#2EC4F1",
    "#F25C9A",
    "#F2C14E",
    "#8D99AE",
    "#0B6E4F",
    "#B5179E",
    "#6A994E",
    "#E63946",
    "#3A86FF",
)


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(title=title, height=height, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return fig


def genre_bars(genre_weights: Mapping[str, float], limit: int = 12) -> go.Figure:
    top = list(genre_weights.items())[:limit][::-1]
    fig = go.Figure(
        go.Bar(
            x=[round(100 * w, 1) for _, w in top],
            y=[shown(g) for g, _ in top],
            orientation="h",
            marker_color=PALETTE[0],
            hovertemplate="%{y}: %{x}%<extra></extra>",
        )
    )
    fig.update_xaxes(title="share of your listening (%)")
    return _layout(fig, "Top genres")


def genre_sunburst(families: Mapping[str, Mapping[str, float]], limit: int = 40) -> go.Figure:
    """Families in the middle, their genres around them; sizes are shares of listening."""
    ids, labels, parents, values = [], [], [], []
    count = 0
    for family, genres in families.items():
        kept = list(genres.items())[: max(1, limit - count)]
        if not kept:
            break
        ids.append(f"family/{shown(family)}")
        labels.append(shown(family))
        parents.append("")
        values.append(0.0)  # "remainder": a family is exactly the sum of its genres
        for genre, weight in kept:
            ids.append(f"genre/{shown(family)}/{shown(genre)}")
            labels.append(shown(genre))
            parents.append(f"family/{shown(family)}")
            values.append(round(100 * weight, 2))
        count += len(kept)
        if count >= limit:
            break
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="remainder",
            hovertemplate="%{label}: %{percentRoot:.0%} of your genres<extra></extra>",
        )
    )
    return _layout(fig, "Your genres, by family", height=460)


def artist_bars(artists: Sequence[ArtistEntry], title: str) -> go.Figure:
    bars = list(artists)[::-1]
    fig = go.Figure(
        go.Bar(
            x=[round(100 * a.weight, 1) for a in bars],
            y=[shown(a.name) for a in bars],
            orientation="h",
            marker_color=PALETTE[1],
            hovertemplate="%{y}: %{x}%<extra></extra>",
        )
    )
    fig.update_xaxes(title="share of this period (%)")
    return _layout(fig, title, height=max(300, 28 * len(bars) + 90))


def drift_chart(rising: Sequence[DriftRow], falling: Sequence[DriftRow], ranges: Sequence[str]) -> go.Figure:
    """One line per moving artist across the time ranges, oldest first."""
    fig = go.Figure()
    order = [r for r in ("long_term", "medium_term", "short_term") if r in ranges]
    for rows, colour, word in ((rising, PALETTE[0], "rising"), (falling, PALETTE[2], "falling")):
        for row in rows:
            fig.add_trace(
                go.Scatter(
                    x=[RANGE_LABELS[r] for r in order],
                    y=[round(100 * row.weights.get(r, 0.0), 2) for r in order],  # type: ignore[call-overload]
                    mode="lines+markers",
                    name=f"{shown(row.artist)} ({word})",
                    text=[shown(row.artist)] * len(order),
                    line={"color": colour},
                    hovertemplate=f"%{{text}}: %{{y}}%<extra>{word}</extra>",
                )
            )
    fig.update_yaxes(title="share of listening (%)")
    return _layout(fig, "Taste drift: who rose and who fell", height=420)


def latent_bars(labels: Sequence[str], values: Sequence[float]) -> go.Figure:
    fig = go.Figure(
        go.Bar(
            x=[round(100 * v) for v in values],
            y=[shown(label) for label in labels],
            orientation="h",
            marker_color=PALETTE[3],
            hovertemplate="%{y}: stronger than %{x}% of listeners<extra></extra>",
        )
    )
    fig.update_xaxes(title="percentile among listeners", range=[0, 100])
    return _layout(fig, "Your taste dimensions (learned from everyone's artists)")


def match_scores(found: Sequence[Match], names: Sequence[str]) -> go.Figure:
    """Each soulmate's score, stacked by the parts that count towards it, in the points the
    explanation gives them (``explain.reasons``); ``names`` are how each is shown (``people``)."""
    labels = [f"{i}. {shown(name)}" for i, name in enumerate(names, start=1)][::-1]
    points = [{r.component: r.points for r in explain.reasons(m)} for m in found]
    components = list(dict.fromkeys(name for found_points in points for name in found_points))
    fig = go.Figure()
    for i, name in enumerate(components):
        label = explain.LABELS.get(name, name)
        fig.add_trace(
            go.Bar(
                x=[p.get(name, 0) for p in points][::-1],
                y=labels,
                orientation="h",
                name=label,
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate=f"%{{y}}<br>{label}: %{{x}} points<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.15})
    fig.update_xaxes(title="match score (0–100), by the parts that count", range=[0, 100])
    return _layout(fig, "Your soulmates", height=max(320, 34 * len(found) + 140))


def radar(axes: Sequence[str], series: Mapping[str, Sequence[float]], title: str) -> go.Figure:
    fig = go.Figure()
    closed = [shown(a) for a in (*axes, axes[0])] if axes else []
    for i, (name, values) in enumerate(series.items()):
        vals = [round(100 * v, 1) for v in values]
        fig.add_trace(
            go.Scatterpolar(
                r=[*vals, vals[0]] if vals else [],
                theta=closed,
                name=shown(name),
                fill="toself",
                opacity=0.6,
                line={"color": PALETTE[i % len(PALETTE)]},
            )
        )
    fig.update_layout(polar={"radialaxis": {"visible": True}})
    return _layout(fig, title, height=460)


def taste_map(view: TasteMapView) -> go.Figure:
    """Listeners as dots coloured by taste cluster (a cluster keeps its colour on every draw), your
    soulmates as diamonds, you as a star on top. Hover shows display names only."""
    fig = go.Figure()
    for c, label in enumerate(view.cluster_labels):
        members = [d for d in view.listeners if d.cluster == c]
        if members:
            fig.add_trace(
                go.Scatter(  # SVG, not WebGL: a WebGL canvas would cover the soulmates and you
                    x=[d.x for d in members],
                    y=[d.y for d in members],
                    text=[shown(d.name) for d in members],
                    mode="markers",
                    name=shown(label),
                    marker={"size": 7, "color": PALETTE[c % len(PALETTE)], "opacity": 0.75},
                    hovertemplate="%{text}<extra></extra>",
                )
            )
    if view.soulmates:
        fig.add_trace(
            go.Scatter(
                x=[d.x for d in view.soulmates],
                y=[d.y for d in view.soulmates],
                text=[shown(d.name) for d in view.soulmates],
                mode="markers",
                name="your soulmates",
                marker={
                    "size": 13,
                    "symbol": "diamond",
                    "color": [PALETTE[d.cluster % len(PALETTE)] for d in view.soulmates],
                    "line": {"width": 2, "color": "#111111"},
                },
                hovertemplate="%{text} (your soulmate)<extra></extra>",
            )
        )
    if view.me is not None:
        fig.add_trace(
            go.Scatter(
                x=[view.me.x],
                y=[view.me.y],
                text=[shown(view.me.name)],
                mode="markers+text",
                textposition="top center",
                textfont={"color": "#111111", "size": 14},
                name="you",
                marker={
                    "size": 18,
                    "color": "#111111",
                    "symbol": "star",
                    "line": {"width": 2, "color": "#FFD400"},
                },
                hovertemplate="%{text} (you)<extra></extra>",
            )
        )
    fig.update_xaxes(showticklabels=False, title="")
    fig.update_yaxes(showticklabels=False, title="")
    fig.update_layout(legend={"title": "taste clusters"})
    whom = f"{view.drawn:,} of the {view.everyone:,}" if view.drawn < view.everyone else "everyone"
    return _layout(fig, f"Taste map: {whom} who opted in", height=560)
