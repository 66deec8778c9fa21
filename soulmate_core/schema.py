"""One JSON shape per thing, as pydantic models: a profile and a list of matches.

The same models serve every place that hands JSON out: the API's responses (and its OpenAPI
schema), ``soulmate profile --format json``, ``soulmate matches --format json|jsonl`` and the
dashboard's downloads. A profile's shape is also the ``profile`` map of the stored item
``{user_id, profile, updated_at}``, so every store validates what it reads against it.

Versions: ``ProfileOut.schema_version`` and ``MatchesOut.schema_version`` change when a field
changes meaning or goes away, or when a reader of the old version would refuse the new shape (a new
``source``); adding an optional field alone keeps the version. docs/schema.md has them.

A list of matches shows other people only as ``handles`` does (a public name and an opaque alias,
never their user id) and rounds every figure to whole points (``DIGITS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from soulmate_core.closeness import word_for
from soulmate_core.errors import CorruptItemError
from soulmate_core.handles import alias, public_name
from soulmate_core.listening import DropReason, ListeningSummary
from soulmate_core.profile import (
    SCHEMA_VERSION,
    ArtistEntry,
    RangeName,
    RangeTaste,
    Source,
    TasteProfile,
    TrackEntry,
)
from soulmate_core.scoring import Match, SharedItem
from soulmate_core.text import clean_text

DIGITS = 2
"""Figures about another person are given to whole points of the 0-100 score, no finer."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ArtistOut(_Model):
    name: str
    weight: float = Field(ge=0, description="Share of this range's listening")
    genres: list[str] = []
    spotify_id: str | None = None
    mbid: str | None = Field(None, description="MusicBrainz artist id, where the source knew it")

    @classmethod
    def of(cls, artist: ArtistEntry) -> ArtistOut:
        return cls.model_validate(_artist(artist))

    def entry(self) -> ArtistEntry:
        return ArtistEntry(
            self.name, self.weight, tuple(self.genres), self.spotify_id or None, self.mbid or None
        )


class TrackOut(_Model):
    name: str
    artists: list[str] = []
    weight: float = Field(ge=0, description="Share of this range's listening")
    spotify_id: str | None = None

    @classmethod
    def of(cls, track: TrackEntry) -> TrackOut:
        return cls.model_validate(_track(track))

    def entry(self) -> TrackEntry:
        return TrackEntry(self.name, tuple(self.artists), self.weight, self.spotify_id or None)


class RangeOut(_Model):
    artists: list[ArtistOut] = []
    tracks: list[TrackOut] = []


_Count = Annotated[int, Field(ge=0)]


class ListeningOut(_Model):
    """What an imported history counted, and the plays it left out, by reason."""

    counted: int = Field(ge=0, description="Listens that made the profile")
    dropped: dict[DropReason, _Count] = Field({}, description="Plays left out, by reason")
    capped_tracks: int = Field(0, ge=0, description="Tracks played on repeat whose share was capped")
    first_play: str | None = Field(None, description="The history's first play, YYYY-MM-DD")
    last_play: str | None = Field(None, description="Its last play, YYYY-MM-DD: the ranges end here")

    def summary(self) -> ListeningSummary:
        return ListeningSummary(
            self.counted, dict(self.dropped), self.capped_tracks, self.first_play, self.last_play
        )


class ProfileOut(_Model):
    """A taste profile: ranked artists and tracks per time range, and genre weights."""

    user_id: str = Field(min_length=1)
    display_name: str
    source: Source
    discoverable: bool = True
    updated_at: str
    schema_version: int = SCHEMA_VERSION
    trimmed: bool = False
    genre_weights: dict[str, float] = {}
    ranges: dict[RangeName, RangeOut]
    listening: ListeningOut | None = None

    @classmethod
    def of(cls, profile: TasteProfile) -> ProfileOut:
        return cls.model_validate(profile_body(profile))

    def profile(self) -> TasteProfile:
        return TasteProfile(
            user_id=self.user_id,
            display_name=self.display_name,
            source=self.source,
            ranges={
                name: RangeTaste(
                    artists=tuple(a.entry() for a in taste.artists),
                    tracks=tuple(t.entry() for t in taste.tracks),
                )
                for name, taste in self.ranges.items()
            },
            genre_weights=dict(self.genre_weights),
            discoverable=self.discoverable,
            updated_at=self.updated_at,
            schema_version=self.schema_version,
            trimmed=self.trimmed,
            listening=self.listening.summary() if self.listening else None,
        )


class ComponentOut(_Model):
    name: str
    weight: float = Field(description="How much this component counts; the weights sum to 1")
    value: float = Field(description="How alike the two are on it, 0 to 1")


class SharedOut(_Model):
    name: str
    contribution: float = Field(description="What this shared artist or genre adds to the score")
    niche: bool


class RelatedOut(_Model):
    mine: str = Field(description="An artist you play")
    theirs: str = Field(description="A different artist they play, often played by the same people")
    contribution: float = Field(description="What this pair adds to the score, through the latent part")


class MatchOut(_Model):
    handle: str = Field(description="An opaque, stable alias of the other listener; never their user id")
    display_name: str = Field(description="Their chosen name and a short tag of the alias, e.g. 'Tim #k3x9'")
    score: float = Field(ge=0, le=1)
    components: list[ComponentOut]
    shared_artists: list[SharedOut] = Field(description="The shared artists that add the most, largest first")
    shared_genres: list[SharedOut] = Field(description="The shared genres that add the most, largest first")
    shared_artist_count: int = Field(ge=0, description="How many artists the two share in all")
    shared_genre_count: int = Field(ge=0, description="How many genres the two share in all")
    related_artists: list[RelatedOut] = Field(
        default_factory=list,
        description="Pairs of different artists that carry the latent part, largest first",
    )
    latent_from_shared: float = Field(
        default=0.0,
        description="What the latent part adds through the shared artists (the rest: related artists)",
    )
    percentile: float | None = Field(
        default=None, ge=0, le=100, description="Share of pairs of listeners here who score below this one"
    )
    closeness: str | None = Field(
        default=None, description="A plain word for the percentile, e.g. 'very close'"
    )
    summary: str

    @classmethod
    def of(cls, found: Match, alias_key: bytes) -> MatchOut:
        return cls.model_validate(match_body(found, alias_key))


class MatchesOut(_Model):
    """One user's ranked matches, best first."""

    schema_version: Literal[2] = 2
    user_id: str
    matches: list[MatchOut]

    @classmethod
    def of(cls, user_id: str, found: list[Match], alias_key: bytes) -> MatchesOut:
        return cls.model_validate(matches_body(user_id, found, alias_key))


def matches_body(user_id: str, found: list[Match], alias_key: bytes) -> dict[str, Any]:
    """``MatchesOut`` as plain JSON-safe data: what ``of`` validates, and what an answer of every
    user's matches writes as it is (two hundred shared items per user; see ``soulmate_cli.every_match``)."""
    return {"schema_version": 2, "user_id": user_id, "matches": [match_body(m, alias_key) for m in found]}


def match_body(found: Match, alias_key: bytes) -> dict[str, Any]:
    """``MatchOut`` as plain data: the other by alias and public name, every figure rounded."""
    return {
        "handle": alias(found.other_id, alias_key),
        "display_name": public_name(found.other_id, found.other_display_name, alias_key),
        "score": _rounded(min(1.0, max(0.0, found.score))),
        "components": [
            {"name": c.name, "weight": _rounded(c.weight), "value": _rounded(c.value)}
            for c in found.components
        ],
        "shared_artists": [_shared(s) for s in found.shared_artists],
        "shared_genres": [_shared(s) for s in found.shared_genres],
        "shared_artist_count": found.shared_artist_count,
        "shared_genre_count": found.shared_genre_count,
        "related_artists": [
            {
                "mine": clean_text(r.mine),
                "theirs": clean_text(r.theirs),
                "contribution": _rounded(r.contribution),
            }
            for r in found.related_artists
        ],
        "latent_from_shared": _rounded(found.latent_from_shared),
        "percentile": None if found.percentile is None else round(found.percentile, 1),
        "closeness": None if found.percentile is None else word_for(found.percentile),
        "summary": clean_text(found.summary, len(found.summary)),
    }


def _shared(item: SharedItem) -> dict[str, Any]:
    return {"name": clean_text(item.name), "contribution": _rounded(item.contribution), "niche": item.niche}


def _rounded(value: float) -> float:
    return round(value, DIGITS) + 0.0  # + 0.0: never -0.0


# --- the stored item ---------------------------------------------------------------------------


def profile_body(profile: TasteProfile) -> dict[str, Any]:
    """A profile as plain JSON-safe data in ``ProfileOut``'s shape, which forbids any other field, so
    every API or CLI answer checks this writer. Plain dicts, because bulk writes call it per user."""
    body: dict[str, Any] = {
        "user_id": profile.user_id,
        "display_name": profile.display_name,
        "source": profile.source,
        "discoverable": profile.discoverable,
        "updated_at": profile.updated_at,
        "schema_version": profile.schema_version,
        "trimmed": profile.trimmed,
        "genre_weights": dict(profile.genre_weights),
        "ranges": {
            name: {
                "artists": [_artist(a) for a in taste.artists],
                "tracks": [_track(t) for t in taste.tracks],
            }
            for name, taste in profile.ranges.items()
        },
    }
    if profile.listening is not None:
        body["listening"] = _listening(profile.listening)
    return body


def _listening(summary: ListeningSummary) -> dict[str, Any]:
    out: dict[str, Any] = {
        "counted": summary.counted,
        "dropped": dict(summary.dropped),
        "capped_tracks": summary.capped_tracks,
    }
    if summary.first_play and summary.last_play:
        out.update(first_play=summary.first_play, last_play=summary.last_play)
    return out


def _artist(artist: ArtistEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"name": artist.name, "weight": artist.weight, "genres": list(artist.genres)}
    if artist.spotify_id:
        out["spotify_id"] = artist.spotify_id
    if artist.mbid:
        out["mbid"] = artist.mbid
    return out


def _track(track: TrackEntry) -> dict[str, Any]:
    out: dict[str, Any] = {"name": track.name, "artists": list(track.artists), "weight": track.weight}
    if track.spotify_id:
        out["spotify_id"] = track.spotify_id
    return out


def to_item(profile: TasteProfile) -> dict[str, Any]:
    """The stored item ``{"user_id", "profile": {...}, "updated_at"}``: JSON-safe."""
    return {"user_id": profile.user_id, "profile": profile_body(profile), "updated_at": profile.updated_at}


def from_item(item: Mapping[str, Any]) -> TasteProfile:
    """The profile of a stored item, validated; ``CorruptItemError`` names the user otherwise."""
    user_id = str(item.get("user_id", "?"))
    body = item.get("profile")
    if not isinstance(body, Mapping):
        raise CorruptItemError(user_id, "no profile map")
    updated_at = item.get("updated_at") or body.get("updated_at")
    try:
        parsed = ProfileOut.model_validate({**body, "user_id": user_id, "updated_at": updated_at})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CorruptItemError(user_id, f"{where}: {first['msg']}") from None
    return parsed.profile()
