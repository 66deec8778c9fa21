"""``soulmate serve-api`` over real HTTP: the curl-level flow, schemathesis fuzzing from openapi.yaml,
and README's Local API example, run as written."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from soulmate_adapters import open_store
from soulmate_core import __version__
from soulmate_core.demo import demo_population
from soulmate_core.handles import DEVELOPMENT_KEY, alias
from tests.api_server import serve_api
from tests.fakes.spotify_server import FakeSpotify, sample_user

pytestmark = pytest.mark.slow  # a server process over HTTP; the handler in-process is test_api_handler.py

REPO = Path(__file__).resolve().parent.parent


@dataclass
class Served:
    url: str
    spotify: FakeSpotify
    stdout: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("serve-api")
    store_url = f"sqlite:///{folder / 'api.db'}"
    store = open_store(store_url)
    store.put_many(demo_population(40))
    store.close()
    with FakeSpotify() as spotify:
        spotify.add_user(
            "tok-ana", sample_user("acc-ana", "Ana", [("Portishead", ["trip hop"]), ("Burial", [])])
        )
        spotify.add_user(
            "tok-bo", sample_user("acc-bo", "Bo", [("Portishead", ["trip hop"]), ("Tricky", None)])
        )
        spotify.add_user("tok-fuzz", sample_user("acc-fuzz", "Fuzz", [("Björk", ["art pop"])]))
        with serve_api(store_url, folder, SOULMATE_SPOTIFY_API_BASE=spotify.api_base) as url:
            yield Served(url=url, spotify=spotify, stdout=folder / "serve-api.out")


def test_post_get_matches_delete_over_http(served: Served) -> None:
    def call(method: str, path: str, token: str, **kwargs: object) -> requests.Response:
        return requests.request(
            method, served.url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30, **kwargs
        )

    assert requests.get(served.url + "/health", timeout=10).json()["status"] == "ok"
    for token in ("tok-ana", "tok-bo"):
        answer = call("POST", "/taste-profile", token, json={"discoverable": True})
        assert answer.status_code == 200, answer.text

    answer = call("GET", "/matches/acc-ana?limit=3", "tok-ana")
    assert answer.status_code == 200
    assert answer.json()["matches"][0]["handle"] == alias("acc-bo", DEVELOPMENT_KEY)

    assert call("GET", "/matches/acc-ana", "tok-bo").status_code == 403
    assert call("DELETE", "/taste-profile/acc-bo", "tok-bo").status_code == 204
    assert call("GET", "/taste-profile/acc-bo", "tok-bo").status_code == 404
    after = call("GET", "/matches/acc-ana?limit=50", "tok-ana").json()["matches"]
    assert alias("acc-bo", DEVELOPMENT_KEY) not in {m["handle"] for m in after}


def test_stdout_carries_only_the_address(served: Served) -> None:
    """Scripts read where serve-api listens from its stdout; requests must not add to it."""
    assert requests.get(served.url + "/health", timeout=10).status_code == 200
    headers = {"Authorization": "Bearer tok-fuzz"}
    assert requests.get(served.url + "/me", headers=headers, timeout=10).status_code == 200
    lines = served.stdout.read_text(encoding="utf-8").splitlines()
    assert lines == [f"soulmate API on {served.url} (Ctrl+C stops)"]


def _error_code(answer: requests.Response) -> str:
    assert answer.headers["Content-Type"] == "application/json"
    body = answer.json()
    assert set(body) == {"error", "message"} and body["message"]
    return str(body["error"])


def _headers_only(url: str, length: str) -> tuple[int, dict[str, str], str]:
    """A POST that announces ``length`` bytes and sends none: the server must answer from the headers."""
    connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
    try:
        connection.putrequest("POST", "/taste-profile")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", length)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read().decode("utf-8")
    finally:
        connection.close()


def test_unrouted_and_refused_requests_answer_the_documented_error_shape(served: Served) -> None:
    answer = requests.get(served.url + "/no-such-route", timeout=10)
    assert (answer.status_code, _error_code(answer)) == (404, "unknown_route")

    answer = requests.put(served.url + "/health", timeout=10)
    assert (answer.status_code, _error_code(answer)) == (405, "method_not_allowed")
    assert answer.headers["Allow"] == "GET"

    answer = requests.request("TRACE", served.url + "/health", timeout=10)  # refused by serve-api itself
    assert (answer.status_code, _error_code(answer)) == (405, "method_not_allowed")

    status, headers, text = _headers_only(served.url, str(11 * 1024 * 1024))
    assert (status, headers["content-type"]) == (413, "application/json")
    assert json.loads(text)["error"] == "payload_too_large" and set(json.loads(text)) == {"error", "message"}

    status, _, text = _headers_only(served.url, "lots")
    assert (status, json.loads(text)["error"]) == (400, "bad_input")


@pytest.mark.timeout(300)
def test_schemathesis_finds_no_5xx_and_every_response_matches_the_schema(
    served: Served, tmp_path: Path
) -> None:
    requests.post(
        served.url + "/taste-profile", headers={"Authorization": "Bearer tok-fuzz"}, json={}, timeout=30
    ).raise_for_status()
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "schemathesis"),
            "run",
            str(REPO / "openapi.yaml"),
            "--url",
            served.url,
            "--header",
            "Authorization: Bearer tok-fuzz",
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance",
            "--max-examples",
            "60",
            "--seed",
            "20261125",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    summary = re.search(r"(\d+) generated, (\d+) passed", result.stdout)
    assert result.returncode == 0 and summary, result.stdout[-6000:] + result.stderr[-2000:]
    generated, passed = int(summary.group(1)), int(summary.group(2))
    assert generated >= 500 and passed == generated, summary.group(0)


def _readme_local_api_example() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Local API\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```bash\n(.*?)^```$", section, flags=re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, "README's Local API section has one bash example"
    return str(blocks[0])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_readme_local_api_example_runs_as_written(tmp_path: Path) -> None:
    if not (REPO / ".venv" / "bin" / "soulmate").exists():
        pytest.skip("README's example runs in the checkout's .venv, which make creates")
    script = tmp_path / "local_api.sh"
    script.write_text(_readme_local_api_example(), encoding="utf-8")
    port, spotify_port = _free_port(), _free_port()
    output = tmp_path / "output.txt"
    env = {**os.environ, "PORT": str(port), "SPOTIFY_PORT": str(spotify_port)}
    with output.open("wb") as out:
        process = subprocess.Popen(
            ["bash", "-euo", "pipefail", str(script)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        code = process.wait(timeout=120)
        deadline = time.monotonic() + 10
        while (_answers(port) or _answers(spotify_port)) and time.monotonic() < deadline:
            time.sleep(0.1)
        still_serving = _answers(port) or _answers(spotify_port)
    finally:
        with contextlib.suppress(ProcessLookupError):  # what the example left running, had it failed
            os.killpg(process.pid, signal.SIGTERM)
    text = output.read_text(encoding="utf-8", errors="replace")
    assert code == 0, text[-4000:]
    assert not still_serving, "the example stops both servers"

    answers = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    assert {"status": "ok", "version": __version__} in answers
    stored = next(a for a in answers if "ranges" in a)
    assert (stored["user_id"], stored["discoverable"]) == ("local-listener", True)
    assert set(stored["ranges"]) == {"short_term", "medium_term", "long_term"}
    found = next(a for a in answers if "matches" in a)
    assert (found["schema_version"], found["user_id"]) == (2, "local-listener")
    assert 1 <= len(found["matches"]) <= 3
    personas = {alias(p.user_id, DEVELOPMENT_KEY) for p in demo_population()}
    assert all(m["handle"] in personas and m["summary"] for m in found["matches"])
    assert "DELETE 204" in text.splitlines()
    assert answers[-1]["error"] == "unknown_user"
