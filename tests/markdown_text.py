"""What a reader sees of text the dashboard escaped for Markdown (``soulmate_app.escape.md``)."""

from __future__ import annotations

import re

from soulmate_app.escape import WORD_JOINER

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_read(markdown: str) -> str:
    """CommonMark backslash escapes resolved and the invisible word joiners dropped."""
    return _ESCAPED.sub(r"\1", markdown).replace(WORD_JOINER, "")
