"""``serve-api`` under load: a bounded loop of GET /matches from a few client threads, 127.0.0.1 only.

Spotify is the local fake (tests/fakes/spotify_server.py), whose one listener saves their profile
first; every request then asks for that listener's matches among the whole stored population. The
listener plays what a given member of that population plays (``like``), as a real newcomer shares
artists with the people already there.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

import numpy as np

from soulmate_core.profile import TasteProfile
from tests.fakes.spotify_server import (
    DEMO_ACCOUNT_ID,
    DEMO_TOKEN,
    FakeSpotify,
    FakeUser,
    demo_user,
    sample_user,
)


@dataclass(frozen=True)
class Load:
    requests: int
    p50: float
    p99: float
    errors: int


def serve_api_load(
    env: dict[str, str], requests: int, clients: int = 4, like: TasteProfile | None = None
) -> Load:
    with FakeSpotify() as spotify:
        spotify.add_user(DEMO_TOKEN, demo_user() if like is None else _listener_like(like))
        server = subprocess.Popen(
            [sys.executable, "-m", "soulmate_cli", "serve-api", "--port", "0"],
            env={**env, "SOULMATE_SPOTIFY_API_BASE": f"{spotify.base_url}/v1/"},
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert server.stdout is not None
            base = server.stdout.readline().split()[3]  # "soulmate API on http://127.0.0.1:PORT ..."
            _call(f"{base}/taste-profile", method="POST", body=b'{"discoverable": true}')
            _call(f"{base}/matches/{DEMO_ACCOUNT_ID}")  # the container's first load
            return _hammer(f"{base}/matches/{DEMO_ACCOUNT_ID}", requests, clients)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _listener_like(profile: TasteProfile) -> FakeUser:
    """The fake Spotify's listener, with ``profile``'s top 50 artists and their genres."""
    artists = [(a.name, a.genres) for a in profile.top_artists(limit=50)]
    return sample_user(DEMO_ACCOUNT_ID, "Local Listener", artists)


def _hammer(url: str, requests: int, clients: int) -> Load:
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    per_client = requests // clients

    def client() -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            try:
                _call(url)
            except (urllib.error.URLError, OSError, ValueError):
                with lock:
                    errors[0] += 1
                continue
            with lock:
                times.append((time.perf_counter() - started) * 1e3)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    done = np.array(times) if times else np.array([float("nan")])
    return Load(
        per_client * clients, float(np.percentile(done, 50)), float(np.percentile(done, 99)), errors[0]
    )


def _call(url: str, method: str = "GET", body: bytes | None = None) -> object:
    request = urllib.request.Request(
        url,
        data=body,
        method=method,
        headers={"Authorization": f"Bearer {DEMO_TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read() or b"null")
