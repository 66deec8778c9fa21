"""A local fake of the Spotify Web API and accounts service, over real HTTP.

It serves the documented payload shapes of ``GET /v1/me``, ``GET /v1/me/top/artists`` and
``GET /v1/me/top/tracks`` (paging objects; Development Mode artists without ``popularity`` or
``followers``, and with ``genres`` empty or absent), a user's own playlists (``spotify_playlists``:
``POST /v1/me/playlists``, ``POST /v1/playlists/{id}/items``; ``playlists`` keeps them), and
``POST /api/token`` for the Authorization Code flow and refresh. Each access token belongs to a
user and may carry a failure scenario:

    FakeSpotify.Scenario.OK              normal answers
    FakeSpotify.Scenario.FORBIDDEN       403, user not registered for a Development Mode app
    FakeSpotify.Scenario.EXPIRED         401, "The access token expired"
    FakeSpotify.Scenario.RATE_LIMITED    429 with Retry-After for the first ``failures`` calls, then OK
    FakeSpotify.Scenario.SERVER_ERROR    500 for the first ``failures`` calls, then OK

``GET /authorize`` approves at once as the user given to ``log_in_as``: it redirects to the
``redirect_uri`` with a fresh code and the ``state`` it was sent, as Spotify does after a login.
Unknown tokens get 401 "Invalid access token". A token may also be made slow (``delay``: each of its
calls waits that long before answering, until ``stop``) or given a raw answer for one path
(``answer_raw``: any bytes, e.g. malformed JSON). ``calls`` records every call as answered, to count
them; ``arrivals`` every path as it arrives. Usage::

    with FakeSpotify() as spotify:
        spotify.add_user("token-1", sample_user("acc-1", "Ana", [("Portishead", ["trip hop"])]))
        client = make_client("token-1", api_base=spotify.api_base)

From a checkout, ``python -m tests.fakes.spotify_server [--port 8001] [--token demo-token]`` serves it
in the foreground with one demo listener (``DEMO_ACCOUNT_ID``) whose access token is ``demo-token``,
prints its API base, and stops on Ctrl+C or SIGTERM.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import enum
import json
import secrets
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.fakes.spotify_playlists import Playlists

RANGES = ("short_term", "medium_term", "long_term")
DEMO_TOKEN = "demo-token"
GRANTED_SCOPE = "user-top-read playlist-modify-private"
"""The scopes a token is granted when its exchange names none: what the dashboard asks for."""
DEMO_ACCOUNT_ID = "local-listener"
DEMO_ARTISTS: tuple[tuple[str, Sequence[str] | None], ...] = (
    ("Portishead", ["trip hop", "downtempo"]),
    ("Massive Attack", ["trip hop"]),
    ("Burial", []),
    ("Bonobo", None),
)


def artist_payload(name: str, genres: Sequence[str] | None = None) -> dict[str, Any]:
    """A Development Mode artist object: no popularity, no followers; ``genres=None`` omits the key."""
    artist_id = _slug(name)
    payload: dict[str, Any] = {
        "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        "href": f"https://api.spotify.com/v1/artists/{artist_id}",
        "id": artist_id,
        "images": [],
        "name": name,
        "type": "artist",
        "uri": f"spotify:artist:{artist_id}",
    }
    if genres is not None:
        payload["genres"] = list(genres)
    return payload


def track_payload(name: str, artist: str) -> dict[str, Any]:
    track_id = _slug(f"{artist}-{name}")
    simple_artist = {k: v for k, v in artist_payload(artist).items() if k != "images"}
    return {
        "album": {
            "album_type": "album",
            "artists": [simple_artist],
            "id": _slug(f"album-{name}"),
            "images": [],
            "name": f"{name} (album)",
            "release_date": "2001-01-01",
            "type": "album",
            "uri": f"spotify:album:{_slug(f'album-{name}')}",
        },
        "artists": [simple_artist],
        "disc_number": 1,
        "duration_ms": 215000,
        "explicit": False,
        "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        "href": f"https://api.spotify.com/v1/tracks/{track_id}",
        "id": track_id,
        "is_local": False,
        "name": name,
        "track_number": 1,
        "type": "track",
        "uri": f"spotify:track:{track_id}",
    }


@dataclass
class FakeUser:
    me: dict[str, Any]
    top_artists: dict[str, list[dict[str, Any]]]
    top_tracks: dict[str, list[dict[str, Any]]]


def sample_user(
    account_id: str,
    display_name: str,
    artists: Sequence[tuple[str, Sequence[str] | None]],
    *,
    legacy_id: str | None = None,
    with_account_id: bool = True,
) -> FakeUser:
    """A user whose three ranges rotate the same artists, each with one track."""
    me: dict[str, Any] = {
        "display_name": display_name,
        "external_urls": {"spotify": f"https://open.spotify.com/user/{legacy_id or account_id}"},
        "href": f"https://api.spotify.com/v1/users/{legacy_id or account_id}",
        "id": legacy_id or f"legacy-{account_id}",
        "images": [],
        "type": "user",
        "uri": f"spotify:user:{legacy_id or account_id}",
    }
    if with_account_id:
        me["account_id"] = account_id
    top_artists, top_tracks = {}, {}
    for shift, time_range in enumerate(RANGES):
        rotated = list(artists[shift % max(len(artists), 1) :]) + list(
            artists[: shift % max(len(artists), 1)]
        )
        top_artists[time_range] = [artist_payload(name, genres) for name, genres in rotated]
        top_tracks[time_range] = [track_payload(f"{name} song", name) for name, _ in rotated]
    return FakeUser(me=me, top_artists=top_artists, top_tracks=top_tracks)


class FakeSpotify:
    class Scenario(enum.Enum):
        OK = "ok"
        FORBIDDEN = "forbidden"
        EXPIRED = "expired"
        RATE_LIMITED = "rate_limited"
        SERVER_ERROR = "server_error"

    @dataclass
    class _Token:
        user: FakeUser
        scenario: FakeSpotify.Scenario
        failures: int
        retry_after: int
        delay: float = 0.0

    @dataclass
    class Call:
        method: str
        path: str
        query: dict[str, list[str]]
        status: int

    def __init__(
        self, client_id: str = "test-client", client_secret: str = "test-secret", *, port: int = 0
    ) -> None:
        """A server on 127.0.0.1:``port`` (0: a free one), not yet serving."""
        self.client_id = client_id
        self.client_secret = client_secret
        self._tokens: dict[str, FakeSpotify._Token] = {}
        self._codes: dict[str, str] = {}
        self._refresh: dict[str, str] = {}
        self._scopes: dict[str, str] = {}  # access token -> the scopes granted with it
        self._raw: dict[tuple[str, str], tuple[int, bytes]] = {}
        self._logged_in: FakeUser | None = None
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.playlists = Playlists()
        self.calls: list[FakeSpotify.Call] = []
        self.arrivals: list[str] = []  # the path of each call as it arrives, before any delay
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        # A short poll interval: stop() waits for the next poll, and every test stops a server.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeSpotify:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # slow answers stop waiting
        self._server.shutdown()
        self._server.server_close()

    def serve_until_stopped(self) -> None:
        """Serve in the calling thread until Ctrl+C or SIGTERM, then close the socket."""
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            self._server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            self._server.server_close()

    def __enter__(self) -> FakeSpotify:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def api_base(self) -> str:
        return f"{self.base_url}/v1/"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/api/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/authorize"

    # -- set-up --------------------------------------------------------------------------------
    def add_user(
        self,
        token: str,
        user: FakeUser,
        scenario: FakeSpotify.Scenario = Scenario.OK,
        *,
        failures: int = 1_000_000,
        retry_after: int = 1,
        delay: float = 0.0,
    ) -> None:
        """Make ``token`` an access token of ``user``; failing scenarios fail ``failures`` times; each
        call with it waits ``delay`` seconds before its answer."""
        with self._lock:
            self._tokens[token] = FakeSpotify._Token(user, scenario, failures, retry_after, delay)

    def answer_raw(self, token: str, path: str, body: bytes, status: int = 200) -> None:
        """Answer ``token``'s calls to ``path`` (e.g. ``/v1/me``, with or without its final slash) with
        exactly ``body``."""
        with self._lock:
            self._raw[(token, path.rstrip("/"))] = (status, body)

    def delay_of(self, auth: str) -> float:
        with self._lock:
            entry = self._tokens.get(auth.removeprefix("Bearer ").strip())
        return entry.delay if entry else 0.0

    def raw_answer(self, auth: str, path: str) -> tuple[int, bytes] | None:
        with self._lock:
            return self._raw.get((auth.removeprefix("Bearer ").strip(), path.rstrip("/")))

    def issue_code(
        self,
        code: str,
        user: FakeUser,
        scenario: Scenario = Scenario.OK,
        *,
        failures: int = 1_000_000,
        retry_after: int = 1,
    ) -> None:
        """An authorization code that ``/api/token`` exchanges for a fresh token of ``user``."""
        token = f"access-{secrets.token_hex(8)}"
        self.add_user(token, user, scenario, failures=failures, retry_after=retry_after)
        with self._lock:
            self._codes[code] = token

    def log_in_as(self, user: FakeUser) -> None:
        """Who ``GET /authorize`` approves from now on, as if they had logged in at Spotify."""
        with self._lock:
            self._logged_in = user

    def expire(self, token: str) -> None:
        with self._lock:
            self._tokens[token].scenario = FakeSpotify.Scenario.EXPIRED

    def calls_to(self, path: str) -> list[FakeSpotify.Call]:
        return [c for c in self.calls if c.path == path]

    # -- request handling (called from the server thread) ---------------------------------------
    def _api(
        self, method: str, path: str, query: dict[str, list[str]], auth: str, sent: str = ""
    ) -> tuple[int, Any, dict[str, str]]:
        """The answer to an API call; ``sent``: the request's body."""
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        with self._lock:
            entry = self._tokens.get(token)
            if entry is None:
                return _error(401, "Invalid access token")
            scenario = entry.scenario
            if scenario in (FakeSpotify.Scenario.RATE_LIMITED, FakeSpotify.Scenario.SERVER_ERROR):
                if entry.failures <= 0:
                    scenario = FakeSpotify.Scenario.OK
                else:
                    entry.failures -= 1
        if scenario is FakeSpotify.Scenario.EXPIRED:
            return _error(401, "The access token expired")
        if scenario is FakeSpotify.Scenario.FORBIDDEN:
            return _error(
                403, "Check settings on developer.spotify.com/dashboard, the user may not be registered."
            )
        if scenario is FakeSpotify.Scenario.RATE_LIMITED:
            status, body, headers = _error(429, "API rate limit exceeded")
            return status, body, {**headers, "Retry-After": str(entry.retry_after)}
        if scenario is FakeSpotify.Scenario.SERVER_ERROR:
            return _error(500, "Server error")
        user = entry.user
        playlists = self.playlists.answer(method, path, sent, user.me)
        if playlists is not None:
            return playlists
        if method != "GET":
            return _error(405, "Method not allowed")
        if path in ("/v1/me", "/v1/me/"):
            return 200, user.me, {}
        for kind, table in (("artists", user.top_artists), ("tracks", user.top_tracks)):
            if path == f"/v1/me/top/{kind}":
                return self._page(path, query, table)
        return _error(404, "Service not found")

    @staticmethod
    def _page(
        path: str, query: dict[str, list[str]], table: dict[str, list[dict[str, Any]]]
    ) -> tuple[int, Any, dict[str, str]]:
        time_range = query.get("time_range", ["medium_term"])[0]
        if time_range not in RANGES:
            return _error(400, "Invalid time range")
        try:
            limit = int(query.get("limit", ["20"])[0])
            offset = int(query.get("offset", ["0"])[0])
        except ValueError:
            return _error(400, "Invalid limit or offset")
        if not 1 <= limit <= 50 or offset < 0:
            return _error(400, "Invalid limit")
        items = table.get(time_range, [])
        page = items[offset : offset + limit]
        href = f"https://api.spotify.com{path}?time_range={time_range}"
        following = offset + limit if offset + limit < len(items) else None
        return (
            200,
            {
                "href": f"{href}&offset={offset}&limit={limit}",
                "items": page,
                "limit": limit,
                "next": None if following is None else f"{href}&offset={following}&limit={limit}",
                "offset": offset,
                "previous": None if offset == 0 else f"{href}&offset={max(0, offset - limit)}&limit={limit}",
                "total": len(items),
            },
            {},
        )

    def _authorize(self, query: dict[str, list[str]]) -> tuple[int, Any, dict[str, str]]:
        redirect_uri = query.get("redirect_uri", [""])[0]
        with self._lock:
            user = self._logged_in
        if user is None or query.get("client_id", [""])[0] != self.client_id or not redirect_uri:
            return _error(400, "INVALID_CLIENT: no login, unknown client or no redirect_uri")
        code = f"code-{secrets.token_hex(8)}"
        self.issue_code(code, user)
        answer = {"code": code, **({"state": query["state"][0]} if "state" in query else {})}
        return 302, None, {"Location": f"{redirect_uri}?{urlencode(answer)}"}

    def _token_endpoint(self, form: dict[str, list[str]], auth: str) -> tuple[int, Any, dict[str, str]]:
        client_id, client_secret = _client_credentials(form, auth)
        if (client_id, client_secret) != (self.client_id, self.client_secret):
            return 400, {"error": "invalid_client", "error_description": "Invalid client"}, {}
        grant = form.get("grant_type", [""])[0]
        with self._lock:
            if grant == "authorization_code":
                token = self._codes.pop(form.get("code", [""])[0], None)
                scope = form.get("scope", [GRANTED_SCOPE])[0]
            elif grant == "refresh_token":
                old = self._refresh.pop(form.get("refresh_token", [""])[0], None)
                token = None
                if old is not None:
                    token = f"access-{secrets.token_hex(8)}"
                    previous = self._tokens[old]
                    self._tokens[token] = FakeSpotify._Token(previous.user, FakeSpotify.Scenario.OK, 0, 1)
                scope = self._scopes.get(old or "", GRANTED_SCOPE)
            else:
                return 400, {"error": "unsupported_grant_type"}, {}
            if token is None:
                return 400, {"error": "invalid_grant", "error_description": "Invalid authorization code"}, {}
            refresh = f"refresh-{secrets.token_hex(8)}"
            self._refresh[refresh] = token
            self._scopes[token] = scope
        return (
            200,
            {
                "access_token": token,
                "token_type": "Bearer",
                "scope": scope,
                "expires_in": 3600,
                "refresh_token": refresh,
            },
            {},
        )


def _handler_for(fake: FakeSpotify) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._serve("GET")

        def do_POST(self) -> None:
            self._serve("POST")

        def do_PUT(self) -> None:
            self._serve("PUT")

        def do_DELETE(self) -> None:
            self._serve("DELETE")

        def _serve(self, method: str) -> None:
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8") if length else ""
            auth = self.headers.get("Authorization", "")
            fake.arrivals.append(url.path)
            delay = fake.delay_of(auth)
            if delay:
                fake._stopping.wait(delay)
            raw = fake.raw_answer(auth, url.path)
            if url.path == "/api/token" and method == "POST":
                status, payload, headers = fake._token_endpoint(parse_qs(body), auth)
            elif url.path == "/authorize" and method == "GET":
                status, payload, headers = fake._authorize(query)
            elif raw is not None:
                status, payload, headers = raw[0], None, {}
            else:
                status, payload, headers = fake._api(method, url.path, query, auth, body)
            fake.calls.append(FakeSpotify.Call(method, url.path, query, status))
            data = raw[1] if raw is not None else json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the caller gave up
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            return

    return Handler


def _error(status: int, message: str) -> tuple[int, Any, dict[str, str]]:
    return status, {"error": {"status": status, "message": message}}, {}


def _client_credentials(form: dict[str, list[str]], auth: str) -> tuple[str, str]:
    if auth.startswith("Basic "):
        decoded = base64.b64decode(auth.removeprefix("Basic ")).decode("utf-8")
        client_id, _, client_secret = decoded.partition(":")
        return client_id, client_secret
    return form.get("client_id", [""])[0], form.get("client_secret", [""])[0]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in text.casefold()).strip("-")[:40] or "x"


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def demo_user() -> FakeUser:
    return sample_user(DEMO_ACCOUNT_ID, "Local Listener", DEMO_ARTISTS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.spotify_server",
        description="Serve the fake Spotify Web API in the foreground, with one demo listener.",
    )
    parser.add_argument(
        "--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001; 0: a free one)"
    )
    parser.add_argument(
        "--token", default=DEMO_TOKEN, help=f"the listener's access token (default {DEMO_TOKEN})"
    )
    args = parser.parse_args(argv)
    try:
        fake = FakeSpotify(port=args.port)
    except OSError as exc:
        print(f"fake Spotify: cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", file=sys.stderr)
        return 1
    fake.add_user(args.token, demo_user())
    print(
        f"fake Spotify API on {fake.api_base} for {DEMO_ACCOUNT_ID}, access token {args.token}"
        " (Ctrl+C stops)",
        flush=True,
    )
    fake.serve_until_stopped()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
