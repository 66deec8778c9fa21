"""Plotly figure builders: core models in, ``go.Figure`` out. No Streamlit, no store access."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from soulmate_app import explain
from soulmate_app.escape import plotly as shown
from soulmate_core import ArtistEntry, Match, TasteProfile, TrackEntry
from soulmate_core.profile import RangeName
from soulmate_core.rank_paths import Slopes

RANGE_LABELS = {
    "short_term": "last 4 weeks",
    "medium_term": "last 6 months",
    "long_term": "all time",
    "all_time": "all time",
}
SPOTIFY_LONG_TERM = "about a year (Spotify's long term)"
"""A Spotify login's long range: Spotify computes it from roughly the last year, not all time."""
SPOTIFY_RANGED = frozenset({"spotify", "demo", "persona"})
"""Sources whose ranges are Spotify's own (the demo personas are modelled on Spotify's top lists)."""


def range_label(profile: TasteProfile, name: RangeName) -> str:
    """A tab's name for one of ``profile``'s time ranges: an imported history's long range is its
    whole history, a Spotify taste's is Spotify's own, about a year."""
    if name == "long_term" and profile.source in SPOTIFY_RANGED:
        return SPOTIFY_LONG_TERM
    return RANGE_LABELS[name]


def short_range_label(profile: TasteProfile, name: RangeName) -> str:
    """``range_label`` for a chart's title: "4 weeks", "6 months", "all time" or "about a year"."""
    if name == "long_term":
        return "about a year" if profile.source in SPOTIFY_RANGED else "all time"
    return SHORT_RANGE_LABELS[name]
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
    """Title, height, slim margins, and any legend below the plot, where it takes no width: on a
    phone a legend at the side leaves the chart a sliver."""
    fig.update_layout(
        title=title,
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
    )
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


MIN_LABELLED = 0.04
"""Sunburst slices smaller than this share of the whole are named on hover only: a label that
small cannot be read."""


def genre_sunburst(families: Mapping[str, Mapping[str, float]], limit: int = 40) -> go.Figure:
    """Families in the middle, their genres around them; sizes are shares of listening. Only
    slices of at least ``MIN_LABELLED`` carry a label, at a size all labels share."""
    ids, labels, parents, values, sizes = [], [], [], [], []
    count = 0
    for family, genres in families.items():
        kept = list(genres.items())[: max(1, limit - count)]
        if not kept:
            break
        ids.append(f"family/{shown(family)}")
        labels.append(shown(family))
        parents.append("")
        values.append(0.0)  # "remainder": a family is exactly the sum of its genres
        sizes.append(sum(weight for _, weight in kept))
        for genre, weight in kept:
            ids.append(f"genre/{shown(family)}/{shown(genre)}")
            labels.append(shown(genre))
            parents.append(f"family/{shown(family)}")
            values.append(round(100 * weight, 2))
            sizes.append(weight)
        count += len(kept)
        if count >= limit:
            break
    whole = sum(size for size, parent in zip(sizes, parents, strict=True) if not parent) or 1.0
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            text=[
                label if size / whole >= MIN_LABELLED else ""
                for label, size in zip(labels, sizes, strict=True)
            ],
            texttemplate="%{text}",
            insidetextorientation="horizontal",
            branchvalues="remainder",
            hovertemplate="%{label}: %{percentRoot:.0%} of your genres<extra></extra>",
        )
    )
    fig.update_layout(uniformtext={"minsize": 11, "mode": "hide"})
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


TRACK_CHARACTERS = 32


def track_bars(tracks: Sequence[TrackEntry], title: str) -> go.Figure:
    """Tracks best first, each bar named by its rank and title (cut short to fit a phone) and
    carrying its artists; hover shows both whole."""
    ranked = list(enumerate(tracks, start=1))[::-1]
    artists = [shown(", ".join(t.artists)) for _, t in ranked]
    fig = go.Figure(
        go.Bar(
            x=[round(100 * t.weight, 1) for _, t in ranked],
            y=[f"{rank}. {shown(_short(t.name, TRACK_CHARACTERS))}" for rank, t in ranked],
            orientation="h",
            marker_color=PALETTE[3],
            text=artists,
            textposition="auto",
            customdata=[[shown(t.name), who] for (_, t), who in zip(ranked, artists, strict=True)],
            hovertemplate="%{customdata[0]} · %{customdata[1]}: %{x}%<extra></extra>",
        )
    )
    fig.update_xaxes(title="share of this period (%)")
    return _layout(fig, title, height=max(300, 28 * len(ranked) + 90))


SHORT_RANGE_LABELS = {
    "short_term": "4 weeks",
    "medium_term": "6 months",
    "long_term": "long term",
    "all_time": "all time",
}
DIRECTION_COLOURS = {"rising": PALETTE[0], "falling": PALETTE[2], "holding": "#8D99AE"}
LABEL_CHARACTERS = 14


def drift_slopes(found: Slopes) -> go.Figure:
    """A slope chart: one line per top artist from the oldest range (left) to the last 4 weeks
    (right), by rank, 1 at the top; green rising, orange falling, grey holding. Each line is
    named where it ends (or, for an artist who left the top, where it began): no legend to decode."""
    fig = go.Figure()
    lower = found.top + 1
    last = len(found.ranges) - 1
    words = [SHORT_RANGE_LABELS[r] for r in found.ranges]
    for path in found.paths:
        named_at = last if path.ranks[-1] is not None else 0
        label = _short(path.artist)
        fig.add_trace(
            go.Scatter(
                x=list(range(len(found.ranges))),
                y=[rank or lower for rank in path.ranks],
                mode="lines+markers+text",
                name=shown(path.artist),
                text=[shown(label) if i == named_at else "" for i in range(len(found.ranges))],
                textposition="middle right" if named_at == last else "middle left",
                textfont={"color": DIRECTION_COLOURS[path.direction], "size": 11},
                customdata=[f"#{rank}" if rank else f"below top {found.top}" for rank in path.ranks],
                hovertext=[f"{shown(path.artist)}, {word}" for word in words],
                line={"color": DIRECTION_COLOURS[path.direction], "width": 3},
                marker={"size": 8},
                cliponaxis=False,
                showlegend=False,
                hovertemplate="%{hovertext}: %{customdata}<extra>" + path.direction + "</extra>",
            )
        )
    fig.update_xaxes(
        tickvals=list(range(len(found.ranges))), ticktext=words, range=[-1.15, last + 1.15], showgrid=False
    )
    fig.update_yaxes(
        autorange="reversed",
        tickvals=[*range(1, found.top + 1), lower],
        ticktext=[f"#{rank}" for rank in range(1, found.top + 1)] + ["lower"],
        zeroline=False,
    )
    return _layout(fig, "Taste drift: your top artists then and now", height=440)


def _short(name: str, limit: int = LABEL_CHARACTERS) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


AXIS_CHARACTERS = 12


def _axis_names(axes: Sequence[str]) -> list[str]:
    """Each axis name cut short and escaped; numbered when cutting made two alike."""
    names = [shown(_short(a, AXIS_CHARACTERS)) for a in axes]
    if len(set(names)) < len(names):
        names = [f"{i}. {name}" for i, name in enumerate(names, start=1)]
    return names


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
    return _layout(fig, "Your taste dimensions")


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
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title="points, by the parts that count", range=[0, 100])  # short: fits a phone
    return _layout(fig, "Your soulmates", height=max(320, 34 * len(found) + 140))


def radar(axes: Sequence[str], series: Mapping[str, Sequence[float]], title: str) -> go.Figure:
    """One closed line per series over ``axes``; axis names cut to ``AXIS_CHARACTERS`` so that
    the chart fits a phone (hover shows them whole)."""
    fig = go.Figure()
    names = _axis_names(axes)
    closed = [*names, names[0]] if axes else []
    whole = [shown(a) for a in (*axes, axes[0])] if axes else []
    for i, (name, values) in enumerate(series.items()):
        vals = [round(100 * v, 1) for v in values]
        fig.add_trace(
            go.Scatterpolar(
                r=[*vals, vals[0]] if vals else [],
                theta=closed,
                customdata=whole,
                name=shown(name),
                fill="toself",
                opacity=0.6,
                line={"color": PALETTE[i % len(PALETTE)]},
                hovertemplate="%{customdata}: %{r}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(polar={"radialaxis": {"visible": True}})
    _layout(fig, title, height=460)
    fig.update_layout(margin={"l": 76, "r": 76})  # room for the axis names on a phone
    return fig
