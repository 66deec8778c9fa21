"""What the security tests drive: the real resolver in-process (``Api``), and the real ``soulmate
serve-api`` as a subprocess over HTTP (``serve_api``, from ``tests.api_server``)."""

from __future__ import annotations

import json
from typing import Any

from soulmate_api.app import create_app, respond
from soulmate_api.identity import TokenCache
from soulmate_core.settings import Settings
from soulmate_core.store import Store
from tests.api_events import FakeContext, http_event
from tests.api_server import REPO, serve_api
from tests.fakes.spotify_server import sample_user

ANA = sample_user("acc-ana", "Ana", [("Portishead", ["trip hop"]), ("Burial", [])])


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Api:
    """The app ``handler.py`` builds, answering API Gateway v2 events through ``respond``."""

    def __init__(self, settings: Settings, store: Store, tokens: TokenCache | None = None) -> None:
        self.app = create_app(settings, store, tokens=tokens)

    def raw(self, event: dict[str, Any]) -> dict[str, Any]:
        return respond(self.app, event, FakeContext())

    def __call__(self, method: str, path: str, **kwargs: Any) -> tuple[int, dict[str, str], Any]:
        answer = self.raw(http_event(method, path, **kwargs))
        text = answer.get("body") or ""
        return answer["statusCode"], answer.get("headers") or {}, json.loads(text) if text else None


__all__ = ["ANA", "REPO", "Api", "Clock", "serve_api"]
