"""Which ref a file's row names a record by: a partner's own ref, or the site's.

A record imported from a partner's file is keyed by the ref the file gave it
(`external_ref`). A record made on the site has none, so exports write its app ref
(`ORG-12`, `OFF-3`: `Organisation.ref`, `Listing.ref`) and an import reads that ref back as
that record, without giving it a partner ref. A partner ref always wins over an app ref
of the same spelling.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, func, literal, or_


def app_ref_id(ref: str, prefix: str) -> int | None:
    """The id in an app ref with this prefix (`OFF-3` is 3 for OFF), as the site writes
    it (no leading zeros, upper case); None for any other ref."""
    match = re.fullmatch(rf"{re.escape(prefix)}-([1-9][0-9]{{0,17}})", ref)
    return int(match.group(1)) if match else None


def ref_column(model: Any, prefix: str) -> ColumnElement[str]:
    """SQL for the ref an export writes: the partner's, else the app's."""
    return func.coalesce(
        model.external_ref, literal(f"{prefix}-", String).concat(cast(model.id, String))
    )


def named_by(model: Any, prefix: str, refs: list[str]) -> ColumnElement[bool]:
    """SQL for the records these refs name: by partner ref, or by app ref for records
    that have no partner ref."""
    ids = [i for i in (app_ref_id(ref, prefix) for ref in refs) if i is not None]
    return or_(
        model.external_ref.in_(refs),
        and_(model.external_ref.is_(None), model.id.in_(ids)),
    )
