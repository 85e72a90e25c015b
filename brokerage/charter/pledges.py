"""The charter's pledges: loaded once from the collected list, then edited by staff.

Services flush, never commit: the caller does. Editing adds a version, so what a signee
signed is never rewritten.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..errors import BrokerageError
from ..extensions import db
from ..partnership import current_partnership
from .models import Charter, Pledge, PledgeVersion


def charter_name() -> str:
    """The partnership's charter, as pages, emails and the database name it."""
    return current_partnership().charter_name


def pledges_file() -> Path:
    return current_partnership().file("charter_pledges")


COLUMNS = ("code", "pledge", "description", "measure_hint", "source")


class PledgeFileInvalid(BrokerageError):
    pass


@dataclass(frozen=True)
class LoadReport:
    total: int
    created: int

    def summary(self) -> str:
        return f"{charter_name()}: {self.total} pledges, {self.created} created."


def current_charter() -> Charter | None:
    return db.session.scalar(select(Charter).where(Charter.name == charter_name()))


def current_pledges() -> list[Pledge]:
    """The charter's pledges in list order, each with its versions loaded."""
    return list(
        db.session.scalars(
            select(Pledge)
            .join(Pledge.charter)
            .where(Charter.name == charter_name())
            .order_by(Pledge.position)
            .options(selectinload(Pledge.versions))
        )
    )


def read_pledges_file(path: Path) -> list[dict[str, str]]:
    """The rows of a pledges CSV, each with every column filled but the hint."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise PledgeFileInvalid(f"{path.name}: the columns must be {', '.join(COLUMNS)}")
        rows = list(reader)
    for line, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS if c != "measure_hint" and not (row[c] or "").strip()]
        if missing:
            raise PledgeFileInvalid(f"{path.name}, line {line}: {', '.join(missing)} empty")
    return rows


def load_pledges(path: Path | None = None) -> LoadReport:
    """Create the charter and whichever pledges in the file (by default the partnership's)
    it lacks; pledges already loaded are left alone (staff edit them here, not in the file)."""
    rows = read_pledges_file(path or pledges_file())
    charter = current_charter()
    if charter is None:
        launched_on = current_partnership().charter_launched_on
        charter = Charter(name=charter_name(), launched_on=launched_on)
        db.session.add(charter)
    known = {pledge.code for pledge in charter.pledges}
    created = 0
    for row in rows:
        if row["code"].strip() in known:
            continue
        pledge = Pledge(code=row["code"].strip(), position=len(charter.pledges) + 1)
        pledge.versions.append(_version(1, row["pledge"], row["description"], row, None))
        charter.pledges.append(pledge)
        created += 1
    db.session.flush()
    return LoadReport(total=len(charter.pledges), created=created)


def _version(
    number: int, title: str, wording: str, row: dict[str, str], editor: User | None
) -> PledgeVersion:
    return PledgeVersion(
        number=number,
        title=title.strip(),
        wording=wording.strip(),
        measure_hint=(row.get("measure_hint") or "").strip(),
        source=(row.get("source") or "").strip(),
        created_by=editor,
    )


def edit_pledge(
    pledge: Pledge, title: str, wording: str, measure_hint: str, source: str, editor: User
) -> PledgeVersion | None:
    """Put new wording in force as the next version; None if nothing changed."""
    current = pledge.current
    new = {"measure_hint": measure_hint, "source": source}
    if (current.title, current.wording, current.measure_hint, current.source) == (
        title.strip(),
        wording.strip(),
        measure_hint.strip(),
        source.strip(),
    ):
        return None
    version = _version(current.number + 1, title, wording, new, editor)
    pledge.versions.append(version)
    db.session.flush()
    return version
