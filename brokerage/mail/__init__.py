"""The only code that sends email."""

from .service import OutboxMessage, read_outbox, send_mail

__all__ = ["OutboxMessage", "read_outbox", "send_mail"]
