"""Our user id for a person signed in through OpenID Connect: the dashboard's sign-in (``st.login``)
and the API's JWT authorizer give the same id for the same identity.

The id is ``oidc-`` and a hash of the issuer and the subject (``iss``, ``sub``): stable for one
account at one provider, different across providers, and apart from the ids Spotify gives (base62
ids and short usernames, never ``oidc-`` and 32 hex digits) and from an export's (``export-``). The
subject itself, which some providers make an e-mail address, is not kept.
"""

from __future__ import annotations

import hashlib

from soulmate_core.errors import InputError

PREFIX = "oidc-"


def account_user_id(issuer: str, subject: str) -> str:
    """``oidc-`` + 32 hex digits of SHA-256 over the issuer (without a final slash) and the subject."""
    if not isinstance(issuer, str) or not isinstance(subject, str) or not issuer.strip() or not subject:
        raise InputError("an OpenID Connect identity needs an issuer (iss) and a subject (sub)")
    digest = hashlib.sha256(f"{issuer.strip().rstrip('/')}\n{subject}".encode()).hexdigest()
    return PREFIX + digest[:32]
