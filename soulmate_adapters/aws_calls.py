"""How long one AWS call may take: the client ``Config`` that the DynamoDB and S3 adapters share.

botocore's defaults are 60 s to connect, 60 s for each read and, for DynamoDB, up to 10 attempts
(its legacy retry mode): a silent endpoint would hold a request for many minutes. Each adapter
instead builds its client from ``CallLimits``: a connect timeout, a read timeout and a total number
of attempts in botocore's standard retry mode. ``worst_seconds`` is the longest one call can then
take against an endpoint that accepts connections and never answers, or never accepts them; a test
keeps the DynamoDB one well inside the API's request deadline.
"""

from __future__ import annotations

from dataclasses import dataclass

from botocore.config import Config

from soulmate_core.settings import DEFAULT_STORE_TIMEOUT

DEFAULT_POOL = 10
"""botocore's own default of pooled connections: a client never gets fewer."""
PAUSE_SECONDS = 1.0
"""The longest first pause of botocore's standard retries (for throttling; others pause less). It
doubles before each further attempt."""


@dataclass(frozen=True)
class CallLimits:
    connect_seconds: float
    read_seconds: float
    attempts: int
    """Attempts in all, the first included (botocore's ``total_max_attempts``)."""

    def config(self, pool: int = DEFAULT_POOL) -> Config:
        """A client ``Config`` with these limits and ``pool`` connections (never fewer than 10)."""
        return Config(
            connect_timeout=self.connect_seconds,
            read_timeout=self.read_seconds,
            retries={"total_max_attempts": self.attempts, "mode": "standard"},
            max_pool_connections=max(DEFAULT_POOL, pool),
        )

    def worst_seconds(self) -> float:
        """Every attempt timed out connecting and then reading, with the longest pauses between."""
        pauses = PAUSE_SECONDS * (2.0 ** max(0, self.attempts - 1) - 1)  # 1 + 2 + 4 + ...
        return self.attempts * (self.connect_seconds + self.read_seconds) + pauses


DYNAMODB = CallLimits(connect_seconds=1.0, read_seconds=DEFAULT_STORE_TIMEOUT, attempts=2)
"""A DynamoDB request answers in milliseconds; a store call gives up after ``worst_seconds`` (7 s),
inside the API's 10 s request deadline, so a stalled table is a 503, not a Lambda killed at 15 s.
Our own loops (a changed item read again, a transaction conflict retried) never retry a timeout.
``open_store`` takes the read timeout from ``SOULMATE_STORE_TIMEOUT``."""

S3 = CallLimits(connect_seconds=5.0, read_seconds=30.0, attempts=3)
"""A snapshot is megabytes to gigabytes, read by ranged GETs: each read may be slow, none silent."""
