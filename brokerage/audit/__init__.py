"""The audit log: who among the staff did what, and when, kept for the partnership to
check. Every feature records its sensitive actions through `record`; nothing edits or
deletes an entry."""

from .service import record

__all__ = ["record"]
