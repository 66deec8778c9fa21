"""Fetch a user's listening from the Spotify Web API with spotipy, mapping failures to our errors.

The client never retries by itself, so each edge decides: the dashboard waits for ``Retry-After``
and tries again, the API passes the 429 on. Tokens are never logged: spotipy's debug log prints
request headers, so its logger is held at WARNING. An answer that is not the documented shape (not
JSON, a list where an object belongs, a name that is not text ...) is ``SpotifyAnswerError``, checked
here, before the core reads it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Literal, TypeVar

import requests
import spotipy
from pydantic import BaseModel, ConfigDict, ValidationError

from soulmate_core.errors import (
    SpotifyAnswerError,
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbiddenError,
    SpotifyRateLimitError,
    SpotifyUnavailableError,
)
from soulmate_core.profile import SPOTIFY_RANGES, RangeName
from soulmate_core.settings import SPOTIFY_API_BASE
from soulmate_core.sources.spotify_api import SpotifyPayloads

PAGE = 50  # the API's maximum page size for top items

logging.getLogger("spotipy").setLevel(logging.WARNING)

Progress = Callable[[int, int, str], None]
TopKind = Literal["artists", "tracks"]
_S = TypeVar("_S", bound="Shape")


def make_client(
    token: str | None = None,
    *,
    api_base: str | None = None,
    auth_manager: Any = None,
    timeout: float = 10.0,
) -> spotipy.Spotify:
    """A spotipy client that raises at once on errors (no hidden retries)."""
    client = spotipy.Spotify(
        auth=token,
        auth_manager=auth_manager,
        requests_session=requests.Session(),  # a plain session: no urllib3 retries on 429 or 5xx
        requests_timeout=timeout,
    )
    client.prefix = (api_base or SPOTIFY_API_BASE).rstrip("/") + "/"
    return client


class Shape(BaseModel):
    """Checks the fields we read; every other field passes through unread."""

    model_config = ConfigDict(extra="allow", strict=True)


class _Me(Shape):
    id: str | None = None
    account_id: str | None = None
    display_name: str | None = None


class _Named(Shape):
    id: str | None = None
    name: str | None = None


class _Artist(_Named):
    genres: list[str] | None = None


class _Track(_Named):
    artists: list[_Named] | None = None


class _ArtistPage(Shape):
    items: list[_Artist]


class _TrackPage(Shape):
    items: list[_Track]


def fetch_me(client: spotipy.Spotify) -> dict[str, Any]:
    with spotify_errors():
        me = client.me()
    checked = checked_answer(_Me, me, "/me")
    if not (checked.account_id or checked.id):
        raise SpotifyAnswerError("Spotify's /me answer has neither account_id nor id")
    return dict(me)


def fetch_payloads(
    client: spotipy.Spotify, *, per_range: int = PAGE, progress: Progress | None = None
) -> SpotifyPayloads:
    """``/me`` and the top artists and tracks for the three time ranges (seven calls)."""
    steps = 1 + 2 * len(SPOTIFY_RANGES)
    if progress:
        progress(0, steps, "your Spotify account")
    me = fetch_me(client)
    found: dict[TopKind, dict[RangeName, list[dict[str, Any]]]] = {"artists": {}, "tracks": {}}
    done = 1
    for time_range in SPOTIFY_RANGES:
        for kind in ("artists", "tracks"):
            if progress:
                progress(done, steps, f"top {kind}, {time_range.replace('_', ' ')}")
            found[kind][time_range] = fetch_top(client, kind, time_range, limit=per_range)
            done += 1
    if progress:
        progress(steps, steps, "done")
    return SpotifyPayloads(me=me, top_artists=found["artists"], top_tracks=found["tracks"])


def fetch_top(
    client: spotipy.Spotify, kind: TopKind, time_range: RangeName, *, limit: int = PAGE
) -> list[dict[str, Any]]:
    """The items of ``GET /me/top/{kind}`` for one time range (one page, at most 50)."""
    call = client.current_user_top_artists if kind == "artists" else client.current_user_top_tracks
    with spotify_errors():
        page = call(limit=min(limit, PAGE), time_range=time_range)
    checked_answer(_ArtistPage if kind == "artists" else _TrackPage, page, f"/me/top/{kind}")
    return list(page["items"])


def checked_answer(shape: type[_S], payload: object, where: str) -> _S:
    """``payload`` read as ``shape``; else ``SpotifyAnswerError`` naming ``where`` and the bad field."""
    if not isinstance(payload, dict):
        raise SpotifyAnswerError(f"Spotify's {where} answer is not a JSON object")
    try:
        return shape.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        place = ".".join(str(part) for part in first["loc"])
        raise SpotifyAnswerError(f"Spotify's {where} answer is malformed at {place}") from None


@contextmanager
def spotify_errors() -> Iterator[None]:
    """Translate spotipy and requests failures into the core's ``SpotifyError`` tree."""
    try:
        yield
    except spotipy.SpotifyException as exc:
        raise _from_status(exc.http_status, exc.headers or {}, str(exc.msg)) from None
    except spotipy.SpotifyOauthError as exc:
        raise SpotifyAuthError(f"Spotify refused the login: {exc.error or exc}") from None
    except (requests.Timeout, requests.ConnectionError) as exc:
        raise SpotifyUnavailableError(f"Spotify did not answer: {type(exc).__name__}") from None
    except requests.RequestException as exc:  # a broken chunked or compressed body, a redirect loop
        raise SpotifyUnavailableError(f"Spotify's answer broke off: {type(exc).__name__}") from None
    except (AttributeError, TypeError, RecursionError) as exc:  # spotipy reading a malformed error body
        raise SpotifyAnswerError(f"Spotify's answer is malformed: {type(exc).__name__}") from None


def _from_status(status: int, headers: Any, message: str) -> SpotifyError:
    if status == 401:
        return SpotifyAuthError("Spotify rejected the access token (expired or invalid)")
    if status == 403:
        return SpotifyForbiddenError(
            "Spotify refused access: in Development Mode only users registered for the app may log in"
        )
    if status == 429:
        return SpotifyRateLimitError(_retry_after(headers))
    if status >= 500:
        return SpotifyUnavailableError(f"Spotify failed with HTTP {status}")
    return SpotifyError(f"Spotify answered HTTP {status}")


def _retry_after(headers: Any) -> int:
    try:
        return max(0, int(headers.get("Retry-After", 1)))
    except (TypeError, ValueError):
        return 1
