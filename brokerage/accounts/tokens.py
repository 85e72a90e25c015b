"""Signed, expiring links for password resets and invitations."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ..errors import BrokerageError


class InvalidLink(BrokerageError):
    """A link that is forged, expired or already used; the message says which."""

    status_code = 400


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"brokerage-{purpose}")


def sign(purpose: str, payload: Any) -> str:
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: timedelta) -> Any:
    """The payload of a token made by `sign`, or InvalidLink saying what is wrong."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise InvalidLink("This link has expired. Please ask for a new one.") from error
    except BadSignature as error:
        raise InvalidLink(
            "This link is not valid. Check that you copied all of it, or ask for a new one."
        ) from error


def fingerprint(secret: str) -> str:
    """A short digest of a secret, so a token can depend on it without revealing it."""
    return hashlib.sha256(secret.encode()).hexdigest()[:16]
