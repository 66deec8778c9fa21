"""``soulmate serve-api``: the Lambda handler behind a small local HTTP server.

Each request becomes an API Gateway HTTP API (payload 2.0) event for ``soulmate_api.handler.handler``,
and its answer becomes the HTTP response, as API Gateway would do it. Like one Lambda container, it
runs one invocation at a time (connections are still accepted concurrently). The handler's logs go
to stderr; stdout carries only the line saying where it listens. For local use only.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import os
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from soulmate_api import handler
from soulmate_api.errors import MethodNotAllowedError, PayloadTooLargeError, error_parts
from soulmate_core.errors import InputError, SoulmateError
from soulmate_core.settings import Settings

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway HTTP API's own payload limit


@dataclass
class LocalContext:
    """The parts of a Lambda context that Powertools reads."""

    function_name: str = "soulmate-api-local"
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:local:000000000000:function:soulmate-api-local"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/soulmate-api-local"
    log_stream_name: str = "local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def to_event(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes, source_ip: str
) -> dict[str, Any]:
    """An API Gateway HTTP API v2 event: ``rawPath`` stays percent-encoded, as API Gateway sends it."""
    url = urlsplit(target)
    joined: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        joined[key] = f"{joined[key]},{value}" if key in joined else value
    query: dict[str, str] = {}
    for name, value in parse_qsl(url.query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": url.path or "/",
        "rawQueryString": url.query,
        "headers": joined,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": joined.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": method,
                "path": url.path or "/",
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": joined.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if joined.get("cookie"):
        event["cookies"] = [c.strip() for c in joined["cookie"].split(";")]
    if body:
        try:
            event["body"] = body.decode("utf-8")
        except UnicodeDecodeError:
            event["body"] = base64.b64encode(body).decode("ascii")
            event["isBase64Encoded"] = True
    return event


def _request_handler() -> type[BaseHTTPRequestHandler]:
    invocations = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._invoke()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # a method API Gateway does not route, e.g. TRACE
                return self._not_allowed
            raise AttributeError(name)

        def _not_allowed(self) -> None:
            self._refuse(MethodNotAllowedError("the API routes no requests with this method"))

        def _refuse(self, error: SoulmateError) -> None:
            """An answer of the server itself, in the API's error shape."""
            status, headers, text = error_parts(error)
            self._send(status, {"content-type": "application/json", **headers}, text.encode("utf-8"))

        def _invoke(self) -> None:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self._refuse(InputError("the Content-Length header is not a byte count"))
                self.close_connection = True
                return
            if length > MAX_REQUEST_BYTES:
                self._refuse(PayloadTooLargeError(f"the request is over {MAX_REQUEST_BYTES} bytes"))
                self.close_connection = True
                return
            body = self.rfile.read(length) if length else b""
            event = to_event(
                self.command, self.path, list(self.headers.items()), body, self.client_address[0]
            )
            try:
                # one request at a time, as in one Lambda container; anything it prints is a log line
                with invocations, contextlib.redirect_stdout(sys.stderr):
                    answer = handler.handler(event, LocalContext())
            except Exception:  # what API Gateway answers when a Lambda fails
                logging.getLogger(__name__).exception("the handler failed")
                self._send(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
                return
            payload = answer.get("body") or ""
            data = base64.b64decode(payload) if answer.get("isBase64Encoded") else payload.encode("utf-8")
            headers = {k.lower(): str(v) for k, v in (answer.get("headers") or {}).items()}
            for name, values in (answer.get("multiValueHeaders") or {}).items():
                headers[name.lower()] = ", ".join(str(v) for v in values)
            self._send(int(answer.get("statusCode", 200)), headers, data, answer.get("cookies") or [])

        def _send(
            self, status: int, headers: dict[str, str], data: bytes, cookies: list[str] | None = None
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            for cookie in cookies or ():
                self.send_header("set-cookie", cookie)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # the handler logs each request
            return

    return Handler


def make_server(host: str, port: int, settings: Settings, log_level: str = "WARNING") -> ThreadingHTTPServer:
    """A server for the Lambda handler, whose app is built from ``settings`` first. The handler's
    logs go to stderr at ``log_level``; its CloudWatch metric lines, useless here, are off, but for
    the cold-start line Powertools prints regardless, which goes to stderr too."""
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    handler.logger.setLevel(log_level)
    for stream_handler in handler.logger.handlers:
        if isinstance(stream_handler, logging.StreamHandler):
            stream_handler.setStream(sys.stderr)
    handler.configure(settings)
    server = ThreadingHTTPServer((host, port), _request_handler())
    server.daemon_threads = True
    return server


def serve(host: str, port: int, settings: Settings, log_level: str = "WARNING") -> None:
    server = make_server(host, port, settings, log_level)
    bound_host, bound_port = server.server_address[:2]
    print(f"soulmate API on http://{bound_host!s}:{bound_port} (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
