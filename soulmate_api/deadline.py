"""One overall deadline per request, and running a request's outbound calls side by side under it.

``Deadline`` counts down on an injectable clock. ``run_all`` starts every call at once, gives each the
time it may take (``min(per_call, what is left)``) and returns their results, or raises the first
failure, or ``DeadlineExceededError`` when time runs out first (also when a call timed out because
the deadline bounded it). It never waits past the deadline: a
call still running then is left to finish on its own timeout, its result unused.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TypeVar

from soulmate_api.errors import DeadlineExceededError
from soulmate_core.errors import SpotifyUnavailableError

K = TypeVar("K")
T = TypeVar("T")
MIN_CALL_SECONDS = 0.05  # a call is never started with less time than this: the deadline has passed


@dataclass(frozen=True)
class Deadline:
    seconds: float
    clock: Callable[[], float] = time.monotonic
    started: float = field(default=-1.0)

    @classmethod
    def start(cls, seconds: float, clock: Callable[[], float] = time.monotonic) -> Deadline:
        return cls(seconds, clock, clock())

    def remaining(self) -> float:
        return max(0.0, self.started + self.seconds - self.clock())

    def timeout(self, per_call: float) -> float:
        """What one call may take now; ``DeadlineExceededError`` when too little is left to start it."""
        left = self.remaining()
        if left < MIN_CALL_SECONDS:
            raise DeadlineExceededError(self.seconds)
        return min(per_call, left)


def run_all(calls: Mapping[K, Callable[[float], T]], deadline: Deadline, per_call: float) -> dict[K, T]:
    """Each call gets its own timeout (seconds) as its argument; all run at once."""
    timeout = deadline.timeout(per_call)
    pool = ThreadPoolExecutor(max_workers=max(1, len(calls)), thread_name_prefix="soulmate-call")
    try:
        futures: dict[K, Future[T]] = {key: pool.submit(call, timeout) for key, call in calls.items()}
        done, pending = wait(futures.values(), timeout=deadline.remaining(), return_when=FIRST_EXCEPTION)
        failed = [f for f in futures.values() if f in done and f.exception() is not None]
        if failed:
            error = failed[0].exception()
            assert error is not None
            if isinstance(error, SpotifyUnavailableError) and deadline.remaining() < MIN_CALL_SECONDS:
                raise DeadlineExceededError(deadline.seconds) from error
            raise error
        if pending:
            raise DeadlineExceededError(deadline.seconds)
        return {key: future.result() for key, future in futures.items()}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
