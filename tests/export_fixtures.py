"""Small Spotify data exports built in memory, in both formats, plus broken and hostile ones.

The listening is ``history_fixtures.LISTENING``: the same person's plays the other formats hold.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from soulmate_core import TasteProfile
from tests.history_fixtures import (
    END,
    LISTENING,
    as_json,
    spotify_account_rows,
    spotify_extended_rows,
    spotify_noise_rows,
    zip_of,
)

__all__ = ["END", "LISTENING", "as_json", "zip_of"]


def account_rows() -> list[dict[str, Any]]:
    """``StreamingHistory_music_N.json`` rows."""
    return spotify_account_rows()


def extended_rows() -> list[dict[str, Any]]:
    """``Streaming_History_Audio_*.json`` rows, with a podcast, an audiobook, a private session, a
    skip, short plays and a null-track row mixed in."""
    return spotify_extended_rows() + spotify_noise_rows()


def account_zip() -> bytes:
    half = len(LISTENING) // 2
    rows = account_rows()
    return zip_of(
        {
            "Spotify Account Data/StreamingHistory_music_0.json": as_json(rows[:half]),
            "Spotify Account Data/StreamingHistory_music_1.json": as_json(rows[half:]),
            "Spotify Account Data/StreamingHistory_podcast_0.json": as_json(
                [{"endTime": "2026-02-01 10:00", "podcastName": "x", "episodeName": "y", "msPlayed": 600_000}]
            ),
            "Spotify Account Data/Userdata.json": as_json({"username": "someone", "email": "a@b.c"}),
        }
    )


def extended_zip() -> bytes:
    return zip_of(
        {
            "Spotify Extended Streaming History/Streaming_History_Audio_2025-2026_0.json": as_json(
                extended_rows()
            ),
            "Spotify Extended Streaming History/Streaming_History_Video_2025.json": as_json([]),
        }
    )


def podcast_only_zip() -> bytes:
    rows = [r for r in extended_rows() if r["master_metadata_track_name"] is None]
    return zip_of({"Streaming_History_Audio_2025_0.json": as_json(rows)})


def bomb_zip(uncompressed_mb: int = 8) -> bytes:
    """A tiny zip that inflates to ``uncompressed_mb`` MB of zeros inside a history file name."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("Streaming_History_Audio_2025_0.json", "w") as member,
    ):
        block = b"0" * (1 << 20)
        for _ in range(uncompressed_mb):
            member.write(block)
    return buffer.getvalue()


def many_members_zip(count: int) -> bytes:
    return zip_of({f"Streaming_History_Audio_2025_{i}.json": b"[]" for i in range(count)})


def export_like(profile: TasteProfile) -> bytes:
    """An account-data export whose listening mirrors ``profile``'s, so the two match each other
    best: each artist played as many whole 4-minute tracks as its weight says, all this month."""
    rows = [
        {
            "endTime": f"2026-02-{1 + i % 27:02d} {10 + i % 12:02d}:{i % 60:02d}",
            "artistName": a.name,
            "trackName": f"Song {i}",
            "msPlayed": 240_000,
        }
        for a in profile.top_artists("long_term", 30)
        for i in range(max(1, round(a.weight * 400)))
    ]
    return as_json(rows)
