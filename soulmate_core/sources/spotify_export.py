"""Spotify's "Download your data" exports -> ``TasteProfile``. Pure: bytes in, profile out.

Two formats, both usually inside one zip:

- account data, ``StreamingHistory_music_N.json``:
  ``{endTime: "YYYY-MM-DD HH:MM", artistName, trackName, msPlayed}``;
- extended history, ``Streaming_History_Audio_YYYY[-YYYY]_N.json`` (older: ``endsong_N.json``):
  ``{ts, ms_played, master_metadata_track_name, master_metadata_album_artist_name,
  spotify_track_uri, episode_name, ..., ip_addr, ...}``.

Each row becomes a ``Play`` holding only artist, track, milliseconds and time: ``ip_addr``, country,
platform and the rest are dropped as the row is read, and no raw row outlives the parse. Podcast,
audiobook and null-track rows are skipped. Zips are read with caps on member count and on total
uncompressed size, checked against the bytes actually inflated, so a zip bomb is refused early.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any

from soulmate_core.errors import InputError
from soulmate_core.profile import (
    ArtistEntry,
    RangeName,
    RangeTaste,
    TasteProfile,
    TrackEntry,
    artist_key,
    make_profile,
)
from soulmate_core.weights import amount_weights

MAX_MEMBERS = 2_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024
MAX_ARTISTS = 50
MAX_TRACKS = 50
# Spotify's top-item ranges, measured back from the last play in the export.
RANGE_SPANS: tuple[tuple[RangeName, timedelta | None], ...] = (
    ("short_term", timedelta(weeks=4)),
    ("medium_term", timedelta(days=182)),
    ("long_term", None),
)

_HISTORY_NAME = re.compile(
    r"^(StreamingHistory_music_\d+|StreamingHistory\d+|Streaming_History_Audio_[\d_-]+|endsong_\d+)\.json$",
    re.IGNORECASE,
)
_ACCOUNT_KEYS = ("endTime", "msPlayed")
_EXTENDED_KEYS = ("ts", "ms_played")
_UNKNOWN = {"unknown artist", "unknown track"}


@dataclass(frozen=True, slots=True)
class Play:
    """One music play, stripped to what a taste profile needs."""

    artist: str
    track: str
    ms_played: int
    ended_at: datetime
    track_uri: str | None = None


def is_history_file(name: str) -> bool:
    return bool(_HISTORY_NAME.match(PurePosixPath(name).name))


def read_export(
    files: Iterable[tuple[str, bytes]],
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> list[Play]:
    """Every music play in the given files: zips (whole exports) or JSON history files."""
    plays: list[Play] = []
    total = 0
    seen = 0
    for name, content in files:
        seen += 1
        if _is_zip(name, content):
            for member, data in _zip_members(name, content, max_members, max_total_bytes - total):
                total += len(data)
                plays.extend(parse_history_json(member, data))
        elif name.lower().endswith(".json") or content.lstrip()[:1] in (b"[", b"{"):
            total += len(content)
            if total > max_total_bytes:
                raise InputError(f"the files are larger than {max_total_bytes // 2**20} MB", name)
            plays.extend(parse_history_json(name, content))
        else:
            raise InputError("not a zip or a JSON file", name)
    if seen == 0:
        raise InputError("no files given")
    if not plays:
        raise InputError("no music plays found: the files hold only podcasts, audiobooks or empty history")
    return plays


def parse_history_json(name: str, content: bytes) -> list[Play]:
    """The music plays of one history file, in either format."""
    try:
        rows = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text, so not a Spotify JSON file", name) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON (line {exc.lineno}): {exc.msg}", name) from None
    if not isinstance(rows, list):
        raise InputError("expected a list of plays, found a JSON " + type(rows).__name__, name)
    plays: list[Play] = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            raise InputError("expected each play to be a JSON object", f"{name}[{i}]")
        play = _play(row, f"{name}[{i}]")
        if play is not None:
            plays.append(play)
    return plays


def _play(row: Mapping[str, Any], where: str) -> Play | None:
    if all(key in row for key in _EXTENDED_KEYS):
        if row.get("episode_name") or row.get("spotify_episode_uri") or row.get("audiobook_title"):
            return None
        artist = row.get("master_metadata_album_artist_name")
        track = row.get("master_metadata_track_name")
        ended = _time(row["ts"], where, "%Y-%m-%dT%H:%M:%SZ")
        uri = row.get("spotify_track_uri")
        return _music(artist, track, row["ms_played"], ended, uri if isinstance(uri, str) else None, where)
    if all(key in row for key in _ACCOUNT_KEYS):
        ended = _time(row["endTime"], where, "%Y-%m-%d %H:%M")
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
        raise InputError(f"ms played is {ms!r}, not a number", where)
    if ms <= 0:
        return None
    return Play(artist=artist, track=track, ms_played=int(ms), ended_at=ended, track_uri=uri)


def _time(value: Any, where: str, fmt: str) -> datetime:
    if not isinstance(value, str):
        raise InputError(f"timestamp {value!r} is not text", where)
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
        except ValueError:
            raise InputError(f"timestamp {value!r} is not a date and time", where) from None


def _is_zip(name: str, content: bytes) -> bool:
    return content[:4] == b"PK\x03\x04" or name.lower().endswith(".zip")


def _zip_members(name: str, content: bytes, max_members: int, budget: int) -> Iterable[tuple[str, bytes]]:
    """(member name, bytes) of the history files in a zip, within the caps."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise InputError("not a valid zip file", name) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > max_members:
            raise InputError(f"the zip has {len(infos)} files; at most {max_members} are accepted", name)
        wanted = [i for i in infos if not i.is_dir() and is_history_file(i.filename)]
        if not wanted:
            raise InputError(
                "no streaming history in this zip: expected StreamingHistory_music_*.json, "
                "Streaming_History_Audio_*.json or endsong_*.json",
                name,
            )
        declared = sum(i.file_size for i in wanted)
        if declared > budget:
            raise InputError(_too_big(budget), name)
        for info in wanted:
            data = _inflate(archive, info, budget, f"{name}:{info.filename}")
            budget -= len(data)
            yield PurePosixPath(info.filename).name, data


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, where: str) -> bytes:
    """Read one member, never inflating more than ``budget`` bytes whatever its header claims."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(1 << 20):
                size += len(chunk)
                if size > budget:
                    raise InputError(_too_big(budget), where)
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise InputError(f"cannot read this zip member: {exc}", where) from None
    return b"".join(chunks)


def _too_big(budget: int) -> str:
    return f"the export unpacks to more than {max(budget, 0) // 2**20} MB; refusing it as a possible zip bomb"


def profile_from_plays(
    plays: Sequence[Play],
    *,
    user_id: str,
    display_name: str,
    discoverable: bool = False,
) -> TasteProfile:
    """A ``spotify-export`` profile: weights from milliseconds played, ranges from timestamps.

    Ranges mirror Spotify's top items (last 4 weeks, 6 months, all), measured back from the last
    play in the export, since an export is a snapshot of the past.
    """
    if not plays:
        raise InputError("no music plays to build a profile from")
    end = max(p.ended_at for p in plays)
    ranges: dict[RangeName, RangeTaste] = {}
    for name, span in RANGE_SPANS:
        window = [p for p in plays if span is None or p.ended_at > end - span]
        taste = _range_taste(window)
        if taste.artists:
            ranges[name] = taste
    return make_profile(
        user_id=user_id,
        display_name=display_name,
        source="spotify-export",
        ranges=ranges,
        discoverable=discoverable,
    )


def _range_taste(plays: Sequence[Play]) -> RangeTaste:
    artist_ms: dict[str, tuple[str, int]] = {}
    track_ms: dict[tuple[str, str], tuple[str, str, int, str | None]] = {}
    for p in plays:
        key = artist_key(p.artist)
        shown, ms = artist_ms.get(key, (p.artist, 0))
        artist_ms[key] = (shown, ms + p.ms_played)
        tkey = (key, p.track.casefold())
        t_artist, t_name, t_ms, uri = track_ms.get(tkey, (p.artist, p.track, 0, p.track_uri))
        track_ms[tkey] = (t_artist, t_name, t_ms + p.ms_played, uri or p.track_uri)
    artists = sorted(artist_ms.values(), key=lambda a: (-a[1], a[0]))[:MAX_ARTISTS]
    tracks = sorted(track_ms.values(), key=lambda t: (-t[2], t[1]))[:MAX_TRACKS]
    artist_weights = amount_weights([ms for _, ms in artists])
    track_weights = amount_weights([t[2] for t in tracks])
    return RangeTaste(
        artists=tuple(
            ArtistEntry(name=name, weight=w) for (name, _), w in zip(artists, artist_weights, strict=True)
        ),
        tracks=tuple(
            TrackEntry(name=t_name, artists=(t_artist,), weight=w, spotify_id=_track_id(uri))
            for (t_artist, t_name, _, uri), w in zip(tracks, track_weights, strict=True)
        ),
    )


def _track_id(uri: str | None) -> str | None:
    if uri and uri.startswith("spotify:track:"):
        return uri.removeprefix("spotify:track:") or None
    return None
