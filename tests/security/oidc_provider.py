"""A local OpenID Connect provider for the sign-in tests: the npm package ``oidc-provider`` (a
certified implementation), run by ``tools/oidc-provider/provider.mjs`` in a child process.

It is installed by ``npm ci --prefix tools/oidc-provider`` (``.ci/run`` does this; its
``package-lock.json`` pins it). Its development login form accepts any login and password: the login
``ana`` signs in as subject ``ana`` with the e-mail address ``ana@example.org``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from tests.browser_support import ROOT, free_port, stop_child
from tests.requirements_check import need

PROVIDER_DIR = ROOT / "tools" / "oidc-provider"
SCRIPT = PROVIDER_DIR / "provider.mjs"
CLIENT_ID, CLIENT_SECRET = "soulmate-dashboard", "local-provider-client-secret"


@dataclass(frozen=True)
class LocalProvider:
    issuer: str

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def require_provider() -> str:
    """The path of ``node``; a skip, or a failure under CI, when node or the package is missing."""
    node = shutil.which("node")
    need(node, "node (.ci/run installs nodejs)")
    need(
        (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir(),
        "oidc-provider (run `npm ci --prefix tools/oidc-provider`)",
    )
    return str(node)


@contextmanager
def local_provider(redirect_uri: str, logout_uri: str) -> Iterator[LocalProvider]:
    node = require_provider()
    port = free_port()
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": redirect_uri,
        "OIDC_LOGOUT_URI": logout_uri,
    }
    process = subprocess.Popen(
        [node, str(SCRIPT)], cwd=PROVIDER_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    provider = LocalProvider(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(provider.metadata_url, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the OIDC provider did not start: {process.stderr.read()!r}")  # type: ignore[union-attr]
            time.sleep(0.2)
        yield provider
    finally:
        stop_child(process)


def secrets_toml(provider: LocalProvider, dashboard: str) -> str:
    """The ``[auth]`` section README describes, for the local provider."""
    return (
        "[auth]\n"
        f'redirect_uri = "{dashboard}/oauth2callback"\n'
        'cookie_secret = "a-local-test-cookie-secret-of-some-length"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'client_secret = "{CLIENT_SECRET}"\n'
        f'server_metadata_url = "{provider.metadata_url}"\n'
        # Streamlit asks for prompt=select_account by default, which oidc-provider refuses
        'client_kwargs = { prompt = "login" }\n'
    )
