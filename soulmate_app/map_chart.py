"""The taste map as a Plotly figure, and what a click on it picked. No Streamlit, no store access.

- Each cluster's colour follows its name (``cluster_colours``), not its place in the list, which
  changes with every rebuild: the same taste keeps its colour when people opt in or leave.
- When the dots are a sample (a large population), grey shading under them shows where everyone is.
- Your soulmates are outlined diamonds; you are a star drawn last, with your name in a box that is
  drawn over every dot and never clipped at the edge.
- Every dot but yours carries its listener's handle (an opaque alias, never a user id), so that a
  click can open Compare; hover shows names only.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from soulmate_app.escape import plotly as shown
from soulmate_core.overview import Dot, TasteMapView

CLUSTER_PALETTE = (
    "#1DB954",
    "#7C5CFF",
    "#FF8A3D",
    "#2EC4F1",
    "#F25C9A",
    "#C9A227",
    "#0B6E4F",
    "#B5179E",
    "#6A994E",
    "#E63946",
    "#283593",
    "#8D6E63",
)
SHADE = [[0.0, "rgba(120,120,120,0)"], [1.0, "rgba(80,80,80,0.5)"]]
YOU = "#111111"
HOVER = "%{text}<br><i>click to compare</i><extra></extra>"


def cluster_colours(labels: Iterable[str]) -> dict[str, str]:
    """A colour for each cluster name that depends on the name alone, as far as the palette allows:
    each name has a preferred colour (a hash of it); names take theirs in alphabetical order, and a
    name whose colour is taken moves to the next free one. Up to the palette's size, all differ."""
    colours: dict[str, str] = {}
    taken: set[int] = set()
    size = len(CLUSTER_PALETTE)
    for label in sorted(set(labels)):
        slot = int.from_bytes(hashlib.sha256(label.encode()).digest()[:4], "big") % size
        for step in range(size):
            if (slot + step) % size not in taken:
                slot = (slot + step) % size
                break
        taken.add(slot)
        if len(taken) == size:
            taken.clear()
        colours[label] = CLUSTER_PALETTE[slot]
    return colours


def taste_map(view: TasteMapView, handle: Callable[[str], str]) -> go.Figure:
    """``handle``: a listener's user id -> the opaque alias their dot carries."""
    fig = go.Figure()
    if view.sampled and view.density.size:
        fig.add_trace(_shading(view))
    colours = cluster_colours(view.cluster_labels)
    small = len(view.listeners) > 600
    for c, label in enumerate(view.cluster_labels):
        members = [d for d in view.listeners if d.cluster == c]
        if members:
            fig.add_trace(
                go.Scatter(  # SVG, not WebGL: a WebGL canvas would cover the soulmates and you
                    **_dots(members, handle),
                    mode="markers",
                    name=shown(label),
                    marker={
                        "size": 5 if small else 8,
                        "color": colours[label],
                        "opacity": 0.6 if small else 0.8,
                    },
                    hovertemplate=HOVER,
                )
            )
    if view.soulmates:
        fig.add_trace(
            go.Scatter(
                **_dots(view.soulmates, handle),
                mode="markers",
                name="your soulmates",
                marker={
                    "size": 14,
                    "symbol": "diamond",
                    "color": [_colour_of(d, view.cluster_labels, colours) for d in view.soulmates],
                    "line": {"width": 2, "color": YOU},
                },
                hovertemplate="%{text} (your soulmate)<br><i>click to compare</i><extra></extra>",
            )
        )
    if view.me is not None:
        _add_you(fig, view.me)
    for axis in (fig.update_xaxes, fig.update_yaxes):
        axis(showticklabels=False, ticks="", title="", zeroline=False, showgrid=False, showline=False)
    whom = f"{view.drawn:,} of the {view.everyone:,}" if view.sampled else "everyone"
    fig.update_layout(
        title=f"Taste map: {whom} who opted in",
        height=600,
        margin={"l": 8, "r": 8, "t": 48, "b": 8},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0, "title": "taste clusters: "},
        clickmode="event+select",
        dragmode="pan",
        modebar={"orientation": "v"},  # beside the plot, not over its title on a phone
    )
    return fig


def picked(
    selection: Mapping[str, Any] | None, view: TasteMapView, handle: Callable[[str], str]
) -> str | None:
    """The user id of the listener whose dot a click selected, or None: no point, your own star,
    or a dot no longer in ``view``."""
    points = (selection or {}).get("points") or []
    handles = {point.get("customdata") for point in points if isinstance(point, Mapping)}
    for dot in (*view.soulmates, *view.listeners):
        if handle(dot.user_id) in handles:
            return dot.user_id
    return None


def _dots(dots: Sequence[Dot], handle: Callable[[str], str]) -> dict[str, list[Any]]:
    return {
        "x": [d.x for d in dots],
        "y": [d.y for d in dots],
        "text": [shown(d.name) for d in dots],
        "customdata": [handle(d.user_id) for d in dots],
    }


def _colour_of(dot: Dot, labels: Sequence[str], colours: Mapping[str, str]) -> str:
    return colours[labels[dot.cluster]] if 0 <= dot.cluster < len(labels) else CLUSTER_PALETTE[0]


def _shading(view: TasteMapView) -> go.Contour:
    x0, x1, y0, y1 = view.extent
    rows, columns = view.density.shape
    return go.Contour(
        z=np.log1p(view.density).round(3).tolist(),
        x=np.linspace(x0, x1, columns + 1)[:-1] + (x1 - x0) / columns / 2,
        y=np.linspace(y0, y1, rows + 1)[:-1] + (y1 - y0) / rows / 2,
        colorscale=SHADE,
        showscale=False,
        contours={"coloring": "fill", "showlines": False},
        ncontours=10,
        hoverinfo="skip",
        name="everyone",
        showlegend=False,
    )


def _add_you(fig: go.Figure, me: Dot) -> None:
    fig.add_trace(
        go.Scatter(
            x=[me.x],
            y=[me.y],
            text=[shown(me.name)],
            mode="markers",
            name="you",
            cliponaxis=False,
            marker={"size": 20, "color": YOU, "symbol": "star", "line": {"width": 2, "color": "#FFD400"}},
            hovertemplate="%{text} (you)<extra></extra>",
        )
    )
    fig.add_annotation(
        x=me.x,
        y=me.y,
        text=f"<b>{shown(me.name)}</b> (you)",
        showarrow=True,
        arrowhead=0,
        ax=0,
        ay=-34,
        bgcolor="rgba(255,255,255,0.9)",
        bordercolor=YOU,
        borderwidth=1,
        font={"color": YOU, "size": 13},
    )
