"""A small local HTTP proxy that can hold or refuse chosen requests, for the erasure findings.

- In front of the fake Spotify, ``hold`` keeps one request's calls waiting until ``release()``: a
  ``POST /taste-profile`` stays in flight while other requests run.
- In front of a DynamoDB stand-in, ``refuse`` answers chosen requests with DynamoDB's
  ``AccessDeniedException`` (HTTP 400, which botocore does not retry) without forwarding them, as
  a missing IAM grant or a failing dependency would; ``refusal`` can name another error.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def dynamodb_operation(self) -> str:
        """``TransactWriteItems`` and the like, from ``X-Amz-Target``."""
        return self.headers.get("x-amz-target", "").rpartition(".")[2]


ACCESS_DENIED = {"__type": "com.amazonaws.dynamodb.v20120810#AccessDeniedException", "message": "injected"}


@dataclass
class Proxy:
    upstream: str
    hold: Callable[[Seen], bool] = lambda _: False
    refuse: Callable[[Seen], bool] = lambda _: False
    refusal: dict[str, object] = field(default_factory=lambda: dict(ACCESS_DENIED))
    """The JSON error body a refused request gets (HTTP 400)."""
    holding: threading.Event = field(default_factory=threading.Event)
    """Set once a held request has arrived."""
    refused: list[Seen] = field(default_factory=list)
    lose: Callable[[Seen], bool] = lambda _: False
    """Forward the request, then answer 500 instead: done, yet the caller cannot know it."""
    _released: threading.Event = field(default_factory=threading.Event)

    def release(self) -> None:
        self._released.set()

    def rearm(self) -> None:
        """Hold again from now on (for the next round)."""
        self._released.clear()
        self.holding.clear()

    def answer(self, seen: Seen) -> tuple[int, list[tuple[str, str]], bytes]:
        if self.refuse(seen):
            self.refused.append(seen)
            return 400, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(self.refusal).encode()
        if self.hold(seen):
            self.holding.set()
            self._released.wait(timeout=30)
        target = urlsplit(self.upstream)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
        try:
            conn.request(seen.method, seen.path, body=seen.body or None, headers=seen.headers)
            reply = conn.getresponse()
            headers = [(k, v) for k, v in reply.getheaders() if k.lower() not in _HOP_BY_HOP]
            body = reply.read()
            if self.lose(seen):
                lost = {"__type": "com.amazonaws.dynamodb.v20120810#InternalServerError", "message": "lost"}
                return 500, [("Content-Type", "application/x-amz-json-1.0")], json.dumps(lost).encode()
            return reply.status, headers, body
        finally:
            conn.close()


@contextmanager
def serving(proxy: Proxy) -> Iterator[str]:
    """Serve ``proxy`` on 127.0.0.1; yields its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            headers = {k.lower(): v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            seen = Seen(self.command, self.path, headers, self.rfile.read(length))
            status, reply_headers, body = proxy.answer(seen)
            self.send_response(status)
            for name, value in reply_headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        proxy.release()
        server.shutdown()
        server.server_close()
