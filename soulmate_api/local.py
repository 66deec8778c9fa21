"""``soulmate serve-api``: the Lambda handler behind a small local HTTP server.

Each request becomes an API Gateway HTTP API (payload 2.0) event for ``soulmate_api.handler.handler``,
and its answer becomes the HTTP response, as API Gateway would do it. Requests are answered side by
side by Lambda-like containers (``containers.py``), each one invocation at a time, so a slow request
never holds up ``/health``. Like API Gateway it refuses, before any invocation: methods it does not
route (405, the body never read, the connection closed), obs-folded headers (400), a body both
chunked and sized (400); a chunked body is read whole. The handler's logs go to stderr; stdout
carries only the line saying where it listens. For local use only.
"""

from __future__ import annotations

import base64
import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from soulmate_api.containers import Containers
from soulmate_api.errors import MethodNotAllowedError, PayloadTooLargeError, UriTooLongError, error_parts
from soulmate_core.errors import InputError, SoulmateError
from soulmate_core.settings import Settings

MAX_REQUEST_BYTES = 10 * 1024 * 1024  # API Gateway HTTP API's own payload limit
MAX_CHUNK_LINE = 1024
MAX_DISCARD_BYTES = 1024 * 1024  # a refused body up to this size is read and dropped before closing


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


class _Refused(Exception):
    def __init__(self, error: SoulmateError) -> None:
        self.error = error


def _request_handler(containers: Containers) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._invoke()

        do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = do_GET

        def __getattr__(self, name: str) -> Any:
            if name.startswith("do_"):  # a method API Gateway does not route, e.g. TRACE
                return self._not_allowed
            raise AttributeError(name)

        def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
            """http.server's own refusals (a request line over 64 KB, too many headers, a malformed
            request line), in the API's error shape too."""
            if code == 414:
                self._refuse(UriTooLongError("the request line is over 64 KB"), drain=False)
            else:
                self._refuse(InputError(message or "the request cannot be read"), drain=False)

        def _not_allowed(self) -> None:
            self._refuse(MethodNotAllowedError("the API routes no requests with this method"))

        def _refuse(self, error: SoulmateError, drain: bool = True) -> None:
            """An answer of the server itself, in the API's error shape. The connection then closes:
            what follows on it is never taken for another request. A small sized body is read and
            dropped first, so that closing does not reset the connection under the answer."""
            self.close_connection = True
            if drain and not self.headers.get("Transfer-Encoding"):
                length = self.headers.get("Content-Length") or "0"
                if length.isdigit() and int(length) <= MAX_DISCARD_BYTES:
                    self.rfile.read(int(length))
            status, headers, text = error_parts(error)
            self._send(status, {"content-type": "application/json", **headers}, text.encode("utf-8"))

        def _invoke(self) -> None:
            try:
                body = self._body()
            except _Refused as refused:
                self._refuse(refused.error, drain=False)
                return
            event = to_event(
                self.command, self.path, list(self.headers.items()), body, self.client_address[0]
            )
            answer = containers.invoke(event)
            if answer is None:  # what API Gateway answers when a Lambda fails
                self._send(500, {"content-type": "application/json"}, b'{"message":"Internal Server Error"}')
                return
            payload = answer.get("body") or ""
            data = base64.b64decode(payload) if answer.get("isBase64Encoded") else payload.encode("utf-8")
            headers = {k.lower(): str(v) for k, v in (answer.get("headers") or {}).items()}
            for name, values in (answer.get("multiValueHeaders") or {}).items():
                headers[name.lower()] = ", ".join(str(v) for v in values)
            self._send(int(answer.get("statusCode", 200)), headers, data, answer.get("cookies") or [])

        def _body(self) -> bytes:
            if any("\n" in value or "\r" in value for value in self.headers.values()):
                raise _Refused(InputError("a header folded over lines (obs-fold) is not accepted"))
            chunked = self.headers.get("Transfer-Encoding")
            if chunked is not None:
                if self.headers.get("Content-Length") is not None:
                    raise _Refused(InputError("a body is either chunked or sized, not both"))
                if chunked.strip().lower() != "chunked":
                    raise _Refused(InputError("the only transfer coding accepted is chunked"))
                return self._chunks()
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                raise _Refused(InputError("the Content-Length header is not a byte count"))
            if length > MAX_REQUEST_BYTES:
                raise _Refused(PayloadTooLargeError(f"the request is over {MAX_REQUEST_BYTES} bytes"))
            return self.rfile.read(length) if length else b""

        def _chunks(self) -> bytes:
            """A chunked body (RFC 9112 7.1), whole; chunk extensions and trailers are dropped."""
            body = bytearray()
            while True:
                line = self.rfile.readline(MAX_CHUNK_LINE + 1)
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _Refused(InputError("a chunk size is not a hexadecimal number")) from None
                if size < 0 or len(body) + size > MAX_REQUEST_BYTES:
                    raise _Refused(PayloadTooLargeError(f"the request is over {MAX_REQUEST_BYTES} bytes"))
                if size == 0:
                    while self.rfile.readline(MAX_CHUNK_LINE + 1) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(body)
                chunk = self.rfile.read(size)
                if len(chunk) != size or self.rfile.readline(MAX_CHUNK_LINE + 1) not in (b"\r\n", b"\n"):
                    raise _Refused(InputError("a chunk is shorter than its size says"))
                body += chunk

        def _send(
            self, status: int, headers: dict[str, str], data: bytes, cookies: list[str] | None = None
        ) -> None:
            self.send_response(status)
            for name, value in headers.items():
                if name not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            for cookie in cookies or ():
                self.send_header("set-cookie", cookie)
            if self.close_connection:
                self.send_header("connection", "close")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # the handler logs each request
            return

    return Handler


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    containers: Containers

    def server_close(self) -> None:
        super().server_close()
        self.containers.close()


def make_server(host: str, port: int, settings: Settings, log_level: str = "WARNING") -> LocalServer:
    """A server for the Lambda handler, whose containers build their apps from ``settings`` first.
    The handler's logs go to stderr at ``log_level``; its CloudWatch metric lines, useless here, are
    off, but for the cold-start line Powertools prints regardless, which goes to stderr too."""
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")  # the containers inherit it
    containers = Containers(settings, log_level)
    try:
        server = LocalServer((host, port), _request_handler(containers))
    except BaseException:
        containers.close()
        raise
    server.containers = containers
    return server


def serve(host: str, port: int, settings: Settings, log_level: str = "WARNING") -> None:
    signal.signal(signal.SIGTERM, _interrupt)  # stop as on Ctrl+C: the containers go too
    server = make_server(host, port, settings, log_level)
    bound_host, bound_port = server.server_address[:2]
    print(f"soulmate API on http://{bound_host!s}:{bound_port} (Ctrl+C stops)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
