"""Scrobbles as people keep them outside Last.fm's own site -> ``Play``s.

Last.fm has no export of its own. Its listeners bring:

- a community exporter's CSV without a header: ``artist,album,track,date``, the date as
  ``31 Jan 2021 12:34`` (UTC); a row without a date is a track that was playing, not a scrobble;
- a CSV (or tab-separated) file with a header naming its columns: Libre.fm's
  ``time,artist,track,album`` (unix seconds), or an exporter's ``uts,utc_time,artist,artist_mbid,
  album,album_mbid,track,track_mbid``. Columns are found by name; ``artist_mbid`` joins an artist
  across spellings;
- a portable player's ``.scrobbler.log`` (Audioscrobbler 1.1): ``#`` header lines, then
  ``ARTIST\\tALBUM\\tTITLE\\tTRACKNUM\\tLENGTH\\tRATING\\tTIMESTAMP[\\tMBID]``, the length in seconds,
  rating ``L`` (listened) or ``S`` (skipped), the time in unix seconds. ``#TZ/UNKNOWN`` logs write
  the player's local time, read here as UTC: a few hours off at most.

A scrobble is already a counted listen; skipped (``S``) ones and tracks under 30 s are left out.
Every row must name its artist and track; any refusal names ``file:line``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import IO

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason
from soulmate_core.sources.fields import milliseconds, musicbrainz_id, scrobble_time, text_field, unix_time
from soulmate_core.sources.formats import HEAD_BYTES, TIME_COLUMNS, delimiter_of
from soulmate_core.sources.listen_rules import verdict
from soulmate_core.sources.play_tally import Play
from soulmate_core.sources.text_lines import delimited_rows, lines

_LOG_FIELDS = "artist, album, title, track number, length, rating, time, MusicBrainz id"


def lastfm_plays(stream: IO[bytes], name: str, dropped: Counter[DropReason]) -> Iterator[Play]:
    """A header-less ``artist,album,track,date`` CSV."""
    for line, cells in delimited_rows(stream, name):
        where = f"{name}:{line}"
        if len(cells) != 4:
            raise InputError(f"expected 4 fields (artist,album,track,date), found {len(cells)}", where)
        yield from _scrobble(cells[0], cells[2], cells[3], None, where, dropped)


def scrobbles_plays(stream: IO[bytes], name: str, dropped: Counter[DropReason]) -> Iterator[Play]:
    """A CSV or tab-separated file whose header names artist, track and a time column."""
    head = stream.peek(HEAD_BYTES)[:HEAD_BYTES].decode("utf-8-sig", errors="replace")  # type: ignore[attr-defined]
    rows = delimited_rows(stream, name, delimiter_of(head.split("\n", 1)[0]))
    _, header = next(rows)
    columns = {cell.strip().casefold(): at for at, cell in enumerate(header)}
    when = columns[next(c for c in TIME_COLUMNS if c in columns)]
    mbid = columns.get("artist_mbid")
    for line, cells in rows:
        where = f"{name}:{line}"
        if len(cells) != len(header):
            raise InputError(f"expected {len(header)} fields, found {len(cells)}", where)
        artist, track = cells[columns["artist"]], cells[columns["track"]]
        found = musicbrainz_id(cells[mbid]) if mbid is not None else None
        yield from _scrobble(artist, track, cells[when], found, where, dropped)


def _scrobble(
    artist: str, track: str, when: str, mbid: str | None, where: str, dropped: Counter[DropReason]
) -> Iterator[Play]:
    shown_artist, shown_track = text_field(artist, "artist", where), text_field(track, "track", where)
    if not shown_artist:
        raise InputError("empty artist", where)
    if not shown_track:
        raise InputError("empty track", where)
    if not when.strip():
        dropped["undated"] += 1
        return
    yield Play(artist=shown_artist, track=shown_track, ended_at=scrobble_time(when, where), artist_mbid=mbid)


def scrobbler_log_plays(stream: IO[bytes], name: str, dropped: Counter[DropReason]) -> Iterator[Play]:
    """An Audioscrobbler ``.scrobbler.log``. Its fields are not quoted: tabs alone part them."""
    in_header = True
    for number, text in lines(stream, name):
        text = text.rstrip("\r\n")
        if in_header and text.startswith("#"):
            continue
        in_header = False
        if not text.strip():
            continue
        where = f"{name}:{number}"
        cells = text.split("\t")
        if len(cells) not in (7, 8):
            raise InputError(f"expected 8 tab-separated fields ({_LOG_FIELDS}), found {len(cells)}", where)
        artist, _, title, _, length, rating, stamp = (cell.strip() for cell in cells[:7])
        if rating not in ("L", "S"):
            raise InputError(f"rating {rating!r} is neither L (listened) nor S (skipped)", where)
        duration = milliseconds(length, "the length", where) * 1000 if length else None
        ended = unix_time(stamp, where)
        shown_artist, shown_title = text_field(artist, "artist", where), text_field(title, "title", where)
        if not shown_artist or not shown_title:
            raise InputError("empty artist" if not shown_artist else "empty title", where)
        reason = verdict(None, duration, skipped=rating == "S")
        if reason is not None:
            dropped[reason] += 1
            continue
        yield Play(artist=shown_artist, track=shown_title, ended_at=ended, duration_ms=duration)
