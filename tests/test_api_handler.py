"""The Lambda handler, driven by API Gateway HTTP API v2 events, with Spotify played by a local fake."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from soulmate_adapters import open_store
from soulmate_api import handler as lambda_handler
from soulmate_api.app import create_app, respond
from soulmate_api.identity import Identity, TokenCache
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, alias
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.api_events import FakeContext, http_event
from tests.fakes.spotify_server import FakeSpotify, sample_user
from tests.store_spies import CountingStore

ANA = sample_user("acc-ana", "Ana", [("Portishead", ["trip hop"]), ("Burial", []), ("Bonobo", None)])
BO = sample_user(
    "acc-bo", "Bo", [("Portishead", ["trip hop"]), ("Massive Attack", ["trip hop"]), ("Burial", [])]
)


@pytest.fixture
def spotify() -> Iterator[FakeSpotify]:
    with FakeSpotify() as fake:
        fake.add_user("tok-ana", ANA)
        fake.add_user("tok-bo", BO)
        yield fake


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    yield opened
    opened.close()


class Api:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.app = create_app(settings, store)

    def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str], Any]:
        answer = respond(self.app, http_event(method, path, **kwargs), FakeContext())
        text = answer.get("body") or ""
        return answer["statusCode"], answer.get("headers") or {}, json.loads(text) if text else None


@pytest.fixture
def api(spotify: FakeSpotify, store: Store) -> Api:
    return Api(Settings(spotify_api_base=spotify.api_base, spotify_timeout=2.0), store)


def test_health(api: Api) -> None:
    status, _, body = api("GET", "/health")
    assert status == 200
    assert body["status"] == "ok" and body["version"]


def test_post_builds_and_stores_the_callers_profile(api: Api, store: Store) -> None:
    status, _, body = api("POST", "/taste-profile", token="tok-ana", body={"discoverable": True})
    assert status == 200
    assert body["user_id"] == "acc-ana"  # Spotify's account_id, never from the client
    assert body["display_name"] == ""  # not Spotify's display_name: others see "Listener #tag"
    assert body["discoverable"] is True
    assert set(body["ranges"]) == {"short_term", "medium_term", "long_term"}
    artists = body["ranges"]["medium_term"]["artists"]
    assert {a["name"]: a["genres"] for a in artists} == {
        "Portishead": ["trip hop"],
        "Burial": [],
        "Bonobo": [],
    }
    stored = store.get("acc-ana")
    assert stored is not None and stored.discoverable and stored.source == "spotify"


def test_post_without_a_body_keeps_the_profile_private(api: Api, store: Store) -> None:
    status, _, body = api("POST", "/taste-profile", token="tok-ana")
    assert status == 200 and body["discoverable"] is False
    status, _, body = api("POST", "/taste-profile", token="tok-ana", body={"display_name": "Ana B."})
    assert status == 200 and body["display_name"] == "Ana B."


def test_a_chosen_name_is_kept_until_another_is_sent(api: Api, store: Store) -> None:
    assert api("POST", "/taste-profile", token="tok-ana", body={"display_name": "Jazzcat"})[0] == 200
    status, _, body = api("POST", "/taste-profile", token="tok-ana", body={"discoverable": True})
    assert status == 200 and body["display_name"] == "Jazzcat"  # left out: the name chosen before
    status, _, body = api("POST", "/taste-profile", token="tok-ana", body={"display_name": " "})
    assert status == 200 and body["display_name"] == ""  # empty: no name, "Listener #tag" again
    assert api("POST", "/taste-profile", token="tok-ana")[2]["display_name"] == ""
    assert store.get("acc-ana").display_name == ""  # type: ignore[union-attr]
    assert api("GET", "/me", token="tok-ana")[2]["display_name"] == "Ana"  # one's own, to oneself


def test_a_name_stored_from_spotify_before_is_not_kept(api: Api, store: Store) -> None:
    """Earlier versions stored Spotify's display_name; it was never chosen, so it goes."""
    api("POST", "/taste-profile", token="tok-ana", body={"display_name": "Ana"})  # as they stored it
    assert api("POST", "/taste-profile", token="tok-ana")[2]["display_name"] == ""
    assert store.get("acc-ana").display_name == ""  # type: ignore[union-attr]


def test_the_user_id_falls_back_to_spotifys_id(api: Api, spotify: FakeSpotify) -> None:
    spotify.add_user(
        "tok-old", sample_user("x", "Old", [("Tricky", None)], legacy_id="old-id", with_account_id=False)
    )
    status, _, body = api("POST", "/taste-profile", token="tok-old")
    assert status == 200 and body["user_id"] == "old-id"


def test_a_non_latin_user_id_travels_percent_encoded(api: Api, spotify: FakeSpotify) -> None:
    spotify.add_user("tok-jp", sample_user("ユーザー", "ユーザー", [("坂本龍一", ["ambient"])]))
    assert api("POST", "/taste-profile", token="tok-jp")[0] == 200
    status, _, body = api("GET", "/taste-profile/ユーザー", token="tok-jp")
    assert status == 200 and body["ranges"]["long_term"]["artists"][0]["name"] == "坂本龍一"


# --- the auth matrix ----------------------------------------------------------------------------

OWN_ROUTES = [
    ("GET", "/taste-profile/{id}", 200),
    ("GET", "/matches/{id}", 200),
    ("DELETE", "/taste-profile/{id}", 204),
]


@pytest.mark.parametrize(("method", "template", "ok"), OWN_ROUTES)
def test_auth_matrix(api: Api, store: Store, method: str, template: str, ok: int) -> None:
    api("POST", "/taste-profile", token="tok-ana", body={"discoverable": True})
    api("POST", "/taste-profile", token="tok-bo", body={"discoverable": True})
    path = template.format(id="acc-ana")

    assert api(method, path)[0] == 401  # no token
    assert api(method, path, headers={"authorization": "Basic dXNlcjpwdw=="})[0] == 401
    status, _, body = api(method, path, token="not-a-spotify-token")
    assert (status, body["error"]) == (401, "spotify_token_rejected")
    status, _, body = api(method, path, token="tok-bo")  # someone else's id
    assert (status, body["error"]) == (403, "forbidden")
    assert store.get("acc-ana") is not None
    assert api(method, path, token="tok-ana")[0] == ok  # one's own id


def test_someone_elses_unknown_id_is_403_not_404(api: Api) -> None:
    assert api("GET", "/taste-profile/nobody", token="tok-ana")[0] == 403


@pytest.mark.parametrize(
    ("method", "path"), [("POST", "/taste-profile"), ("GET", "/me"), ("GET", "/top-artists")]
)
def test_token_routes_need_a_token(api: Api, method: str, path: str) -> None:
    status, _, body = api(method, path)
    assert (status, body["error"]) == (401, "not_authenticated")


# --- Spotify failures -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "status", "code"),
    [
        (FakeSpotify.Scenario.EXPIRED, 401, "spotify_token_rejected"),
        (FakeSpotify.Scenario.FORBIDDEN, 403, "spotify_forbidden"),
        (FakeSpotify.Scenario.RATE_LIMITED, 429, "spotify_rate_limited"),
        (FakeSpotify.Scenario.SERVER_ERROR, 502, "spotify_unavailable"),
    ],
)
def test_spotify_failures_map_to_our_statuses(
    api: Api, spotify: FakeSpotify, store: Store, scenario: FakeSpotify.Scenario, status: int, code: str
) -> None:
    spotify.add_user("tok-x", sample_user("acc-x", "X", [("Tricky", None)]), scenario, retry_after=7)
    for method, path in (("POST", "/taste-profile"), ("GET", "/me"), ("GET", "/top-tracks")):
        got, headers, body = api(method, path, token="tok-x")
        assert (got, body["error"]) == (status, code)
        if status == 429:
            assert headers["Retry-After"] == "7"
    assert store.get("acc-x") is None


def test_a_spotify_timeout_is_502(store: Store) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        api = Api(Settings(spotify_api_base=f"http://127.0.0.1:{port}/v1/", spotify_timeout=0.3), store)
        status, _, body = api("POST", "/taste-profile", token="tok")
    assert (status, body["error"]) == (502, "spotify_unavailable")


def test_spotify_unreachable_is_502(store: Store) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    api = Api(Settings(spotify_api_base=f"http://127.0.0.1:{port}/v1/", spotify_timeout=0.5), store)
    assert api("GET", "/me", token="tok")[0] == 502


# --- validation and sizes ---------------------------------------------------------------------


@pytest.mark.parametrize("limit", ["0", "51", "ten", "-1", "1.5"])
def test_a_bad_limit_is_422_with_details(api: Api, limit: str) -> None:
    api("POST", "/taste-profile", token="tok-ana")
    status, _, body = api("GET", "/matches/acc-ana", token="tok-ana", query={"limit": limit})
    assert status == 422
    assert body["detail"][0]["loc"] == ["query", "limit"]


@pytest.mark.parametrize(
    "raw",
    [
        '{"discoverable": "maybe"}',
        '{"display_name": 7}',
        json.dumps({"display_name": "x" * 101}),
        '{"unknown": 1}',
        "not json",
        "[1, 2]",
    ],
)
def test_a_bad_body_is_422_with_details(api: Api, store: Store, raw: str) -> None:
    status, _, body = api("POST", "/taste-profile", token="tok-ana", raw_body=raw)
    assert status == 422 and body["detail"][0]["loc"][0] == "body"
    assert store.get("acc-ana") is None


def test_a_bad_time_range_is_422(api: Api) -> None:
    status, _, body = api("GET", "/top-artists", token="tok-ana", query={"time_range": "forever"})
    assert status == 422 and body["detail"][0]["loc"] == ["query", "time_range"]


def test_a_body_over_64_kb_is_413(api: Api, store: Store) -> None:
    raw = json.dumps({"display_name": "x" * (70 * 1024)})
    status, _, body = api("POST", "/taste-profile", token="tok-ana", raw_body=raw)
    assert (status, body["error"]) == (413, "payload_too_large")
    assert store.get("acc-ana") is None


def test_an_unknown_own_user_is_404(api: Api) -> None:
    for method, path in (
        ("GET", "/taste-profile/acc-ana"),
        ("GET", "/matches/acc-ana"),
        ("DELETE", "/taste-profile/acc-ana"),
    ):
        status, _, body = api(method, path, token="tok-ana")
        assert (status, body["error"]) == (404, "unknown_user")


# --- matches and delete ---------------------------------------------------------------------------


def test_matches_are_ranked_explained_and_leave_with_delete(api: Api, store: Store) -> None:
    store.put_many(demo_population(40))
    api("POST", "/taste-profile", token="tok-ana", body={"discoverable": True})
    api("POST", "/taste-profile", token="tok-bo", body={"discoverable": True})

    status, _, body = api("GET", "/matches/acc-ana", token="tok-ana", query={"limit": "5"})
    assert status == 200 and body["user_id"] == "acc-ana"
    found = body["matches"]
    assert len(found) == 5
    assert found[0]["handle"] == alias("acc-bo", DEVELOPMENT_KEY)
    assert [m["score"] for m in found] == sorted((m["score"] for m in found), reverse=True)
    assert "Portishead" in {s["name"] for s in found[0]["shared_artists"]}
    assert found[0]["components"] and found[0]["summary"]
    assert len(api("GET", "/matches/acc-ana", token="tok-ana")[2]["matches"]) == 10  # default limit

    assert api("DELETE", "/taste-profile/acc-bo", token="tok-bo")[0] == 204
    assert store.get("acc-bo") is None
    after = api("GET", "/matches/acc-ana", token="tok-ana", query={"limit": "50"})[2]["matches"]
    assert alias("acc-bo", DEVELOPMENT_KEY) not in {m["handle"] for m in after}


def test_me_and_top_lists_are_normalised(api: Api) -> None:
    assert api("GET", "/me", token="tok-ana")[2] == {"user_id": "acc-ana", "display_name": "Ana"}
    status, _, body = api("GET", "/top-artists", token="tok-ana", query={"time_range": "short_term"})
    assert status == 200 and body["time_range"] == "short_term"
    assert set(body["artists"][0]) == {"name", "weight", "genres", "spotify_id", "mbid"}
    assert [a["genres"] for a in body["artists"]] == [["trip hop"], [], []]
    status, _, body = api("GET", "/top-tracks", token="tok-ana")
    assert status == 200 and body["time_range"] == "medium_term"
    assert body["tracks"][0]["artists"] == ["Burial"]  # the fake rotates artists per range


def test_a_top_list_is_one_spotify_call(api: Api, spotify: FakeSpotify) -> None:
    for path in ("/top-artists", "/top-tracks"):
        assert api("GET", path, token="tok-ana", query={"time_range": "long_term"})[0] == 200
    assert [(c.path, c.query["time_range"]) for c in spotify.calls] == [
        ("/v1/me/top/artists", ["long_term"]),
        ("/v1/me/top/tracks", ["long_term"]),
    ]


def test_two_concurrent_posts_leave_the_newer_profile(api: Api, store: Store) -> None:
    answers: list[tuple[int, dict[str, str], Any]] = []
    barrier = threading.Barrier(2)

    def post(name: str) -> None:
        barrier.wait()
        answers.append(api("POST", "/taste-profile", token="tok-ana", body={"display_name": name}))

    threads = [threading.Thread(target=post, args=(name,)) for name in ("First", "Second")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a[0] for a in answers) in ([200, 200], [200, 409])
    newest = max((a[2] for a in answers if a[0] == 200), key=lambda body: body["updated_at"])
    stored = store.get("acc-ana")
    assert stored is not None
    assert (stored.display_name, stored.updated_at) == (newest["display_name"], newest["updated_at"])


# --- identity cache and token hygiene -------------------------------------------------------------


def test_the_token_to_user_lookup_is_cached(api: Api, spotify: FakeSpotify) -> None:
    for _ in range(3):
        assert api("GET", "/me", token="tok-ana")[0] == 200
    assert len(spotify.calls_to("/v1/me/")) + len(spotify.calls_to("/v1/me")) == 1


def test_the_identity_cache_expires_and_keeps_no_token() -> None:
    now = [0.0]
    cache = TokenCache(ttl=300, clock=lambda: now[0])  # capped at 60 s
    cache.put("secret-token", Identity("u", "U"))
    assert cache.get("secret-token") == Identity("u", "U")
    assert "secret-token" not in repr(cache.__dict__)
    now[0] = 59.0
    assert cache.get("secret-token") is not None
    now[0] = 60.0
    assert cache.get("secret-token") is None


def test_the_lambda_entry_point_logs_no_token(
    spotify: FakeSpotify,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    monkeypatch.setenv("SOULMATE_STORE", f"sqlite:///{tmp_path / 'lambda.db'}")
    monkeypatch.setenv("SOULMATE_SPOTIFY_API_BASE", spotify.api_base)
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "DEBUG")
    monkeypatch.setattr(lambda_handler, "_apps", [])
    answer = lambda_handler.handler(http_event("POST", "/taste-profile", token="tok-ana"), FakeContext())
    assert answer["statusCode"] == 200
    answer = lambda_handler.handler(http_event("GET", "/me", token="tok-bad"), FakeContext())
    assert answer["statusCode"] == 401
    out = capsys.readouterr()
    logged = caplog.text + out.out + out.err
    assert [r.getMessage() for r in caplog.records if r.name == "soulmate-api"] == ["request", "request"]
    assert "tok-ana" not in logged and "tok-bad" not in logged


def test_a_body_that_is_not_json_is_415(api: Api, store: Store) -> None:
    for content_type in ("application/x-www-form-urlencoded", "multipart/form-data", "text/plain"):
        status, _, body = api(
            "POST",
            "/taste-profile",
            token="tok-ana",
            raw_body="discoverable=1",
            headers={"content-type": content_type},
        )
        assert (status, body["error"]) == (415, "unsupported_media_type")
    assert store.get("acc-ana") is None


def test_a_binary_body_is_400(api: Api) -> None:
    event = http_event("POST", "/taste-profile", token="tok-ana", raw_body="gA==")  # base64 of b"\x80"
    event["isBase64Encoded"] = True
    answer = respond(api.app, event, FakeContext())
    assert answer["statusCode"] == 400 and json.loads(answer["body"])["error"] == "bad_input"


# --- every error in the documented shape -------------------------------------------------------


def _is_error(answer: tuple[int, dict[str, str], Any], status: int, code: str) -> bool:
    got, headers, body = answer
    return (
        got == status
        and headers.get("Content-Type") == "application/json"
        and set(body) == {"error", "message"}
        and body["error"] == code
        and isinstance(body["message"], str)
        and bool(body["message"])
    )


@pytest.mark.parametrize("path", ["/nope", "/", "/taste-profile/acc-ana/extra", "/health/"])
def test_an_unknown_route_is_404_with_an_error_code(api: Api, path: str) -> None:
    assert _is_error(api("GET", path, token="tok-ana"), 404, "unknown_route")
    assert _is_error(api("POST", path, body={}), 404, "unknown_route")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("PUT", "/health", "GET"),
        ("POST", "/me", "GET"),
        ("GET", "/taste-profile", "POST"),
        ("PATCH", "/taste-profile/acc-ana", "GET, DELETE"),
        ("POST", "/matches/acc-ana", "GET"),
    ],
)
def test_a_known_path_with_another_method_is_405_naming_the_allowed_ones(
    api: Api, store: Store, method: str, path: str, allow: str
) -> None:
    api("POST", "/taste-profile", token="tok-ana")
    answer = api(method, path, token="tok-ana")
    assert _is_error(answer, 405, "method_not_allowed")
    assert answer[1]["Allow"] == allow
    assert store.get("acc-ana") is not None


@pytest.mark.parametrize("content_type", ["application/vnd.api+json", "Application/JSON; charset=utf-8"])
def test_a_json_body_under_another_json_type_is_read(api: Api, content_type: str) -> None:
    status, _, body = api(
        "POST",
        "/taste-profile",
        token="tok-ana",
        raw_body='{"discoverable": true}',
        headers={"content-type": content_type},
    )
    assert status == 200 and body["discoverable"] is True


def test_a_non_json_content_type_without_a_body_is_415_with_an_error_code(api: Api, store: Store) -> None:
    answer = api("POST", "/taste-profile", token="tok-ana", headers={"content-type": "text/plain"})
    assert _is_error(answer, 415, "unsupported_media_type")
    assert store.get("acc-ana") is None


class FailingStore:
    """The real store, whose reads fail the way a bug would: a hand-written stand-in, no mock library."""

    def __init__(self, inner: Store) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get(self, user_id: str) -> Any:
        raise RuntimeError("cannot read /srv/secret/profiles.db")


@pytest.mark.filterwarnings("ignore:POWERTOOLS_DEV environment variable is enabled")
def test_an_unexpected_error_is_500_without_its_traceback(
    spotify: FakeSpotify, store: Store, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("POWERTOOLS_DEV", "true")  # Powertools' debug mode would answer the traceback
    api = Api(Settings(spotify_api_base=spotify.api_base), FailingStore(store))  # type: ignore[arg-type]
    answer = respond(api.app, http_event("GET", "/taste-profile/acc-ana", token="tok-ana"), FakeContext())
    status, body = answer["statusCode"], json.loads(answer["body"])
    assert (status, set(body), body["error"]) == (500, {"error", "message"}, "internal")
    assert "Traceback" not in answer["body"] and "/srv/secret" not in answer["body"]
    logged = [r for r in caplog.records if r.exc_info and "RuntimeError" in r.getMessage()]
    assert logged, "the error is logged with its traceback"


def test_writes_never_rebuild_the_match_index_and_the_next_query_sees_them(
    spotify: FakeSpotify, store: Store
) -> None:
    counting = CountingStore(store)
    api = Api(Settings(spotify_api_base=spotify.api_base), counting)  # type: ignore[arg-type]
    api("POST", "/taste-profile", token="tok-ana", body={"discoverable": True})
    api("POST", "/taste-profile", token="tok-bo", body={"discoverable": True})
    for _ in range(3):
        assert api("GET", "/matches/acc-ana", token="tok-ana")[0] == 200
    assert counting.full_reads == 1  # the container's index, built once
    api("DELETE", "/taste-profile/acc-bo", token="tok-bo")
    assert api("GET", "/matches/acc-ana", token="tok-ana")[2]["matches"] == []
    api("POST", "/taste-profile", token="tok-bo", body={"discoverable": True})
    found = api("GET", "/matches/acc-ana", token="tok-ana")[2]["matches"]
    assert [m["handle"] for m in found] == [alias("acc-bo", DEVELOPMENT_KEY)]
    assert counting.full_reads == 1
