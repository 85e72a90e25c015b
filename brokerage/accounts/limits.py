"""Rate limits on the sign-in forms, which see people rather than a connecting address.

Only wrong passwords count against log-in, twice: per email address tried (so guessing one
person's password is slow from anywhere) and per client address (so guessing across many
accounts from one place is slow). A right password is never counted, so an office on one
network keeps signing in however often it does. The other forms (register, confirm, reset)
count every submission per client address. The client address is `request.remote_addr`,
which `PROXY_HOPS` (ProxyFix in create_app) reads from the proxies' X-Forwarded-For.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from flask.wrappers import Response
from flask_limiter import RouteLimit

from ..extensions import limiter
from .service import normalise_email

FAILED_LOGIN = "login_failed"


def count_failed_login() -> None:
    """Called by the log-in view when the password was wrong: this request is counted."""
    setattr(g, FAILED_LOGIN, True)


def _login_failed(_response: Response) -> bool:
    return bool(g.get(FAILED_LOGIN, False))


def _account_tried() -> str:
    """The email address typed, normalised and hashed: no address is kept in Redis."""
    email = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def _setting(name: str) -> str:
    return current_app.config[name]


failures_per_account = limiter.limit(
    lambda: _setting("LOGIN_FAILURES_PER_ACCOUNT"),
    methods=["POST"],
    key_func=_account_tried,
    deduct_when=_login_failed,
    error_message="Too many wrong passwords have been tried for this email address.",
)
failures_per_address = limiter.limit(
    lambda: _setting("LOGIN_FAILURES_PER_ADDRESS"),
    methods=["POST"],
    deduct_when=_login_failed,
    error_message="Too many wrong passwords have been tried from your network.",
)


def per_address() -> RouteLimit:
    """Every submission of a sign-up or reset form, per client address."""
    return limiter.limit(
        lambda: _setting("AUTH_RATE_LIMIT"),
        methods=["POST"],
        error_message="This form has been sent too many times from your network.",
    )
