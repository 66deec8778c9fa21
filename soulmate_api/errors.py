"""Every error the API answers with, mapped to a status code in this one place.

Request validation failures (Powertools' ``RequestValidationError``) are 422 with field details;
every other error, Powertools' own included, is ``{"error": code, "message": ...}``. A 5xx the
caller cannot act on (a bug, the store failing) never carries the underlying error's text: its
message is fixed and names an error id, which the log line with the details carries too.

The API's own errors extend the core's tree (``soulmate_core.errors``):

SoulmateError
├── ApiError
│   ├── NotAuthenticatedError   401: no bearer token, or a malformed one
│   ├── ForbiddenError          403: another user's data
│   ├── UnknownRouteError       404: no route has this path
│   ├── MethodNotAllowedError   405: the path has routes, none for this method (``Allow`` lists them)
│   ├── PayloadTooLargeError    413: a body over 64 KB
│   ├── UriTooLongError         414: a request line over 64 KB (serve-api; API Gateway has its own)
│   ├── UnsupportedMediaTypeError 415: a body that is not application/json
│   └── DeadlineExceededError   504: Spotify did not answer within the request's deadline
└── ... the core's InputError, UnknownUserError, UnknownShareCodeError (404), StaleWriteError,
    IndexNotReadyError (503),
    StoreError (503), SpotifyError tree (SpotifyAnswerError, a malformed answer: 502)
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from soulmate_core.errors import (
    IndexNotReadyError,
    InputError,
    SoulmateError,
    SpotifyAnswerError,
    SpotifyAuthError,
    SpotifyError,
    SpotifyForbiddenError,
    SpotifyRateLimitError,
    SpotifyUnavailableError,
    StaleWriteError,
    StoreError,
    UnknownShareCodeError,
    UnknownUserError,
)


class ApiError(SoulmateError):
    pass


class NotAuthenticatedError(ApiError):
    pass


class ForbiddenError(ApiError):
    pass


class UnknownRouteError(ApiError):
    pass


class MethodNotAllowedError(ApiError):
    def __init__(self, message: str, allowed: Sequence[str] = ()) -> None:
        self.allowed = tuple(allowed)
        super().__init__(message)


class PayloadTooLargeError(ApiError):
    pass


class UriTooLongError(ApiError):
    pass


class UnsupportedMediaTypeError(ApiError):
    pass


class DeadlineExceededError(ApiError):
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"Spotify did not answer within the request's {seconds:g} s deadline")


log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int
    code: str
    public: str | None = None  # a fixed message instead of the error's own text


# Most specific first: the first class an error is an instance of decides.
OUTCOMES: tuple[tuple[type[SoulmateError], Outcome], ...] = (
    (NotAuthenticatedError, Outcome(401, "not_authenticated")),
    (ForbiddenError, Outcome(403, "forbidden")),
    (UnknownRouteError, Outcome(404, "unknown_route")),
    (MethodNotAllowedError, Outcome(405, "method_not_allowed")),
    (PayloadTooLargeError, Outcome(413, "payload_too_large")),
    (UriTooLongError, Outcome(414, "uri_too_long")),
    (UnsupportedMediaTypeError, Outcome(415, "unsupported_media_type")),
    (DeadlineExceededError, Outcome(504, "deadline_exceeded")),
    (InputError, Outcome(400, "bad_input")),
    (UnknownUserError, Outcome(404, "unknown_user")),
    (UnknownShareCodeError, Outcome(404, "unknown_share_code")),
    (StaleWriteError, Outcome(409, "stale_write")),
    (IndexNotReadyError, Outcome(503, "index_not_ready")),
    (SpotifyAuthError, Outcome(401, "spotify_token_rejected")),
    (SpotifyForbiddenError, Outcome(403, "spotify_forbidden")),
    (SpotifyRateLimitError, Outcome(429, "spotify_rate_limited")),
    (SpotifyUnavailableError, Outcome(502, "spotify_unavailable")),
    (SpotifyAnswerError, Outcome(502, "spotify_bad_answer")),
    (SpotifyError, Outcome(502, "spotify_failed")),
    (StoreError, Outcome(503, "store_unavailable", "the store is unavailable; try again shortly")),
    (SoulmateError, Outcome(500, "internal", "an unexpected error")),
)


def outcome_of(error: SoulmateError) -> Outcome:
    for kind, outcome in OUTCOMES:
        if isinstance(error, kind):
            return outcome
    return Outcome(500, "internal", "an unexpected error")


def extra_headers(error: SoulmateError) -> dict[str, str]:
    if isinstance(error, SpotifyRateLimitError):
        return {"Retry-After": str(error.retry_after)}
    if isinstance(error, MethodNotAllowedError) and error.allowed:
        return {"Allow": ", ".join(error.allowed)}
    return {}


def validation_error_body(errors: Sequence[Mapping[str, Any]]) -> str:
    """The 422 body, as the OpenAPI document's ``HTTPValidationError``: each field's place, a short
    message and pydantic's error type; the rejected input is not echoed."""
    detail = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "invalid")),
            "type": str(error.get("type", "value_error")),
        }
        for error in errors
    ]
    return json.dumps({"detail": detail}, ensure_ascii=False)


def error_parts(error: SoulmateError, cause: BaseException | None = None) -> tuple[int, dict[str, str], str]:
    """Status, extra headers and JSON body (``{"error": code, "message": ...}``) for an error. An
    outcome with a fixed message hides the error's text: it is logged under a fresh error id, which
    the message names, with ``cause``'s traceback when there is one."""
    outcome = outcome_of(error)
    message = str(error)
    if outcome.public is not None:
        error_id = uuid.uuid4().hex[:12]
        log.error("error %s: %s: %s", error_id, type(error).__name__, message, exc_info=cause)
        message = f"{outcome.public} (error id {error_id}; the API's logs have the details)"
    body = json.dumps({"error": outcome.code, "message": message}, ensure_ascii=False)
    return outcome.status, extra_headers(error), body
