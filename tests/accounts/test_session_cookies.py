"""The session cookie's signature is checked once per process, and what that check decided
still holds for every later request bringing the same cookie: its age, its signature, and a
session of each request's own."""

from __future__ import annotations

import time

from flask import Flask, request
from flask.testing import FlaskClient
from itsdangerous import Signer, TimestampSigner


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/account").status_code == 200


def holding(app: Flask, cookie: str) -> FlaskClient:
    """Another browser sending only this session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_session_cookie_seen_before_is_not_verified_again(supplier, monkeypatch):
    assert is_signed_in(supplier)  # its first page adds the CSRF token: a new cookie
    assert is_signed_in(supplier)  # the cookie it will send from now on, checked
    verified = []
    original = Signer.verify_signature

    def counted(signer: Signer, value: bytes, signature: bytes) -> bool:
        verified.append(value)
        return original(signer, value, signature)

    monkeypatch.setattr(Signer, "verify_signature", counted)

    assert all(is_signed_in(supplier) for _ in range(3))
    assert verified == []


def test_a_cookie_seen_before_is_refused_once_older_than_the_session_lifetime(
    app, supplier, monkeypatch
):
    assert is_signed_in(supplier)
    lifetime = int(app.permanent_session_lifetime.total_seconds())
    later = int(time.time()) + lifetime + 5
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: later)

    assert not is_signed_in(supplier)


def test_a_cookie_seen_before_is_refused_if_it_claims_to_be_signed_in_the_future(
    supplier, monkeypatch
):
    assert is_signed_in(supplier)
    earlier = int(time.time()) - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: earlier)

    assert not is_signed_in(supplier)


def test_a_cookie_seen_before_with_its_signature_changed_signs_no_one_in(app, supplier):
    assert is_signed_in(supplier)
    cookie = supplier.get_cookie("session").value
    payload, signed_at, signature = cookie.rsplit(".", 2)
    forged = f"{payload}.{signed_at}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"

    assert not is_signed_in(holding(app, forged))
    assert is_signed_in(holding(app, cookie))


def test_each_request_gets_a_session_of_its_own_from_the_same_cookie(app, supplier):
    """A value changed in place in one request's session (a flashed message appended) is
    not in the next one's, read from the same cookie."""
    with supplier.session_transaction() as session:
        session["_flashes"] = [("info", "Saved")]
    cookie = supplier.get_cookie("session").value
    sessions = []
    for _ in range(3):
        with app.test_request_context("/", headers={"Cookie": f"session={cookie}"}):
            sessions.append(app.session_interface.open_session(app, request))

    sessions[1]["_flashes"].append(("info", "Saved again"))

    assert sessions[2]["_flashes"] == [("info", "Saved")]
