"""The layers are enforced, not only described: the import contracts in pyproject.toml hold today,
and they catch a violation when one is planted."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = (
    "soulmate_core",
    "soulmate_adapters",
    "soulmate_api",
    "soulmate_app",
    "soulmate_card",
    "soulmate_cli",
    "pages",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
HEAVY = {"streamlit", "boto3", "botocore", "spotipy", "requests", "sklearn", "pandas", "scipy", "plotly"}


def lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )


@pytest.fixture
def copy_of_the_code(tmp_path: Path) -> Path:
    """The project's packages and its contracts, in a folder of their own to plant violations in."""
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def plant(root: Path, module: str, line: str) -> None:
    path = root / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_import_contracts_hold(copy_of_the_code: Path) -> None:
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("soulmate_core.scoring", "import streamlit", "soulmate_core.scoring -> streamlit"),
        ("soulmate_core.index", "from sklearn.cluster import KMeans", "soulmate_core.index -> sklearn"),
        ("soulmate_core.service", "def later():\n    import boto3", "soulmate_core.service -> boto3"),
        ("soulmate_core.profile", "import soulmate_api.app", "soulmate_core.profile -> soulmate_api.app"),
        ("soulmate_api.app", "import soulmate_app.charts", "soulmate_api.app -> soulmate_app.charts"),
        ("soulmate_api.handler", "import pandas", "soulmate_api.handler -> pandas"),
        (
            "pages.soulmates",
            "from soulmate_core.store import Store",
            "pages.soulmates -> soulmate_core.store",
        ),
        ("pages.compare", "import boto3", "pages.compare -> boto3"),
        ("soulmate_core.text", "import PIL.Image", "soulmate_core.text -> PIL"),
        ("soulmate_api.handler", "import soulmate_card.draw", "soulmate_api.handler -> soulmate_card.draw"),
        ("soulmate_card.layout", "import soulmate_adapters", "soulmate_card.layout -> soulmate_adapters"),
    ],
)
def test_a_planted_violation_breaks_a_contract(
    copy_of_the_code: Path, module: str, line: str, broken: str
) -> None:
    plant(copy_of_the_code, module, line)
    result = lint_imports(copy_of_the_code)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert broken in result.stdout


def test_importing_the_core_loads_no_ui_cloud_http_or_fitting_library() -> None:
    probe = (
        "import sys, soulmate_core, soulmate_core.index, soulmate_core.service; print(sorted(sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = {name.split(".")[0] for name in ast.literal_eval(result.stdout)}
    assert loaded & HEAVY == set()


def test_the_dashboard_entry_imports_only_streamlit_and_its_helpers() -> None:
    """``dashboard.py`` is a script, not a package, so the contracts cannot see it: check it here."""
    tree = ast.parse((REPO / "dashboard.py").read_text(encoding="utf-8"))
    imported = {node.names[0].name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)}
    imported |= {
        (node.module or "").split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    }
    assert imported <= {"streamlit", "soulmate_app"}
