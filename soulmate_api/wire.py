"""Wire models: what the API accepts and returns. Separate from the domain models on purpose.

A profile and a list of matches have one JSON shape everywhere (``soulmate_core.schema``): the API
returns exactly what the CLI prints and the dashboard downloads.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from soulmate_core.schema import ArtistOut, MatchesOut, MatchOut, ProfileOut, TrackOut

TimeRange = Literal["short_term", "medium_term", "long_term"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ProfileIn(BaseModel):
    """The optional body of ``POST /taste-profile``."""

    model_config = ConfigDict(extra="forbid")

    discoverable: bool = Field(default=False, description="Appear in other people's matches")
    display_name: str | None = Field(
        default=None,
        max_length=100,
        description=(
            "Your public name: what others see, followed by a tag of your alias. Stored without "
            "control, bidi or zero-width characters, on one line, cut to 64 characters. Left out, "
            "the name you chose before is kept; empty (or nothing left after cleaning), or never "
            "chosen, you appear as 'Listener #tag'. Spotify's display_name is never used."
        ),
    )


class HealthOut(_Out):
    status: Literal["ok"]
    version: str


class ErrorOut(_Out):
    error: str = Field(description="A stable code, e.g. unknown_user, spotify_rate_limited")
    message: str


class MeOut(_Out):
    user_id: str = Field(description="Spotify account_id (or id): our user id")
    display_name: str


class TopArtistsOut(_Out):
    time_range: TimeRange
    artists: list[ArtistOut]


class TopTracksOut(_Out):
    time_range: TimeRange
    tracks: list[TrackOut]


__all__ = [
    "ArtistOut",
    "ErrorOut",
    "HealthOut",
    "MatchOut",
    "MatchesOut",
    "MeOut",
    "ProfileIn",
    "ProfileOut",
    "TimeRange",
    "TopArtistsOut",
    "TopTracksOut",
    "TrackOut",
]
