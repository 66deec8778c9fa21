"""Recovery keys: how the owner of a profile made from a file gets it back without Spotify.

- **The key.** ``soulmate-key-`` and 43 URL-safe characters: 256 bits from ``secrets``. The prefix
  makes a leaked key easy to recognise (and to scan for). It is shown to its owner once, offered as
  a small text file, and exists nowhere else.
- **The hash.** A store keeps only ``key_hash(key)``, the SHA-256 of the key, and looks a key up by
  it (``Store.user_for_key``). A fast unkeyed hash is enough: guessing a 256-bit random key is out
  of reach however fast each guess is, so there is nothing for a slow or keyed hash to add.
- **Timing.** A lookup compares hashes, not keys, in the store's index. How long it takes can at
  most tell a guesser how a stored hash sorts against the hash of their guess, which they cannot
  steer toward any stored hash (that would take preimages), so no constant-time compare is needed.
- **Pasting.** ``find_key`` takes what a person pastes (the key alone, or the whole key file) and
  returns the key in it. Nothing here logs a key or puts it in a message.
"""

from __future__ import annotations

import hashlib
import re
import secrets

KEY_PREFIX = "soulmate-key-"
KEY_BYTES = 32
# No boundary after the key: a browser's one-line field joins the pasted lines of a key file.
_KEY = re.compile(re.escape(KEY_PREFIX) + r"[A-Za-z0-9_-]{43}")
MAX_PASTE = 4096
"""Characters of pasted text searched for a key: a key file is a few hundred."""


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)


def key_hash(key: str) -> str:
    """What a store keeps of a key: its SHA-256, as 64 hex digits."""
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def find_key(text: str) -> str | None:
    """The recovery key in ``text`` (the key alone, or a key file's content), or None."""
    found = _KEY.search(text[:MAX_PASTE])
    return found.group(0) if found else None


def key_file(key: str) -> str:
    """The text file a new key is offered as."""
    return (
        "Music Soulmate Finder: your recovery key\n"
        "\n"
        f"{key}\n"
        "\n"
        "Keep this file private, like a password. On the Connect page, choose\n"
        '"Sign in with your recovery key" and paste the key (or this whole file) to get your\n'
        "profile back: to see it, download it, upload a newer export over it, or delete it.\n"
        "We keep only a hash of this key, so we cannot show it to you again.\n"
    )
