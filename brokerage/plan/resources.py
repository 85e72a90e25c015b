"""The toolkit: find resources, and staff adding, changing and removing them.
Services flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from ..accounts.models import User
from ..extensions import db
from ..types import utcnow
from .models import WorkingGroup
from .resource_models import Resource


@dataclass(frozen=True)
class ResourceQuery:
    """Words to find (each must appear in the title, text, address or theme) and tags."""

    words: str = ""
    kind: str = ""
    working_group: str = ""  # a working group's slug
    audience: str = ""
    toms_theme: str = ""


def search(query: ResourceQuery) -> Select[tuple[Resource]]:
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
