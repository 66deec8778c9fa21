"""Small Spotify data exports built in memory, in both formats, plus broken and hostile ones."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

from soulmate_core import TasteProfile

END = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
MINUTE = 60_000

# (artist, track, minutes played, days before the end): older favourites and a recent obsession.
LISTENING: tuple[tuple[str, str, int, int], ...] = (
    ("Radiohead", "Paranoid Android", 300, 300),
    ("Radiohead", "Reckoner", 200, 100),
    ("Portishead", "Glory Box", 250, 150),
    ("Björk", "Jóga", 120, 90),
    ("Little Simz", "Venom", 180, 10),
    ("Little Simz", "Gorilla", 90, 3),
    ("Nick Drake", "Pink Moon", 60, 20),
)


def account_rows() -> list[dict[str, Any]]:
    """``StreamingHistory_music_N.json`` rows."""
    return [
        {
            "endTime": (END - timedelta(days=days)).strftime("%Y-%m-%d %H:%M"),
            "artistName": artist,
            "trackName": track,
            "msPlayed": minutes * MINUTE,
        }
        for artist, track, minutes, days in LISTENING
    ]


def extended_rows() -> list[dict[str, Any]]:
    """``Streaming_History_Audio_*.json`` rows, with a podcast and a null-track row mixed in."""
    rows = [
        _extended(artist, track, minutes * MINUTE, END - timedelta(days=days))
        for artist, track, minutes, days in LISTENING
    ]
    podcast = _extended(None, None, 3_600_000, END - timedelta(days=2))
    podcast.update(
        episode_name="Episode 12", spotify_episode_uri="spotify:episode:abc", episode_show_name="A Show"
    )
    audiobook = _extended(None, None, 1_800_000, END - timedelta(days=1))
    audiobook.update(audiobook_title="A Book", audiobook_uri="spotify:audiobook:xyz")
    return [*rows, podcast, audiobook, _extended(None, None, 5_000, END)]


def _extended(artist: str | None, track: str | None, ms: int, ended: datetime) -> dict[str, Any]:
    return {
        "ts": ended.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "platform": "android",
        "ms_played": ms,
        "conn_country": "GB",
        "ip_addr": "203.0.113.7",
        "master_metadata_track_name": track,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": f"{track} (album)" if track else None,
        "spotify_track_uri": f"spotify:track:{len(artist or '')}{len(track)}" if track else None,
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "audiobook_title": None,
        "audiobook_uri": None,
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
        "offline": False,
        "offline_timestamp": None,
        "incognito_mode": False,
    }


def as_json(rows: Any) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def account_zip() -> bytes:
    half = len(LISTENING) // 2
    rows = account_rows()
    return zip_of(
        {
            "Spotify Account Data/StreamingHistory_music_0.json": as_json(rows[:half]),
            "Spotify Account Data/StreamingHistory_music_1.json": as_json(rows[half:]),
            "Spotify Account Data/StreamingHistory_podcast_0.json": as_json([{"podcastName": "x"}]),
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
    """An account-data export whose listening mirrors ``profile``'s, so the two match each other best."""
    rows = [
        {
            "endTime": "2026-02-01 10:00",
            "artistName": a.name,
            "trackName": "x",
            "msPlayed": int(a.weight * 1e8),
        }
        for a in profile.top_artists("long_term", 30)
    ]
    return as_json(rows)
