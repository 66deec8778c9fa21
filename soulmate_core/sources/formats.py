"""Which listening history a file holds, told from its first bytes (and its name where a format has
a fixed one), never from its name alone.

- Spotify streaming history: a JSON array of plays, or one of the export's names
  (``Streaming_History_Audio_*``, ``endsong_N``, ``StreamingHistory_music_N``, ``StreamingHistoryN``);
- ListenBrainz listens: JSON Lines whose objects have ``listened_at`` and ``track_metadata``;
- scrobbles with a header: a CSV (or tab-separated) header naming artist, track and a time, such as
  Libre.fm's ``time,artist,track,album`` or an exporter's ``uts,utc_time,artist,...,track``;
- Last.fm scrobbles: a CSV without a header, ``artist,album,track,date``;
- ``.scrobbler.log``: ``#AUDIOSCROBBLER/1.1`` and more ``#`` lines, then tab-separated rows;
- tables of many listeners: ``user_id,artist,weight`` (or ``user_id,artist``), and
  ``user_id,ts,artist,track[,album,ms_played]``.
"""

from __future__ import annotations

import csv
import re
from enum import StrEnum
from pathlib import PurePosixPath

from soulmate_core.errors import InputError
from soulmate_core.sources.fields import is_time
from soulmate_core.sources.json_stream import DECODER

HEAD_BYTES = 1 << 16
"""How much of a file detection reads: a header line, or one JSON line."""


class Format(StrEnum):
    SPOTIFY = "Spotify streaming history"
    LISTENBRAINZ = "ListenBrainz listens"
    SCROBBLES = "scrobbles CSV"
    LASTFM = "Last.fm scrobbles CSV"
    SCROBBLER_LOG = ".scrobbler.log"
    LISTENS_TABLE = "listens table (user_id,artist,weight)"
    TIMED_TABLE = "listens table (user_id,ts,artist,track)"


TABLES = frozenset({Format.LISTENS_TABLE, Format.TIMED_TABLE})
"""Formats holding many listeners' rows; the others are one person's history."""

ACCEPTED = (
    "Spotify extended streaming history (Streaming_History_Audio_*.json or endsong_*.json)",
    "Spotify account data (StreamingHistory_music_*.json or StreamingHistory*.json)",
    "a ListenBrainz export (its zip, or the listens/YYYY/M.jsonl files)",
    "Last.fm scrobbles as CSV (artist,album,track,date)",
    "a Libre.fm export (time,artist,track,album)",
    "a .scrobbler.log",
    "a table of many listeners (user_id,ts,artist,track[,album,ms_played] or user_id,artist,weight)",
    "or a zip of these",
)

SPOTIFY_NAME = re.compile(
    r"^(StreamingHistory_music_\d+|StreamingHistory\d+|StreamingHistory_podcast_\d+"
    r"|Streaming_History_(Audio|Video)_[\d_-]+|endsong_\d+)\.json$",
    re.IGNORECASE,
)
LISTENBRAINZ_MEMBER = re.compile(r"(^|/)listens/\d{4}/\d{1,2}\.jsonl$", re.IGNORECASE)
TIME_COLUMNS = ("uts", "timestamp", "time", "date", "utc_time", "played_at")
TIMED_COLUMNS = frozenset({"user_id", "ts", "artist", "track", "album", "ms_played"})


def unknown(where: str | None) -> InputError:
    return InputError(
        "not a listening history this importer knows: no header or row of an accepted format. "
        "Accepted: " + "; ".join(ACCEPTED),
        where,
    )


def is_spotify_name(name: str) -> bool:
    return bool(SPOTIFY_NAME.match(PurePosixPath(name).name))


def detect(name: str, head: bytes) -> Format | None:
    """The format of a file whose first bytes are ``head`` (up to ``HEAD_BYTES``), or None."""
    if is_spotify_name(name):
        return Format.SPOTIFY  # its reader says what is wrong with it, line by line
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("["):
        return Format.SPOTIFY
    first = text.split("\n", 1)[0].rstrip("\r")
    if text.startswith("{"):
        return _json_line(first)
    if text.startswith("#AUDIOSCROBBLER/"):
        return Format.SCROBBLER_LOG
    return _table(first)


def _json_line(first: str) -> Format | None:
    try:
        value = DECODER.decode(first)
    except ValueError:
        return None
    if isinstance(value, dict) and "listened_at" in value and "track_metadata" in value:
        return Format.LISTENBRAINZ
    return None


def delimiter_of(header: str) -> str:
    return "\t" if "\t" in header else ","


def header_cells(header: str) -> list[str]:
    return [cell.strip().casefold() for cell in _cells(header)]


def _cells(line: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter_of(line)), [])
    except csv.Error:
        return []


def _table(first: str) -> Format | None:
    raw = _cells(first)
    cells = [cell.strip().casefold() for cell in raw]
    if cells in (["user_id", "artist", "weight"], ["user_id", "artist"]):
        return Format.LISTENS_TABLE
    if {"user_id", "ts", "artist", "track"} <= set(cells) <= TIMED_COLUMNS:
        return Format.TIMED_TABLE
    if "artist" in cells and "track" in cells and any(c in cells for c in TIME_COLUMNS):
        return Format.SCROBBLES
    if len(raw) == 4 and is_time(raw[3]) and raw[0].strip() and raw[2].strip():
        return Format.LASTFM
    return None
