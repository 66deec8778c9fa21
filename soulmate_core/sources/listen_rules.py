"""Which plays count as a listen, and how much one track may weigh: pure rules, every format alike.

- A play under 30 s is not a listen, nor is one its source marks as skipped.
- Where both the time played and the track's length are known, a listen is at least half the
  track or 4 minutes, whichever is less: the rule Last.fm and ListenBrainz count scrobbles by.
  Spotify's extended history gives no track lengths, but a play that ended because the track was
  done (``reason_end: trackdone``) played all of it: that is the track's length for its other plays.
- Podcasts, audiobooks, videos, private sessions and rows without an artist or track are left out
  where each format is read.
- No track takes more than ``TRACK_SHARE_CAP`` of a range (``cap_shares``): an earworm or a
  sleep-sound loop played all night says little about taste.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from soulmate_core.listening import DropReason

MIN_MS = 30_000
FULL_LISTEN_MS = 240_000
TRACK_SHARE_CAP = 0.1


def verdict(ms_played: int | None, duration_ms: int | None, *, skipped: bool = False) -> DropReason | None:
    """Why a play is not a listen, or None when it counts. ``None`` means not known."""
    if skipped:
        return "skipped"
    if ms_played is None:
        return "short" if duration_ms is not None and duration_ms < MIN_MS else None
    if ms_played < MIN_MS:
        return "short"
    if duration_ms is not None and ms_played < needed_ms(duration_ms):
        return "partial"
    return None


def needed_ms(duration_ms: int) -> int:
    """How long a play of a track this long must last to count: half of it, or 4 minutes."""
    return min(duration_ms // 2, FULL_LISTEN_MS)


def cap_shares(amounts: NDArray[np.float64], share: float = TRACK_SHARE_CAP) -> NDArray[np.float64]:
    """``amounts`` with the largest lowered to one level ``c`` so that none exceeds ``share`` of the
    new total: ``c = share × Σ min(a, c)``; ``amounts`` itself when none needs to be. Fewer than
    ``1 / share`` amounts above zero are left as they are: there is then no telling an obsession
    from a short history. Fewer than ``1 / share`` amounts can be lowered, so only that many of the
    largest are sorted."""
    if np.count_nonzero(amounts) * share <= 1:
        return amounts
    total = float(amounts.sum())
    if amounts.max() <= share * total:
        return amounts
    most = min(len(amounts), int(1 / share) + 1)
    largest = np.sort(np.partition(amounts, len(amounts) - most)[-most:])[::-1]
    for lowered in range(1, most):  # the ``lowered`` largest come down to ``level``
        if lowered * share >= 1:
            break
        level = share * (total - float(largest[:lowered].sum())) / (1 - share * lowered)
        if largest[lowered] <= level:
            capped: NDArray[np.float64] = np.minimum(amounts, level)
            return capped
    return amounts
