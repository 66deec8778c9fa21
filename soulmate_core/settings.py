"""The one settings object: every environment variable the project reads, and nothing else reads one.

Each edge calls ``get_settings()`` once (the CLI, the Lambda handler, the dashboard, the notebooks)
and passes the values inward; the core's functions take plain arguments. The dashboard also reads
``.streamlit/secrets.toml`` and hands its values to ``Settings.load`` as fallbacks: the environment
wins, so a deployment or a test can override one value at a time. An empty variable counts as unset.
README's Configuration table documents every variable in one line each; a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from soulmate_core.errors import InputError
from soulmate_core.handles import DEVELOPMENT_KEY

DEFAULT_STORE_URL = "sqlite:///data/soulmate.db"
SPOTIFY_API_BASE = "https://api.spotify.com/v1/"
SPOTIFY_ACCOUNTS_BASE = "https://accounts.spotify.com"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8501/"
DEFAULT_MAX_EXPORT_MB = 500
DEFAULT_REQUEST_DEADLINE = 10.0  # template.yaml's API Timeout is 15 s; a test keeps them apart
DEFAULT_STORE_TIMEOUT = 2.0  # a DynamoDB call's two attempts fit well inside the request deadline


class Settings(BaseSettings):
    """Read from the environment by each field's alias (the variable name)."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", populate_by_name=True, env_ignore_empty=True, case_sensitive=True
    )

    store_url: str = Field(
        DEFAULT_STORE_URL,
        validation_alias="SOULMATE_STORE",
        description="store URL: sqlite:///RELATIVE, sqlite:////ABSOLUTE or dynamodb://TABLE",
    )
    index_path: str | None = Field(
        None,
        validation_alias="SOULMATE_INDEX",
        description=(
            "where the match snapshot is kept (soulmate build-index): a file or s3://BUCKET/KEY; "
            "unset: beside the SQLite store"
        ),
    )
    max_export_mb: int = Field(
        DEFAULT_MAX_EXPORT_MB,
        ge=1,
        validation_alias="SOULMATE_MAX_EXPORT_MB",
        description="cap on an uploaded export's unpacked size, in MB",
    )
    spotify_client_id: str | None = Field(
        None,
        validation_alias="SPOTIFY_CLIENT_ID",
        description="your Spotify app's client id; unset: login off",
    )
    spotify_client_secret: SecretStr | None = Field(
        None, validation_alias="SPOTIFY_CLIENT_SECRET", description="your Spotify app's client secret"
    )
    spotify_redirect_uri: str = Field(
        DEFAULT_REDIRECT_URI,
        validation_alias="SPOTIFY_REDIRECT_URI",
        description="where Spotify sends people back",
    )
    state_secret: SecretStr | None = Field(
        None,
        validation_alias="SOULMATE_STATE_SECRET",
        description="HMAC key that signs the OAuth state; unset: derived from the client secret",
    )
    alias_secret: SecretStr | None = Field(
        None,
        validation_alias="SOULMATE_ALIAS_SECRET",
        description=(
            "HMAC key of the aliases under which others see a listener; the same for the dashboard, "
            "API and CLI; unset: a development key"
        ),
    )
    spotify_api_base: str = Field(
        SPOTIFY_API_BASE,
        validation_alias="SOULMATE_SPOTIFY_API_BASE",
        description="the Spotify Web API the dashboard and the API call; tests point it at a local fake",
    )
    spotify_accounts_base: str = Field(
        SPOTIFY_ACCOUNTS_BASE,
        validation_alias="SOULMATE_SPOTIFY_ACCOUNTS_BASE",
        description="Spotify's accounts service (login and tokens); tests point it at a local fake",
    )
    spotify_timeout: float = Field(
        8.0,
        gt=0,
        validation_alias="SOULMATE_SPOTIFY_TIMEOUT",
        description="seconds one Spotify call may take, never more than what is left of the request deadline",
    )
    request_deadline: float = Field(
        DEFAULT_REQUEST_DEADLINE,
        gt=0,
        le=60,
        validation_alias="SOULMATE_REQUEST_DEADLINE",
        description=(
            "seconds one API request may spend on Spotify, its calls side by side, before it answers 504;"
            " below the Lambda timeout"
        ),
    )
    store_timeout: float = Field(
        DEFAULT_STORE_TIMEOUT,
        gt=0,
        le=60,
        validation_alias="SOULMATE_STORE_TIMEOUT",
        description=(
            "seconds one DynamoDB request may wait for its answer (two attempts at most); tests raise"
            " it for the local stand-ins, which answer one request at a time"
        ),
    )
    cors_origin: str | None = Field(
        None,
        validation_alias="SOULMATE_CORS_ORIGIN",
        description="the origin serve-api allows by CORS (in AWS, the HTTP API's CORS settings)",
    )

    @property
    def max_export_bytes(self) -> int:
        return self.max_export_mb * 2**20

    @property
    def alias_key(self) -> bytes:
        return self.alias_secret.get_secret_value().encode() if self.alias_secret else DEVELOPMENT_KEY

    @classmethod
    def load(cls, fallbacks: Mapping[str, object] | None = None) -> Settings:
        """From the environment; ``fallbacks`` (by variable name) fill only what it leaves unset.
        A bad value raises ``InputError`` naming its variable."""
        try:
            return cls._load(fallbacks)
        except ValidationError as exc:
            first = exc.errors()[0]
            raise InputError(first["msg"], where=str(first["loc"][0]) if first["loc"] else None) from None

    @classmethod
    def _load(cls, fallbacks: Mapping[str, object] | None) -> Settings:
        from_env = cls()
        if not fallbacks:
            return from_env
        names = {str(field.validation_alias): name for name, field in cls.model_fields.items()}
        extra = {
            names[key]: value
            for key, value in fallbacks.items()
            if key in names and names[key] not in from_env.model_fields_set and value not in ("", None)
        }
        return cls.model_validate(extra) if extra else from_env

    @classmethod
    def variables(cls) -> dict[str, str]:
        """Variable name -> its one line of documentation."""
        return {str(field.validation_alias): str(field.description) for field in cls.model_fields.values()}


@cache
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings.load()
