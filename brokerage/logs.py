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
from flask_login import current_user
from flask_sqlalchemy.session import Session
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import event, inspect
from werkzeug.wrappers import Response

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
log = logging.getLogger("brokerage.requests")
changes_log = logging.getLogger("brokerage.changes")
# In a session's `info`: the changes flushed in its transaction, logged if it commits.
_CHANGES = "logs_changes"
# A commit's line names this many changes at most (an import makes thousands) and counts all.
MAX_CHANGES_NAMED = 50


_default_record_factory = logging.getLogRecordFactory()


def _record_with_request_id(*args: Any, **kwargs: Any) -> logging.LogRecord:
    """Every record, whichever handler formats it, carries the current request id."""
    record = _default_record_factory(*args, **kwargs)
    record.request_id = REQUEST_ID.get()
    return record


class _BrokerageHandler(logging.StreamHandler):  # type: ignore[type-arg]
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
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            "user_id": current_user.id if current_user.is_authenticated else None,
        },
    )
    return response


# Changes ---------------------------------------------------------------------------------


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, _context: object) -> None:
    """Each row this flush created, changed (with the names of its changed columns, never
    their values: a log is no place for personal data) or deleted. Rows written in bulk
    through the table (the stored matches' rebuild) are not the ORM's and are not noted."""
    noted: list[dict[str, Any]] = session.info.setdefault(_CHANGES, [])
    for action, rows in (("created", session.new), ("deleted", session.deleted)):
        noted.extend(_change(action, row) for row in rows)
    for row in session.dirty:
        state = inspect(row)
        fields = [a.key for a in state.attrs if a.history.has_changes()]
        if fields:
            noted.append({**_change("changed", row), "fields": fields})


def _change(action: str, row: object) -> dict[str, Any]:
    identity = inspect(row).mapper.primary_key_from_instance(row)  # new rows' too
    return {
        "action": action,
        "model": type(row).__name__,
        "id": identity[0] if len(identity) == 1 else list(identity),
    }


@event.listens_for(Session, "after_commit")
def _log_changes(session: Session) -> None:
    noted = session.info.pop(_CHANGES, None)
    if not noted:
        return
    named = noted[:MAX_CHANGES_NAMED]
    summary = "; ".join(f"{c['action']} {c['model']} {c['id']}" for c in named[:5])
    more = f" and {len(noted) - 5} more" if len(noted) > 5 else ""
    changes_log.info(
        "Saved: %s%s", summary, more, extra={"changes": named, "change_count": len(noted)}
    )


@event.listens_for(Session, "after_rollback")
def _forget_changes(session: Session) -> None:
    session.info.pop(_CHANGES, None)
