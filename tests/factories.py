"""factory_boy factories: a test states only the fields it cares about."""

from __future__ import annotations

from functools import cache

import factory

from brokerage.accounts.models import Membership, Organisation, User
from brokerage.accounts.passwords import hash_password
from brokerage.extensions import db
from brokerage.types import utcnow

PASSWORD = "correct horse battery staple"


@cache
def _password_hash() -> str:
    """Hash the shared test password once: scrypt is slow on purpose."""
    return hash_password(PASSWORD)


class _Base(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class UserFactory(_Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(_password_hash)
    email_confirmed_at = factory.LazyFunction(utcnow)


class OrganisationFactory(_Base):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = "supplier"
    postcode = "OX4 4HH"
    description = "A test organisation."


class MembershipFactory(_Base):
    class Meta:
        model = Membership

    role = "member"
