"""The OAuth ``state`` parameter: HMAC-signed, timestamped, and bound to one browser.

Spotify sends the visitor back to a new Streamlit session, so the state must verify without that
session's memory: it carries a timestamp and a hash of the browser's login nonce, signed with a
server secret, and a forged, altered, missing or stale state fails to verify. The binding stops
login CSRF: a state minted in the attacker's browser names the attacker's nonce, which the
victim's browser does not hold (``login_binding`` keeps the nonce in the session and a cookie).
"""

from __future__ import annotations

import base64
import enum
import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable

MAX_AGE_SECONDS = 600


class StateCheck(enum.Enum):
    VALID = "valid"
    INVALID = "invalid"  # missing, forged, altered or stale
    OTHER_BROWSER = "other_browser"  # genuine, but started by a browser that is not this one


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def sign_state(key: bytes, nonce: str, now: float | None = None) -> str:
    payload = f"{_binding(nonce)}.{int(time.time() if now is None else now)}"
    return f"{payload}.{_b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())}"


def verify_state(
    key: bytes,
    state: str | None,
    nonces: Iterable[str],
    now: float | None = None,
    max_age: int = MAX_AGE_SECONDS,
) -> StateCheck:
    """``VALID`` only for a genuine, fresh state minted for one of this browser's ``nonces``."""
    if not state or state.count(".") != 2:
        return StateCheck.INVALID
    payload, _, signature = state.rpartition(".")
    expected = _b64(hmac.new(key, payload.encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(signature, expected):
        return StateCheck.INVALID
    binding, _, issued_text = payload.partition(".")
    try:
        issued = int(issued_text)
    except ValueError:
        return StateCheck.INVALID
    if not 0 <= (time.time() if now is None else now) - issued <= max_age:
        return StateCheck.INVALID
    if any(hmac.compare_digest(binding, _binding(nonce)) for nonce in nonces if nonce):
        return StateCheck.VALID
    return StateCheck.OTHER_BROWSER


def _binding(nonce: str) -> str:
    """What the state carries of the nonce: a hash, so the URL never shows the nonce itself."""
    return _b64(hashlib.sha256(b"soulmate-login-nonce:" + nonce.encode()).digest()[:16])


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
