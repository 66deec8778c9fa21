"""The group blend's charts: the compatibility matrix as a heatmap, and the artists that hold the
group together. Names are other people's text: escaped for Plotly (``escape.plotly``), cut to
``LABEL_CHARS`` on the axes, whole in the hover."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

from soulmate_app.escape import plotly as shown
from soulmate_core.group import GroupArtist

LABEL_CHARS = 22
SCALE = [[0.0, "#F4F1EA"], [0.5, "#8FD9A8"], [1.0, "#0B6E4F"]]


def label(name: str) -> str:
    """A name short enough for an axis: cut with an ellipsis past ``LABEL_CHARS`` characters."""
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def _unique(labels: Sequence[str]) -> list[str]:
    """Axis labels told apart: Plotly would merge two equal category labels into one row."""
    seen: dict[str, int] = {}
    out = []
    for text in labels:
        seen[text] = seen.get(text, 0) + 1
        out.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return out


def group_heatmap(names: Sequence[str], scores: Sequence[Sequence[float | None]]) -> go.Figure:
    """Each pair's score, 0 to 100, in its cell; the first member's row on top; the diagonal empty."""
    axis = _unique([shown(label(n)) for n in names])
    full = [shown(n) for n in names]
    z = [[None if s is None else round(100 * s) for s in row] for row in scores]
    pairs = [[[full[i], full[j]] for j in range(len(names))] for i in range(len(names))]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=axis,
            y=axis,
            customdata=pairs,
            zmin=0,
            zmax=100,
            colorscale=SCALE,
            xgap=3,
            ygap=3,
            texttemplate="%{z}",
            textfont={"size": 15},
            hovertemplate="%{customdata[0]} and %{customdata[1]}: %{z}<extra></extra>",
            colorbar={"title": {"text": "score"}, "thickness": 12},
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True)
    fig.update_xaxes(side="top", tickangle=-30, automargin=True)
    size = len(names)
    fig.update_layout(
        title="Who matches whom (score 0–100)",
        height=180 + 52 * size,
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig


def glue_bars(artists: Sequence[GroupArtist], group_size: int) -> go.Figure:
    """How many members play each artist that holds the group together, most first."""
    bars = list(artists)[::-1]
    fig = go.Figure(
        go.Bar(
            x=[a.members for a in bars],
            y=[shown(label(a.name)) for a in bars],
            customdata=[[shown(a.name), round(100 * a.share, 1)] for a in bars],
            orientation="h",
            marker_color="#1DB954",
            hovertemplate=(
                f"%{{customdata[0]}}: %{{x}} of {group_size} of you, "
                "%{customdata[1]}% of the group's listening<extra></extra>"
            ),
        )
    )
    fig.update_xaxes(title=f"members who play them (of {group_size})", range=[0, group_size], dtick=1)
    fig.update_yaxes(automargin=True)
    fig.update_layout(
        title="The artists that hold you together",
        height=max(260, 30 * len(bars) + 120),
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
    )
    return fig
