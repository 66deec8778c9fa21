"""What an imported history counted, and what it left out and why: kept with the profile.

A history holds plays that say little about taste: a track skipped after ten seconds, a podcast,
a private session, a sleep-sound loop played all night. The importer leaves those out (the rules are
in ``sources.listen_rules``) and counts each reason, so the person can see what was ignored ("1,204
plays under 30 s ignored") and trust what was kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, get_args

if TYPE_CHECKING:
    from soulmate_core.profile import RangeName

DropReason = Literal[
    "short", "partial", "skipped", "podcast", "audiobook", "video", "incognito", "untitled", "undated"
]
DROP_REASONS: tuple[DropReason, ...] = get_args(DropReason)

LABELS: Mapping[DropReason, tuple[str, str]] = {  # (one, several)
    "short": ("play under 30 s", "plays under 30 s"),
    "partial": (
        "play of less than half its track (or 4 minutes)",
        "plays of less than half their track (or 4 minutes)",
    ),
    "skipped": ("skipped play", "skipped plays"),
    "podcast": ("podcast episode", "podcast episodes"),
    "audiobook": ("audiobook chapter", "audiobook chapters"),
    "video": ("video play", "video plays"),
    "incognito": ("play in a private session", "plays in a private session"),
    "untitled": ("play without an artist or a track", "plays without an artist or a track"),
    "undated": ("scrobble without a date (now playing)", "scrobbles without a date (now playing)"),
}


@dataclass(frozen=True, slots=True)
class ListeningSummary:
    """``counted`` listens made the profile; ``dropped`` says how many plays were left out, by
    reason; ``capped_tracks`` tracks were played so much more than anything else (an earworm, a
    sleep loop) that their share was capped. Dates are the first and last play, ``YYYY-MM-DD``.

    Time listened is what the files say each counted listen lasted (Spotify's ``ms_played``, a
    listens table's ``ms_played`` column): ``ms_played`` over the ``timed_listens`` that say it,
    and per range (``range_ms``). Scrobbles and ListenBrainz listens say only that a track was
    played, so a history of them has no timed listens, rather than a guess. ``ms_played`` is None
    for a profile imported before time listened was kept."""

    counted: int
    dropped: Mapping[DropReason, int] = field(default_factory=dict)
    capped_tracks: int = 0
    first_play: str | None = None
    last_play: str | None = None
    ms_played: int | None = None
    timed_listens: int = 0
    range_ms: Mapping[RangeName, int] = field(default_factory=dict)

    @property
    def minutes(self) -> int | None:
        """Whole minutes listened, or None when the files do not say (or it was not kept)."""
        return None if self.ms_played is None or not self.timed_listens else minutes(self.ms_played)


def minutes(ms: int) -> int:
    return round(ms / 60_000)


def listening_lines(summary: ListeningSummary) -> list[str]:
    """The summary as short plain sentences, most common reason first, for a page or a terminal."""
    span = (
        f" from {summary.first_play} to {summary.last_play}"
        if summary.first_play and summary.last_play
        else ""
    )
    listens = "listen" if summary.counted == 1 else "listens"
    lines = [f"{summary.counted:,} {listens} counted{span}."]
    dropped = sorted(((n, r) for r, n in summary.dropped.items() if n > 0), key=lambda x: (-x[0], x[1]))
    lines.append(_time_line(summary))
    lines.extend(f"{describe(reason, count)} ignored." for count, reason in dropped)
    if summary.capped_tracks:
        tracks = "track" if summary.capped_tracks == 1 else "tracks"
        lines.append(
            f"{summary.capped_tracks:,} {tracks} played on repeat capped, so that no single track "
            "can make your taste."
        )
    return lines


def _time_line(summary: ListeningSummary) -> str:
    if summary.ms_played is None:
        return "Minutes listened were not kept when this history was imported: import it again to see them."
    if summary.minutes is None:
        return (
            "Minutes listened are unknown: these files say which tracks were played, not for how "
            "long (scrobbles and ListenBrainz listens carry no time played)."
        )
    unit = "minute" if summary.minutes == 1 else "minutes"
    if summary.timed_listens >= summary.counted:
        return f"Those listens lasted {summary.minutes:,} {unit} in all."
    return (
        f"The {summary.timed_listens:,} of those listens whose files say how long they lasted come "
        f"to {summary.minutes:,} {unit}."
    )


def describe(reason: DropReason, count: int) -> str:
    """``count`` plays left out for ``reason``, in words: "1,204 plays under 30 s"."""
    one, several = LABELS[reason]
    return f"{count:,} {one if count == 1 else several}"
