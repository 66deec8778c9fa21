"""Use cases: what the dashboard, the CLI and the API do with profiles. Each takes a ``Store``."""

from __future__ import annotations

from collections.abc import Iterator

from soulmate_core.errors import UnknownUserError
from soulmate_core.index import MatchIndex
from soulmate_core.profile import TasteProfile, utc_now_iso
from soulmate_core.scoring import Match
from soulmate_core.store import Store


def save_profile(store: Store, profile: TasteProfile) -> TasteProfile:
    store.put(profile)
    return profile


def get_profile(store: Store, user_id: str) -> TasteProfile:
    profile = store.get(user_id)
    if profile is None:
        raise UnknownUserError(user_id)
    return profile


def delete_user(store: Store, user_id: str) -> None:
    if not store.delete(user_id):
        raise UnknownUserError(user_id)


def set_discoverable(store: Store, user_id: str, discoverable: bool) -> TasteProfile:
    profile = get_profile(store, user_id).with_changes(discoverable=discoverable, updated_at=utc_now_iso())
    store.put(profile)
    return profile


def build_index(store: Store) -> MatchIndex:
    return MatchIndex.build(list(store.iter_all()))


def matches_for(store: Store, user_id: str, limit: int, index: MatchIndex | None = None) -> list[Match]:
    """The user's best ``limit`` matches among discoverable users. Raises ``UnknownUserError``."""
    get_profile(store, user_id)
    return (index or build_index(store)).top_k(user_id, limit)


def all_matches(store: Store, limit: int) -> Iterator[tuple[str, list[Match]]]:
    return build_index(store).top_k_all(limit)
