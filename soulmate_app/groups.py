"""Group blend on the dashboard: the codes a visitor pasted, the group they make (the core's
``service.group_by_codes``), how its members are named, and its playlist in the visitor's Spotify.

The pasted codes are kept in this session (``CODES_KEY``) and the group is read again on every run,
so a code replaced or stopped meanwhile drops out at once.
"""

from __future__ import annotations

import re

import streamlit as st

from soulmate_adapters.spotify_client import make_client
from soulmate_adapters.spotify_playlists import CreatedPlaylist, create_playlist
from soulmate_app import data, people, spotify_login
from soulmate_app.escape import md
from soulmate_app.settings import SpotifySettings
from soulmate_core import TasteProfile, playlist, service
from soulmate_core.group import GroupBlend

CODES_KEY = "soulmate_group_codes"
YOU = "You"
NAME_CHARS = 100
"""Spotify's longest playlist name, about."""
_SEPARATORS = re.compile(r"[\s,;]+")


def remember(text: str) -> None:
    """Keep the codes or links in what was pasted (one per line, or separated by spaces or commas)."""
    st.session_state[CODES_KEY] = [part for part in _SEPARATORS.split(text) if part]


def remembered() -> list[str]:
    kept = st.session_state.get(CODES_KEY)
    return list(kept) if isinstance(kept, list) else []


def blend(viewer: TasteProfile, pasted: list[str]) -> tuple[list[TasteProfile], GroupBlend]:
    """The viewer and the owners of ``pasted``, and their blend. Raises ``InputError``."""
    return service.group_by_codes(data.store(), viewer.user_id, pasted, data.index())


def names(members: list[TasteProfile]) -> list[str]:
    """How each member is shown: "You" for the viewer (first), public names for the others."""
    return [YOU, *(people.name(m.user_id, m.display_name) for m in members[1:])]


def playlist_name(shown: list[str]) -> str:
    others = ", ".join(shown[1:])
    return f"Soulmate blend: you, {others}"[:NAME_CHARS]


def seed_lines(group: GroupBlend) -> str:
    """The seed as a numbered Markdown list, names escaped: "1. **Roads**, Portishead · 3 of you"."""
    size = len(group.member_ids)
    lines = []
    for number, track in enumerate(group.seed, start=1):
        behind = (
            f"{track.members} of you play it"
            if track.members > 1
            else f"{track.artist_members} of you play {'them' if len(track.artists) > 1 else 'this artist'}"
        )
        lines.append(f"{number}. **{md(track.name)}**, {md(', '.join(track.artists))} · {behind} (of {size})")
    return "\n".join(lines)


def seed_csv(group: GroupBlend) -> str:
    return playlist.seed_csv(group.seed)


def seed_json(name: str, group: GroupBlend) -> str:
    return playlist.seed_json(name, len(group.member_ids), group.seed)


def spotify_uris(group: GroupBlend) -> list[str]:
    return playlist.spotify_uris(group.seed)


def create_in_spotify(settings: SpotifySettings, name: str, uris: list[str]) -> CreatedPlaylist:
    """The playlist, private, in the account this session logged in to Spotify with."""
    manager = spotify_login.auth_manager(settings)
    return create_playlist(
        lambda seconds: make_client(auth_manager=manager, api_base=settings.api_base, timeout=seconds),
        name,
        "The tracks most of us play, from Music Soulmate Finder's group blend.",
        uris,
    )
