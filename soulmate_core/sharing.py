"""Share codes: how a listener lets someone compare with them, however hidden either of them is.

- **The code.** 22 URL-safe characters: 128 bits from ``secrets``, short enough to paste or read out,
  and out of reach of guessing. A listener has at most one. Making a new one replaces it, and the
  old one stops working at once; dropping it stops sharing. Deleting the listener erases it.
- **The link.** The dashboard's Compare page with ``?share=CODE`` (``link``). Whoever holds the code
  or the link can compare with its owner, even when neither of them is discoverable; without it,
  nothing tells whether a hidden listener exists.
- **What a store keeps** (``Store.set_share_code``). A code is looked up by its SHA-256
  (``code_hash``), as a recovery key is, so a lookup's timing tells a guesser nothing about the codes
  stored. The owner's own record keeps the code itself, so that they can see and copy their link
  again in any later visit. That copy opens nothing more than the store already holds: a code
  opens only a comparison with its owner, whose profile sits beside it.
- **Pasting.** ``find_code`` takes what a person pastes (the code, or a whole link) and returns the
  code in it, or None.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

CODE_BYTES = 16
CODE_LENGTH = 22
LINK_PARAMETER = "share"
MAX_PASTE = 2048
"""Characters of pasted text read for a code: a link is a few dozen."""
_CODE = re.compile(rf"[A-Za-z0-9_-]{{{CODE_LENGTH}}}")


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def is_code(text: str) -> bool:
    return _CODE.fullmatch(text) is not None


def code_hash(code: str) -> str:
    """What a store looks a code up by: its SHA-256, as 64 hex digits."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def find_code(text: str) -> str | None:
    """The share code in ``text``: the code alone, or a link carrying ``?share=CODE``; else None."""
    pasted = text[:MAX_PASTE].strip()
    if is_code(pasted):
        return pasted
    query = urlsplit(pasted).query if "?" in pasted else ""
    found = parse_qs(query).get(LINK_PARAMETER, [])
    return found[0] if len(found) == 1 and is_code(found[0]) else None


def link(page_url: str, code: str) -> str:
    """The link to ``page_url`` (the dashboard's Compare page) that opens a comparison by ``code``."""
    return f"{page_url.split('?', 1)[0].split('#', 1)[0]}?{urlencode({LINK_PARAMETER: code})}"
