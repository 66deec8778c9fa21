"""Spotify Web API payloads -> ``TasteProfile``. Pure: the fetching lives in ``spotify_client``.

Works when artists carry no ``genres`` and no ``popularity`` (Development Mode since 2026).

The profile's name is the public name its owner chose for this product, never Spotify's
``display_name`` (often a person's real name, chosen for Spotify, not for being shown to strangers).
Without a choice now, the name chosen before is kept; without either, the name is empty and others
see a generated alias (``"Listener #k3x9"``, ``handles.public_name``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from soulmate_core.errors import InputError
from soulmate_core.profile import (
    SPOTIFY_RANGES,
    ArtistEntry,
    RangeName,
    RangeTaste,
    TasteProfile,
    TrackEntry,
    make_profile,
)
from soulmate_core.text import clean_name
from soulmate_core.weights import rank_weights

Payload = Mapping[str, Any]
NameLookup = Callable[[str], str | None]
"""A user id -> the name stored for it before, or None when nothing is stored."""


def nothing_stored(_: str) -> None:
    return None


@dataclass(frozen=True)
class SpotifyPayloads:
    """What ``GET /me`` and ``GET /me/top/{artists,tracks}`` returned, items only, per range."""

    me: Payload
    top_artists: Mapping[RangeName, Sequence[Payload]] = field(default_factory=dict)
    top_tracks: Mapping[RangeName, Sequence[Payload]] = field(default_factory=dict)


def spotify_user_id(me: Payload) -> str:
    """Our user id: Spotify's stable, pseudonymous ``account_id``, else the older ``id``."""
    user_id = me.get("account_id") or me.get("id")
    if not isinstance(user_id, str) or not user_id:
        raise InputError("Spotify's /me answer has neither account_id nor id")
    return user_id


def build_taste_profile(
    payloads: SpotifyPayloads,
    *,
    discoverable: bool = False,
    display_name: str | None = None,
    stored_name: NameLookup = nothing_stored,
) -> TasteProfile:
    """A ``spotify`` profile. Real people are not discoverable until they opt in.

    ``display_name``: the public name chosen now (cleaned; empty means none, so a generated alias).
    None: ``kept_name`` of what ``stored_name`` gives for this user, else empty."""
    user_id = spotify_user_id(payloads.me)
    ranges: dict[RangeName, RangeTaste] = {}
    for time_range in SPOTIFY_RANGES:
        taste = range_taste(payloads.top_artists.get(time_range, ()), payloads.top_tracks.get(time_range, ()))
        if taste.artists or taste.tracks:
            ranges[time_range] = taste
    name = kept_name(payloads.me, stored_name(user_id)) if display_name is None else display_name
    return make_profile(
        user_id=user_id,
        display_name=name,
        source="spotify",
        ranges=ranges,
        discoverable=discoverable,
    )


def kept_name(me: Payload, stored: str | None) -> str:
    """The name stored before (cleaned), unless it is only what Spotify gave (the ``display_name``
    or an id of ``/me``, which earlier versions stored when no name was chosen): then empty."""
    name = clean_name(stored or "")
    given = (me.get("display_name"), me.get("account_id"), me.get("id"))
    spotify_gave = {clean_name(value).casefold() for value in given if isinstance(value, str)}
    return "" if name.casefold() in spotify_gave else name


def range_taste(artists: Sequence[Payload] = (), tracks: Sequence[Payload] = ()) -> RangeTaste:
    """One time range's top artist and track items, normalised as in a profile: rank weights,
    genres as given (none when absent), items without a name dropped."""
    return RangeTaste(artists=_artists(artists), tracks=_tracks(tracks))


def _artists(items: Sequence[Payload]) -> tuple[ArtistEntry, ...]:
    named = [item for item in items if isinstance(item, Mapping) and item.get("name")]
    weights = rank_weights(len(named))
    return tuple(
        ArtistEntry(
            name=str(item["name"]),
            weight=weight,
            genres=tuple(str(g) for g in item.get("genres") or ()),
            spotify_id=item.get("id") or None,
        )
        for item, weight in zip(named, weights, strict=True)
    )


def _tracks(items: Sequence[Payload]) -> tuple[TrackEntry, ...]:
    named = [item for item in items if isinstance(item, Mapping) and item.get("name")]
    weights = rank_weights(len(named))
    return tuple(
        TrackEntry(
            name=str(item["name"]),
            artists=tuple(str(a["name"]) for a in item.get("artists") or () if a.get("name")),
            weight=weight,
            spotify_id=item.get("id") or None,
        )
        for item, weight in zip(named, weights, strict=True)
    )
