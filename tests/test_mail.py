"""Mail goes to the outbox without a server and over SMTP with one."""

from __future__ import annotations

import logging
from types import SimpleNamespace
from typing import Any

import pytest

from brokerage.mail import read_outbox, send_mail
from brokerage.mail import service as mail_service

RESET_LINK = "https://brokerage.example.org/password-reset/abc"


def _send_reset_mail(to: str = "ada@example.org") -> None:
    send_mail(
        to,
        "Reset your password",
        "password_reset",
        user=SimpleNamespace(name="Ada"),
        link=RESET_LINK,
    )


class FakeSMTP:
    """Stands in for smtplib.SMTP and remembers what it was asked to do."""

    instances: list[FakeSMTP] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.address = (host, port)
        self.calls: list[tuple[str, Any]] = []
        self.sent: list[Any] = []
        FakeSMTP.instances.append(self)

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.calls.append(("quit", None))

    def starttls(self) -> None:
        self.calls.append(("starttls", None))

    def login(self, username: str, password: str) -> None:
        self.calls.append(("login", (username, password)))

    def send_message(self, message: Any) -> None:
        self.calls.append(("send_message", message["To"]))
        self.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch) -> type[FakeSMTP]:
    FakeSMTP.instances = []
    monkeypatch.setattr(mail_service.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_PORT", 2525)
    return FakeSMTP


def test_without_a_mail_server_mail_is_filed_in_the_outbox_and_logged(in_app, caplog):
    with caplog.at_level(logging.INFO, logger=mail_service.__name__):
        in_app(_send_reset_mail)

    [message] = in_app(read_outbox)
    assert message.to == "ada@example.org"
    assert message.subject == "Reset your password"
    assert "Hello Ada," in message.body
    assert RESET_LINK in message.body
    assert "Mail to ada@example.org filed in the outbox" in caplog.text


def test_the_outbox_can_be_read_for_one_recipient_oldest_first(in_app):
    in_app(lambda: _send_reset_mail("ada@example.org"))
    in_app(lambda: _send_reset_mail("grace@example.org"))
    in_app(lambda: _send_reset_mail("ada@example.org"))

    assert [m.to for m in in_app(read_outbox)] == [
        "ada@example.org",
        "grace@example.org",
        "ada@example.org",
    ]
    assert [m.to for m in in_app(lambda: read_outbox("ADA@example.org"))] == [
        "ada@example.org",
        "ada@example.org",
    ]


def test_an_empty_outbox_reads_as_no_messages(app, in_app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_OUTBOX_DIR", str(tmp_path / "never-created"))
    assert in_app(read_outbox) == []


def test_the_mail_outbox_command_prints_recent_messages(app, in_app):
    in_app(_send_reset_mail)

    result = app.test_cli_runner().invoke(args=["mail", "outbox"])

    assert result.exit_code == 0
    assert "To: ada@example.org" in result.output
    assert "Subject: Reset your password" in result.output


def test_with_a_mail_server_mail_is_sent_over_smtp_with_tls_and_login(
    app, in_app, smtp, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "brokerage")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "smtp-secret")

    with caplog.at_level(logging.INFO, logger=mail_service.__name__):
        in_app(_send_reset_mail)

    [server] = smtp.instances
    assert server.address == ("smtp.example.org", 2525)
    assert server.calls == [
        ("starttls", None),
        ("login", ("brokerage", "smtp-secret")),
        ("send_message", "ada@example.org"),
        ("quit", None),
    ]
    [message] = server.sent
    assert message["Subject"] == "Reset your password"
    assert message["From"] == app.config["MAIL_SENDER"]
    assert RESET_LINK in message.get_content()
    assert in_app(read_outbox) == []
    assert "Mail sent to ada@example.org" in caplog.text


def test_with_a_plain_mail_server_mail_is_sent_without_tls_or_login(app, in_app, smtp, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)

    in_app(_send_reset_mail)

    [server] = smtp.instances
    assert server.calls == [("send_message", "ada@example.org"), ("quit", None)]
    assert in_app(read_outbox) == []
