"""Other listeners as a viewer may see them.

Everyone appears as ``handles.public_name`` (their chosen name and a tag of their alias), never by
user id. A visitor who has only stepped into a demo persona has shared nothing of their own, so
real listeners appear to them without name or artists: ``Listener #tag`` and a score.
"""

from __future__ import annotations

from dataclasses import replace

from soulmate_app.settings import load_settings
from soulmate_core import Match, TasteProfile
from soulmate_core.demo import DEMO_PREFIX
from soulmate_core.handles import alias, chosen_name, public_name

HIDDEN_SUMMARY = "Bring your own listening (Spotify, or a history you upload) to see what you share."


def is_guest(viewer: TasteProfile) -> bool:
    """A visitor in a demo persona: anyone, unidentified."""
    return viewer.source == "demo"


def is_public(user_id: str) -> bool:
    """Demo personas are public; everyone else is a real listener."""
    return user_id.startswith(DEMO_PREFIX)


def visible(viewer: TasteProfile, found: list[Match]) -> list[Match]:
    """``found`` as ``viewer`` may see it: a guest gets real listeners without name or artists."""
    return [masked(m) if hidden(viewer, m.other_id) else m for m in found]


def hidden(viewer: TasteProfile, user_id: str) -> bool:
    """Whether ``viewer`` may see no more of ``user_id`` than a tag and a score."""
    return is_guest(viewer) and not is_public(user_id)


def masked(m: Match) -> Match:
    return replace(
        m,
        other_display_name="",
        shared_artists=(),
        shared_genres=(),
        shared_artist_count=0,
        shared_genre_count=0,
        summary=HIDDEN_SUMMARY,
    )


def seen_name(viewer: TasteProfile, user_id: str, display_name: str) -> str:
    """``name`` as ``viewer`` may see it: without the chosen part for a guest looking at a real
    listener."""
    return name(user_id, "" if hidden(viewer, user_id) else display_name)


def name(user_id: str, display_name: str) -> str:
    """How a listener is shown to others, e.g. ``"Tim #k3x9"``; raw text, escape it per medium."""
    return public_name(user_id, display_name, load_settings().alias_key)


def own_name(profile: TasteProfile) -> str:
    """How the signed-in listener is named to themselves: the name they chose, else the alias
    others see them by (``"Listener #k3x9"``); raw text, escape it per medium."""
    return chosen_name(profile.user_id, profile.display_name) or name(profile.user_id, "")


def name_of(m: Match) -> str:
    return name(m.other_id, m.other_display_name)


def handle_of(m: Match) -> str:
    return handle(m.other_id)


def handle(user_id: str) -> str:
    """An opaque id for widget keys, chart points and the like, which end up in the page."""
    return alias(user_id, load_settings().alias_key)
