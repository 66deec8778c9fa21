"""A group's playlist seed as files anyone can download (CSV, JSON), and as Spotify track URIs.

Track and artist names are other people's text. In the CSV, a cell that a spreadsheet would read
as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading
``'``, so it stays text (CSV injection, OWASP). The JSON is one shape (``PlaylistOut``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from soulmate_core.group import SeedTrack

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("position", "track", "artists", "members who play it", "spotify_uri")
_SPOTIFY_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def safe_cell(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: a leading ``'`` before a formula's first sign."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spotify_uri(track: SeedTrack) -> str | None:
    """The track's ``spotify:track:ID``, when a member's source gave its id."""
    found = track.spotify_id
    return f"spotify:track:{found}" if found and _SPOTIFY_ID.fullmatch(found) else None


def spotify_uris(tracks: Sequence[SeedTrack]) -> list[str]:
    """The URIs of the tracks that have one, in order, once each."""
    return list(dict.fromkeys(uri for uri in map(spotify_uri, tracks) if uri))


def seed_csv(tracks: Sequence[SeedTrack]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for position, track in enumerate(tracks, start=1):
        cells = [track.name, ", ".join(track.artists), str(track.members), spotify_uri(track) or ""]
        writer.writerow([str(position), *map(safe_cell, cells)])
    return out.getvalue()


class TrackOut(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    artists: list[str]
    members: int = Field(ge=0, description="How many of the group have it among their top tracks")
    artist_members: int = Field(ge=0, description="How many of the group play its artists")
    spotify_uri: str | None = None


class PlaylistOut(BaseModel):
    """A group's playlist seed: the tracks most of its members play, best first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    name: str
    group_size: int = Field(ge=0)
    tracks: list[TrackOut]


def seed_json(name: str, group_size: int, tracks: Sequence[SeedTrack]) -> str:
    body = PlaylistOut(
        name=name,
        group_size=group_size,
        tracks=[
            TrackOut(
                name=t.name,
                artists=list(t.artists),
                members=t.members,
                artist_members=t.artist_members,
                spotify_uri=spotify_uri(t),
            )
            for t in tracks
        ],
    )
    return body.model_dump_json(indent=2)
