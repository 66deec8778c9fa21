"""The fake Spotify's playlists, in the documented shapes of the Web API since February 2026.

- ``POST /v1/me/playlists`` with ``{"name", "public"?, "collaborative"?, "description"?}``: 201 and a
  playlist object (``items`` in place of the old ``tracks``), owned by the token's user.
- ``POST /v1/playlists/{id}/items`` with ``{"uris": [...], "position"?}``, 1 to 100 track or
  episode URIs: 201 and ``{"snapshot_id"}``; another user's playlist is 403, an unknown one 404.
- ``GET /v1/playlists/{id}/items``: a paging object of ``{"item": track}`` entries.
- The removed ``/v1/users/{id}/playlists`` and ``/v1/playlists/{id}/tracks``: 403, as Spotify answers
  Development Mode apps since March 2026.

Malformed bodies are 400 with Spotify's error shape. ``playlists`` holds what was created, by id.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

Answer = tuple[int, Any, dict[str, str]]
_URI = re.compile(r"spotify:(track|episode):[A-Za-z0-9-]+")
_ITEMS = re.compile(r"/v1/playlists/([^/]+)/items/?")
_REMOVED = re.compile(r"/v1/(users/[^/]+/playlists|playlists/[^/]+/tracks)/?")
MAX_URIS = 100


@dataclass
class Playlist:
    id: str
    owner: str
    name: str
    description: str
    public: bool
    collaborative: bool
    uris: list[str] = field(default_factory=list)
    snapshots: int = 1


class Playlists:
    def __init__(self) -> None:
        self.playlists: dict[str, Playlist] = {}
        self._lock = threading.Lock()

    def answer(self, method: str, path: str, body: str, me: dict[str, Any]) -> Answer | None:
        """The answer for a playlist path, or None when ``path`` is not one."""
        if _REMOVED.fullmatch(path):
            return error(403, "Forbidden")
        if path.rstrip("/") == "/v1/me/playlists":
            return self._create(body, me) if method == "POST" else error(405, "Method not allowed")
        found = _ITEMS.fullmatch(path)
        if found is None:
            return None
        if method == "POST":
            return self._add(found.group(1), body, me)
        if method == "GET":
            return self._items(found.group(1))
        return error(405, "Method not allowed")

    def _create(self, body: str, me: dict[str, Any]) -> Answer:
        fields = _object(body)
        if fields is None or not isinstance(fields.get("name"), str) or not fields["name"].strip():
            return error(400, "Missing required field: name")
        flags = {k: fields.get(k, False) for k in ("public", "collaborative")}
        if not all(isinstance(v, bool) for v in flags.values()) or not isinstance(
            fields.get("description", ""), str
        ):
            return error(400, "Invalid request body")
        playlist = Playlist(
            id=secrets.token_hex(11),
            owner=str(me["id"]),
            name=fields["name"],
            description=fields.get("description", ""),
            public=flags["public"],
            collaborative=flags["collaborative"],
        )
        with self._lock:
            self.playlists[playlist.id] = playlist
        return 201, _playlist_object(playlist, me), {}

    def _add(self, playlist_id: str, body: str, me: dict[str, Any]) -> Answer:
        with self._lock:
            playlist = self.playlists.get(playlist_id)
        if playlist is None:
            return error(404, "Not found.")
        if playlist.owner != me["id"]:
            return error(403, "You cannot add items to a playlist you do not own.")
        fields = _object(body)
        uris = None if fields is None else fields.get("uris")
        if (
            not isinstance(uris, list)
            or not uris
            or not all(isinstance(u, str) and _URI.fullmatch(u) for u in uris)
        ):
            return error(400, "Invalid base62 id")
        if len(uris) > MAX_URIS:
            return error(400, "You can add a maximum of 100 items per request.")
        with self._lock:
            playlist.uris.extend(uris)
            playlist.snapshots += 1
        return 201, {"snapshot_id": f"{playlist.id}-{playlist.snapshots}"}, {}

    def _items(self, playlist_id: str) -> Answer:
        with self._lock:
            playlist = self.playlists.get(playlist_id)
        if playlist is None:
            return error(404, "Not found.")
        entries = [
            {"added_at": "2026-09-01T00:00:00Z", "is_local": False, "item": {"uri": u}} for u in playlist.uris
        ]
        href = f"https://api.spotify.com/v1/playlists/{playlist.id}/items"
        page = {"href": href, "items": entries, "limit": 100, "next": None, "offset": 0, "previous": None}
        return 200, {**page, "total": len(entries)}, {}


def _object(body: str) -> dict[str, Any] | None:
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _playlist_object(playlist: Playlist, me: dict[str, Any]) -> dict[str, Any]:
    href = f"https://api.spotify.com/v1/playlists/{playlist.id}"
    return {
        "collaborative": playlist.collaborative,
        "description": playlist.description,
        "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist.id}"},
        "href": href,
        "id": playlist.id,
        "images": [],
        "name": playlist.name,
        "owner": {
            "display_name": me.get("display_name"),
            "external_urls": me.get("external_urls", {}),
            "href": me.get("href"),
            "id": me["id"],
            "type": "user",
            "uri": me.get("uri"),
        },
        "public": playlist.public,
        "snapshot_id": f"{playlist.id}-{playlist.snapshots}",
        "items": {"href": f"{href}/items", "total": len(playlist.uris)},
        "type": "playlist",
        "uri": f"spotify:playlist:{playlist.id}",
    }


def error(status: int, message: str) -> Answer:
    return status, {"error": {"status": status, "message": message}}, {}
