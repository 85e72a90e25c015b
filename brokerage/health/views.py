"""`/healthz`: the process answers. `/readyz`: the database (and Redis, when used) answer too."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.wrappers import Response

from ..extensions import db
from ..jobs import redis_connection

blueprint = Blueprint("health", __name__)
log = logging.getLogger(__name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return jsonify({"status": "ok"})


@blueprint.get("/readyz")
def readyz() -> tuple[Response, int]:
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    ready = all(state in {"ok", "not used"} for state in checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )


def _database_ok() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("Readiness: the database is unreachable")
        db.session.rollback()
        return "unreachable"
    return "ok"


def _redis_ok() -> str:
    connection = redis_connection()
    if connection is None:
        return "not used"
    try:
        connection.ping()
    except RedisError:
        log.exception("Readiness: Redis is unreachable")
        return "unreachable"
    return "ok"
