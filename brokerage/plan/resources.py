"""The toolkit: find resources, staff adding, changing and removing them, and its first
entries loaded from the plan's own words (data/toolkit-2023-24.yaml). Services flush,
never commit."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, or_, select

from ..accounts.models import User
from ..extensions import db
from ..partnership import current_partnership
from ..types import utcnow
from .models import Plan, WorkingGroup
from .resource_models import Resource
from .spec import PlanFileInvalid
from .states import Audience, ResourceKind


def toolkit_file() -> Path:
    """The partnership's toolkit file: the resources its delivery plan names."""
    return current_partnership().file("toolkit")


@dataclass(frozen=True)
class ResourceQuery:
    """Words to find (each must appear in the title, text, address or theme) and tags."""

    words: str = ""
    kind: str = ""
    working_group: str = ""  # a working group's slug
    audience: str = ""
    toms_theme: str = ""


def search(query: ResourceQuery) -> Select[Resource]:
    statement = select(Resource).order_by(func.lower(Resource.title), Resource.id)
    searched = (Resource.title, Resource.body, Resource.url, Resource.toms_theme)
    for word in query.words.lower().split():
        statement = statement.where(
            or_(
                *(
                    func.lower(func.coalesce(c, "")).contains(word, autoescape=True)
                    for c in searched
                )
            )
        )
    if query.kind:
        statement = statement.where(Resource.kind == query.kind)
    if query.audience:
        statement = statement.where(Resource.audience == query.audience)
    if query.toms_theme:
        statement = statement.where(Resource.toms_theme == query.toms_theme)
    if query.working_group:
        statement = statement.where(
            Resource.working_group.has(WorkingGroup.slug == query.working_group)
        )
    return statement


def themes_in_use() -> list[str]:
    return list(
        db.session.scalars(
            select(Resource.toms_theme)
            .where(Resource.toms_theme != "")
            .distinct()
            .order_by(Resource.toms_theme)
        )
    )


@dataclass(frozen=True)
class ResourceDetails:
    title: str
    kind: str
    url: str | None
    body: str
    working_group: WorkingGroup | None
    toms_theme: str
    audience: str


def save_resource(resource: Resource, details: ResourceDetails, user: User | None) -> Resource:
    for name, value in vars(details).items():
        setattr(resource, name, value)
    resource.updated_at = utcnow()
    resource.updated_by = user
    db.session.add(resource)
    db.session.flush()
    return resource


def remove_resource(resource: Resource) -> None:
    db.session.delete(resource)
    db.session.flush()


def load_toolkit(plan: Plan, data: Any) -> list[str]:
    """Add the file's resources the toolkit lacks (by title, whatever the case), each with
    where in the plan its words come from; the titles added. A malformed file adds nothing
    and raises PlanFileInvalid listing every problem."""
    groups = {group.name: group for group in plan.working_groups}
    entries = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PlanFileInvalid(["the file needs a list under 'resources'"])
    problems = [
        f"resources[{index}]: {problem}"
        for index, entry in enumerate(entries)
        for problem in _entry_problems(entry, groups)
    ]
    if problems:
        raise PlanFileInvalid(problems)
    have = {title.casefold() for title in db.session.scalars(select(Resource.title))}
    added = []
    for entry in entries:
        if entry["title"].strip().casefold() in have:
            continue
        details = ResourceDetails(
            title=entry["title"].strip(),
            kind=entry["kind"],
            url=None,
            body=f"{entry['body'].strip()}\n\nFrom the delivery plan: {entry['source'].strip()}.",
            working_group=groups[entry["working_group"]],
            toms_theme="",
            audience=entry["audience"],
        )
        save_resource(Resource(), details, None)
        have.add(details.title.casefold())
        added.append(details.title)
    return added


def _entry_problems(entry: Any, groups: dict[str, WorkingGroup]) -> list[str]:
    if not isinstance(entry, dict):
        return ["is not a mapping"]
    problems = [
        f"'{key}' is missing or empty"
        for key in ("title", "kind", "audience", "working_group", "source", "body")
        if not isinstance(entry.get(key), str) or not entry[key].strip()
    ]
    if problems:
        return problems
    if entry["kind"] not in set(ResourceKind):
        problems.append(f"kind '{entry['kind']}' is not one of {', '.join(ResourceKind)}")
    if entry["audience"] not in set(Audience):
        problems.append(f"audience '{entry['audience']}' is not one of {', '.join(Audience)}")
    if entry["working_group"] not in groups:
        problems.append(f"the plan has no working group '{entry['working_group']}'")
    if len(entry["title"].strip()) > 200:
        problems.append("the title is longer than 200 characters")
    return problems
