"""Keep a profile under a size budget by trimming the long tails of its ranges.

A store with an item limit (DynamoDB: 400 KB) calls ``cap_profile`` before writing. The least
weighted artists and tracks go first; each range's weights are renormalised to sum to 1 again, the
genre weights are derived anew, and the profile says ``trimmed=True``.
"""

from __future__ import annotations

import json
import math
from dataclasses import replace

from soulmate_core.errors import InputError
from soulmate_core.profile import RangeName, RangeTaste, TasteProfile, derive_genre_weights
from soulmate_core.schema import to_item

MAX_ITEM_BYTES = 256 * 1024  # well under DynamoDB's 400 KB, which also counts attribute names
_KEEP_SHARE = 0.8  # each pass keeps this share of the longest list


def item_size(profile: TasteProfile) -> int:
    """The stored item's size as compact UTF-8 JSON: an upper bound for DynamoDB's own count."""
    text = json.dumps(to_item(profile), ensure_ascii=False, separators=(",", ":"))
    return len(text.encode("utf-8"))


def cap_profile(profile: TasteProfile, max_bytes: int = MAX_ITEM_BYTES) -> TasteProfile:
    """The profile itself when it fits, else a copy with shorter tails. ``InputError`` when even
    a profile without artists and tracks would not fit (e.g. a huge display name)."""
    if item_size(profile) <= max_bytes:
        return profile
    ranges = dict(profile.ranges)
    while True:
        name, length = _longest(ranges)
        if length == 0:
            raise InputError(f"the profile of {profile.user_id!r} does not fit in {max_bytes} bytes")
        ranges[name] = _shorten(ranges[name], min(length - 1, math.floor(length * _KEEP_SHARE)))
        trimmed = profile.with_changes(
            ranges=ranges, genre_weights=derive_genre_weights(ranges.values()), trimmed=True
        )
        if item_size(trimmed) <= max_bytes:
            return trimmed


def _longest(ranges: dict[RangeName, RangeTaste]) -> tuple[RangeName, int]:
    lengths = {name: max(len(t.artists), len(t.tracks)) for name, t in ranges.items()}
    name = max(lengths, key=lambda n: lengths[n], default=None)
    return ("all_time", 0) if name is None else (name, lengths[name])


def _shorten(taste: RangeTaste, keep: int) -> RangeTaste:
    artists = taste.artists[:keep]
    tracks = taste.tracks[:keep]
    artist_total = sum(a.weight for a in artists) or 1.0
    track_total = sum(t.weight for t in tracks) or 1.0
    return RangeTaste(
        artists=tuple(replace(a, weight=a.weight / artist_total) for a in artists),
        tracks=tuple(replace(t, weight=t.weight / track_total) for t in tracks),
    )
