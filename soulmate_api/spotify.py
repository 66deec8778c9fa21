"""The Spotify reads the API makes with a caller's token, normalised at once into our models."""

from __future__ import annotations

from soulmate_core.profile import ArtistEntry, RangeName, TasteProfile, TrackEntry
from soulmate_core.sources.spotify_api import SpotifyPayloads, build_taste_profile
from soulmate_core.sources.spotify_client import PAGE, fetch_payloads, make_client, spotify_errors


def taste_profile(
    token: str, *, api_base: str, timeout: float, discoverable: bool, display_name: str | None
) -> TasteProfile:
    """``/me`` and the top artists and tracks of the three ranges -> a ``spotify`` profile."""
    payloads = fetch_payloads(make_client(token, api_base=api_base, timeout=timeout))
    return build_taste_profile(payloads, discoverable=discoverable, display_name=display_name)


def top_artists(
    token: str, user_id: str, time_range: RangeName, *, api_base: str, timeout: float
) -> list[ArtistEntry]:
    client = make_client(token, api_base=api_base, timeout=timeout)
    with spotify_errors():
        page = client.current_user_top_artists(limit=PAGE, time_range=time_range)
    me = {"account_id": user_id}
    profile = build_taste_profile(SpotifyPayloads(me=me, top_artists={time_range: _items(page)}))
    taste = profile.ranges.get(time_range)
    return list(taste.artists) if taste else []


def top_tracks(
    token: str, user_id: str, time_range: RangeName, *, api_base: str, timeout: float
) -> list[TrackEntry]:
    client = make_client(token, api_base=api_base, timeout=timeout)
    with spotify_errors():
        page = client.current_user_top_tracks(limit=PAGE, time_range=time_range)
    me = {"account_id": user_id}
    profile = build_taste_profile(SpotifyPayloads(me=me, top_tracks={time_range: _items(page)}))
    taste = profile.ranges.get(time_range)
    return list(taste.tracks) if taste else []


def _items(page: object) -> list[dict[str, object]]:
    items = page.get("items") if isinstance(page, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
