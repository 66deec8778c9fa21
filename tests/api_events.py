"""Realistic API Gateway HTTP API (payload format 2.0) events, shaped like the ones AWS documents."""

from __future__ import annotations

import json
import uuid
from typing import Any
from urllib.parse import quote, urlencode


def http_event(
    method: str,
    path: str,
    *,
    token: str | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    raw_body: str | None = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``claims``: what API Gateway's JWT authorizer puts in ``requestContext.authorizer`` after it
    has validated the bearer token (every claim as a string, as API Gateway passes them)."""
    raw_path = quote(path, safe="/")
    all_headers = {
        "accept": "application/json",
        "content-length": "0",
        "host": "abc123.execute-api.eu-west-1.amazonaws.com",
        "user-agent": "curl/8.5.0",
        "x-amzn-trace-id": "Root=1-65f0c0de-0123456789abcdef01234567",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if token is not None:
        all_headers["authorization"] = f"Bearer {token}"
    text = raw_body if raw_body is not None else (None if body is None else json.dumps(body))
    if text is not None:
        all_headers["content-type"] = "application/json"
        all_headers["content-length"] = str(len(text.encode("utf-8")))
    all_headers.update(headers or {})
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": urlencode(query or {}),
        "headers": all_headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "curl/8.5.0",
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": "25/Nov/2026:08:00:00 +0000",
            "timeEpoch": 1795593600000,
        },
        "isBase64Encoded": False,
    }
    if claims is not None:
        event["requestContext"]["authorizer"] = {
            "jwt": {"claims": {k: str(v) for k, v in claims.items()}, "scopes": None}
        }
    if query:
        event["queryStringParameters"] = dict(query)
    if text is not None:
        event["body"] = text
    return event


class FakeContext:
    function_name = "soulmate-api"
    function_version = "$LATEST"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:soulmate-api"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name = "/aws/lambda/soulmate-api"
    log_stream_name = "2026/11/25/[$LATEST]abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000
