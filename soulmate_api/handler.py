"""The AWS Lambda entry point: ``soulmate_api.handler.handler``.

Settings are read from the environment once per container, and the store opened once; the resolver
is built on the first request. Logs are structured JSON without tokens; metrics go out as EMF.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from soulmate_api.app import create_app, respond
from soulmate_api.settings import ApiSettings
from soulmate_core.store import open_store

logger = Logger(service="soulmate-api")
metrics = Metrics(namespace="SoulmateFinder", service="soulmate-api")
_apps: list[APIGatewayHttpResolver] = []


def current_app() -> APIGatewayHttpResolver:
    if not _apps:
        settings = ApiSettings.from_env()
        _apps.append(create_app(settings, open_store(settings.store_url)))
    return _apps[0]


@logger.inject_lambda_context(log_event=False)
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    metrics.add_metric(name="Requests", unit=MetricUnit.Count, value=1)
    response = respond(current_app(), event, context)
    logger.info(
        "request",
        extra={
            "method": event.get("requestContext", {}).get("http", {}).get("method"),
            "route": event.get("rawPath"),
            "status": response.get("statusCode"),
        },
    )
    return response
