"""Structured logs: a line per request and per committed change, a request id on every
record, JSON in production.

The request id comes from the `X-Request-ID` header (when a load balancer sets a sane one)
or is made here; it is sent back in the response and travels with the jobs a request
queues, so one id ties a request to all the work it caused.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from contextvars import ContextVar
from typing import Any

from flask import Flask, g, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.wrappers import Response

from .changes import Change, Committed, Subscriber

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("brokerage.requests")
changes_log = logging.getLogger("brokerage.changes")
# A commit's line names this many changes at most (an import makes thousands) and counts all.
MAX_CHANGES_NAMED = 50


_default_record_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whichever handler formats it, carries the current request id."""
    record = _default_record_factory(*args, **kwargs)
    record.request_id = REQUEST_ID.get()
    return record


class _BrokerageHandler(logging.StreamHandler):
    """Marks the handler this module installed, so building another app replaces it."""


def init_app(app: Flask) -> None:
    """Configure the root logger from the app's settings and log every request."""
    configure_logging(json_lines=app.config["LOG_JSON"], level=app.config["LOG_LEVEL"])
    app.before_request(_start_request)
    app.after_request(_finish_request)


def configure_logging(json_lines: bool, level: str | int) -> None:
    """One handler on the root logger (replacing any this module added before)."""
    logging.setLogRecordFactory(_record_with_request_id)
    handler = _BrokerageHandler()
    if json_lines:
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
                rename_fields={"asctime": "time", "levelname": "level"},
            )
        )
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s")
        )
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _BrokerageHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


def _start_request() -> None:
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _SANE_ID.match(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()
    REQUEST_ID.set(g.request_id)


def _finish_request(response: Response) -> Response:
    request_id = g.get("request_id")
    if request_id is None:  # a failure before the request started
        return response
    response.headers["X-Request-ID"] = request_id
    if not log.isEnabledFor(logging.INFO):
        return response
    method, path, status = request.method, request.path, response.status_code
    # Made here rather than by `log.info`, which walks the stack to find where it was
    # called from (a tenth of the line's cost): the request line always comes from here.
    line = log.makeRecord(
        log.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %s",
        (method, path, status),
        None,
        func=_finish_request.__name__,
        extra={
            "method": method,
            "path": path,
            "status": status,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            "user_id": _signed_in_id(),
        },
    )
    log.handle(line)
    return response


def _signed_in_id() -> int | None:
    """The id of the person this request signed in, if it asked who is (every page and
    every route behind the login does): a file, a health check or a public answer that never
    asked does not load the person (a round trip to the database) for its log line."""
    user = g.get("_login_user")  # where Flask-Login keeps the request's person once loaded
    return user.id if user is not None and user.is_authenticated else None


# Changes ---------------------------------------------------------------------------------


def log_changes(committed: Committed) -> None:
    """The logs subscriber: each row a commit created, changed (with the names of its
    changed columns, never their values: a log is no place for personal data) or deleted.
    Rows written in bulk through the table (the stored matches' rebuild) are not listed."""
    noted = [_described(change) for change in committed.changes]
    if not noted:
        return
    named = noted[:MAX_CHANGES_NAMED]
    summary = "; ".join(f"{c['action']} {c['model']} {c['id']}" for c in named[:5])
    more = f" and {len(noted) - 5} more" if len(noted) > 5 else ""
    changes_log.info(
        "Saved: %s%s", summary, more, extra={"changes": named, "change_count": len(noted)}
    )


def _described(change: Change) -> dict[str, Any]:
    identity = list(change.identity) if isinstance(change.identity, tuple) else change.identity
    described = {"action": change.action, "model": change.model.__name__, "id": identity}
    return described | ({"fields": list(change.fields)} if change.fields else {})


SUBSCRIBER = Subscriber("logs", log_changes)
