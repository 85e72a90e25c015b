"""HTML and JSON error handlers: a friendly page for people, a reason for programs."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from flask import Flask, Response, abort, g, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    SecurityError,
    TooManyRequests,
)

from .extensions import db, limiter, login_manager

log = logging.getLogger(__name__)

# The error code in JSON bodies, by HTTP status.
ERROR_NAMES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "too_many_requests",
    500: "server_error",
    503: "unavailable",
}
PAGES_WITH_OWN_TEMPLATE = {400, 403, 404, 500}
TOO_MANY_ATTEMPTS = "This has been tried too many times."
# A service we depend on stopped answering: the database (gone, restarting, connections cut,
# pool exhausted) or Redis. The request is abandoned whole and the client told to retry.
OUTAGES = (
    OperationalError,
    DisconnectionError,
    PoolTimeoutError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30
# Another transaction got there first: a duplicate key from two inserts at once, or
# PostgreSQL's serialization failure or deadlock (SQLSTATE class 40).
CONCURRENT_SAVE = (
    "Someone else saved this at the same moment, so your changes were not saved. "
    "Reload the page to see what is there now, then try again if it still needs changing."
)
ErrorReply = Response | tuple[str, int] | tuple[str, int, dict[str, str]]
# Ids are 32-bit integers on PostgreSQL (64-bit on SQLite); a larger one names no row.
LARGEST_ID = 2**31 - 1


class BrokerageError(Exception):
    """A domain rule said no; the message is safe to show to the user."""

    status_code = 422


def wants_json() -> bool:
    """JSON for the API and for clients that ask for it; HTML for everyone else."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def json_error(status: int, reason: str, fields: dict[str, list[str]] | None = None) -> Response:
    body: dict[str, object] = {"error": ERROR_NAMES.get(status, "error"), "reason": reason}
    if fields:
        body["fields"] = fields
    response = jsonify(body)
    response.status_code = status
    return response


UNTRUSTED_HOST_MESSAGE = "This site does not answer to that host name.\n"


def _handle_http_error(error: HTTPException) -> Response | tuple[str, int, dict[str, str]]:
    status = error.code or 500
    # A 405 must say which methods are allowed, for browsers and programs alike.
    headers: dict[str, str] = {}
    allowed = getattr(error, "valid_methods", None)  # a MethodNotAllowed's
    if status == 405 and allowed:
        headers["Allow"] = ", ".join(allowed)
    if wants_json():
        response = json_error(status, error.description or "")
        response.headers.update(headers)
        return response
    if isinstance(error, SecurityError):
        # No link can be built for a host the site does not serve, so no page either.
        return UNTRUSTED_HOST_MESSAGE, status, {"Content-Type": "text/plain; charset=utf-8"}
    template = (
        f"errors/{status}.html" if status in PAGES_WITH_OWN_TEMPLATE else "errors/generic.html"
    )
    return render_template(template, error=error, status=status), status, headers


def wait_in_words(seconds: float) -> str:
    """How long to wait, as a person would say it: "40 seconds", "1 hour and 5 minutes"
    (to the nearest minute from a minute up)."""
    seconds = max(math.ceil(seconds), 1)
    if seconds < 60:
        return _counted(seconds, "second")
    hours, minutes = divmod(round(seconds / 60), 60)
    parts = [_counted(hours, "hour")] if hours else []
    if minutes:
        parts.append(_counted(minutes, "minute"))
    return " and ".join(parts)


def _counted(number: int, unit: str) -> str:
    return f"{number} {unit}" if number == 1 else f"{number} {unit}s"


def _seconds_until_allowed(error: TooManyRequests) -> int:
    """Until the limit that refused this request lets it through: the latest reset of those
    breached, else the refused limit's whole window."""
    now = time.time()
    waits = [limit.reset_at - now for limit in limiter.current_limits if limit.breached]
    if not waits and isinstance(error, RateLimitExceeded):
        waits = [error.limit.limit.get_expiry()]
    return max(math.ceil(max(waits, default=RETRY_AFTER_SECONDS)), 1)


def _handle_too_many_requests(error: TooManyRequests) -> ErrorReply:
    """429 saying the real wait, in words and in Retry-After, from the limit that was hit."""
    seconds = _seconds_until_allowed(error)
    said = isinstance(error, RateLimitExceeded) and error.limit.error_message
    message = error.description if said else TOO_MANY_ATTEMPTS
    wait = wait_in_words(seconds)
    headers = {"Retry-After": str(seconds)}
    if wants_json():
        response = json_error(429, f"{message} Try again in {wait}.")
        response.headers.update(headers)
        return response
    page = render_template("errors/429.html", status=429, message=message, wait=wait)
    return page, 429, headers


def _handle_domain_error(error: BrokerageError) -> Response | tuple[str, int]:
    """A rule refused something and no view caught it: show its message, not a crash."""
    if wants_json():
        return json_error(error.status_code, str(error))
    return render_template(
        "errors/refused.html", message=str(error), status=error.status_code
    ), error.status_code


def _roll_back() -> None:
    """Nothing of a failed request is kept, and its pages may use the session again."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("Rolling back failed too; the pool discards the connection")


def _is_concurrent_save(error: Exception) -> bool:
    original = error.orig if isinstance(error, DBAPIError) else None
    sqlstate = getattr(original, "sqlstate", None) or ""
    return (
        sqlstate == "23505"  # unique_violation
        or sqlstate.startswith("40")
        or "UNIQUE constraint failed" in str(original)  # SQLite says it in words
    )


def _handle_conflict(error: Exception) -> ErrorReply:
    log.warning("Concurrent save refused on %s %s: %s", request.method, request.path, error)
    _roll_back()
    if wants_json():
        return json_error(409, CONCURRENT_SAVE)
    return render_template("errors/refused.html", message=CONCURRENT_SAVE, status=409), 409


def _handle_integrity_error(error: IntegrityError) -> ErrorReply:
    """Two saves of the same thing at once: the second is told; any other broken rule is a bug."""
    return _handle_conflict(error) if _is_concurrent_save(error) else _handle_unexpected(error)


def _handle_outage(error: Exception) -> ErrorReply:
    """503 with Retry-After, never a stack trace; the transaction is rolled back so nothing
    is half-saved, and the pool replaces dead connections on the next request. PostgreSQL's
    serialization failures and deadlocks are OperationalErrors too: those are conflicts."""
    if _is_concurrent_save(error):
        return _handle_conflict(error)
    database = not isinstance(error, RedisConnectionError | RedisTimeoutError)
    service = "the database" if database else "Redis"
    log.error("%s is unavailable on %s %s: %s", service, request.method, request.path, error)
    _roll_back()
    if database:
        # The page header would ask the database who is signed in; show it signed out instead.
        g._login_user = login_manager.anonymous_user()
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    reason = (
        f"The site could not reach {'its database' if database else 'a service it needs'}, "
        "so this request was not completed and nothing from it was saved. "
        "Please try again in a moment."
    )
    if wants_json():
        response = json_error(503, reason)
        response.headers.update(headers)
        return response
    return render_template("errors/503.html", status=503, reason=reason), 503, headers


def _handle_unexpected(error: Exception) -> Response | tuple[str, int, dict[str, str]]:
    log.exception("Unhandled error on %s %s", request.method, request.path)
    _roll_back()  # the error page asks the database who is signed in
    return _handle_http_error(InternalServerError())


def _refuse_impossible_ids(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    """An <int:...> in a URL beyond any id is not found: the database would crash on it."""
    if values and any(isinstance(v, int) and v > LARGEST_ID for v in values.values()):
        abort(404)


def _refuse_undecodable_query() -> None:
    """Browsers percent-encode UTF-8; raw bytes that are not UTF-8 would crash request.args."""
    try:
        request.query_string.decode()
    except UnicodeDecodeError:
        abort(400, "The query string is not UTF-8 text.")


def register(app: Flask) -> None:
    app.url_value_preprocessor(_refuse_impossible_ids)
    app.before_request(_refuse_undecodable_query)
    app.register_error_handler(HTTPException, _handle_http_error)
    app.register_error_handler(TooManyRequests, _handle_too_many_requests)
    app.register_error_handler(BrokerageError, _handle_domain_error)
    app.register_error_handler(IntegrityError, _handle_integrity_error)
    # A version counter (`version_id_col`) found the row changed by another transaction.
    app.register_error_handler(StaleDataError, _handle_conflict)
    for outage in OUTAGES:
        app.register_error_handler(outage, _handle_outage)
    app.register_error_handler(Exception, _handle_unexpected)
