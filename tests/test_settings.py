"""One settings object: every variable has one reader (``soulmate_core.settings``) and one line of
README, the environment wins over the dashboard's secrets file, and a bad value is named."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from soulmate_core import InputError
from soulmate_core.settings import Settings, get_settings
from tests.markdown_text import as_read

REPO = Path(__file__).resolve().parent.parent
CODE = [
    *(REPO / "soulmate_core").rglob("*.py"),
    *(REPO / "soulmate_adapters").rglob("*.py"),
    *(REPO / "soulmate_api").rglob("*.py"),
    *(REPO / "soulmate_app").rglob("*.py"),
    *(REPO / "soulmate_cli").rglob("*.py"),
    *(REPO / "pages").rglob("*.py"),
    REPO / "dashboard.py",
]


def environment_reads(path: Path) -> list[int]:
    """Lines that read the environment: ``os.getenv``, ``os.environ[...]``, ``os.environ.get``,
    or ``os.environ`` handed on whole. Setting a library's own variable (``setdefault``) is no read."""
    lines = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    writes = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "setdefault"
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute):
            continue
        if node.attr == "getenv" or (node.attr == "environ" and id(node) not in writes):
            lines.append(node.lineno)
    return lines


def test_nothing_but_the_settings_module_reads_the_environment() -> None:
    readers = {
        str(path.relative_to(REPO)): lines
        for path in CODE
        if path.name != "settings.py" or path.parent.name != "soulmate_core"
        if (lines := environment_reads(path))
    }
    assert readers == {}


def readme_configuration_rows() -> dict[str, str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cells[0]) if len(cells) > 1 else []:
            rows[name] = line
    return rows


def test_every_variable_has_one_line_of_readme_and_readme_names_no_other() -> None:
    documented = readme_configuration_rows()
    ours = {name for name in documented if name.startswith(("SOULMATE_", "SPOTIFY_"))}
    assert ours == set(Settings.variables())
    for name, description in Settings.variables().items():
        assert description and description != "None", name


def test_settings_are_read_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOULMATE_STORE", "sqlite:///first.db")
    first = get_settings()
    monkeypatch.setenv("SOULMATE_STORE", "sqlite:///second.db")
    assert get_settings() is first
    assert get_settings().store_url == "sqlite:///first.db"


def test_the_environment_wins_over_the_secrets_file_and_empty_counts_as_unset(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOULMATE_STORE", "sqlite:///from-env.db")
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", "")
    loaded = Settings.load({"SOULMATE_STORE": "sqlite:///from-secrets.db", "SOULMATE_MAX_EXPORT_MB": "7"})
    assert loaded.store_url == "sqlite:///from-env.db"
    assert loaded.max_export_bytes == 7 * 2**20


@pytest.mark.parametrize("value", ["lots", "0", "-5"])
def test_a_malformed_value_is_refused_naming_its_variable(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", value)
    with pytest.raises(InputError) as caught:
        Settings.load()
    assert caught.value.where == "SOULMATE_MAX_EXPORT_MB"


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SPOTIFY_CLIENT_ID", "client-1")
    monkeypatch.setenv("SPOTIFY_CLIENT_SECRET", "very-secret-value")
    loaded = Settings.load()
    assert "very-secret-value" not in repr(loaded) and "very-secret-value" not in str(loaded)


def test_the_dashboard_explains_a_malformed_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOULMATE_STORE", f"sqlite:///{tmp_path / 'empty.db'}")
    monkeypatch.setenv("SOULMATE_MAX_EXPORT_MB", "lots")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert "SOULMATE_MAX_EXPORT_MB" in as_read(at.error[0].value)
