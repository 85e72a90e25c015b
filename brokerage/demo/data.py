"""The demo organisations, logins and listings, read from the partnership's `demo` file
(partnerships/<name>/demo.yaml): the place's bodies and programmes belong to its
configuration, not to the code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..listings.demo import DemoListings, read_demo_listings
from ..partnership import current_partnership


class NoDemoData(LookupError):
    """The partnership's folder names no demo file."""


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    postcode: str
    description: str


@dataclass(frozen=True)
class DemoUser:
    email: str
    name: str
    organisations: tuple[str, ...] = ()
    staff: bool = False
    task_force: bool = False


@dataclass(frozen=True)
class DemoData:
    password: str  # every demo login's, printed for people trying the demo
    organisations: tuple[DemoOrganisation, ...]
    users: tuple[DemoUser, ...]
    listings: DemoListings

    def first_user(self, *, staff: bool = False, task_force: bool = False) -> DemoUser:
        return next(
            user
            for user in self.users
            if (staff and user.staff) or (task_force and user.task_force)
        )


def demo_data() -> DemoData:
    """The current partnership's demo data; raises NoDemoData when it ships none."""
    path = current_partnership().files.get("demo")
    if path is None:
        raise NoDemoData(f"{current_partnership().name} ships no demo data.")
    return read_demo_file(path)


@cache
def read_demo_file(path: Path) -> DemoData:
    """A demo file, read once per process."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return DemoData(
        password=str(data["password"]),
        organisations=tuple(DemoOrganisation(**item) for item in data["organisations"]),
        users=tuple(
            DemoUser(**{**item, "organisations": tuple(item.get("organisations", ()))})
            for item in data["users"]
        ),
        listings=read_demo_listings(data),
    )
