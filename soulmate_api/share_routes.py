"""The share-code routes: make, read and drop the caller's share code, and compare with a code's owner.

A code is the only way the API names another listener: ``GET /compare/{code}`` answers how the
caller matches the code's owner (discoverable or not) in the one match shape (``MatchOut``: an
alias and a public name, never a user id), scored with the current model. A code that is
malformed, unknown, replaced or dropped is the same 404, so the answer tells nothing about anyone
who has not shared it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from pydantic import BaseModel, ConfigDict, Field

from soulmate_api.identity import Identity
from soulmate_core import service, sharing
from soulmate_core.errors import UnknownShareCodeError
from soulmate_core.live import LiveIndex
from soulmate_core.schema import MatchOut
from soulmate_core.store import Store

MAX_CODE_CHARS = 256
"""A path segment this long is refused unread; a code is 22 characters."""
Code = Annotated[
    str, Path(min_length=1, max_length=MAX_CODE_CHARS, description="A share code someone gave you")
]
Errors = Callable[..., dict[int, Any]]


class ShareCodeOut(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(
        description=(
            "Your share code: whoever holds it can compare with you, even while you are hidden. "
            "A new one replaces it; DELETE /share-code stops it."
        ),
        min_length=sharing.CODE_LENGTH,
        max_length=sharing.CODE_LENGTH,
    )


_NO_CONTENT: Any = {"description": "No code works for you any more", "content": {}}


def _answer(status: int, description: str, model: type[BaseModel]) -> dict[int, Any]:
    return {status: {"description": description, "content": {"application/json": {"model": model}}}}


def register(
    app: APIGatewayHttpResolver,
    *,
    store: Store,
    live: LiveIndex,
    alias_key: bytes,
    caller: Callable[[], tuple[str, Identity]],
    errors: Errors,
    token_errors: tuple[int, ...],
    security: list[dict[str, list[str]]],
) -> None:
    def me() -> str:
        return caller()[1].user_id

    @app.post(
        "/share-code",
        summary="Make the caller a new share code; an earlier one stops working at once",
        security=security,
        responses=_answer(201, "The new code", ShareCodeOut) | errors(400, 404, 413, 415, *token_errors, 503),
    )
    def post_share_code() -> Response[str]:
        code = service.new_share_code(store, me())
        return Response(
            status_code=201, content_type="application/json", body=ShareCodeOut(code=code).model_dump_json()
        )

    @app.get(
        "/share-code",
        summary="The caller's current share code",
        security=security,
        responses=_answer(200, "The code", ShareCodeOut) | errors(404, *token_errors, 503),
    )
    def get_share_code() -> ShareCodeOut:
        code = store.share_code(me())
        if code is None:
            raise UnknownShareCodeError("you have no share code: POST /share-code makes one")
        return ShareCodeOut(code=code)

    @app.delete(
        "/share-code",
        summary="Stop the caller's share code from working",
        security=security,
        responses={204: _NO_CONTENT} | errors(*token_errors, 503),
    )
    def delete_share_code() -> Response[str]:
        store.drop_share_code(me())
        return Response(status_code=204, body="")

    @app.get(
        "/compare/<code>",
        summary="How the caller matches the listener who gave them this share code, explained",
        security=security,
        responses=_answer(200, "The match", MatchOut) | errors(400, 404, 414, *token_errors, 503),
    )
    def compare(code: Code) -> MatchOut:
        user_id = me()
        if not sharing.is_code(code):
            raise UnknownShareCodeError()
        _, found = service.compare_by_code(store, user_id, code, live)
        return MatchOut.of(found, alias_key)
