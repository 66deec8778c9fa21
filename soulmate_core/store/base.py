"""The store port: every adapter keeps one item per user and speaks in ``TasteProfile``."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from soulmate_core.errors import CorruptItemError
from soulmate_core.profile import TasteProfile

log = logging.getLogger("soulmate.store")


@dataclass(frozen=True)
class Changes:
    saved: list[TasteProfile]
    deleted: list[str]
    version: str
    """The store's version these changes bring a reader up to."""


class Store(Protocol):
    """Where profiles live: one item per user, a profile or a tombstone.

    **What "older" means.** Every write is ordered by its profile's ``updated_at``, a fixed-width
    ISO-8601 UTC time that the caller decides *when its request began* (``service.save_profile``
    takes ``as_of``; ``set_discoverable`` stamps before it reads). A put overwrites the user's item
    atomically unless the stored profile is newer, or the user was deleted at or after that time;
    then it raises ``StaleWriteError`` and changes nothing.

    **Tombstones.** ``delete`` replaces the user's item with a tombstone stamped when the store
    carried it out (and never earlier than the profile it removes). Readers never see tombstones.
    So a write that began before a delete completed can never bring the profile back, while a new
    save that began after it (a user who comes back) is newer and replaces the tombstone. A hide
    is a newer profile write, so an older write cannot undo it either. Times come from the clocks
    of the processes involved, so the order holds as far as those clocks agree (NTP: milliseconds,
    against requests that last seconds).

    **Atomicity.** A put, a delete and the version they change land together or not at all.
    ``put_many`` is all-or-none: where the store cannot write everything in one transaction
    (DynamoDB past one transaction's limits) it undoes what it wrote before raising, and raises
    ``PartialWriteError`` naming what it could not undo.

    **Recovery keys.** A user may have one recovery key, kept as its hash (``recovery.key_hash``),
    never as itself. ``put_with_key`` writes a profile and makes a hash that user's key in one
    write; ``user_for_key`` looks a hash up; ``delete`` erases the user's key with their profile.
    Other writes (``put``, ``put_many``, a hide) leave the key as it is.

    **Share codes** (``sharing``). A user may have one share code. The store looks it up by its
    hash (``sharing.code_hash``) and keeps the code itself with its owner, for them to see again.
    Setting or dropping a code changes no profile, so ``version`` stays; ``delete`` erases the
    user's code with their profile.

    **The artist catalogue** (``catalogue``). Beside the profiles, one entry per artist key: the
    genres a source that carries them named for it, at most ``catalogue.MAX_GENRES``. It holds
    nothing about any user, so ``delete`` leaves it, and learning changes no profile, so
    ``version`` stays."""

    def put(self, profile: TasteProfile) -> None: ...

    def put_with_key(self, profile: TasteProfile, key_hash: str) -> None:
        """``put(profile)`` and, in the same write, make ``key_hash`` the user's recovery key in
        place of any earlier one. A stale profile raises ``StaleWriteError`` and stores neither; a
        hash that is another user's key raises ``StoreError`` and stores neither."""
        ...

    def user_for_key(self, key_hash: str) -> str | None:
        """The user whose recovery key has this hash (read consistently), or None."""
        ...

    def set_share_code(self, user_id: str, code: str) -> None:
        """Make ``code`` the user's share code in place of any earlier one, which stops working at
        once. ``UnknownUserError`` when no profile is stored for them (also when they are deleted
        meanwhile); ``StoreError`` when the code is another user's. Either way nothing changes."""
        ...

    def share_code(self, user_id: str) -> str | None:
        """The user's current share code, or None."""
        ...

    def user_for_share_code(self, code: str) -> str | None:
        """The user whose current share code ``code`` is (read consistently), or None."""
        ...

    def drop_share_code(self, user_id: str) -> bool:
        """Stop the user's share code from working; False when they had none."""
        ...

    def learn_genres(self, genres: Mapping[str, Sequence[str]]) -> int:
        """Make each artist key's genres these, in place of what was known (an upsert), kept as
        ``catalogue.bounded_entries`` keeps them: at most ``MAX_GENRES``, and an empty list learns
        nothing. Returns how many artists were written."""
        ...

    def genres_for(self, keys: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """The catalogue's genres of those ``keys`` it knows, by key; unknown keys are absent.
        Batched reads, never a scan: any number of keys costs ``len(keys) / 100`` round trips."""
        ...

    def put_many(self, profiles: Iterable[TasteProfile]) -> int:
        """Write several profiles, all or none (see above). Returns the count."""
        ...

    def delete(self, user_id: str) -> bool:
        """Replace the user's item with a tombstone and erase their recovery key and share code;
        False when no profile was stored (a tombstone is written all the same, so an in-flight
        first save cannot land after it)."""
        ...

    def get(self, user_id: str) -> TasteProfile | None:
        """The user's profile, or None; ``CorruptItemError`` when their stored item is not valid."""
        ...

    def get_many(self, user_ids: Sequence[str]) -> dict[str, TasteProfile]:
        """The profiles of those of ``user_ids`` that exist, by user id, read consistently; a
        corrupt item is left out as in ``iter_all``."""
        ...

    def changes_since(self, version: str) -> Changes | None:
        """What was written after ``version`` (a ``version()`` of this store), or None when the
        adapter cannot tell cheaply; then only a rebuild catches up with other processes."""
        ...

    def iter_all(self) -> Iterator[TasteProfile]:
        """Every valid profile. A corrupt item is skipped with a warning naming its user and
        counted in ``skipped``, so one bad row never breaks anyone else's matches."""
        ...

    def iter_part(self, part: int, parts: int) -> Iterator[TasteProfile]:
        """``iter_all`` split ``parts`` ways, this being slice ``part`` (from 0): the slices are
        disjoint and together hold every profile, so several processes can read one store at once."""
        ...

    @property
    def skipped(self) -> list[str]:
        """User ids of the corrupt items ``iter_all`` has skipped so far."""
        ...

    def version(self) -> str:
        """A token that changes whenever any item is written or deleted: a cache key."""
        ...

    def close(self) -> None: ...


def valid_profiles(
    items: Iterable[tuple[str, Callable[[], TasteProfile]]], skipped: list[str]
) -> Iterator[TasteProfile]:
    """Decode each ``(user_id, decode)``; a corrupt one is logged, appended to ``skipped`` and left out."""
    for user_id, decode in items:
        try:
            yield decode()
        except CorruptItemError as exc:
            log.warning("skipping a corrupt stored item: %s", exc)
            skipped.append(user_id)
