"""The app as a whole: settings, security headers, error pages, CSRF and rate limits."""

from __future__ import annotations

import itertools
import logging
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

import brokerage
from brokerage import create_app
from brokerage.accounts.models import ApiToken, User
from brokerage.errors import BrokerageError
from brokerage.extensions import db, limiter, talisman
from config import Config, ConfigurationError, ProductionConfig
from tests.helpers.app import build_test_app
from tests.helpers.web import csrf_token, post_form

POSTGRES_URL = "postgresql+psycopg://brokerage@127.0.0.1:9/brokerage"
GOOD_SECRET = "k" * 64
JSON = {"Accept": "application/json"}


@pytest.fixture(autouse=True)
def _shared_extensions_restored(monkeypatch):
    """Limiter and Talisman keep some settings on the shared extension object, so an app
    built here would change them for the suite's app; put them back afterwards."""
    for name in ("enabled", "initialized"):
        monkeypatch.setattr(limiter, name, getattr(limiter, name))
    monkeypatch.setattr(talisman, "app", getattr(talisman, "app", None))


def _settings(base: type[Config], **values: object) -> type[Config]:
    return type(f"Custom{base.__name__}", (base,), values)


# Settings ------------------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [None, "", "too-short-a-secret"])
def test_production_refuses_to_start_without_a_long_secret_key(secret, monkeypatch):
    monkeypatch.delenv("BROKERAGE_SECRET_KEY", raising=False)
    settings = _settings(ProductionConfig, SECRET_KEY=secret, SQLALCHEMY_DATABASE_URI=POSTGRES_URL)

    with pytest.raises(ConfigurationError, match="SECRET_KEY must be set .* at least 32 char"):
        create_app(settings)


def test_production_refuses_to_start_on_sqlite(tmp_path):
    settings = _settings(
        ProductionConfig,
        SECRET_KEY=GOOD_SECRET,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'brokerage.sqlite'}",
    )

    with pytest.raises(ConfigurationError, match="DATABASE_URL must point at PostgreSQL"):
        create_app(settings)


def test_production_accepts_a_long_secret_and_postgresql():
    ProductionConfig.validate(
        {
            "SECRET_KEY": GOOD_SECRET,
            "SQLALCHEMY_DATABASE_URI": POSTGRES_URL,
            "BASE_URL": "https://brokerage.example.org",
        }
    )


def _flask_command(*args: str, **environment: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "BROKERAGE_SECRET_KEY"}}
    env.update(environment)
    return subprocess.run(
        [str(Path(sys.executable).parent / "flask"), "--app", "brokerage", *args],
        cwd=brokerage.PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_flask_command_in_production_without_a_secret_key_fails_with_the_reason():
    result = _flask_command("routes", BROKERAGE_ENV="production", DATABASE_URL=POSTGRES_URL)

    assert result.returncode != 0
    assert "SECRET_KEY must be set to a random value of at least 32 characters" in (
        result.stdout + result.stderr
    )


def test_the_flask_command_in_production_starts_without_touching_the_database():
    """No queries at start-up: the database named here does not exist."""
    result = _flask_command(
        "routes",
        BROKERAGE_ENV="production",
        DATABASE_URL=POSTGRES_URL,
        SECRET_KEY=GOOD_SECRET,
        BASE_URL="https://brokerage.example.org",
    )

    assert result.returncode == 0, result.stderr
    assert "api.me" in result.stdout


@pytest.fixture
def development_settings(monkeypatch, tmp_path) -> type[Config]:
    """Development settings with nothing set, and the project's instance folder in tmp_path."""
    monkeypatch.setattr(brokerage, "PROJECT_ROOT", tmp_path)
    for name in ("BROKERAGE_SECRET_KEY", "BROKERAGE_PASSWORD_MIN_LENGTH"):
        monkeypatch.delenv(name, raising=False)
    return _settings(
        Config,
        SECRET_KEY=None,
        SQLALCHEMY_DATABASE_URI=None,
        MAIL_OUTBOX_DIR=None,
        RATELIMIT_ENABLED=False,
        RATELIMIT_STORAGE_URI="memory://",
    )


def test_development_generates_a_secret_key_once_in_the_instance_folder(
    development_settings, tmp_path
):
    first = create_app(development_settings)
    second = create_app(development_settings)

    key_file = tmp_path / "instance" / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == key_file.read_text().strip()
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_development_keeps_its_database_and_outbox_in_the_instance_folder(
    development_settings, tmp_path
):
    app = create_app(development_settings)

    instance = tmp_path / "instance"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'brokerage.sqlite'}"
    assert app.config["MAIL_OUTBOX_DIR"] == str(instance / "outbox")


def test_brokerage_environment_variables_override_settings(development_settings, monkeypatch):
    monkeypatch.setenv("BROKERAGE_PASSWORD_MIN_LENGTH", "14")

    assert create_app(development_settings).config["PASSWORD_MIN_LENGTH"] == 14


def test_pages_under_another_features_prefix_are_named_for_it_in_every_app_built(
    development_settings,
):
    """The board report sits under /plan and the bulk import under /admin: their endpoints
    say so (`plan.board.*`, `admin.bulk.*`), in the second app a process builds too."""
    for app in (create_app(development_settings), create_app(development_settings)):
        served = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
        board = {endpoint for endpoint in served if endpoint.rpartition(".")[0] == "plan.board"}
        bulk = {endpoint for endpoint in served if endpoint.rpartition(".")[0] == "admin.bulk"}

        assert board and all(served[endpoint].startswith("/plan/") for endpoint in board)
        assert bulk and all(served[endpoint].startswith("/admin/") for endpoint in bulk)
        assert not [endpoint for endpoint in served if endpoint.startswith(("board.", "bulk."))]


# Security headers and cookies ----------------------------------------------------------------


def test_pages_carry_the_security_headers(anon):
    response = anon.get("/")

    assert response.status_code == 200
    policy = [part.strip() for part in response.headers["Content-Security-Policy"].split(";")]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]


def test_the_session_cookie_is_http_only_and_same_site_lax(anon):
    response = anon.get("/login")

    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert "httponly" in attributes
    assert "samesite=lax" in attributes


def test_error_pages_carry_the_security_headers_too(anon):
    response = anon.get("/no-such-page")

    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


# Error pages ----------------------------------------------------------------------------------


def test_an_unknown_page_shows_the_friendly_not_found_page(anon):
    response = anon.get("/no-such-page")

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "Page not found" in html
    assert "Go to the home page" in html


def test_the_wrong_method_shows_a_method_not_allowed_page_naming_the_allowed_ones(anon):
    response = anon.get("/logout")

    assert response.status_code == 405
    assert response.mimetype == "text/html"
    assert "Method Not Allowed" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def _crash() -> str:
    raise RuntimeError("database exploded: secret detail")


def test_a_crash_shows_the_friendly_error_page_and_logs_the_exception(
    app, anon, monkeypatch, caplog
):
    monkeypatch.setitem(app.view_functions, "home.index", _crash)

    with caplog.at_level(logging.ERROR, logger="brokerage.errors"):
        response = anon.get("/")

    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Sorry, something went wrong on our side" in html
    assert "secret detail" not in html
    [record] = [r for r in caplog.records if r.name == "brokerage.errors"]
    assert record.getMessage() == "Unhandled error on GET /"
    assert record.exc_info[0] is RuntimeError


def test_a_crash_answers_json_clients_with_json(app, anon, monkeypatch):
    monkeypatch.setitem(app.view_functions, "home.index", _crash)

    response = anon.get("/", headers=JSON)

    assert response.status_code == 500
    assert response.get_json()["error"] == "server_error"
    assert "secret detail" not in response.get_data(as_text=True)


def _refuse() -> str:
    raise BrokerageError("That offer has already been withdrawn.")


def test_a_refusal_no_view_caught_shows_its_message(app, anon, monkeypatch):
    monkeypatch.setitem(app.view_functions, "home.index", _refuse)

    html_response = anon.get("/")
    json_response = anon.get("/", headers=JSON)

    assert html_response.status_code == 422
    assert "That offer has already been withdrawn." in html_response.get_data(as_text=True)
    assert json_response.status_code == 422
    assert json_response.get_json() == {
        "error": "invalid",
        "reason": "That offer has already been withdrawn.",
    }


def test_too_many_login_attempts_show_the_friendly_too_many_requests_page(database_url, tmp_path):
    limited = build_test_app(database_url, str(tmp_path / "outbox"), RATELIMIT_ENABLED=True)
    client = limited.test_client()
    attempt = {"email": "ada@example.org", "password": "not the right password"}

    statuses = [post_form(client, "/login", attempt).status_code for _ in range(10)]
    eleventh = post_form(client, "/login", attempt)

    assert statuses == [200] * 10
    assert eleventh.status_code == 429
    assert "Too many attempts" in eleventh.get_data(as_text=True)
    assert eleventh.mimetype == "text/html"
    assert int(eleventh.headers["Retry-After"]) > 0


def test_a_form_posted_without_its_csrf_token_is_refused_and_nothing_is_saved(anon, in_app):
    response = anon.post(
        "/register",
        data={
            "name": "Ada",
            "email": "ada@example.org",
            "password": "a long and unusual passphrase",
            "confirm": "a long and unusual passphrase",
        },
    )

    assert response.status_code == 400
    assert "We could not understand that request" in response.get_data(as_text=True)
    assert in_app(lambda: db.session.scalar(select(func.count(User.id)))) == 0


def test_a_signed_in_form_posted_without_its_csrf_token_is_refused(supplier, in_app):
    response = supplier.post("/account/tokens", data={"name": "script"})

    assert response.status_code == 400
    assert in_app(lambda: db.session.scalar(select(func.count(ApiToken.id)))) == 0


@pytest.mark.parametrize(
    ("method", "path", "status", "error"),
    [
        ("get", "/no-such-page", 404, "not_found"),
        ("get", "/logout", 405, "method_not_allowed"),
        ("post", "/register", 400, "bad_request"),
    ],
)
def test_clients_asking_for_json_get_json_errors(anon, method, path, status, error):
    response = getattr(anon, method)(path, headers=JSON)

    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == error
    assert body["reason"]


def test_browsers_get_html_errors_even_though_they_accept_anything(anon):
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}

    response = anon.get("/no-such-page", headers=browser)

    assert response.mimetype == "text/html"


def test_a_sessions_pages_carry_one_csrf_token_which_still_logs_out_later(supplier, monkeypatch):
    """Signed once per session (its time is never checked), not afresh for each page."""
    clock = itertools.count(int(time.time()), 61)  # a minute on at every signature
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: next(clock))

    tokens = {csrf_token(supplier, "/about-social-value") for _ in range(3)}

    assert len(tokens) == 1
    logged_out = supplier.post("/logout", data={"csrf_token": tokens.pop()})
    assert logged_out.status_code == 302
    assert supplier.get("/account").status_code == 302  # signed out: to the login page


def test_every_model_is_set_up_before_the_app_serves_its_first_request():
    """A new web worker's first mapped row may be the signed-in person rebuilt from the
    cache before any query has run: SQLAlchemy sets its mappers up when a query first asks,
    and the person made on a mapper not set up failed (a 500 on the worker's first page)."""
    script = (
        "from config import TestConfig\n"
        "from brokerage import create_app\n"
        "create_app(TestConfig)\n"
        "from brokerage.extensions import db\n"
        "print(all(m.configured for m in db.Model.registry.mappers))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=brokerage.PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.stdout.strip().splitlines()[-1:] == ["True"], result.stderr
