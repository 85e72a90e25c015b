"""Staff decide about a sign-up flagged as a possible duplicate: merge it into the signee it
looks like, or keep it apart. Services flush, never commit: the caller does."""

from __future__ import annotations

from .. import audit
from ..accounts.models import User
from ..extensions import db
from .choices import SigneeStatus
from .models import SignedPledge, Signee
from .service import CharterError


def _flagged(signee: Signee) -> Signee:
    """The signee `signee` may duplicate; refused unless it is a flagged, pending sign-up."""
    original = signee.possible_duplicate_of
    if original is None or signee.status != SigneeStatus.PENDING:
        raise CharterError(f"{signee.name} is not waiting as a possible duplicate.")
    return original


def merge(duplicate: Signee, actor: User | None) -> Signee:
    """Add the duplicate's pledges that the original lacks to the original (awaiting
    approval; a declined original is reopened), then delete the duplicate. The original's
    contact and details are kept. Returns the original."""
    original = _flagged(duplicate)
    signed = {p.pledge_id for p in original.signed_pledges}
    original.signed_pledges.extend(
        SignedPledge(version=p.version, plan=p.plan)
        for p in duplicate.signed_pledges
        if p.pledge_id not in signed
    )
    if original.status == SigneeStatus.DECLINED:
        original.status = SigneeStatus.PENDING.value
    audit.record(
        actor, "charter.merge", f"signee #{duplicate.id} {duplicate.name} into #{original.id}"
    )
    db.session.delete(duplicate)
    db.session.flush()
    return original


def keep_apart(duplicate: Signee, actor: User | None) -> None:
    """Record that the flagged sign-up is an organisation of its own."""
    original = _flagged(duplicate)
    duplicate.possible_duplicate_of = None
    audit.record(
        actor, "charter.keep_apart", f"signee #{duplicate.id} {duplicate.name} from #{original.id}"
    )
    db.session.flush()
