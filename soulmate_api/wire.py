"""Wire models: what the API accepts and returns. Separate from the domain models on purpose."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from soulmate_core.profile import ArtistEntry, TasteProfile, TrackEntry
from soulmate_core.scoring import Match

TimeRange = Literal["short_term", "medium_term", "long_term"]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ProfileIn(BaseModel):
    """The optional body of ``POST /taste-profile``."""

    model_config = ConfigDict(extra="forbid")

    discoverable: bool = Field(default=False, description="Appear in other people's matches")
    display_name: str | None = Field(default=None, min_length=1, max_length=100)


class HealthOut(_Out):
    status: Literal["ok"]
    version: str


class ErrorOut(_Out):
    error: str = Field(description="A stable code, e.g. unknown_user, spotify_rate_limited")
    message: str


class ArtistOut(_Out):
    name: str
    weight: float
    genres: list[str]
    spotify_id: str | None = None

    @classmethod
    def of(cls, artist: ArtistEntry) -> ArtistOut:
        return cls(
            name=artist.name, weight=artist.weight, genres=list(artist.genres), spotify_id=artist.spotify_id
        )


class TrackOut(_Out):
    name: str
    artists: list[str]
    weight: float
    spotify_id: str | None = None

    @classmethod
    def of(cls, track: TrackEntry) -> TrackOut:
        return cls(
            name=track.name, artists=list(track.artists), weight=track.weight, spotify_id=track.spotify_id
        )


class RangeOut(_Out):
    artists: list[ArtistOut]
    tracks: list[TrackOut]


class ProfileOut(_Out):
    user_id: str
    display_name: str
    source: str
    discoverable: bool
    updated_at: str
    schema_version: int
    trimmed: bool
    genre_weights: dict[str, float]
    ranges: dict[str, RangeOut]

    @classmethod
    def of(cls, profile: TasteProfile) -> ProfileOut:
        return cls(
            user_id=profile.user_id,
            display_name=profile.display_name,
            source=profile.source,
            discoverable=profile.discoverable,
            updated_at=profile.updated_at,
            schema_version=profile.schema_version,
            trimmed=profile.trimmed,
            genre_weights=dict(profile.genre_weights),
            ranges={
                name: RangeOut(
                    artists=[ArtistOut.of(a) for a in taste.artists],
                    tracks=[TrackOut.of(t) for t in taste.tracks],
                )
                for name, taste in profile.ranges.items()
            },
        )


class ComponentOut(_Out):
    name: str
    weight: float
    value: float


class SharedOut(_Out):
    name: str
    contribution: float
    niche: bool


class MatchOut(_Out):
    user_id: str
    display_name: str
    score: float = Field(ge=0, le=1)
    components: list[ComponentOut]
    shared_artists: list[SharedOut]
    shared_genres: list[SharedOut]
    summary: str

    @classmethod
    def of(cls, found: Match) -> MatchOut:
        return cls(
            user_id=found.other_id,
            display_name=found.other_display_name,
            score=min(1.0, max(0.0, found.score)),
            components=[ComponentOut(name=c.name, weight=c.weight, value=c.value) for c in found.components],
            shared_artists=[
                SharedOut(name=s.name, contribution=s.contribution, niche=s.niche)
                for s in found.shared_artists
            ],
            shared_genres=[
                SharedOut(name=s.name, contribution=s.contribution, niche=s.niche)
                for s in found.shared_genres
            ],
            summary=found.summary,
        )


class MatchesOut(_Out):
    user_id: str
    matches: list[MatchOut]


class MeOut(_Out):
    user_id: str = Field(description="Spotify account_id (or id): our user id")
    display_name: str


class TopArtistsOut(_Out):
    time_range: TimeRange
    artists: list[ArtistOut]


class TopTracksOut(_Out):
    time_range: TimeRange
    tracks: list[TrackOut]
