"""Project funding: staff record where money comes from. Services flush, never commit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..extensions import db
from .models import FundingSource, Plan, Project


def plan_projects(plan: Plan) -> list[Project]:
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.plan_id == plan.id)
            .order_by(Project.position)
            .options(
                selectinload(Project.cost_lines),
                selectinload(Project.funding_sources),
                selectinload(Project.fundraising_actions),
            )
        )
    )


def add_funding_source(project: Project, source: str, amount_pence: int, secured: bool) -> None:
    project.funding_sources.append(
        FundingSource(source=source.strip(), amount_pence=amount_pence, secured=secured)
    )
    db.session.flush()


def remove_funding_source(source: FundingSource) -> None:
    source.project.funding_sources.remove(source)
    db.session.flush()
