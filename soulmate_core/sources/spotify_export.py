"""Spotify's "Download your data" exports -> ``TasteProfile``. Pure: files in, profile out.

Two formats, both usually inside one zip:

- account data, ``StreamingHistory_music_N.json``:
  ``{endTime: "YYYY-MM-DD HH:MM", artistName, trackName, msPlayed}``;
- extended history, ``Streaming_History_Audio_YYYY[-YYYY]_N.json`` (older: ``endsong_N.json``):
  ``{ts, ms_played, master_metadata_track_name, master_metadata_album_artist_name,
  spotify_track_uri, episode_name, ..., ip_addr, ...}``.

Each row becomes a ``Play`` holding only artist, track, milliseconds and time: ``ip_addr``, country,
platform and the rest are dropped as the row is read, and no raw row outlives the parse. Podcast,
audiobook and null-track rows are skipped. The files are streamed (``json_stream``), one row at a
time, within one byte cap for the whole import (``bounded``, ``export_files``), and the plays are
kept as compact columns (``play_tally``), so memory stays well below the cap whatever the input.
Every refusal is an ``InputError`` naming ``file:line``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from soulmate_core.errors import InputError
from soulmate_core.profile import TasteProfile, make_profile
from soulmate_core.sources.bounded import Budget, Source, settle
from soulmate_core.sources.export_files import history_streams, is_history_file
from soulmate_core.sources.json_stream import array_items
from soulmate_core.sources.play_tally import RANGE_SPANS, Play, PlayColumns, range_tastes

__all__ = ["RANGE_SPANS", "ExportPlays", "Play", "is_history_file", "profile_from_plays", "read_export"]

MAX_MEMBERS = 2_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_MS_PLAYED = 10**9  # about 11.6 days: longer than any one play
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

_ACCOUNT_KEYS = ("endTime", "msPlayed")
_EXTENDED_KEYS = ("ts", "ms_played")
_UNKNOWN = {"unknown artist", "unknown track"}


class ExportPlays:
    """The music plays of an export: counted and tallied as they were read; iterating them reads
    the files again (a second pass, as bounded as the first)."""

    def __init__(
        self, files: Sequence[tuple[str, Source]], columns: PlayColumns, caps: tuple[int, int]
    ) -> None:
        self._files = files
        self._caps = caps  # (max_members, max_total_bytes)
        self.columns = columns

    def __len__(self) -> int:
        return len(self.columns)

    def __iter__(self) -> Iterator[Play]:
        max_members, max_total_bytes = self._caps
        return _plays(self._files, Budget(max_total_bytes), max_members)


def read_export(
    files: Iterable[tuple[str, Source]],
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> ExportPlays:
    """Every music play in the given files: zips (whole exports) or JSON history files, given as
    bytes, paths or seekable streams. Pipes and devices are read once, within the cap. The cap
    holds for all the files together, unpacked."""
    held = Budget(max_total_bytes)  # pipes read into memory, all of them together
    settled = [(name, settle(source, held, name)) for name, source in files]
    budget = Budget(max_total_bytes)
    if not settled:
        raise InputError("no files given")
    columns = PlayColumns()
    for play in _plays(settled, budget, max_members):
        columns.add(play)
    if not len(columns):
        raise InputError("no music plays found: the files hold only podcasts, audiobooks or empty history")
    return ExportPlays(settled, columns, (max_members, max_total_bytes))


def _plays(files: Sequence[tuple[str, Source]], budget: Budget, max_members: int) -> Iterator[Play]:
    for name, stream in history_streams(files, budget, max_members):
        for where, row in array_items(stream, name):
            if not isinstance(row, Mapping):
                raise InputError("expected each play to be a JSON object", where)
            play = _play(row, where)
            if play is not None:
                yield play


def _play(row: Mapping[str, Any], where: str) -> Play | None:
    if all(key in row for key in _EXTENDED_KEYS):
        if row.get("episode_name") or row.get("spotify_episode_uri") or row.get("audiobook_title"):
            return None
        artist = row.get("master_metadata_album_artist_name")
        track = row.get("master_metadata_track_name")
        ended = _time(row["ts"], where)
        uri = row.get("spotify_track_uri")
        return _music(artist, track, row["ms_played"], ended, uri if isinstance(uri, str) else None, where)
    if all(key in row for key in _ACCOUNT_KEYS):
        ended = _time(row["endTime"], where)
        return _music(row.get("artistName"), row.get("trackName"), row["msPlayed"], ended, None, where)
    raise InputError(
        "not a Spotify streaming history row: expected endTime/msPlayed (account data) "
        "or ts/ms_played (extended history)",
        where,
    )


def _music(artist: Any, track: Any, ms: Any, ended: datetime, uri: str | None, where: str) -> Play | None:
    if not isinstance(artist, str) or not isinstance(track, str):
        return None  # podcast, audiobook or a null-track row
    artist, track = artist.strip(), track.strip()
    if not artist or not track or artist.casefold() in _UNKNOWN:
        return None
    if isinstance(ms, bool) or not isinstance(ms, int | float):
        raise InputError(f"ms played is {_show(ms)}, not a number", where)
    if not math.isfinite(ms) or ms > MAX_MS_PLAYED:
        raise InputError(f"ms played is {_show(ms)}, not the length of one play", where)
    if ms <= 0:
        return None
    for text in (artist, track, uri or ""):
        if not _is_unicode(text):
            raise InputError(f"{_show(text)} is not valid Unicode text", where)
    return Play(artist=artist, track=track, ms_played=int(ms), ended_at=ended, track_uri=uri)


def _time(value: Any, where: str) -> datetime:
    """Both formats' times ("YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM:SSZ") and other ISO 8601 forms;
    a time without a zone is UTC, as Spotify writes them."""
    if not isinstance(value, str):
        raise InputError(f"timestamp {_show(value)} is not text", where)
    try:
        moment = datetime.fromisoformat(value)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise InputError(f"timestamp {_show(value)} is not a date and time", where) from None
    if not EARLIEST <= moment < LATEST:
        raise InputError(f"timestamp {_show(value)} is not between {EARLIEST.year} and {LATEST.year}", where)
    return moment


def _is_unicode(text: str) -> bool:
    """False for text holding lone surrogates, which JSON allows and no store can encode."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _show(value: Any) -> str:
    """A short, printable rendering of a value from the file, for a message."""
    shown = (
        repr(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    )
    return shown if len(shown) <= 40 else f"{shown[:37]}..."


def profile_from_plays(
    plays: ExportPlays | Sequence[Play],
    *,
    user_id: str,
    display_name: str,
    discoverable: bool = False,
) -> TasteProfile:
    """A ``spotify-export`` profile: weights from milliseconds played, ranges from timestamps.

    Ranges mirror Spotify's top items (last 4 weeks, 6 months, all), measured back from the last
    play in the export, since an export is a snapshot of the past.
    """
    columns = plays.columns if isinstance(plays, ExportPlays) else PlayColumns.of(plays)
    if not len(columns):
        raise InputError("no music plays to build a profile from")
    return make_profile(
        user_id=user_id,
        display_name=display_name,
        source="spotify-export",
        ranges=range_tastes(columns, plays),
        discoverable=discoverable,
    )
