"""``serve-api``'s Lambda containers: worker processes, each the handler built from the settings and
each running one invocation at a time, as a Lambda container does.

A request takes an idle container, the one used last first (so a client's requests find its warm
caches), and a new one starts when all are busy, up to ``limit``: a slow request never holds up the
others, ``/health`` included. Processes, not threads: Powertools keeps the current event in a class
attribute, so two invocations in one process would see each other's.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from soulmate_core.errors import InputError, SoulmateError, StoreError
from soulmate_core.settings import Settings

log = logging.getLogger(__name__)


class Container:
    def __init__(self, settings: Settings, log_level: str) -> None:
        context = multiprocessing.get_context("spawn")  # never fork a process that runs threads
        self._conn, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, settings, log_level), name="soulmate-container", daemon=True
        )
        self.process.start()
        child.close()

    def ready(self) -> None:
        """Wait until the app is built; a setting or store it cannot open is raised here."""
        try:
            status, kind, message = self._conn.recv()
        except EOFError:
            raise SoulmateError("a serve-api container exited as it started; stderr has why") from None
        if status != "ready":
            self.stop()
            raise (StoreError if kind == "store" else InputError)(message)

    def invoke(self, event: dict[str, Any]) -> dict[str, Any] | None:
        """The handler's answer; ``None`` when it failed (as API Gateway sees a failed Lambda)."""
        self._conn.send(event)
        answer: dict[str, Any] | None = self._conn.recv()
        return answer

    def stop(self) -> None:
        self._conn.close()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.terminate()


class Containers:
    def __init__(self, settings: Settings, log_level: str, *, warm: int = 2, limit: int = 8) -> None:
        self._settings, self._log_level, self._limit = settings, log_level, max(limit, warm, 1)
        self._idle: list[Container] = [Container(settings, log_level) for _ in range(warm)]
        for container in self._idle:
            container.ready()
        self._count = len(self._idle)
        self._changed = threading.Condition()

    def invoke(self, event: dict[str, Any]) -> dict[str, Any] | None:
        container = self._take()
        try:
            answer = container.invoke(event)
        except (EOFError, OSError):  # the process died: API Gateway would see a failed invocation
            log.exception("a container died")
            self._drop(container)
            return None
        self._give(container)
        return answer

    def close(self) -> None:
        with self._changed:
            idle, self._idle = self._idle, []
        for container in idle:
            container.stop()

    def _take(self) -> Container:
        with self._changed:
            while not self._idle and self._count >= self._limit:
                self._changed.wait()
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:  # a cold start, outside the lock
            container = Container(self._settings, self._log_level)
            container.ready()
        except BaseException:
            with self._changed:
                self._count -= 1
                self._changed.notify()
            raise
        return container

    def _give(self, container: Container) -> None:
        with self._changed:
            self._idle.append(container)
            self._changed.notify()

    def _drop(self, container: Container) -> None:
        container.stop()
        with self._changed:
            self._count -= 1
            self._changed.notify()


def _serve(conn: Connection, settings: Settings, log_level: str) -> None:
    """A container's process: build the app, then answer one event at a time until the pipe closes.
    Anything it prints is a log line on stderr: stdout carries only serve-api's address."""
    sys.stdout = sys.stderr
    from soulmate_api import handler
    from soulmate_api.local import LocalContext

    handler.logger.setLevel(log_level)
    for stream_handler in handler.logger.handlers:
        if isinstance(stream_handler, logging.StreamHandler):
            stream_handler.setStream(sys.stderr)
    try:
        handler.configure(settings)
    except SoulmateError as exc:
        conn.send(("failed", "store" if isinstance(exc, StoreError) else "input", str(exc)))
        return
    conn.send(("ready", "", ""))
    while True:
        try:
            event = conn.recv()
        except (EOFError, OSError):
            return
        answer: dict[str, Any] | None = None
        try:
            with contextlib.redirect_stdout(sys.stderr):
                answer = handler.handler(event, LocalContext())
        except Exception:
            logging.getLogger(__name__).exception("the handler failed")
        conn.send(answer)
