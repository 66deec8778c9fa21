"""Spotify's "Download your data" exports: each row becomes a ``Play``, or a reason to leave it out.

- account data, ``StreamingHistory_music_N.json`` (older: ``StreamingHistoryN.json``):
  ``{endTime: "YYYY-MM-DD HH:MM", artistName, trackName, msPlayed}``; podcast rows
  (``StreamingHistory_podcast_N.json``) carry ``podcastName`` and ``episodeName`` instead;
- extended history, ``Streaming_History_Audio_YYYY[-YYYY]_N.json`` (older: ``endsong_N.json``):
  ``{ts, ms_played, master_metadata_track_name, master_metadata_album_artist_name,
  spotify_track_uri, episode_name, audiobook_title, reason_start, reason_end, skipped, shuffle,
  offline, incognito_mode, ...}``; older files also carry ``username``, ``ip_addr_decrypted`` and
  ``user_agent_decrypted``; ``Streaming_History_Video_*.json`` holds video plays.

Only artist, track, track URI, time played, the time and how the play ended are read from a row:
names, addresses, devices and countries are never copied, and no raw row outlives its parse.
Podcasts, audiobooks, videos, private sessions, rows without a track, skips and plays under 30 s are
counted and left out (``listen_rules``). The rows are streamed (``json_stream``) and every refusal
names ``file:line``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import IO, Any

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason
from soulmate_core.sources.fields import iso_time, milliseconds, text_field
from soulmate_core.sources.formats import is_spotify_name, unknown
from soulmate_core.sources.json_stream import array_items
from soulmate_core.sources.listen_rules import verdict
from soulmate_core.sources.play_tally import Play

_UNKNOWN = {"unknown artist", "unknown track"}


def spotify_plays(stream: IO[bytes], name: str, dropped: Counter[DropReason]) -> Iterator[Play]:
    """The music plays of one Spotify history file; what is left out is counted in ``dropped``."""
    video = "_video_" in name.casefold()
    for index, (where, row) in enumerate(array_items(stream, name)):
        if not isinstance(row, Mapping):
            raise InputError("expected each play to be a JSON object", where)
        if "ts" in row and "ms_played" in row:
            found = "video" if video else _extended(row, where)
        elif "endTime" in row and "msPlayed" in row:
            found = _account(row, where)
        elif "podcastName" in row:
            found = "podcast"
        elif index == 0 and not is_spotify_name(name):
            raise unknown(where)
        else:
            raise InputError(
                "not a Spotify streaming history row: expected endTime/msPlayed (account data) "
                "or ts/ms_played (extended history)",
                where,
            )
        if isinstance(found, Play):
            yield found
        else:
            dropped[found] += 1


def _extended(row: Mapping[str, Any], where: str) -> Play | DropReason:
    get = row.get
    if get("episode_name") or get("spotify_episode_uri"):
        return "podcast"
    if get("audiobook_title") or get("audiobook_uri") or get("audiobook_chapter_uri"):
        return "audiobook"
    ended = iso_time(row["ts"], where)
    if get("incognito_mode") is True:
        return "incognito"
    artist = text_field(get("master_metadata_album_artist_name"), "the artist", where)
    track = text_field(get("master_metadata_track_name"), "the track", where)
    if not artist or not track or artist.casefold() in _UNKNOWN:
        return "untitled"
    ms = milliseconds(row["ms_played"], "ms played", where)
    uri = text_field(get("spotify_track_uri"), "the track URI", where)
    reason = verdict(ms, None, skipped=get("skipped") is True)
    if reason is not None:
        return reason
    done = get("reason_end") == "trackdone"
    return Play(artist=artist, track=track, ended_at=ended, ms_played=ms, done=done, track_uri=uri)


def _account(row: Mapping[str, Any], where: str) -> Play | DropReason:
    if row.get("podcastName") or row.get("episodeName"):
        return "podcast"
    ended = iso_time(row["endTime"], where)
    artist = text_field(row.get("artistName"), "the artist", where)
    track = text_field(row.get("trackName"), "the track", where)
    if not artist or not track or artist.casefold() in _UNKNOWN:
        return "untitled"
    ms = milliseconds(row["msPlayed"], "ms played", where)
    return verdict(ms, None) or Play(artist=artist, track=track, ended_at=ended, ms_played=ms)
