"""The Spotify reads the API makes with a caller's token, normalised at once into our models.

Every read runs under the request's ``Deadline``: the seven reads of a profile side by side, each
with its own client and a timeout no longer than what is left. An answer the core cannot read is
Spotify's fault, not the caller's: ``SpotifyAnswerError`` (502).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from soulmate_adapters.spotify_client import TopKind, fetch_me, fetch_top, make_client
from soulmate_api.deadline import Deadline, run_all
from soulmate_core.errors import SpotifyAnswerError
from soulmate_core.profile import SPOTIFY_RANGES, RangeName, RangeTaste, TasteProfile
from soulmate_core.sources.spotify_api import (
    NameLookup,
    SpotifyPayloads,
    build_taste_profile,
    range_taste,
)

T = TypeVar("T")
Read = Callable[[float], Any]


def taste_profile(
    token: str,
    *,
    api_base: str,
    timeout: float,
    deadline: Deadline,
    discoverable: bool,
    display_name: str | None,
    stored_name: NameLookup,
) -> tuple[TasteProfile, dict[str, Any]]:
    """``/me`` and the top artists and tracks of the three ranges -> a ``spotify`` profile, named
    ``display_name``, else the name ``stored_name`` had for the caller (``build_taste_profile``);
    and the ``/me`` answer, the caller's own identity."""

    reads: dict[tuple[str, str], Read] = {("me", ""): _me(token, api_base)}
    for time_range in SPOTIFY_RANGES:
        for kind in ("artists", "tracks"):
            reads[(kind, time_range)] = _top(token, api_base, kind, time_range)
    got = run_all(reads, deadline, timeout)
    payloads = SpotifyPayloads(
        me=got[("me", "")],
        top_artists={r: got[("artists", r)] for r in SPOTIFY_RANGES},
        top_tracks={r: got[("tracks", r)] for r in SPOTIFY_RANGES},
    )
    profile = _read(
        lambda: build_taste_profile(
            payloads, discoverable=discoverable, display_name=display_name, stored_name=stored_name
        )
    )
    return profile, got[("me", "")]


def me(token: str, *, api_base: str, timeout: float, deadline: Deadline) -> dict[str, Any]:
    """``GET /me``, under the deadline."""
    answer: dict[str, Any] = run_all({"me": _me(token, api_base)}, deadline, timeout)["me"]
    return answer


def top_of_range(
    token: str, kind: TopKind, time_range: RangeName, *, api_base: str, timeout: float, deadline: Deadline
) -> RangeTaste:
    """One range of the caller's top artists or tracks, normalised like a saved profile's."""
    items = run_all({"top": _top(token, api_base, kind, time_range)}, deadline, timeout)["top"]
    return _read(lambda: range_taste(artists=items) if kind == "artists" else range_taste(tracks=items))


def _me(token: str, api_base: str) -> Read:
    """A read of ``/me`` with its own client, given its timeout when it starts."""
    return lambda seconds: fetch_me(make_client(token, api_base=api_base, timeout=seconds))


def _top(token: str, api_base: str, kind: TopKind, time_range: RangeName) -> Read:
    return lambda seconds: fetch_top(make_client(token, api_base=api_base, timeout=seconds), kind, time_range)


def _read(parse: Callable[[], T]) -> T:
    """The core reading checked payloads: what it still refuses is a malformed answer (502)."""
    try:
        return parse()
    except (ValueError, TypeError, KeyError) as exc:
        raise SpotifyAnswerError(f"Spotify's answer could not be read: {type(exc).__name__}") from None
