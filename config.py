"""Settings from the environment, with safe defaults for a developer's machine.

`Config` is the embedded default (SQLite under `instance/`, no other service),
`ProductionConfig` refuses to start without a real secret and PostgreSQL, and
`TestConfig` is what the suite builds its app from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit


def _env_list(name: str) -> list[str] | None:
    """A comma-separated setting as a list, or None when it is not set."""
    value = os.environ.get(name)
    if value is None:
        return None
    return [item.strip() for item in value.split(",") if item.strip()]


def _env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class ConfigurationError(RuntimeError):
    """The environment does not describe an app that may start."""


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means "an SQLite file under the instance folder", resolved by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # A pooled connection idle longer than this is pinged before use (idle_connections.py).
    DATABASE_PING_AFTER_IDLE_SECONDS = 1.0
    REDIS_URL = os.environ.get("REDIS_URL")
    # Seconds before each retry of a failed job; after the last one it is kept as failed.
    JOB_RETRY_INTERVALS = [10, 60, 300]
    # Seconds a process runs jobs in the request after Redis failed, before trying it again.
    REDIS_RETRY_PAUSE = 30
    # Without Redis, seconds a request waits for the jobs its commit set off (they run on the
    # process's job thread, brokerage/jobs/in_process.py) before answering without them.
    # None: run them to the end on the request's own thread.
    JOB_WAIT_IN_REQUEST_SECONDS: float | None = 0.2
    # Seconds a cached part of a page lives at most; any commit drops it sooner (caching.py).
    CACHE_SECONDS = 60
    # Processes `flask match rebuild` scores seekers in (matches/rebuilding.py); 0: one
    # per core. One by default: at 50,000 suppliers two workers beside the parent peaked at
    # 1.59 GiB (one process: 843 MiB), over the 1 GiB the rebuild is allowed.
    MATCH_REBUILD_PROCESSES = int(os.environ.get("MATCH_REBUILD_PROCESSES", "1"))

    BOOTSTRAP_SERVE_LOCAL = True
    BOOTSTRAP_BOOTSWATCH_THEME = None

    WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = 5 * 1024 * 1024

    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or os.environ.get(
        "REDIS_URL", "memory://"
    )
    RATELIMIT_HEADERS_ENABLED = True
    # With Redis down, each process limits in its own memory until Redis answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    # Submissions of the registration, confirmation and password-reset forms, per address.
    AUTH_RATE_LIMIT = "10 per minute; 50 per hour"
    # Wrong passwords only (a right one is never counted): per email address tried, and per
    # client address. The account's window is short so an attacker cannot lock its owner
    # out for long; the address allows an office's typos but not guessing across accounts.
    LOGIN_FAILURES_PER_ACCOUNT = "10 per 15 minutes"
    LOGIN_FAILURES_PER_ADDRESS = "30 per 15 minutes"
    # How many reverse proxies (load balancer, nginx) stand in front of the app and append
    # to X-Forwarded-For: the client's address is read that many hops back. 0 trusts none.
    PROXY_HOPS = int(os.environ.get("PROXY_HOPS", "0"))

    PASSWORD_MIN_LENGTH = 10
    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    INVITATION_MAX_AGE = timedelta(days=7)
    EMAIL_CONFIRMATION_MAX_AGE = timedelta(days=2)
    # Accounts never confirmed are deleted after this (`flask users purge-unconfirmed`).
    UNCONFIRMED_ACCOUNT_MAX_AGE = timedelta(days=7)
    API_TOKEN_DAYS = 90  # a personal API token stops working this many days after it is made

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "587"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_flag("MAIL_USE_TLS", True)
    # The partnership served: its configuration folder (partnerships/<name>); None means
    # the default one. The sender, contact address and notice regions below default to the
    # partnership's (create_app fills them).
    PARTNERSHIP_FOLDER = os.environ.get("PARTNERSHIP_FOLDER")
    MAIL_SENDER = os.environ.get("MAIL_SENDER")
    # Where people write to the partnership (the accessibility statement names it).
    CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL")
    # The site's address as people reach it: every absolute link (emails, exports, the API)
    # is built from it, never from the request's Host header. Required in production.
    # None only in production, whose validate() refuses to start without it.
    BASE_URL: str | None = (
        os.environ.get("BASE_URL") or os.environ.get("SITE_URL") or "http://127.0.0.1:5000"
    )
    # Host names a request may name; any other gets 400. None accepts any (development);
    # production defaults to BASE_URL's host (create_app).
    TRUSTED_HOSTS = _env_list("TRUSTED_HOSTS")
    # None means "instance/outbox"; where mail goes when no SMTP server is configured.
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR")

    # Public procurement notices (`flask notices import`): a procurement is kept when an
    # address is in the partnership's postcode areas, a region code is one of these (ITL/NUTS;
    # by default the partnership's), or its buyer is a brokerage buyer or one of these org-ids.
    NOTICES_AREA_REGIONS = _env_list("NOTICES_AREA_REGIONS")
    NOTICES_BUYER_IDS = _env_list("NOTICES_BUYER_IDS") or []
    # Imported opportunities are drafts the buyer or staff publish, unless this is set.
    NOTICES_PUBLISH_AT_ONCE = _env_flag("NOTICES_PUBLISH_AT_ONCE", False)
    NOTICES_MAX_FILE_MB = int(os.environ.get("NOTICES_MAX_FILE_MB", "1024"))

    FORCE_HTTPS = False
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_JSON = _env_flag("LOG_JSON", False)

    @classmethod
    def validate(cls, settings: Mapping[str, Any]) -> None:
        """Raise ConfigurationError if the resolved settings are unsafe for this environment."""


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = _env_flag("FORCE_HTTPS", True)
    LOG_JSON = _env_flag("LOG_JSON", True)

    # No default: the site's own address must be said, or emailed links could not be built.
    BASE_URL = os.environ.get("BASE_URL") or os.environ.get("SITE_URL")

    @classmethod
    def validate(cls, settings: Mapping[str, Any]) -> None:
        secret = settings.get("SECRET_KEY") or ""
        if len(secret) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set to a random value of at least 32 characters in "
                "production (python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        uri = settings.get("SQLALCHEMY_DATABASE_URI") or ""
        if not uri.startswith("postgresql"):
            raise ConfigurationError(
                "DATABASE_URL must point at PostgreSQL in production "
                "(postgresql+psycopg://user@host:5432/dbname)."
            )
        base = urlsplit(settings.get("BASE_URL") or "")
        if base.scheme not in {"http", "https"} or not base.hostname:
            raise ConfigurationError(
                "BASE_URL must be set in production to the site's address as people reach "
                "it (https://brokerage.example.org): emailed links are built from it."
            )


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production-use-0123456789"  # noqa: S105
    # The suite makes a fresh SQLite file unless TEST_DATABASE_URL names a PostgreSQL database.
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL")
    # Not the test client's "localhost": a link built from the request would show.
    BASE_URL = "https://brokerage.example.org"
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SERVER = None
    WTF_CSRF_ENABLED = True
    # Every checkout pings: a test ends connections and asks again at once.
    DATABASE_PING_AFTER_IDLE_SECONDS = 0.0
    # Rebuilds score in the test's own process, unless a test asks for workers.
    MATCH_REBUILD_PROCESSES = 1
    # A save's jobs run to their end before its response: a test reads what they did.
    JOB_WAIT_IN_REQUEST_SECONDS = None


def config_for_environment() -> type[Config]:
    """The settings class named by BROKERAGE_ENV (development unless told otherwise)."""
    name = os.environ.get("BROKERAGE_ENV", "development").strip().lower()
    return ProductionConfig if name == "production" else Config
