"""Create a playlist in the listener's own Spotify account: ``POST /me/playlists`` (private), then
its items, at most 100 a call, with ``POST /playlists/{id}/items`` (the names since February 2026;
the old ``/users/{id}/playlists`` and ``/playlists/{id}/tracks`` are gone for Development Mode apps).

Every call gets a timeout no longer than what is left of one overall deadline, and none starts once
it has passed (``SpotifyUnavailableError``), so a slow Spotify costs the listener ``deadline``
seconds at most. Failures map to the core's ``SpotifyError`` tree as every Spotify read does
(``spotify_client.spotify_errors``). Needs the scope ``playlist-modify-private``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import spotipy

from soulmate_adapters.spotify_client import Shape, checked_answer, spotify_errors
from soulmate_core.errors import SpotifyUnavailableError

ITEMS_PER_CALL = 100
DEADLINE_SECONDS = 20.0
PER_CALL_SECONDS = 8.0
MIN_CALL_SECONDS = 0.05

ClientFor = Callable[[float], spotipy.Spotify]
"""A client whose calls time out after the given seconds (``spotify_client.make_client``)."""


@dataclass(frozen=True)
class CreatedPlaylist:
    id: str
    url: str | None
    """Where the listener opens it: ``external_urls.spotify``."""
    added: int


class _Playlist(Shape):
    id: str
    external_urls: dict[str, str] | None = None


class _Added(Shape):
    snapshot_id: str


def create_playlist(
    client_for: ClientFor,
    name: str,
    description: str,
    uris: Sequence[str],
    *,
    deadline: float = DEADLINE_SECONDS,
    per_call: float = PER_CALL_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> CreatedPlaylist:
    """A new private playlist called ``name`` holding ``uris`` (``spotify:track:...``), in order."""
    ends = clock() + deadline

    def timeout() -> float:
        left = ends - clock()
        if left < MIN_CALL_SECONDS:
            raise SpotifyUnavailableError(f"Spotify did not finish within {deadline:g} s")
        return min(per_call, left)

    with spotify_errors():
        answer = client_for(timeout()).current_user_playlist_create(
            name, public=False, collaborative=False, description=description
        )
    playlist = checked_answer(_Playlist, answer, "/me/playlists")
    for start in range(0, len(uris), ITEMS_PER_CALL):
        chunk = list(uris[start : start + ITEMS_PER_CALL])
        with spotify_errors():
            # The documented body, {"uris": [...]}; spotipy's playlist_add_items sends a bare array.
            added = client_for(timeout())._post(f"playlists/{playlist.id}/items", payload={"uris": chunk})
        checked_answer(_Added, added, "/playlists/{id}/items")
    url = (playlist.external_urls or {}).get("spotify")
    return CreatedPlaylist(playlist.id, url, len(uris))
