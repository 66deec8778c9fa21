"""Share cards on the dashboard: a PNG of a match or of one's own taste (``soulmate_card``).

The words are chosen while the page runs (names as the viewer may see them, ``people``); the
picture is painted only when its button is clicked, outside the script, so a page of soulmates
costs no drawing. Nobody's user id goes on a card, and the owner's name only when they say so.
"""

from __future__ import annotations

from functools import partial

import streamlit as st

from soulmate_app import people
from soulmate_card import Card, match_card, profile_card
from soulmate_card.draw import png
from soulmate_core import Match, TasteProfile

MIME = "image/png"


def show_my_name(key: str) -> bool:
    """The owner's choice to put their own name on their cards; off, a card says "You"."""
    return st.toggle(
        "Show my name on share cards",
        value=False,
        key=key,
        help="Off, a card says 'You'. The other person always appears by their public name.",
    )


def match_button(viewer: TasteProfile, found: Match, with_my_name: bool) -> None:
    card = match_card(found, people.name_of(found), _own(viewer, with_my_name))
    handle = people.handle_of(found)
    _button("Share card", card, f"soulmate-card-{handle}.png", f"card_{handle}")


def profile_button(profile: TasteProfile, with_my_name: bool) -> None:
    card = profile_card(profile, _own(profile, with_my_name))
    _button("Download my taste card (PNG)", card, "my-taste-card.png", "card_profile")


def _own(profile: TasteProfile, with_my_name: bool) -> str | None:
    return people.own_name(profile) if with_my_name else None


def _button(label: str, card: Card, file_name: str, key: str) -> None:
    st.download_button(
        label,
        data=partial(png, card),
        file_name=file_name,
        mime=MIME,
        key=key,
        on_click="ignore",
        icon=":material/share:",
    )
