"""The people around one supplier, as the accounts tests name them."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("anon", "owner", "member", "outsider", "task_force", "staff")


@dataclass(frozen=True)
class AccountsWorld:
    """One supplier with an owner and a plain member, a second supplier with its own owner
    (the outsider), and two people with platform roles but no organisation."""

    organisation_id: int
    other_organisation_id: int
    emails: dict[str, str]
