"""The routes: each parses, calls one ``soulmate_core`` use case, and returns a wire model.

``create_app(settings, store)`` builds a resolver; ``handler.py`` keeps one per container.
``respond`` gives each request its ``Deadline``; every Spotify call runs under it and through the
container's ``TokenCache``. Every answer carries ``Cache-Control: no-store``: most are personal.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from functools import partial
from typing import Annotated, Any
from urllib.parse import unquote

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query

from soulmate_adapters.spotify_client import TopKind
from soulmate_api import share_routes, spotify
from soulmate_api.deadline import Deadline
from soulmate_api.errors import (
    ForbiddenError,
    MethodNotAllowedError,
    PayloadTooLargeError,
    UnknownRouteError,
    UnsupportedMediaTypeError,
    error_parts,
    validation_error_body,
)
from soulmate_api.identity import (
    Identity,
    TokenCache,
    bearer_token,
    guarded,
    identity_from_claims,
    identity_from_me,
    jwt_claims,
    resolve,
)
from soulmate_api.wire import (
    ArtistOut,
    ErrorOut,
    HealthOut,
    MatchesOut,
    MeOut,
    ProfileIn,
    ProfileOut,
    TimeRange,
    TopArtistsOut,
    TopTracksOut,
    TrackOut,
)
from soulmate_core import __version__, service
from soulmate_core.errors import InputError, SoulmateError
from soulmate_core.live import LiveIndex
from soulmate_core.profile import RangeTaste, utc_now_iso
from soulmate_core.settings import Settings
from soulmate_core.store import Store

# Checked percent-encoded: any id within DynamoDB's 2,048-byte key limit, even all non-Latin, fits.
MAX_USER_ID_CHARS = 3 * 2048
UserId = Annotated[
    str, Path(min_length=1, max_length=MAX_USER_ID_CHARS, description="Our user id (Spotify account_id)")
]
Limit = Annotated[int, Query(ge=1, le=50, description="How many matches, 1 to 50")]
Range = Annotated[TimeRange, Query(description="Spotify's time range")]
SECURITY: list[dict[str, list[str]]] = [{"spotifyBearer": []}]
MAX_BODY_BYTES = 64 * 1024
HTTP_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
NO_STORE = {"Cache-Control": "no-store"}
LAMBDA_MARGIN_SECONDS = 1.0  # what a deadline leaves of the invocation's own remaining time


def _errors(*statuses: int) -> dict[int, Any]:
    descriptions = {
        400: "Bad input",
        401: "No token, or a token Spotify rejects",
        403: "Another user's data, or Spotify refused the account",
        404: "Unknown user, or a share code no one holds",
        409: "A newer profile is already stored",
        413: "Body over 64 KB",
        414: "A URL too long to read (a user id within the limit never makes one)",
        415: "A body that is not JSON",
        429: "Spotify's rate limit: retry after Retry-After seconds",
        502: "Spotify failed, or answered something that is not the documented shape",
        503: "The store is unavailable, or the match index is not built yet",
        504: "Spotify did not answer within the request's deadline",
    }
    out: dict[int, Any] = {}
    for status in statuses:
        out[status] = {
            "description": descriptions[status],
            "content": {"application/json": {"model": ErrorOut}},
        }
        if status == 429:
            out[status]["headers"] = {
                "Retry-After": {"description": "seconds", "schema": {"type": "integer"}}
            }
    return out


TOKEN_ERRORS = (401, 403, 429, 502, 504)


def create_app(
    settings: Settings,
    store: Store,
    index: LiveIndex | None = None,
    tokens: TokenCache | None = None,
) -> APIGatewayHttpResolver:
    cors = (
        CORSConfig(allow_origin=settings.cors_origin, allow_headers=["Authorization"])
        if settings.cors_origin
        else None
    )
    # debug=False whatever POWERTOOLS_DEV says: debug mode prints every event, bearer token included
    app = APIGatewayHttpResolver(enable_validation=True, cors=cors, debug=False)
    app.configure_openapi(
        title="Music Soulmate Finder API",
        version=__version__,
        description="Taste profiles from Spotify, and explained matches with people who share them.",
        security_schemes={"spotifyBearer": HTTPBearer(description="A Spotify access token")},
    )
    identities = tokens or TokenCache()
    live = index or LiveIndex(store)
    api_base, per_call = settings.spotify_api_base, settings.spotify_timeout

    def start_deadline(resolver: APIGatewayHttpResolver, next_middleware: NextMiddleware) -> Response[Any]:
        limit = Deadline.start(_cut(settings.request_deadline, resolver.lambda_context))
        resolver.context["deadline"] = limit
        return next_middleware(resolver)

    app.use(middlewares=[start_deadline])

    def deadline() -> Deadline:
        found = app.context.get("deadline")
        return found if isinstance(found, Deadline) else Deadline.start(settings.request_deadline)

    def caller() -> tuple[str, Identity]:
        claims = jwt_claims(app.current_event.raw_event)
        if claims is not None:  # a Cognito (OIDC) token, validated by API Gateway's JWT authorizer
            return "", identity_from_claims(claims)
        token = bearer_token(app.current_event.headers)
        limit = deadline()
        return token, resolve(
            token, identities, lambda: spotify.me(token, api_base=api_base, timeout=per_call, deadline=limit)
        )

    def top_of_range(kind: TopKind, time_range: TimeRange) -> RangeTaste:
        token, limit = bearer_token(app.current_event.headers), deadline()
        return guarded(
            identities,
            token,
            lambda: spotify.top_of_range(
                token, kind, time_range, api_base=api_base, timeout=per_call, deadline=limit
            ),
        )

    def own(user_id: str) -> str:
        """The path's user id when it is the caller's; 403 otherwise (whether or not it exists)."""
        _, me = caller()
        if unquote(user_id) != me.user_id:
            raise ForbiddenError("you can only use your own user id")
        return me.user_id

    def soulmate_error(error: SoulmateError) -> Response[str]:
        status, headers, body = error_parts(error)
        return Response(status_code=status, content_type="application/json", body=body, headers=headers)

    def invalid_request(error: RequestValidationError) -> Response[str]:
        return Response(
            status_code=422, content_type="application/json", body=validation_error_body(error.errors())
        )

    def unsupported_type(_: RequestUnsupportedContentType) -> Response[str]:
        return soulmate_error(UnsupportedMediaTypeError("send the body as Content-Type: application/json"))

    routes = RouteTable(app)

    def no_route(_: NotFoundError) -> Response[str]:
        method = app.current_event.http_method.upper()
        allowed = routes.methods_for(app.current_event.path)
        if not allowed or method in allowed:
            return soulmate_error(UnknownRouteError("no such route; openapi.yaml lists them"))
        return soulmate_error(MethodNotAllowedError(f"this path answers {', '.join(allowed)} only", allowed))

    def unexpected(error: Exception) -> Response[str]:
        """A bug, not a request's fault: logged with its traceback, answered without it (also when
        Powertools' debug mode would put the traceback in the body)."""
        status, headers, body = error_parts(SoulmateError(f"unexpected {type(error).__name__}"), error)
        return Response(status_code=status, content_type="application/json", body=body, headers=headers)

    app.exception_handler(SoulmateError)(soulmate_error)
    app.exception_handler(RequestValidationError)(invalid_request)
    app.exception_handler(RequestUnsupportedContentType)(unsupported_type)
    app.not_found(no_route)
    app.exception_handler(Exception)(unexpected)

    @app.get("/health", summary="Liveness and version")
    def health() -> HealthOut:
        return HealthOut(status="ok", version=__version__)

    @app.post(
        "/taste-profile",
        summary="Build the caller's taste profile from Spotify and store it",
        security=SECURITY,
        responses={
            200: {"description": "The stored profile", "content": {"application/json": {"model": ProfileOut}}}
        }
        | _errors(400, 409, 413, 415, *TOKEN_ERRORS, 503),
    )
    def post_profile(body: Annotated[ProfileIn | None, Body()] = None) -> ProfileOut:
        began = utc_now_iso()  # what this write is ordered by: a DELETE after this moment wins
        options = body or ProfileIn()
        token = bearer_token(app.current_event.headers)
        limit = deadline()
        profile, me = guarded(
            identities,
            token,
            lambda: spotify.taste_profile(
                token,
                api_base=api_base,
                timeout=per_call,
                deadline=limit,
                discoverable=options.discoverable,
                display_name=options.display_name,
                stored_name=partial(service.stored_name, store),
            ),
        )
        identities.put(token, identity_from_me(me))  # Spotify's name, for the caller's own /me
        saved = service.save_profile(store, profile, as_of=began)
        live.note_saved([saved])
        return ProfileOut.of(saved)

    @app.get(
        "/taste-profile/<user_id>",
        summary="The caller's stored profile",
        security=SECURITY,
        responses={
            200: {"description": "The profile", "content": {"application/json": {"model": ProfileOut}}}
        }
        | _errors(404, 414, *TOKEN_ERRORS, 503),
    )
    def get_profile(user_id: UserId) -> ProfileOut:
        return ProfileOut.of(service.get_profile(store, own(user_id)))

    @app.delete(
        "/taste-profile/<user_id>",
        summary="Delete the caller's profile; they leave everyone's matches",
        security=SECURITY,
        responses={204: {"description": "Deleted", "content": {}}} | _errors(404, 414, *TOKEN_ERRORS, 503),
    )
    def delete_profile(user_id: UserId) -> Response[str]:
        me = own(user_id)
        service.delete_user(store, me)
        live.note_deleted([me])
        return Response(status_code=204, body="")

    @app.get(
        "/matches/<user_id>",
        summary="The caller's best matches among discoverable users, explained",
        security=SECURITY,
        responses={
            200: {"description": "Ranked matches", "content": {"application/json": {"model": MatchesOut}}}
        }
        | _errors(404, 414, *TOKEN_ERRORS, 503),
    )
    def matches(user_id: UserId, limit: Limit = 10) -> MatchesOut:
        me = own(user_id)
        found = service.matches_for(store, me, limit, index=live)
        return MatchesOut.of(me, found, settings.alias_key)

    share_routes.register(
        app,
        store=store,
        live=live,
        alias_key=settings.alias_key,
        caller=caller,
        errors=_errors,
        token_errors=TOKEN_ERRORS,
        security=SECURITY,
    )

    @app.get(
        "/me",
        summary="The caller's Spotify identity, as our user id",
        security=SECURITY,
        responses={200: {"description": "Who you are", "content": {"application/json": {"model": MeOut}}}}
        | _errors(*TOKEN_ERRORS),
    )
    def me() -> MeOut:
        _, who = caller()
        return MeOut(user_id=who.user_id, display_name=who.display_name)

    @app.get(
        "/top-artists",
        summary="The caller's top artists for one time range, normalised",
        security=SECURITY,
        responses={
            200: {"description": "Top artists", "content": {"application/json": {"model": TopArtistsOut}}}
        }
        | _errors(*TOKEN_ERRORS),
    )
    def top_artists(time_range: Range = "medium_term") -> TopArtistsOut:
        taste = top_of_range("artists", time_range)
        return TopArtistsOut(time_range=time_range, artists=[ArtistOut.of(x) for x in taste.artists])

    @app.get(
        "/top-tracks",
        summary="The caller's top tracks for one time range, normalised",
        security=SECURITY,
        responses={
            200: {"description": "Top tracks", "content": {"application/json": {"model": TopTracksOut}}}
        }
        | _errors(*TOKEN_ERRORS),
    )
    def top_tracks(time_range: Range = "medium_term") -> TopTracksOut:
        taste = top_of_range("tracks", time_range)
        return TopTracksOut(time_range=time_range, tracks=[TrackOut.of(x) for x in taste.tracks])

    return app


class RouteTable:
    """Which methods the app routes for a path, read from its OpenAPI document on first use: what
    tells a 405 (the path exists, the method does not) from a 404."""

    def __init__(self, app: APIGatewayHttpResolver) -> None:
        self._app = app
        self._table: list[tuple[re.Pattern[str], tuple[str, ...]]] | None = None

    def methods_for(self, path: str) -> tuple[str, ...]:
        if self._table is None:
            self._table = [
                (_path_pattern(template), tuple(m for m in HTTP_METHODS if getattr(item, m.lower(), None)))
                for template, item in (self._app.get_openapi_schema().paths or {}).items()
            ]
        return next((methods for pattern, methods in self._table if pattern.fullmatch(path)), ())


def _path_pattern(template: str) -> re.Pattern[str]:
    """``/matches/{user_id}`` -> a pattern where each ``{parameter}`` is one path segment."""
    parts = re.split(r"(\{[^}]*\})", template)
    return re.compile("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts))


def respond(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Resolve one API Gateway v2 event. Every answer is ``Cache-Control: no-store``."""
    response = _respond(app, event, context)
    response["headers"] = {**(response.get("headers") or {}), **NO_STORE}
    return response


def _respond(app: APIGatewayHttpResolver, event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Bodies over 64 KB, not UTF-8, not JSON or not a JSON object are refused before any parsing; a
    JSON body reaches the routes as ``application/json`` whatever its spelling."""
    body = event.get("body") or ""
    size = len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return _refuse(PayloadTooLargeError(f"the body is over {MAX_BODY_BYTES} bytes"))
    if event.get("isBase64Encoded") and not _is_utf8_base64(body):
        return _refuse(InputError("the body is not UTF-8 text"))
    headers = event.get("headers") or {}
    if body and not _is_json_type(headers):
        return _refuse(UnsupportedMediaTypeError("send the body as Content-Type: application/json"))
    if body and not _is_json_object(body, bool(event.get("isBase64Encoded"))):
        return _invalid_body()
    if body:  # Powertools parses only application/json: the +json types and other spellings admitted
        plain = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        event = {**event, "headers": {**plain, "content-type": "application/json"}}
    response: dict[str, Any] = app.resolve(event, context)
    return response


def _cut(seconds: float, context: Any) -> float:
    """The deadline, cut to the invocation's remaining time less a margin when there is a context."""
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    if remaining is None:
        return seconds
    return max(0.0, min(seconds, float(remaining()) / 1000 - LAMBDA_MARGIN_SECONDS))


def _is_json_object(body: str, encoded: bool) -> bool:
    try:
        value = json.loads(base64.b64decode(body) if encoded else body)
    except RecursionError:
        return False
    except ValueError:
        return True  # not JSON at all: Powertools' validation answers it (422, json_invalid)
    return isinstance(value, dict)


def _invalid_body() -> dict[str, Any]:
    detail = [{"loc": ["body"], "msg": "Input should be a JSON object", "type": "model_attributes_type"}]
    return {
        "statusCode": 422,
        "headers": {"Content-Type": "application/json"},
        "body": validation_error_body(detail),
    }


def _refuse(error: SoulmateError) -> dict[str, Any]:
    status, headers, text = error_parts(error)
    return {"statusCode": status, "headers": {"Content-Type": "application/json", **headers}, "body": text}


def _is_json_type(headers: dict[str, str]) -> bool:
    value = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
    media = value.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


def _is_utf8_base64(body: str) -> bool:
    try:
        base64.b64decode(body, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    return True


__all__ = ["create_app", "identity_from_me", "respond"]
