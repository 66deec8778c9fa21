"""One person's listening history, from any mix of the formats ``formats`` knows -> ``TasteProfile``.

The importer's front door for a person: each file's format is told from its content (zips opened),
its rows become ``Play``s or counted reasons to leave them out (``listen_rules``), and the plays are
kept as compact columns (``play_tally``). Building the profile ranks the ranges (``ranking``) and
reads the files a second time for the few names it shows. Both passes stream, one row at a time,
within one byte cap for the whole import (``bounded``), so memory stays well below the cap whatever
the input, and every refusal is an ``InputError`` naming ``file:line``. Tables of many listeners are
imported by ``listens`` instead.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from soulmate_core.errors import InputError
from soulmate_core.listening import DropReason, describe
from soulmate_core.profile import Source, TasteProfile, make_profile
from soulmate_core.sources.bounded import Budget, settle_all
from soulmate_core.sources.bounded import Source as FileSource
from soulmate_core.sources.formats import TABLES, Format
from soulmate_core.sources.input_files import expected_bytes, input_streams
from soulmate_core.sources.listenbrainz import listenbrainz_plays
from soulmate_core.sources.play_tally import Play, PlayColumns
from soulmate_core.sources.ranking import rank
from soulmate_core.sources.scrobbles import lastfm_plays, scrobbler_log_plays, scrobbles_plays
from soulmate_core.sources.spotify_export import spotify_plays

MAX_MEMBERS = 2_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024

Parser = Callable[[IO[bytes], str, Counter[DropReason]], Iterator[Play]]
Progress = Callable[[int, int], None]
"""(bytes read so far, about how many in all): both passes, so the second ends at the total."""

PARSERS: dict[Format, Parser] = {
    Format.SPOTIFY: spotify_plays,
    Format.LISTENBRAINZ: listenbrainz_plays,
    Format.SCROBBLES: scrobbles_plays,
    Format.LASTFM: lastfm_plays,
    Format.SCROBBLER_LOG: scrobbler_log_plays,
}
SOURCES: dict[Format, Source] = {
    Format.SPOTIFY: "spotify-export",
    Format.LISTENBRAINZ: "listenbrainz",
    Format.SCROBBLES: "scrobbles",
    Format.LASTFM: "scrobbles",
    Format.SCROBBLER_LOG: "scrobbles",
}
_REPORT_EVERY = 4096


class History:
    """The music plays of one person's files: counted, and tallied as they were read; iterating them
    reads the files again (a second pass, as bounded as the first)."""

    def __init__(
        self,
        files: Sequence[tuple[str, FileSource]],
        caps: tuple[int, int],
        progress: Progress | None = None,
    ) -> None:
        self._files = files
        self._caps = caps  # (max_members, max_total_bytes)
        self._progress = progress
        self._expected = 2 * expected_bytes(files) if progress else 0
        self.columns = PlayColumns()
        self.dropped: Counter[DropReason] = Counter()
        self.formats: set[Format] = set()
        for play in self._plays(self.dropped, self.formats, 0):
            self.columns.add(play)

    def __len__(self) -> int:
        """Plays read that passed the rules a single row can apply."""
        return len(self.columns)

    def __iter__(self) -> Iterator[Play]:
        return self._plays(Counter(), set(), self._expected // 2)

    @property
    def source(self) -> Source:
        kinds = {SOURCES[found] for found in self.formats}
        return kinds.pop() if len(kinds) == 1 else "history"

    def _plays(self, dropped: Counter[DropReason], formats: set[Format], offset: int) -> Iterator[Play]:
        max_members, max_total_bytes = self._caps
        budget = Budget(max_total_bytes)
        read = 0
        for found in input_streams(self._files, budget, max_members):
            if found.format in TABLES:
                raise InputError(
                    "this is a table of many listeners, not one person's history: import it on its "
                    "own with the command line (soulmate import)",
                    found.name,
                )
            formats.add(found.format)
            for play in PARSERS[found.format](found.stream, found.name, dropped):
                read += 1
                if self._progress and read % _REPORT_EVERY == 0:
                    self._progress(min(offset + budget.taken, self._expected), self._expected)
                yield play
        if self._progress:
            self._progress(offset + self._expected // 2, self._expected)


def read_history(
    files: Iterable[tuple[str, FileSource]],
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    progress: Progress | None = None,
) -> History:
    """Every music play in the given files: zips or loose history files in any format ``formats``
    knows, given as bytes, paths or seekable streams. Pipes and devices are read once, within the
    cap. The cap holds for all the files together, unpacked."""
    settled = settle_all(files, max_total_bytes)  # pipes read into memory, all of them together
    if not settled:
        raise InputError("no files given")
    history = History(settled, (max_members, max_total_bytes), progress)
    if not len(history):
        raise InputError("no music plays found: " + _left_out(history.dropped))
    return history


def _left_out(dropped: Counter[DropReason]) -> str:
    if not any(dropped.values()):
        return "the files hold no plays"
    reasons = ", ".join(describe(reason, count) for reason, count in dropped.most_common() if count)
    return f"every play was left out ({reasons})"


def profile_from_history(
    history: History,
    *,
    user_id: str,
    display_name: str,
    discoverable: bool = False,
) -> TasteProfile:
    """The profile of one person's history: ranges from its timestamps, listens counted by the
    rules, and what was counted and left out (``TasteProfile.listening``)."""
    dropped = Counter(history.dropped)
    listens = history.columns.finish(dropped)
    ranked = rank(listens, dropped, history)
    return make_profile(
        user_id=user_id,
        display_name=display_name,
        source=history.source,
        ranges=ranked.ranges,
        discoverable=discoverable,
        listening=ranked.summary,
    )
