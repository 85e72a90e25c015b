"""The charter toolkit: resources signposted per pledge, for the support a signee asks for.

Seeded only from what the reference data verifies (data/pledge-resources.csv, each row
naming where it was read); staff add and remove the rest. A resource without a verified
web address has none: an address is never guessed. Services flush, never commit.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..extensions import db
from ..partnership import current_partnership
from .models import Pledge, PledgeResource
from .pledges import current_pledges
from .service import CharterError


def resources_file() -> Path:
    """The partnership's pledge resources: what it signposts for each pledge."""
    return current_partnership().file("pledge_resources")


@dataclass(frozen=True)
class ResourceEntry:
    """A resource as staff typed it, or as a row of the seed file."""

    title: str
    url: str
    description: str
    source: str


def add_resource(pledge: Pledge, entry: ResourceEntry) -> PledgeResource:
    """Signpost a resource for `pledge`; a pledge lists each title once."""
    title = entry.title.strip()
    if any(r.title.casefold() == title.casefold() for r in pledge.resources):
        raise CharterError(f"{pledge.code} already lists “{title}”.")
    resource = PledgeResource(
        title=title,
        url=entry.url.strip(),
        description=entry.description.strip(),
        source=entry.source.strip(),
    )
    pledge.resources.append(resource)
    db.session.flush()
    return resource


def remove_resource(resource: PledgeResource) -> None:
    db.session.delete(resource)
    db.session.flush()


def load_resources(path: Path | None = None) -> int:
    """Add the file's resources that the loaded pledges lack (by title); how many were added.
    Rows for pledges not loaded are skipped."""
    with (path or resources_file()).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_code = {pledge.code: pledge for pledge in current_pledges()}
    added = 0
    for row in rows:
        pledge = by_code.get(row["code"].strip())
        if pledge is None or row["title"].strip() in {r.title for r in pledge.resources}:
            continue
        entry = ResourceEntry(row["title"], row["url"], row["description"], row["source"])
        add_resource(pledge, entry)
        added += 1
    return added
