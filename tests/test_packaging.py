"""The package installs as README says: each extra in a fresh virtual environment gives working
entry points, and the pinned requirement files are current with the lock and pyproject.toml."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HEAVY = {"spotipy", "requests", "sklearn", "boto3", "botocore", "streamlit", "pandas", "scipy", "plotly"}

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None, timeout: int = 900) -> str:
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{args}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_the_lock_is_current_with_pyproject() -> None:
    run(BIN / "uv", "lock", "--check")


def test_the_requirement_files_are_the_locks_exports() -> None:
    run(sys.executable, REPO / "tools" / "requirements.py", "--check")


def test_the_lambda_and_the_tests_run_the_same_python() -> None:
    template = (REPO / "template.yaml").read_text(encoding="utf-8")
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert f"Runtime: python{minor}" in template
    assert (REPO / ".python-version").read_text(encoding="utf-8").strip() == minor
    assert f'PYTHON_VERSION = "{minor}"' in (REPO / "tools" / "lambda_bundle.py").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, REPO)
    (built,) = out.glob("soulmate_finder-*.whl")
    return built


def fresh_venv(root: Path, wheel: Path, extra: str | None) -> Path:
    """A new virtual environment with the wheel (and an extra) installed, pins from the lock."""
    run(sys.executable, "-m", "venv", root)
    target = f"{wheel}[{extra}]" if extra else str(wheel)
    pip = [root / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run(*pip, target, "-c", REPO / "requirements-dev.txt")
    return root / "bin"


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SOULMATE_", "SPOTIFY_", "VIRTUAL_ENV"))}
    return {**env, **extra}


def test_the_base_install_is_the_pure_core_and_a_working_cli(wheel: Path, tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path / "venv", wheel, None)
    probe = "import sys, soulmate_core, soulmate_core.service, soulmate_cli; print(sorted(sys.modules))"
    loaded = {m.split(".")[0] for m in ast.literal_eval(run(bin_dir / "python", "-c", probe, cwd=tmp_path))}
    assert loaded & HEAVY == set()

    store = f"sqlite:///{tmp_path / 'base.db'}"
    env = clean_env(SOULMATE_STORE=store)
    run(bin_dir / "soulmate", "seed-demo", "--users", "30", cwd=tmp_path, env=env)
    found = json.loads(
        run(bin_dir / "soulmate", "matches", "demo-0001", "--format", "json", cwd=tmp_path, env=env)
    )
    assert found["user_id"] == "demo-0001" and found["matches"]

    refused = subprocess.run(
        [bin_dir / "soulmate", "serve-api"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert refused.returncode == 2
    assert "soulmate-finder[api]" in refused.stderr

    card = [bin_dir / "soulmate", "card", "demo-0001", "--out", tmp_path / "card.png"]
    refused = subprocess.run(card, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2
    assert "soulmate-finder[card]" in refused.stderr and not (tmp_path / "card.png").exists()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_the_api_extra_serves_the_api(
    wheel: Path, tmp_path: Path, served: list[subprocess.Popen[str]]
) -> None:
    bin_dir = fresh_venv(tmp_path / "venv", wheel, "api")
    env = clean_env(SOULMATE_STORE=f"sqlite:///{tmp_path / 'api.db'}")
    server = subprocess.Popen(
        [bin_dir / "soulmate", "serve-api", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    served.append(server)
    assert server.stdout is not None
    url = server.stdout.readline().split(" on ", 1)[1].split()[0]
    with urllib.request.urlopen(f"{url}/health", timeout=30) as answer:
        assert json.load(answer)["status"] == "ok"


def test_the_app_extra_runs_the_dashboard(wheel: Path, tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path / "venv", wheel, "app")
    env = clean_env(SOULMATE_STORE=f"sqlite:///{tmp_path / 'app.db'}")
    run(bin_dir / "soulmate", "seed-demo", "--users", "30", cwd=tmp_path, env=env)
    script = (
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(REPO / 'dashboard.py')!r}, default_timeout=120).run()\n"
        "assert not at.exception, at.exception\n"
        "print(len(at.get('button')) + len(at.get('selectbox')))\n"
    )
    assert int(run(bin_dir / "python", "-c", script, cwd=REPO, env=env)) > 0


def test_the_dev_extra_gives_the_tools(wheel: Path, tmp_path: Path) -> None:
    bin_dir = fresh_venv(tmp_path / "venv", wheel, "dev")
    for tool in ("pytest", "ruff", "mypy", "lint-imports", "uv", "soulmate"):
        run(bin_dir / tool, "--help", cwd=tmp_path)
