"""``soulmate profile USER`` as text: each range's top artists and tracks, the genres, and what an
imported history counted. Stored text goes through ``plain``: no control character reaches the
terminal."""

from __future__ import annotations

from typing import TextIO

from soulmate_core.listening import listening_lines
from soulmate_core.profile import TasteProfile
from soulmate_core.text import clean_text

TOP_ARTISTS = 10
TOP_TRACKS = 5


def print_profile(profile: TasteProfile, out: TextIO) -> None:
    out.write(
        f"{plain(profile.display_name)} ({plain(profile.user_id)}), source {profile.source}, "
        f"{'discoverable' if profile.discoverable else 'hidden'}, updated {plain(profile.updated_at)}\n"
    )
    for name, taste in profile.ranges.items():
        top = ", ".join(plain(a.name) for a in taste.artists[:TOP_ARTISTS])
        out.write(f"  {name:<12} {len(taste.artists):>3} artists: {top}\n")
        if taste.tracks:
            tracks = ", ".join(
                f"{plain(t.name)} ({plain(', '.join(t.artists))})" for t in taste.tracks[:TOP_TRACKS]
            )
            out.write(f"  {'':<12} {len(taste.tracks):>3} tracks: {tracks}\n")
    if profile.genre_weights:
        genres = ", ".join(f"{plain(g)} {w:.0%}" for g, w in list(profile.genre_weights.items())[:8])
        out.write(f"  genres       {genres}\n")
    if profile.listening is not None:
        for line in listening_lines(profile.listening):
            out.write(f"  {line}\n")


def plain(text: str) -> str:
    return clean_text(text, len(text))
