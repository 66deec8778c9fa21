"""How other people are shown: a public handle, never their account id.

Each listener has an **alias**: a keyed hash (HMAC-SHA256 under the server's alias key) of their
user id, stable across requests and processes that share the key, and not reversible nor testable
against a guessed id without that key. Others see them as their chosen display name followed by
the first characters of the alias (``"Tim #k3x9"``), so two people who chose the same name, or one
who copied another's, stay told apart. A listener who chose no name appears as ``"Listener #k3x9"``;
so does one whose name merely repeats the user id (imports without a chosen name did that). A
Spotify login never supplies the name: Spotify's ``display_name`` is often a real name
(``sources.spotify_api``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from soulmate_core.text import clean_name

ALIAS_LENGTH = 16
TAG_LENGTH = 4
UNNAMED = "Listener"
DEVELOPMENT_KEY = b"soulmate-alias-development-key"
"""Used when no alias key is configured: fine on one's own machine, guessable anywhere else."""


@lru_cache(maxsize=1 << 16)  # a match names one twice, and every-user runs meet the same people often
def alias(user_id: str, key: bytes) -> str:
    """The opaque, stable id under which others see ``user_id``: 16 lowercase base32 characters."""
    digest = hmac.new(key, b"alias:" + user_id.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode().lower()[:ALIAS_LENGTH]


def chosen_name(user_id: str, display_name: str) -> str:
    """``display_name`` cleaned, or empty when it is empty or just the user id: no name chosen."""
    name = clean_name(display_name)
    return "" if name.casefold() == user_id.strip().casefold() else name


def public_name(user_id: str, display_name: str, key: bytes) -> str:
    """The chosen name (``Listener`` if none) and a short tag of the alias, e.g. ``"Tim #k3x9"``."""
    return f"{chosen_name(user_id, display_name) or UNNAMED} #{alias(user_id, key)[:TAG_LENGTH]}"
