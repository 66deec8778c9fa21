"""What an imported history counted, and what it left out and why: kept with the profile.

A history holds plays that say little about taste: a track skipped after ten seconds, a podcast,
a private session, a sleep-sound loop played all night. The importer leaves those out (the rules are
in ``sources.listen_rules``) and counts each reason, so the person can see what was ignored ("1,204
plays under 30 s ignored") and trust what was kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

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
    sleep loop) that their share was capped. Dates are the first and last play, ``YYYY-MM-DD``."""

    counted: int
    dropped: Mapping[DropReason, int] = field(default_factory=dict)
    capped_tracks: int = 0
    first_play: str | None = None
    last_play: str | None = None


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
    lines.extend(f"{describe(reason, count)} ignored." for count, reason in dropped)
    if summary.capped_tracks:
        tracks = "track" if summary.capped_tracks == 1 else "tracks"
        lines.append(
            f"{summary.capped_tracks:,} {tracks} played on repeat capped, so that no single track "
            "can make your taste."
        )
    return lines


def describe(reason: DropReason, count: int) -> str:
    """``count`` plays left out for ``reason``, in words: "1,204 plays under 30 s"."""
    one, several = LABELS[reason]
    return f"{count:,} {one if count == 1 else several}"
