"""Group blend: how 3 to 10 people who gave each other their share codes fit together.

- **The matrix.** Every pair's match score with the current model (``score``, symmetric), so the
  group reads as a heatmap; a member with themself has none.
- **Closest.** Each member's best match in the group (ties: whoever was added first).
- **The glue.** The artists that hold the group together: those the most members play first, then
  those with the larger share of the group's listening (each member's artist shares, averaged over
  the whole group, so a member who does not play an artist counts as 0). Only artists at least two
  members play count.
- **The playlist seed.** The tracks the most members have among their top tracks first; then, to
  fill it, their other top tracks by artists the most members play; then by the group's share of
  listening. A track needs at least two members behind it, on the track or its artists. Tracks are
  one track across members when their title and first artist agree (``artist_key``: case, width,
  spacing, Latin diacritics, a leading "The" and a featured credit aside); the first Spotify id any
  member has for it is kept.

Pure: profiles and a scoring function in, plain frozen data out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from soulmate_core.errors import InputError
from soulmate_core.profile import TasteProfile, artist_key

MIN_MEMBERS = 3
MAX_MEMBERS = 10
GLUE_LENGTH = 12
SEED_LENGTH = 30

Score = Callable[[TasteProfile, TasteProfile], float]
TrackKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class GroupArtist:
    name: str
    members: int
    """How many members play this artist."""
    share: float
    """The artist's share of the group's listening: members' shares averaged over the group."""


@dataclass(frozen=True, slots=True)
class SeedTrack:
    name: str
    artists: tuple[str, ...]
    members: int
    """How many members have this track among their top tracks."""
    artist_members: int
    """How many members play any of its artists."""
    share: float
    """The track's share of the group's top tracks: members' shares averaged over the group."""
    spotify_id: str | None = None


@dataclass(frozen=True)
class GroupBlend:
    member_ids: tuple[str, ...]
    scores: tuple[tuple[float | None, ...], ...]
    """``scores[i][j]``: how members i and j match, 0 to 1; None on the diagonal."""
    closest: tuple[int, ...]
    """``closest[i]``: the index of member i's best match in the group."""
    glue: tuple[GroupArtist, ...]
    seed: tuple[SeedTrack, ...]

    @property
    def harmony(self) -> float:
        """The mean of every pair's score: how well the group as a whole fits, 0 to 1."""
        pairs = [s for row in self.scores for s in row if s is not None]
        return sum(pairs) / len(pairs)


def blend(members: Sequence[TasteProfile], score: Score) -> GroupBlend:
    """The group's blend. Raises ``InputError`` for fewer than 3 or more than 10 members, or one
    member twice; the caller turns codes into ``members``."""
    ids = tuple(m.user_id for m in members)
    if not MIN_MEMBERS <= len(ids) <= MAX_MEMBERS:
        raise InputError(f"a group has {MIN_MEMBERS} to {MAX_MEMBERS} members, not {len(ids)}")
    if len(set(ids)) != len(ids):
        raise InputError("the same person is in the group twice")
    matrix = _matrix(members, score)
    closest = tuple(_best(row, i) for i, row in enumerate(matrix))
    return GroupBlend(ids, matrix, closest, glue(members), playlist_seed(members))


def _best(row: Sequence[float | None], me: int) -> int:
    """The index of the highest score in ``row`` other than ``me``'s own; the first on a tie."""
    others = [j for j in range(len(row)) if j != me]
    return max(others, key=lambda j: (row[j] or 0.0, -j))


def _matrix(members: Sequence[TasteProfile], score: Score) -> tuple[tuple[float | None, ...], ...]:
    n = len(members)
    rows: list[list[float | None]] = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            rows[i][j] = rows[j][i] = min(1.0, max(0.0, score(members[i], members[j])))
    return tuple(tuple(row) for row in rows)


def glue(members: Sequence[TasteProfile], limit: int = GLUE_LENGTH) -> tuple[GroupArtist, ...]:
    """The artists at least two members play, the most-played by members first."""
    counts: dict[str, int] = {}
    shares: dict[str, float] = {}
    names: dict[str, str] = {}
    for member in members:
        spelled = member.artist_names()
        for key, weight in member.artist_weights().items():
            counts[key] = counts.get(key, 0) + 1
            shares[key] = shares.get(key, 0.0) + weight / len(members)
            names.setdefault(key, spelled.get(key, key))
    ranked = sorted((k for k, c in counts.items() if c >= 2), key=lambda k: (-counts[k], -shares[k], k))
    return tuple(GroupArtist(names[k], counts[k], shares[k]) for k in ranked[:limit])


def playlist_seed(members: Sequence[TasteProfile], limit: int = SEED_LENGTH) -> tuple[SeedTrack, ...]:
    """The group's shared tracks, as the module says, at most ``limit``."""
    found: dict[TrackKey, SeedTrack] = {}
    for member in members:
        for key, track in _top_tracks(member).items():
            found[key] = _joined(found.get(key), replace(track, share=track.share / len(members)))
    played = [set(m.artist_weights()) for m in members]
    tracks = [replace(t, artist_members=_players(t.artists, played)) for t in found.values()]
    kept = [t for t in tracks if max(t.members, t.artist_members) >= 2]
    kept.sort(key=lambda t: (-t.members, -t.artist_members, -t.share, artist_key(t.name)))
    return tuple(kept[:limit])


def _players(artists: Sequence[str], played: Sequence[set[str]]) -> int:
    """How many of the members (their artist keys, ``played``) play any of ``artists``."""
    keys = {artist_key(a) for a in artists}
    return sum(1 for mine in played if mine & keys)


def _top_tracks(member: TasteProfile) -> dict[TrackKey, SeedTrack]:
    """The member's top tracks over all ranges (each range counts equally) by track key, each with
    its share of the member's top tracks and ``members`` 1."""
    present = [r for r in member.ranges.values() if r.tracks]
    found: dict[TrackKey, SeedTrack] = {}
    for taste in present:
        total = sum(t.weight for t in taste.tracks) or 1.0
        for t in taste.tracks:
            if t.artists:
                key = (artist_key(t.name), artist_key(t.artists[0]))
                share = t.weight / total / len(present)
                found[key] = _joined(found.get(key), SeedTrack(t.name, t.artists, 0, 0, share, t.spotify_id))
    return {key: replace(track, members=1) for key, track in found.items()}


def _joined(seen: SeedTrack | None, more: SeedTrack) -> SeedTrack:
    """``more`` of the track ``seen`` is: members and shares add up, the first name and id stay."""
    if seen is None:
        return more
    return SeedTrack(
        seen.name,
        seen.artists,
        seen.members + more.members,
        0,
        seen.share + more.share,
        seen.spotify_id or more.spotify_id,
    )
