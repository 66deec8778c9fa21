"""Deterministic profiles for store tests, built from a user id alone so any process can rebuild them."""

from __future__ import annotations

import hashlib

from soulmate_core.profile import ArtistEntry, RangeTaste, TasteProfile, TrackEntry, make_profile

UNICODE_ARTISTS = (
    "Earth, Wind & Fire",
    'The "Quoted" Band',
    "Sigur Rós",
    "坂本龍一",
    "Кино",
    "عمرو دياب",
    "방탄소년단",
    "Beyoncé",
    "Ólafur Arnalds; 'live'",
)


def sample_profile(
    user_id: str,
    *,
    updated_at: str = "2026-01-01T00:00:00.000000Z",
    artists: int = 12,
    name_length: int = 0,
    display_name: str | None = None,
) -> TasteProfile:
    """A ``listens`` profile with two ranges whose content depends only on the arguments."""
    seed = int(hashlib.sha256(user_id.encode("utf-8")).hexdigest(), 16)
    pad = "x" * name_length
    names = [UNICODE_ARTISTS[(seed + i) % len(UNICODE_ARTISTS)] + f" {i}{pad}" for i in range(artists)]
    weights = [1 / (i + 1) for i in range(artists)]
    total = sum(weights)
    entries = tuple(
        ArtistEntry(
            name=name,
            weight=w / total,
            genres=("trip hop", "música popular") if i % 3 else (),
            spotify_id=f"sp{seed % 9973}{i}" if i % 2 else None,
        )
        for i, (name, w) in enumerate(zip(names, weights, strict=True))
    )
    tracks = tuple(
        TrackEntry(name=f'Song «{i}», "take" {i}', artists=(names[i],), weight=w / total)
        for i, w in enumerate(weights[:5])
    )
    return make_profile(
        user_id=user_id,
        display_name=display_name if display_name is not None else f"Listener {user_id}",
        source="listens",
        ranges={
            "long_term": RangeTaste(artists=entries, tracks=tracks),
            "short_term": RangeTaste(artists=entries[::-1][:5]),
        },
        discoverable=seed % 2 == 0,
        updated_at=updated_at,
    )


def with_time(profile: TasteProfile, updated_at: str) -> TasteProfile:
    return profile.with_changes(updated_at=updated_at)
