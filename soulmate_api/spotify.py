"""The Spotify reads the API makes with a caller's token, normalised at once into our models."""

from __future__ import annotations

from soulmate_adapters.spotify_client import TopKind, fetch_payloads, fetch_top, make_client
from soulmate_core.profile import RangeName, RangeTaste, TasteProfile
from soulmate_core.sources.spotify_api import build_taste_profile, range_taste


def taste_profile(
    token: str, *, api_base: str, timeout: float, discoverable: bool, display_name: str | None
) -> TasteProfile:
    """``/me`` and the top artists and tracks of the three ranges -> a ``spotify`` profile."""
    payloads = fetch_payloads(make_client(token, api_base=api_base, timeout=timeout))
    return build_taste_profile(payloads, discoverable=discoverable, display_name=display_name)


def top_of_range(
    token: str, kind: TopKind, time_range: RangeName, *, api_base: str, timeout: float
) -> RangeTaste:
    """One range of the caller's top artists or tracks, normalised like a saved profile's."""
    items = fetch_top(make_client(token, api_base=api_base, timeout=timeout), kind, time_range)
    return range_taste(artists=items) if kind == "artists" else range_taste(tracks=items)
