"""One settings object, read from ``INKLING_*`` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET = "dev-only-insecure-secret-change-me"
DEFAULT_VAR_DIR = Path("var")
MIN_SECRET_LENGTH = 32


class Settings(BaseSettings):
    """Everything configurable about Inkling; each field maps to ``INKLING_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="INKLING_", env_file=".env", extra="ignore")

    # development | production | test; outside development the secret key has no default
    environment: Literal["development", "production", "test"] = "development"
    # SQLAlchemy URL; a SQLite file by default, any postgresql:// URL in production
    database_url: str = f"sqlite:///{DEFAULT_VAR_DIR / 'inkling.db'}"
    # local mirror of the official data sets; when unset, data comes from official URLs
    data_dir: Path | None = None
    # where downloads from official URLs are cached
    cache_dir: Path = DEFAULT_VAR_DIR / "cache"
    # uploaded clips and restored videos of the restore page's jobs (their state is in the database)
    jobs_dir: Path = DEFAULT_VAR_DIR / "jobs"
    # signs session cookies and CSRF tokens; must be set outside development
    secret_key: str = DEVELOPMENT_SECRET
    # web server bind address
    host: str = "127.0.0.1"
    port: int = 8000
    # log level of the app and server
    log_level: str = "info"
    # sign-up (guest conversion included) needs a solved draw-the-digit captcha pass
    captcha_required: bool = True
    # request threads per server process; the database pool holds as many connections
    threads: int = Field(default=32, ge=1, le=256)
    # seconds a request waits for a free database connection before it answers 503
    db_pool_timeout: float = Field(default=10.0, gt=0, le=300)
    # seconds `inkling serve` gives open requests to finish when it is asked to stop
    shutdown_timeout: float = Field(default=10.0, gt=0, le=300)
    # reverse proxies whose X-Forwarded-For/-Proto `inkling serve` believes (comma-separated addresses
    # or networks); empty: none, the client address is the peer's (a rotating header cannot dodge limits)
    forwarded_allow_ips: str = ""
    # rooms (drawing with friends) one client address may create per 10 minutes (raise it behind a NAT)
    room_creation_limit: int = Field(default=20, ge=1, le=100_000)

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "development":
            return self
        if self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError(
                f"INKLING_SECRET_KEY must be set to a real secret when INKLING_ENVIRONMENT={self.environment}"
            )
        if self.environment == "production" and len(self.secret_key) < MIN_SECRET_LENGTH:
            raise ValueError(
                f"INKLING_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production"
            )
        return self


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
