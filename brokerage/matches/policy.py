"""The matching policy in force, and publishing a new version of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ScalarSelect, func, select

from .. import audit
from ..accounts.models import User
from ..extensions import db
from ..matching import MatchingPolicy
from ..matching.supplier_model import SupplierPolicy
from .models import MatchingPolicyVersion


@dataclass(frozen=True)
class PolicyInForce:
    """The policy and its version number (0: the built-in defaults, never published)."""

    version: int
    policy: MatchingPolicy


def version_in_force() -> ScalarSelect[int]:
    """SQL: the version number of the policy in force (0: the built-in defaults), to read
    with other columns in one statement instead of reading the policy itself."""
    latest = func.max(MatchingPolicyVersion.version)
    return select(func.coalesce(latest, 0)).scalar_subquery()


def policy_in_force() -> PolicyInForce:
    latest = db.session.scalar(
        select(MatchingPolicyVersion).order_by(MatchingPolicyVersion.version.desc()).limit(1)
    )
    if latest is None:
        return PolicyInForce(0, MatchingPolicy())
    return PolicyInForce(latest.version, MatchingPolicy.from_dict(latest.settings))


def supplier_policy(policy: MatchingPolicy) -> SupplierPolicy:
    """The policy an opportunity's suppliers are ranked by: what the buyer values and the
    bonuses for where a supplier is based as staff set them, every other number as the
    supplier matcher defines it."""
    return SupplierPolicy(**policy.supplier_settings)


def publish_policy(policy: MatchingPolicy, note: str, publisher: User) -> MatchingPolicyVersion:
    """Publish `policy` as the next version; earlier versions stay as they were."""
    latest = db.session.scalar(select(func.max(MatchingPolicyVersion.version))) or 0
    version = MatchingPolicyVersion(
        version=latest + 1, settings=policy.to_dict(), note=note.strip(), published_by=publisher
    )
    db.session.add(version)
    db.session.flush()
    audit.record(publisher, "policy.change", f"matching policy version {version.version}")
    return version


def policy_history() -> list[MatchingPolicyVersion]:
    return list(
        db.session.scalars(
            select(MatchingPolicyVersion).order_by(MatchingPolicyVersion.version.desc())
        )
    )
