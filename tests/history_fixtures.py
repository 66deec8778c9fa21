"""One invented person's listening, written out in every history format the importer reads, each from
its documented shape (no real person's data), so tests can check that the formats agree.

Every listen plays its whole track, at a whole minute, and each format gets the same instants, so
the same listening gives the same profile whatever the file. ``NOISE`` plays (a skip, a short play,
a podcast...) exist only where a format can say so.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

END = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
_IDS = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")


def mbid(name: str) -> str:
    """A made-up MusicBrainz id, the same for the same name."""
    return str(uuid.uuid5(_IDS, name))


@dataclass(frozen=True)
class Listen:
    artist: str
    track: str
    album: str
    ended: datetime
    seconds: int  # the track's length; every listen here plays all of it


# (artist, track, album, plays, first and last day before END, track length in seconds):
# long-loved favourites, a recent obsession, and a few in between.
SPEC: tuple[tuple[str, str, str, int, int, int, int], ...] = (
    ("Radiohead", "Paranoid Android", "OK Computer", 18, 300, 80, 387),
    ("Radiohead", "Reckoner", "In Rainbows", 12, 280, 60, 290),
    ("Portishead", "Glory Box", "Dummy", 9, 200, 120, 305),
    ("Björk", "Jóga", "Homogenic", 5, 95, 85, 305),
    ("Little Simz", "Venom", "GREY Area", 6, 12, 8, 190),
    ("Little Simz", "Gorilla", "NO THANK YOU", 4, 5, 2, 233),
    ("Nick Drake", "Pink Moon", "Pink Moon", 3, 25, 18, 124),
)


def listening(spec: Sequence[tuple[str, str, str, int, int, int, int]] = SPEC) -> list[Listen]:
    """The listens of ``spec``, oldest first, each row's plays spread evenly over its days."""
    listens = []
    for row, (artist, track, album, plays, first, last, seconds) in enumerate(spec):
        for i in range(plays):
            days = first - (first - last) * i / max(plays - 1, 1)
            moment = END - timedelta(days=days) + timedelta(minutes=row)
            listens.append(Listen(artist, track, album, moment.replace(second=0, microsecond=0), seconds))
    return sorted(listens, key=lambda x: x.ended)


LISTENING = listening()
TOP_LONG_TERM = "Radiohead"
SHORT_TERM = ["Little Simz", "Nick Drake"]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


def track_uri(artist: str, track: str) -> str:
    """A made-up Spotify track URI, the same for the same artist and track."""
    return "spotify:track:" + uuid.uuid5(_IDS, f"{artist}\x00{track}").hex[:22]


# --- Spotify ----------------------------------------------------------------------------------------


def spotify_extended_rows(
    listens: Iterable[Listen] = LISTENING, *, legacy: bool = False
) -> list[dict[str, Any]]:
    """``Streaming_History_Audio_*.json`` rows; ``legacy``: ``endsong_N.json``, whose rows also carry
    the account's user name, IP address and user agent."""
    rows = [_extended(x.artist, x.track, x.album, x.seconds * 1000, x.ended, legacy=legacy) for x in listens]
    return rows


def _extended(
    artist: str | None,
    track: str | None,
    album: str | None,
    ms: int,
    ended: datetime,
    *,
    legacy: bool = False,
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "ts": _iso(ended),
        "platform": "android",
        "ms_played": ms,
        "conn_country": "GB",
        "ip_addr": "203.0.113.7",
        "master_metadata_track_name": track,
        "master_metadata_album_artist_name": artist,
        "master_metadata_album_album_name": album,
        "spotify_track_uri": track_uri(artist, track) if artist and track else None,
        "episode_name": None,
        "episode_show_name": None,
        "spotify_episode_uri": None,
        "audiobook_title": None,
        "audiobook_uri": None,
        "audiobook_chapter_uri": None,
        "audiobook_chapter_title": None,
        "reason_start": "trackdone",
        "reason_end": "trackdone",
        "shuffle": False,
        "skipped": False,
        "offline": False,
        "offline_timestamp": None,
        "incognito_mode": False,
    }
    if legacy:
        del row["ip_addr"], row["audiobook_title"], row["audiobook_uri"]
        del row["audiobook_chapter_uri"], row["audiobook_chapter_title"]
        row.update(
            username="someone-private",
            ip_addr_decrypted="198.51.100.23",
            user_agent_decrypted="unknown-private-agent",
        )
    return row


def spotify_noise_rows() -> list[dict[str, Any]]:
    """Extended-history plays that are not listens, one of each kind, all before the last listen."""
    at = END - timedelta(days=1)
    podcast = _extended(None, None, None, 3_600_000, at)
    podcast.update(
        episode_name="Episode 12", spotify_episode_uri="spotify:episode:abc", episode_show_name="A Show"
    )
    audiobook = _extended(None, None, None, 1_800_000, at)
    audiobook.update(audiobook_title="A Book", audiobook_uri="spotify:audiobook:xyz")
    private = _extended("Private Artist", "Secret Song", "Hidden", 200_000, at)
    private["incognito_mode"] = True
    skipped = _extended("Skipped Artist", "Not Today", "Nope", 95_000, at)
    skipped.update(skipped=True, reason_end="fwdbtn")
    short = _extended("Radiohead", "Reckoner", "In Rainbows", 12_000, at)
    short["reason_end"] = "fwdbtn"
    partial = _extended("Radiohead", "Reckoner", "In Rainbows", 100_000, at)  # of a 290 s track
    partial["reason_end"] = "fwdbtn"
    return [podcast, audiobook, private, skipped, short, partial, _extended(None, None, None, 5_000, at)]


NOISE = {"podcast": 1, "audiobook": 1, "incognito": 1, "skipped": 1, "short": 1, "partial": 1, "untitled": 1}
"""What ``spotify_noise_rows`` leaves out, by reason."""


def spotify_account_rows(listens: Iterable[Listen] = LISTENING) -> list[dict[str, Any]]:
    """``StreamingHistory_music_N.json`` (older: ``StreamingHistoryN.json``) rows."""
    return [
        {
            "endTime": x.ended.strftime("%Y-%m-%d %H:%M"),
            "artistName": x.artist,
            "trackName": x.track,
            "msPlayed": x.seconds * 1000,
        }
        for x in listens
    ]


def as_json(rows: Any) -> bytes:
    return json.dumps(rows, ensure_ascii=False).encode()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- ListenBrainz -------------------------------------------------------------------------------------


def listenbrainz_line(x: Listen, *, mapped: bool = True, artist_name: str | None = None) -> dict[str, Any]:
    """One listen as ListenBrainz's user export writes it."""
    artist_id = mbid(x.artist)
    mapping = {
        "recording_name": x.track,
        "recording_mbid": mbid(f"{x.artist}/{x.track}"),
        "release_mbid": mbid(f"{x.artist}/{x.album}"),
        "artist_mbids": [artist_id],
        "caa_id": 12345,
        "caa_release_mbid": mbid(f"{x.artist}/{x.album}"),
        "artists": [{"artist_credit_name": x.artist, "join_phrase": "", "artist_mbid": artist_id}],
    }
    return {
        "listened_at": _unix(x.ended),
        "inserted_at": _unix(x.ended) + 7,
        "track_metadata": {
            "artist_name": artist_name or x.artist,
            "track_name": x.track,
            "release_name": x.album,
            "recording_msid": str(uuid.uuid5(_IDS, f"msid/{x.artist}/{x.track}")),
            "additional_info": {
                "duration_ms": x.seconds * 1000,
                "submission_client": "a player",
                "media_player": "a player",
            },
            "mbid_mapping": mapping if mapped else None,
        },
    }


def listenbrainz_zip(
    listens: Iterable[Listen] = LISTENING, line: Callable[[Listen], dict[str, Any]] = listenbrainz_line
) -> bytes:
    """The export zip: ``user.json``, ``listens/YYYY/M.jsonl`` and ``feedback.jsonl``."""
    months: dict[str, list[str]] = {}
    for x in listens:
        months.setdefault(f"listens/{x.ended.year}/{x.ended.month}.jsonl", []).append(json.dumps(line(x)))
    members = {"user.json": b'{"user_id": 4242, "username": "someone-private"}\n'}
    members |= {name: ("\n".join(lines) + "\n").encode() for name, lines in months.items()}
    members["feedback.jsonl"] = b'{"recording_msid": "x", "recording_mbid": null, "score": 1, "created": 1}\n'
    return zip_of(members)


# --- Last.fm, Libre.fm, .scrobbler.log --------------------------------------------------------------


def _csv(rows: Iterable[Sequence[Any]], delimiter: str = ",") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerows(rows)
    return out.getvalue().encode()


def lastfm_csv(listens: Iterable[Listen] = LISTENING) -> bytes:
    """A community exporter's CSV: no header; artist, album, track, date; newest first."""
    newest_first = sorted(listens, key=lambda x: x.ended, reverse=True)
    return _csv((x.artist, x.album, x.track, x.ended.strftime("%d %b %Y %H:%M")) for x in newest_first)


def lastfm_csv_with_header(listens: Iterable[Listen] = LISTENING) -> bytes:
    """Another exporter's CSV, with a header and MusicBrainz ids."""
    header = ("uts", "utc_time", "artist", "artist_mbid", "album", "album_mbid", "track", "track_mbid")
    rows = [
        (
            _unix(x.ended),
            x.ended.strftime("%d %b %Y, %H:%M"),
            x.artist,
            mbid(x.artist),
            x.album,
            "",
            x.track,
            "",
        )
        for x in sorted(listens, key=lambda x: x.ended, reverse=True)
    ]
    return _csv([header, *rows])


def librefm_csv(listens: Iterable[Listen] = LISTENING) -> bytes:
    """Libre.fm's export: ``time,artist,track,album``, the time in unix seconds."""
    return _csv(
        [
            ("time", "artist", "track", "album"),
            *((_unix(x.ended), x.artist, x.track, x.album) for x in listens),
        ]
    )


def scrobbler_log(listens: Iterable[Listen] = LISTENING, *, skipped: Iterable[Listen] = ()) -> bytes:
    """A portable player's ``.scrobbler.log`` (Audioscrobbler 1.1); ``skipped`` rated S."""
    head = "#AUDIOSCROBBLER/1.1\n#TZ/UTC\n#CLIENT/Rockbox sansae200 $Revision$\n"
    rated = [(x, "L") for x in listens] + [(x, "S") for x in skipped]
    rows = sorted(rated, key=lambda r: r[0].ended)
    body = "".join(
        f"{x.artist}\t{x.album}\t{x.track}\t1\t{x.seconds}\t{rating}\t{_unix(x.ended)}\t\n"
        for x, rating in rows
    )
    return (head + body).encode()


def timed_table(people: dict[str, Iterable[Listen]]) -> bytes:
    """The generic listens table of many listeners: ``user_id,ts,artist,track,album,ms_played``."""
    rows = [
        (user, _iso(x.ended), x.artist, x.track, x.album, x.seconds * 1000)
        for user, listens in people.items()
        for x in listens
    ]
    return _csv([("user_id", "ts", "artist", "track", "album", "ms_played"), *rows])


# --- every format, for parametrised tests -------------------------------------------------------------

FORMATS: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # id: (file name, content, source of the profile)
    "spotify-extended": (
        "Streaming_History_Audio_2025-2026_0.json",
        lambda: as_json(spotify_extended_rows() + spotify_noise_rows()),
        "spotify-export",
    ),
    "spotify-endsong": (
        "endsong_0.json",
        lambda: as_json(spotify_extended_rows(legacy=True)),
        "spotify-export",
    ),
    "spotify-account": (
        "StreamingHistory_music_0.json",
        lambda: as_json(spotify_account_rows()),
        "spotify-export",
    ),
    "spotify-account-legacy": (
        "StreamingHistory0.json",
        lambda: as_json(spotify_account_rows()),
        "spotify-export",
    ),
    "listenbrainz": ("listenbrainz_someone_1767225600.zip", listenbrainz_zip, "listenbrainz"),
    "lastfm": ("scrobbles.csv", lastfm_csv, "scrobbles"),
    "lastfm-with-header": ("lastfm-export.csv", lastfm_csv_with_header, "scrobbles"),
    "librefm": ("librefm.csv", librefm_csv, "scrobbles"),
    "scrobbler-log": (".scrobbler.log", scrobbler_log, "scrobbles"),
}
