"""Every model has a factory in tests/factories.py that makes a row the database accepts,
so a test states only the fields it cares about."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from brokerage.extensions import db
from tests import factories

MODELS = sorted(
    (mapper.class_ for mapper in db.Model.registry.mappers), key=lambda model: model.__name__
)
FACTORIES = {
    made._meta.model: made
    for made in vars(factories).values()
    if isinstance(made, type)
    and issubclass(made, factories.factory.alchemy.SQLAlchemyModelFactory)
    and not made._meta.abstract
}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_every_model_has_a_factory_whose_row_the_database_keeps(model, in_app):
    assert model in FACTORIES, f"tests/factories.py has no factory for {model.__name__}"

    def make_and_read_back() -> object:
        made = FACTORIES[model]()
        key = inspect(made).identity
        db.session.expunge_all()
        return db.session.get(model, key)

    assert in_app(make_and_read_back) is not None


def test_a_factory_takes_a_parent_by_id_without_making_another(in_app):
    def make() -> tuple[tuple[int, int], tuple[int, int], int]:
        user = factories.UserFactory()
        organisation = factories.OrganisationFactory()
        membership = factories.MembershipFactory(user_id=user.id, organisation_id=organisation.id)
        db.session.expire_all()
        people = db.session.scalar(db.select(db.func.count()).select_from(factories.User))
        named = (user.id, organisation.id)
        return named, (membership.user_id, membership.organisation_id), people

    named, kept, people = in_app(make)
    assert kept == named
    assert people == 1
