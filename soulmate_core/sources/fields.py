"""One field of a row, checked: times, lengths and names as every history format writes them.

Each check names ``file:line`` when it refuses a value, and shows the value short and printable.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from soulmate_core.errors import InputError

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_MS = 10**9  # about 11.6 days: longer than any one play or track
_MBID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_LASTFM_TIMES = ("%d %b %Y %H:%M", "%d %b %Y, %H:%M", "%d %b %Y %H:%M:%S")


def iso_time(value: Any, where: str) -> datetime:
    """An ISO 8601 time ("YYYY-MM-DD HH:MM", "YYYY-MM-DDTHH:MM:SSZ", ...); without a zone it is UTC."""
    if not isinstance(value, str):
        raise InputError(f"timestamp {show(value)} is not text", where)
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, OverflowError):
        raise InputError(f"timestamp {show(value)} is not a date and time", where) from None
    return _within(moment, value, where)


def unix_time(value: Any, where: str) -> datetime:
    """Seconds since 1970 (a JSON number, or digits in a text file)."""
    if isinstance(value, str) and value.strip().replace(".", "", 1).isdigit():
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(f"timestamp {show(value)} is not a number of seconds", where)
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"timestamp {show(value)} is not a date and time", where) from None
    return _within(moment, value, where)


def scrobble_time(text: str, where: str) -> datetime:
    """A scrobble's time as exporters write it: seconds since 1970, "31 Jan 2021 12:34", or ISO 8601."""
    text = text.strip()
    if text.replace(".", "", 1).isdigit():
        return unix_time(text, where)
    for layout in _LASTFM_TIMES:
        try:
            return _within(datetime.strptime(text, layout), text, where)
        except ValueError:
            continue
    return iso_time(text, where)


def is_time(text: str) -> bool:
    """Whether ``text`` reads as a scrobble's time, for telling a header from a first row."""
    try:
        scrobble_time(text, "")
    except InputError:
        return False
    return True


def _within(moment: datetime, value: Any, where: str) -> datetime:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if not EARLIEST <= moment < LATEST:
        raise InputError(f"timestamp {show(value)} is not between {EARLIEST.year} and {LATEST.year}", where)
    return moment


def milliseconds(value: Any, what: str, where: str) -> int:
    """A length in ms (``ms_played``, ``duration_ms``): a finite number from 0 to ``MAX_MS``."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InputError(f"{what} is {show(value)}, not a number", where) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{what} is {show(value)}, not a number", where)
    if not math.isfinite(value) or not 0 <= value <= MAX_MS:
        raise InputError(f"{what} is {show(value)}, not the length of one play", where)
    return int(value)


def text_field(value: Any, what: str, where: str) -> str | None:
    """A name from the file, trimmed; None when absent or empty. Refuses what is not text, or text
    with lone surrogates (JSON allows them; no store can encode them)."""
    if value is None:
        return None
    if type(value) is str and value.isascii():  # the usual case, fast: two passes call this per field
        return value.strip() or None
    if not isinstance(value, str):
        raise InputError(f"{what} is {show(value)}, not text", where)
    try:
        value.encode()
    except UnicodeEncodeError:
        raise InputError(f"{show(value)} is not valid Unicode text", where) from None
    return value.strip() or None


def musicbrainz_id(value: Any) -> str | None:
    """A MusicBrainz id (a UUID), lower case; None for anything else: ids are optional everywhere."""
    if isinstance(value, str) and _MBID.fullmatch(value.strip()):
        return value.strip().lower()
    return None


def show(value: Any) -> str:
    """A short, printable rendering of a value from the file, for a message."""
    shown = (
        repr(value) if isinstance(value, str | int | float | bool) or value is None else type(value).__name__
    )
    return shown if len(shown) <= 40 else f"{shown[:37]}..."
