"""Share codes on the API: make, read and drop one's code, and compare with a code's owner, through
the real handler (API Gateway v2 events), with Spotify played by the local fake and the store on
SQLite and, for the same flow, on DynamoDB (moto over HTTP)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_core import sharing
from soulmate_core.accounts import account_user_id
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, alias, public_name
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.aws_standins import new_table, set_aws_env
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.security.harness import Api

ANA = sample_user("acc-ana", "Ana", [("Portishead", ["trip hop"]), ("Burial", []), ("Bonobo", None)])
BO = sample_user("acc-bo", "Bo", [("Portishead", ["trip hop"]), ("Massive Attack", ["trip hop"])])
CY = sample_user("acc-cy", "Cy", [("Tricky", ["trip hop"])])
SHARE_ROUTES = [("POST", "/share-code"), ("GET", "/share-code"), ("DELETE", "/share-code")]


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        for token, user in (("tok-ana", ANA), ("tok-bo", BO), ("tok-cy", CY)):
            fake.add_user(token, user)
        yield fake


def _seeded(url: str) -> Store:
    store = open_store(url)
    store.put_many(demo_population(40))
    return store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = _seeded(f"sqlite:///{tmp_path / 'api.db'}")
    yield opened
    opened.close()


@pytest.fixture
def api(spotify: FakeSpotify, store: Store) -> Api:
    return Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0), store)


def _join(api: Api, token: str, **body: Any) -> None:
    """Save the caller's profile from Spotify: hidden unless ``discoverable=True``."""
    assert api("POST", "/taste-profile", token=token, body=body)[0] == 200


def _new_code(api: Api, token: str) -> str:
    status, headers, body = api("POST", "/share-code", token=token)
    assert status == 201 and headers["Cache-Control"] == "no-store"
    assert sharing.is_code(body["code"])
    return str(body["code"])


def test_a_code_lets_its_holder_compare_with_its_hidden_owner_by_public_name_only(api: Api) -> None:
    _join(api, "tok-ana", display_name="Ana B.")
    _join(api, "tok-bo")
    code = _new_code(api, "tok-ana")
    assert api("GET", "/share-code", token="tok-ana")[2] == {"code": code}

    status, _, body = api("GET", f"/compare/{code}", token="tok-bo")
    assert status == 200
    assert body["handle"] == alias("acc-ana", DEVELOPMENT_KEY)
    assert body["display_name"] == public_name("acc-ana", "Ana B.", DEVELOPMENT_KEY)
    assert "Portishead" in [a["name"] for a in body["shared_artists"]]
    assert sum(c["weight"] * c["value"] for c in body["components"]) == pytest.approx(body["score"], abs=0.02)
    assert "acc-ana" not in json.dumps(body)

    # Once Ana opts in, Bo's ranked matches score her exactly as the comparison by code did.
    _join(api, "tok-ana", discoverable=True)
    matches = api("GET", "/matches/acc-bo", token="tok-bo", query={"limit": "50"})[2]["matches"]
    (ranked,) = [m for m in matches if m["handle"] == body["handle"]]
    assert ranked == body


def test_a_new_code_replaces_the_old_at_once_and_delete_stops_sharing(api: Api) -> None:
    _join(api, "tok-ana")
    _join(api, "tok-bo")
    first = _new_code(api, "tok-ana")
    second = _new_code(api, "tok-ana")
    assert first != second
    status, _, body = api("GET", f"/compare/{first}", token="tok-bo")
    assert (status, body["error"]) == (404, "unknown_share_code")
    assert api("GET", f"/compare/{second}", token="tok-bo")[0] == 200

    assert api("DELETE", "/share-code", token="tok-ana")[0] == 204
    assert api("DELETE", "/share-code", token="tok-ana")[0] == 204  # nothing left to stop: the same
    assert api("GET", f"/compare/{second}", token="tok-bo")[1:][1]["error"] == "unknown_share_code"
    status, _, body = api("GET", "/share-code", token="tok-ana")
    assert (status, body["error"]) == (404, "unknown_share_code")


def test_a_revoked_code_a_deleted_owners_code_and_a_made_up_one_answer_alike(api: Api) -> None:
    _join(api, "tok-ana")
    _join(api, "tok-bo")
    _join(api, "tok-cy")
    revoked = _new_code(api, "tok-ana")
    _new_code(api, "tok-ana")
    left = _new_code(api, "tok-cy")
    assert api("DELETE", "/taste-profile/acc-cy", token="tok-cy")[0] == 204
    answers = {
        api("GET", f"/compare/{code}", token="tok-bo")[2]["message"]
        for code in (revoked, left, sharing.new_code(), "not-a-code", "x" * 200)
    }
    assert len(answers) == 1


def test_ones_own_code_and_a_caller_without_a_profile_are_refused(api: Api) -> None:
    _join(api, "tok-ana")
    code = _new_code(api, "tok-ana")
    status, _, body = api("GET", f"/compare/{code}", token="tok-ana")
    assert (status, body["error"]) == (400, "bad_input")
    for method, path in (("POST", "/share-code"), ("GET", f"/compare/{code}")):
        status, _, body = api(method, path, token="tok-cy")  # Cy never saved a profile
        assert (status, body["error"]) == (404, "unknown_user"), path


@pytest.mark.parametrize(("method", "path"), [*SHARE_ROUTES, ("GET", "/compare/" + "A" * 22)])
def test_the_share_routes_need_a_caller(api: Api, method: str, path: str) -> None:
    assert api(method, path)[0] == 401
    status, _, body = api(method, path, token="not-a-spotify-token")
    assert (status, body["error"]) == (401, "spotify_token_rejected")


def test_a_cognito_caller_shares_and_compares_as_a_spotify_one(api: Api, store: Store) -> None:
    claims = {"iss": "https://cognito-idp.eu-west-1.amazonaws.com/pool", "sub": "sub-1"}
    me = account_user_id(claims["iss"], claims["sub"])
    persona = demo_population()[3]
    store.put(persona.with_changes(user_id=me, source="persona", discoverable=False))
    _join(api, "tok-bo")
    status, _, body = api("POST", "/share-code", claims=claims, token="cognito-jwt")
    assert status == 201
    assert api("GET", f"/compare/{body['code']}", token="tok-bo")[0] == 200
    assert store.user_for_share_code(body["code"]) == me


@pytest.mark.slow
def test_the_same_flow_on_dynamodb(
    spotify: FakeSpotify, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_aws_env(monkeypatch, moto_endpoint)
    store = _seeded(f"dynamodb://{new_table()}")
    try:
        api = Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0), store)
        _join(api, "tok-ana")
        _join(api, "tok-bo")
        first, code = _new_code(api, "tok-ana"), _new_code(api, "tok-ana")
        assert api("GET", f"/compare/{first}", token="tok-bo")[0] == 404
        status, _, body = api("GET", f"/compare/{code}", token="tok-bo")
        assert status == 200 and body["handle"] == alias("acc-ana", DEVELOPMENT_KEY)
        assert api("DELETE", "/taste-profile/acc-ana", token="tok-ana")[0] == 204
        assert api("GET", f"/compare/{code}", token="tok-bo")[0] == 404
        assert store.share_code("acc-ana") is None
    finally:
        store.close()
