"""A ListenBrainz export: the zip's ``listens/YYYY/M.jsonl`` files -> ``Play``s.

Each line is one listen, as ListenBrainz writes its user export::

    {"listened_at": 1700000000, "inserted_at": ...,
     "track_metadata": {"artist_name", "track_name", "release_name", "recording_msid",
                        "additional_info": {"duration_ms", "spotify_id", "spotify_artist_ids", ...},
                        "mbid_mapping": null | {"recording_mbid", "recording_name", "release_mbid",
                                                "artist_mbids": [...],
                                                "artists": [{"artist_credit_name", "join_phrase",
                                                             "artist_mbid"}, ...]}}}

A listen is already counted the ListenBrainz way (half the track or 4 minutes), so it counts here
unless its track is under 30 s. Where MusicBrainz mapped the recording, the listen goes to its first
credited artist under MusicBrainz's name and id, and the name the player sent is kept as an alias
(``play_tally`` joins them); Spotify ids in ``additional_info`` join the same artist across sources.
The zip's ``user.json`` (the account's name and number) and its feedback files are never read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason
from soulmate_core.sources.fields import milliseconds, musicbrainz_id, text_field, unix_time
from soulmate_core.sources.listen_rules import verdict
from soulmate_core.sources.play_tally import Play
from soulmate_core.sources.text_lines import json_lines


def listenbrainz_plays(stream: IO[bytes], name: str, dropped: Counter[DropReason]) -> Iterator[Play]:
    for where, listen in json_lines(stream, name):
        meta = listen.get("track_metadata")
        if "listened_at" not in listen or not isinstance(meta, Mapping):
            raise InputError("not a ListenBrainz listen: expected listened_at and track_metadata", where)
        ended = unix_time(listen["listened_at"], where)
        artist = text_field(meta.get("artist_name"), "artist_name", where)
        track = text_field(meta.get("track_name"), "track_name", where)
        if not artist or not track:
            dropped["untitled"] += 1
            continue
        info = _mapping(meta.get("additional_info"))
        duration = _duration(info, where)
        reason = verdict(None, duration)
        if reason is not None:
            dropped[reason] += 1
            continue
        credited, mbid = _first_artist(_mapping(meta.get("mbid_mapping")), info, where)
        yield Play(
            artist=credited or artist,
            track=track,
            ended_at=ended,
            duration_ms=duration,
            track_uri=_spotify_uri(info.get("spotify_id"), "track"),
            alias=artist if credited and credited != artist else None,
            artist_mbid=mbid,
            artist_spotify_id=_spotify_id(_first(info.get("spotify_artist_ids")), "artist"),
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, Sequence) and not isinstance(value, str) and value else None


def _duration(info: Mapping[str, Any], where: str) -> int | None:
    if info.get("duration_ms") is not None:
        return milliseconds(info["duration_ms"], "duration_ms", where)
    if info.get("duration") is not None:
        return milliseconds(info["duration"], "duration", where) * 1000
    return None


def _first_artist(
    mapping: Mapping[str, Any], info: Mapping[str, Any], where: str
) -> tuple[str | None, str | None]:
    """The first credited artist's MusicBrainz name and id, as far as the listen says."""
    artist = _mapping(_first(mapping.get("artists")))
    credited = artist.get("artist_credit_name")
    name = text_field(credited, "artist_credit_name", where) if isinstance(credited, str) else None
    candidates = (
        artist.get("artist_mbid"),
        _first(mapping.get("artist_mbids")),
        _first(info.get("artist_mbids")),
    )
    return name, next((found for c in candidates if (found := musicbrainz_id(c)) is not None), None)


def _spotify_id(value: Any, kind: str) -> str | None:
    """``ID`` from ``https://open.spotify.com/KIND/ID`` or ``spotify:KIND:ID``."""
    if not isinstance(value, str):
        return None
    for prefix in (f"https://open.spotify.com/{kind}/", f"spotify:{kind}:"):
        if value.startswith(prefix):
            found = value.removeprefix(prefix).split("?", 1)[0]
            return found if found.isalnum() and len(found) <= 64 else None
    return None


def _spotify_uri(value: Any, kind: str) -> str | None:
    found = _spotify_id(value, kind)
    return f"spotify:{kind}:{found}" if found else None
