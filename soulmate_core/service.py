"""Use cases: what the dashboard, the CLI and the API do with profiles. Each takes a ``Store``."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence

from soulmate_core import catalogue, group, recovery, sharing
from soulmate_core.errors import (
    InputError,
    StoreError,
    UnknownKeyError,
    UnknownShareCodeError,
    UnknownUserError,
)
from soulmate_core.live import LiveIndex
from soulmate_core.matcher import exact_top_k
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.scoring import Match
from soulmate_core.store import Store

log = logging.getLogger("soulmate.service")


def save_profile(store: Store, profile: TasteProfile, as_of: str | None = None) -> TasteProfile:
    """Store ``profile``, its genreless artists lent the artist catalogue's genres, and teach the
    catalogue the genres it carries (``catalogue``). ``as_of``: when the request that made it
    began (``utc_now_iso()`` taken first thing); the profile is stored as of then, so a delete or a
    hide that happened while the request was still reading (Spotify, a file) wins, and this raises
    ``StaleWriteError``."""
    profile, learned = _lent(store, _as_of(profile, as_of))
    store.put(profile)
    _learn(store, learned)
    return profile


def save_profiles(store: Store, profiles: Iterable[TasteProfile]) -> int:
    """Store many profiles in one ``put_many`` (all or none), read once as they are written, and
    then teach the catalogue the genres they carry, a batch at a time: a demo population, a table
    of many listeners. Nothing is lent to them. Returns the count."""
    with catalogue.Lessons() as lessons:
        written = store.put_many(lessons.taught_by(profiles))
        for batch in lessons.batches():
            if not _learn(store, batch):
                break
    return written


def teach_catalogue(store: Store, profiles: Iterable[TasteProfile]) -> bool:
    """Teach the artist catalogue the genres ``profiles`` name, without storing them: a store
    seeded before it had a catalogue learns the demo artists' genres. False if the store refused."""
    return _learn(store, catalogue.to_learn(profiles))


def _lent(store: Store, profile: TasteProfile) -> tuple[TasteProfile, dict[str, catalogue.Genres]]:
    """The profile lent the catalogue's genres (one batched read), and what it teaches: its own
    genres, taken before any were lent."""
    return catalogue.lend(profile, store.genres_for), catalogue.to_learn([profile])


def _learn(store: Store, genres: Mapping[str, catalogue.Genres]) -> bool:
    """Teach the catalogue after the profiles landed. It is advice about artists: a store that
    fails to take it leaves the write done, and is logged; then False."""
    if not genres:
        return True
    try:
        store.learn_genres(genres)
    except StoreError as exc:
        log.warning("the artist catalogue did not learn %d artists: %s", len(genres), exc)
        return False
    return True


def save_new_profile(
    store: Store, profile: TasteProfile, as_of: str | None = None
) -> tuple[TasteProfile, str]:
    """Store a new profile that nothing else ties to its owner (one made from a file) with a new
    recovery key, in one write, lent and teaching as ``save_profile``; returns the profile as
    stored and the key. The store keeps only the key's hash: the caller shows the key to its owner
    once, then forgets it."""
    key = recovery.new_key()
    profile, learned = _lent(store, _as_of(profile, as_of))
    store.put_with_key(profile, recovery.key_hash(key))
    _learn(store, learned)
    return profile, key


def profile_for_key(store: Store, text: str) -> TasteProfile:
    """The profile whose recovery key is in ``text`` (the key, or its file, as pasted). Raises
    ``UnknownKeyError`` when ``text`` holds no key or no stored profile holds it."""
    key = recovery.find_key(text)
    user_id = None if key is None else store.user_for_key(recovery.key_hash(key))
    profile = None if user_id is None else store.get(user_id)
    if profile is None:
        raise UnknownKeyError()
    return profile


def new_share_code(store: Store, user_id: str) -> str:
    """A new share code for the user, in place of any earlier one, which stops working at once.
    Raises ``UnknownUserError`` when no profile is stored for them."""
    code = sharing.new_code()
    store.set_share_code(user_id, code)
    return code


def profile_for_share_code(store: Store, text: str) -> TasteProfile:
    """The profile whose share code is in ``text`` (the code, or a link, as pasted), discoverable or
    not. Raises ``UnknownShareCodeError`` when ``text`` holds no code or no stored profile holds it."""
    code = sharing.find_code(text)
    user_id = None if code is None else store.user_for_share_code(code)
    profile = None if user_id is None else store.get(user_id)
    if profile is None:
        raise UnknownShareCodeError()
    return profile


def compare_by_code(store: Store, user_id: str, text: str, index: LiveIndex) -> tuple[TasteProfile, Match]:
    """The owner of the share code in ``text``, and how the user matches them with the current model
    (one pair scored, nothing refitted). Raises ``UnknownUserError``, ``UnknownShareCodeError``, and
    ``InputError`` for the user's own code."""
    me = get_profile(store, user_id)
    other = profile_for_share_code(store, text)
    if other.user_id == me.user_id:
        raise InputError("that is your own share code: send it to someone to compare with them")
    return other, index.matcher().explain_pair(me, other)


def compare_with_listener(
    store: Store, user_id: str, other_id: str, index: LiveIndex
) -> tuple[TasteProfile, Match]:
    """How the user matches ``other_id``, one of the listeners who opted in, as ``compare_by_code``
    does. A listener who is hidden and one who does not exist both raise ``UnknownUserError``, so
    that without a code nothing tells them apart."""
    me = get_profile(store, user_id)
    other = store.get(other_id)
    if other is None or not other.discoverable or other.user_id == me.user_id:
        raise UnknownUserError(other_id)
    return other, index.matcher().explain_pair(me, other)


def group_by_codes(
    store: Store, user_id: str, pasted: Sequence[str], index: LiveIndex
) -> tuple[list[TasteProfile], group.GroupBlend]:
    """The user and the owners of the codes in ``pasted`` (each a code or a link), first the user,
    and their blend scored with the current model. Raises ``InputError`` for 2 to 9 codes not
    given, or naming the first code that opens no one, is the user's own, or repeats a member."""
    low, high = group.MIN_MEMBERS - 1, group.MAX_MEMBERS - 1
    if not low <= len(pasted) <= high:
        raise InputError(f"add the codes of {low} to {high} people, not {len(pasted)}")
    members = [get_profile(store, user_id)]
    for number, text in enumerate(pasted, start=1):
        where = f"code {number}"
        try:
            other = profile_for_share_code(store, text)
        except UnknownShareCodeError as exc:
            raise InputError(str(exc), where) from None
        if other.user_id == user_id:
            raise InputError("that is your own code; you are in the group already", where)
        if any(m.user_id == other.user_id for m in members):
            raise InputError("that person is in the group already", where)
        members.append(other)
    matcher = index.matcher()
    return members, group.blend(members, lambda a, b: matcher.explain_pair(a, b).score)


def _as_of(profile: TasteProfile, as_of: str | None) -> TasteProfile:
    return profile if as_of is None else profile.with_changes(updated_at=as_of)


def get_profile(store: Store, user_id: str) -> TasteProfile:
    profile = store.get(user_id)
    if profile is None:
        raise UnknownUserError(user_id)
    return profile


def stored_name(store: Store, user_id: str) -> str | None:
    """The name stored with ``user_id``'s profile, or None when none is stored."""
    profile = store.get(user_id)
    return None if profile is None else profile.display_name


def delete_user(store: Store, user_id: str) -> None:
    if not store.delete(user_id):
        raise UnknownUserError(user_id)


def set_discoverable(store: Store, user_id: str, discoverable: bool) -> TasteProfile:
    """Opt in or out. Stamped before reading, so a delete that lands between the read and the
    write wins (``StaleWriteError``) instead of being undone by it."""
    began = utc_now_iso()
    stored = get_profile(store, user_id)
    profile = stored.with_changes(discoverable=discoverable, updated_at=max(began, stored.updated_at))
    store.put(profile)
    return profile


def matches_for(store: Store, user_id: str, limit: int, index: LiveIndex | None = None) -> list[Match]:
    """The user's best ``limit`` matches among discoverable users. Raises ``UnknownUserError``.

    Without ``index`` one is built over the whole store first: for scripts and tests only. The
    dashboard, the CLI and the API pass the process's ``LiveIndex``."""
    me = get_profile(store, user_id)
    return (index or LiveIndex(store)).matcher().top_k(me, limit)


def exact_matches_for(store: Store, user_id: str, limit: int, index: LiveIndex | None = None) -> list[Match]:
    """``matches_for`` by scoring every discoverable user exactly: the index's reference."""
    me = get_profile(store, user_id)
    matcher = (index or LiveIndex(store)).matcher()
    return exact_top_k(store, matcher.snapshot, me, limit, matcher.blend)


def all_matches(
    store: Store, limit: int, index: LiveIndex | None = None
) -> Iterator[tuple[str, list[Match]]]:
    """Every user's best ``limit`` matches, in user id order."""
    matcher = (index or LiveIndex(store)).matcher()
    for profile in store.iter_all():
        yield profile.user_id, matcher.top_k(profile, limit)
