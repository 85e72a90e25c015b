"""The session cookie, its signature checked once per process rather than on every request.

Flask builds a serializer for each request and checks the cookie's signature (two HMACs)
though a browser sends the same cookie until its session changes: a tenth of a signed-in
page's floor. A cookie whose signature was good is remembered here with the time it was
signed; the next request bringing the very same cookie reads its payload afresh (each
request gets a session of its own) and checks its age as itsdangerous does (no older than
`PERMANENT_SESSION_LIFETIME`, not signed in the future), but not its signature again: the
same bytes signed by the same keys verify the same. A cookie that fails is never remembered;
other keys (another app, or the keys changed) start with nothing remembered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer

from .memos import Memo

# Cookies remembered at most in each process; past it the least recently used go.
CHECKED_KEPT = 10_000
# In `app.extensions`: the app's Checked.
_CHECKED = "session_cookies.checked"


@dataclass
class Checked:
    """The cookies whose signature `serializer` (made from `keys`) found good: each one's
    payload and when it was signed; `signer` tells the time as the serializer's do."""

    keys: tuple[str | bytes, ...]
    serializer: URLSafeTimedSerializer
    signer: TimestampSigner
    cookies: Memo[str, tuple[str, int]] = field(default_factory=lambda: Memo(CHECKED_KEPT))


class CheckedOnceSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        cookie = request.cookies.get(self.get_cookie_name(app))
        checked = self._checked(app)
        if not cookie or checked is None:
            return super().open_session(app, request)
        max_age = int(app.permanent_session_lifetime.total_seconds())
        known = checked.cookies.get(cookie)
        if known is None:
            try:
                data, signed = checked.serializer.loads(
                    cookie, max_age=max_age, return_timestamp=True
                )
            except BadSignature:
                return self.session_class()
            checked.cookies.keep(cookie, (cookie.rsplit(".", 2)[0], int(signed.timestamp())))
            return self.session_class(data)
        payload, signed_at = known
        age = checked.signer.get_timestamp() - signed_at
        if age < 0 or age > max_age:  # what itsdangerous refuses: expired, or from the future
            return self.session_class()
        return self.session_class(checked.serializer.load_payload(payload.encode()))

    def _checked(self, app: Flask) -> Checked | None:
        """The app's remembered cookies, none if it has no secret key; forgotten if its
        keys changed."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        checked: Checked | None = app.extensions.get(_CHECKED)
        if checked is None or checked.keys != keys:
            serializer = self.get_signing_serializer(app)
            signer = serializer.make_signer() if serializer is not None else None
            if serializer is None or not isinstance(signer, TimestampSigner):
                return None
            checked = app.extensions[_CHECKED] = Checked(keys, serializer, signer)
        return checked


def init_app(app: Flask) -> None:
    app.session_interface = CheckedOnceSessionInterface()
