"""Send email by SMTP when a server is configured; otherwise log it and file it in the outbox.

The outbox is a folder of `.eml` files that developers can open and tests can read, so
flows such as password reset are testable from end to end without a mail server.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from flask import current_app, render_template

from ..jobs import enqueue
from ..types import utcnow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutboxMessage:
    to: str
    subject: str
    body: str


def send_mail(to: str, subject: str, template: str, **context: Any) -> None:
    """Render `templates/mail/<template>.txt` and deliver it to one recipient."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(render_template(f"mail/{template}.txt", **context))
    # Sending is slow work: a worker does it when there is Redis, the request otherwise.
    enqueue(deliver, message.as_bytes())


def deliver(raw_message: bytes) -> None:
    """Send one composed message by SMTP, or file it in the outbox when there is no server."""
    message = BytesParser(policy=policy.default).parsebytes(raw_message)
    if current_app.config.get("MAIL_SERVER"):
        _send_smtp(message)
    else:
        _file_in_outbox(message)


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
    log.info("Mail sent to %s: %s", message["To"], message["Subject"])


def _outbox() -> Path:
    return Path(current_app.config["MAIL_OUTBOX_DIR"])


def _file_in_outbox(message: EmailMessage) -> None:
    outbox = _outbox()
    outbox.mkdir(parents=True, exist_ok=True)
    # Sortable by time, unique across processes.
    path = outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}.eml"
    path.write_bytes(message.as_bytes())
    log.info("Mail to %s filed in the outbox (%s): %s", message["To"], path, message["Subject"])


def read_outbox(to: str | None = None) -> list[OutboxMessage]:
    """The outbox's messages, oldest first, optionally only those to one address."""
    folder = _outbox()
    if not folder.is_dir():
        return []
    messages = []
    for path in sorted(folder.glob("*.eml")):
        parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain",))
        messages.append(
            OutboxMessage(
                # Long headers are folded when saved; unfolding leaves a leading space.
                to=str(parsed["To"]).strip(),
                subject=str(parsed["Subject"]).strip(),
                body=body.get_content() if body else "",
            )
        )
    return [m for m in messages if to is None or m.to.lower() == to.lower()]
