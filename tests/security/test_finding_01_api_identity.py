"""Finding 1 on the API: the same Cognito (OIDC) identity as the dashboard's sign-in. Behind the
optional JWT authorizer (template.yaml, ``CognitoAuth``), API Gateway validates the token and passes
its claims in ``requestContext.authorizer.jwt.claims``; the handler takes the user id from them,
``account_user_id(iss, sub)``, and asks Spotify nothing. Tokens here are signed by a local RSA key
and checked the way the authorizer checks them (signature, issuer, audience, expiry) before their
claims go into the v2 event."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from soulmate_core import service
from soulmate_core.accounts import account_user_id
from soulmate_core.demo import demo_population
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.api_events import http_event
from tests.fakes.spotify_server import FakeSpotify
from tests.security.harness import Api

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_LocalPool"
CLIENT_ID = "local-app-client"
KEY = RSAKey.generate_key(2048, parameters={"kid": "local-1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "local-1"})


def cognito_token(sub: str, *, key: RSAKey = KEY, issuer: str = ISSUER, ttl: int = 3600) -> str:
    """An access token shaped like Cognito's, signed by ``key``."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "iss": issuer,
        "client_id": CLIENT_ID,
        "token_use": "access",
        "scope": "openid email",
        "username": sub,
        "iat": now,
        "exp": now + ttl,
    }
    return jwt.encode({"alg": "RS256", "kid": "local-1"}, claims, key)


def authorizer(token: str) -> dict[str, Any] | None:
    """What API Gateway's JWT authorizer does: the token's claims if it is valid, else None (401)."""
    try:
        decoded = jwt.decode(token, KEY, algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": ISSUER},
            client_id={"essential": True, "value": CLIENT_ID},
            exp={"essential": True},
        ).validate(decoded.claims)
    except JoseError:  # a bad signature, issuer, client or expiry: the authorizer's 401
        return None
    return dict(decoded.claims)


@pytest.fixture
def api(spotify: FakeSpotify, store: Store) -> Api:
    return Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=5.0), store)


def call(api: Api, method: str, path: str, token: str) -> tuple[int, Any]:
    claims = authorizer(token)
    assert claims is not None, "the authorizer refused the token"
    answer = api.raw(http_event(method, path, token=token, claims=claims))
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


def _save_profile_of(store: Store, user_id: str) -> None:
    persona = demo_population()[1]
    service.save_profile(store, persona.with_changes(user_id=user_id, source="persona", discoverable=True))


def test_the_user_id_comes_from_the_validated_claims(api: Api, spotify: FakeSpotify) -> None:
    status, body = call(api, "GET", "/me", cognito_token("ana-sub"))
    assert status == 200
    assert body["user_id"] == account_user_id(ISSUER, "ana-sub")
    assert not spotify.calls, "a Cognito caller made a Spotify call"


def test_a_cognito_caller_reads_matches_and_erases_their_own_profile(api: Api, store: Store) -> None:
    mine = account_user_id(ISSUER, "ana-sub")
    _save_profile_of(store, mine)
    token = cognito_token("ana-sub")
    assert call(api, "GET", f"/taste-profile/{mine}", token)[0] == 200
    status, body = call(api, "GET", f"/matches/{mine}", token)
    assert status == 200 and body["user_id"] == mine
    assert call(api, "DELETE", f"/taste-profile/{mine}", token)[0] == 204
    assert store.get(mine) is None


def test_another_accounts_profile_is_403(api: Api, store: Store) -> None:
    theirs = account_user_id(ISSUER, "bo-sub")
    _save_profile_of(store, theirs)
    token = cognito_token("ana-sub")
    assert call(api, "GET", f"/taste-profile/{theirs}", token)[0] == 403
    assert call(api, "DELETE", f"/taste-profile/{theirs}", token)[0] == 403
    assert store.get(theirs) is not None


def test_the_same_subject_at_another_issuer_is_another_user(api: Api) -> None:
    elsewhere = "https://accounts.google.com"
    claims = {"iss": elsewhere, "sub": "ana-sub", "aud": CLIENT_ID}
    answer = api.raw(http_event("GET", "/me", token="opaque", claims=claims))
    assert answer["statusCode"] == 200
    assert account_user_id(elsewhere, "ana-sub") in answer["body"]
    assert account_user_id(ISSUER, "ana-sub") not in answer["body"]


def test_claims_without_a_subject_are_401(api: Api) -> None:
    answer = api.raw(http_event("GET", "/me", token="opaque", claims={"iss": ISSUER}))
    assert answer["statusCode"] == 401


@pytest.mark.parametrize(
    "token",
    [
        cognito_token("ana-sub", key=OTHER_KEY),
        cognito_token("ana-sub", issuer="https://evil.example"),
        cognito_token("ana-sub", ttl=-60),
    ],
    ids=["other-key", "other-issuer", "expired"],
)
def test_the_local_authorizer_refuses_what_api_gateway_refuses(token: str) -> None:
    assert authorizer(token) is None


def test_without_claims_the_spotify_path_is_unchanged(api: Api) -> None:
    status, _, body = api("GET", "/me", token="tok-ana")
    assert status == 200 and not body["user_id"].startswith("oidc-")
