"""Rate limits on the sign-in forms, which see people rather than a connecting address.

Only wrong passwords count against log-in, twice: per email address tried (so guessing one
person's password is slow from anywhere) and per client address (so guessing across many
accounts from one place is slow). A right password is never counted, so an office on one
network keeps signing in however often it does; and a browser that has signed in to an
account before (a signed cookie says which) is not held by its address's limit for that
account, so a network others failed from does not lock out the people its browsers know.
The other forms (register, confirm, reset) count every submission per client address. The
client address is `request.remote_addr`, which `PROXY_HOPS` (ProxyFix in create_app) reads
from the proxies' X-Forwarded-For.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, g, request
from flask_limiter import RouteLimit
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from ..extensions import limiter
from .service import normalise_email

FAILED_LOGIN = "login_failed"
KNOWN_BROWSER_COOKIE = "signed_in_before"
KNOWN_BROWSER_AGE = timedelta(days=90)


def count_failed_login() -> None:
    """Called by the log-in view when the password was wrong: this request is counted."""
    setattr(g, FAILED_LOGIN, True)


def _login_failed(_response: Response) -> bool:
    return bool(g.get(FAILED_LOGIN, False))


def _account_tried() -> str:
    """The email address typed, normalised and hashed: no address is kept in Redis."""
    email = normalise_email(request.form.get("email", ""))
    return "account:" + hashlib.sha256(email.encode()).hexdigest()


def _keyed_account(email: str) -> str:
    """The account in a cookie: keyed, so the cookie cannot be matched to an address."""
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()


def _known_browsers() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=KNOWN_BROWSER_COOKIE)


def remember_browser(response: Response, email: str) -> None:
    """After a right password: this browser may try this account past its address's limit."""
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        _known_browsers().dumps(_keyed_account(email)),
        max_age=KNOWN_BROWSER_AGE,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _browser_knows_account_tried() -> bool:
    cookie = request.cookies.get(KNOWN_BROWSER_COOKIE, "")
    try:
        known = _known_browsers().loads(cookie, max_age=int(KNOWN_BROWSER_AGE.total_seconds()))
    except BadData:
        return False
    return hmac.compare_digest(str(known), _keyed_account(request.form.get("email", "")))


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
    exempt_when=_browser_knows_account_tried,
    error_message="Too many wrong passwords have been tried from your network.",
)


def per_address() -> RouteLimit:
    """Every submission of a sign-up or reset form, per client address."""
    return limiter.limit(
        lambda: _setting("AUTH_RATE_LIMIT"),
        methods=["POST"],
        error_message="This form has been sent too many times from your network.",
    )
