"""The OAuth ``state`` parameter, HMAC-signed so that it survives the redirect without a session.

Spotify sends the visitor back to a new Streamlit session, so nothing kept in session memory is
there to compare against. The state instead carries a nonce and a timestamp, signed with a server
secret: a forged, altered, missing or stale state fails to verify.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

MAX_AGE_SECONDS = 600


def sign_state(key: bytes, now: float | None = None) -> str:
    payload = f"{secrets.token_urlsafe(16)}.{int(time.time() if now is None else now)}"
    return f"{payload}.{_signature(key, payload)}"


def verify_state(
    key: bytes, state: str | None, now: float | None = None, max_age: int = MAX_AGE_SECONDS
) -> bool:
    if not state or state.count(".") != 2:
        return False
    payload, _, signature = state.rpartition(".")
    if not hmac.compare_digest(signature, _signature(key, payload)):
        return False
    try:
        issued = int(payload.rpartition(".")[2])
    except ValueError:
        return False
    age = (time.time() if now is None else now) - issued
    return 0 <= age <= max_age


def _signature(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")
