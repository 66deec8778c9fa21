"""The AWS Lambda entry point: ``soulmate_api.handler.handler``.

The container's app (settings, store, resolver) is built on the first request from
``get_settings()``, or beforehand by ``configure`` (``serve-api`` does that with its own settings).
Its match index is a serving one: a snapshot in S3 is loaded, never built here (``open_index``).
Logs are structured JSON without tokens; metrics go out as EMF.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from soulmate_adapters import open_store
from soulmate_adapters.stores import open_index
from soulmate_api.app import create_app, respond
from soulmate_core.settings import Settings, get_settings

logger = Logger(service="soulmate-api")
metrics = Metrics(namespace="SoulmateFinder", service="soulmate-api")
_apps: list[APIGatewayHttpResolver] = []


def configure(settings: Settings) -> APIGatewayHttpResolver:
    """Build this container's app from ``settings``, replacing any built before."""
    store = open_store(settings.store_url)
    index = open_index(store, settings.store_url, settings.index_path, serving=True)
    _apps[:] = [create_app(settings, store, index=index)]
    return _apps[0]


def current_app() -> APIGatewayHttpResolver:
    return _apps[0] if _apps else configure(get_settings())


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
