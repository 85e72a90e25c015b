"""What the listings services refuse with: each carries the message a person reads."""

from __future__ import annotations

from ..errors import BrokerageError


class NotAllowed(BrokerageError):
    status_code = 403


class InvalidTransition(BrokerageError):
    status_code = 409


class InvalidListing(BrokerageError):
    """A listing that breaks a rule the forms also check (for callers other than forms)."""
