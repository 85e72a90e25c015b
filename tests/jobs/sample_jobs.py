"""Job functions for the queue's tests (RQ imports jobs by module path)."""

from brokerage.accounts.models import Organisation
from brokerage.extensions import db


def create_organisation(name: str) -> None:
    db.session.add(Organisation(name=name, kind="partner", postcode="OX4 4HH", description=""))
    db.session.flush()


def always_fail(name: str) -> None:
    create_organisation(name)
    raise RuntimeError(f"could not finish {name}")
