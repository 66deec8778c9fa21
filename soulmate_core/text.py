"""Text that people type (names, and what their sources call artists, tracks and genres) is data.

``clean_text`` is applied on every way in (``make_profile`` and the name a person chooses), so a
stored profile holds no control characters (NUL, ANSI escape sequences), no bidi overrides or
isolates, no zero-width tricks, no line breaks, and nothing longer than a cap. Each place that shows
text still escapes it for its medium, because rows stored before this rule may hold anything; for
plain text (the CLI, logs) ``clean_text`` is that escaping too.
"""

from __future__ import annotations

import re
import unicodedata

NAME_MAX = 64
"""Display names: enough for any real name or handle, too short to carry a paragraph."""
TEXT_MAX = 500
"""Artist, track and genre names from a source: long classical titles fit."""

# ANSI/VT escape sequences as a whole (CSI ... final byte, OSC ... BEL or ST, or ESC + one byte), so
# that stripping the ESC does not leave "[31m" behind.
_ESCAPES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erasing
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"  # OSC: window titles, hyperlinks
    r"|\x1b.?"  # any other escape
)
_SPACES = re.compile(r"\s+")
_JOINERS = frozenset("\u200c\u200d")  # zero-width (non-)joiners: part of emoji and of several scripts


def clean_text(text: str, limit: int = TEXT_MAX) -> str:
    """``text`` without control, format (bidi, zero-width) or unassigned characters, each run of
    whitespace one space, trimmed, and cut to at most ``limit`` characters."""
    if text.isascii() and text.isprintable() and "  " not in text and len(text) <= limit:
        return text.strip()  # the usual case, fast: bulk imports call this per artist
    text = unicodedata.normalize("NFC", _ESCAPES.sub("", text))
    kept = "".join(c if c in _JOINERS or _kept(c) else " " if c.isspace() else "" for c in text)
    return _SPACES.sub(" ", kept).strip()[:limit].rstrip()


def clean_name(name: str) -> str:
    """A display name as it may be stored and shown: ``clean_text`` capped at ``NAME_MAX``."""
    return clean_text(name, NAME_MAX)


def _kept(c: str) -> bool:
    return unicodedata.category(c) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
