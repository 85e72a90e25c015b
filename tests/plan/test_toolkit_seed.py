"""The toolkit starts with the bodies and programmes the delivery plan names, in the plan's
own words and with no web address the plan does not give."""

from __future__ import annotations

import yaml
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan.models import WorkingGroup
from brokerage.plan.resource_models import Resource
from brokerage.plan.resources import toolkit_file
from tests.helpers.pages import page_text


def _load(app, *args: str):
    return app.test_cli_runner().invoke(args=["plan", "load-toolkit", *args])


def _count(in_app) -> int:
    return in_app(lambda: db.session.scalar(select(func.count(Resource.id))))


def test_the_toolkit_starts_with_what_the_plan_names_once(app, anon, in_app, loaded_plan):
    first = _load(app)
    again = _load(app)

    assert first.exit_code == 0, first.output
    assert "40 resource(s) added to the toolkit" in first.output
    assert "0 resource(s) added" in again.output
    assert _count(in_app) == 40
    listed = page_text(anon.get("/plan/toolkit?q=prison"))
    assert "New Futures Network (NFN)" in listed
    nfn_id, group = in_app(
        lambda: db.session.execute(
            select(Resource.id, WorkingGroup.name)
            .join(Resource.working_group)
            .where(Resource.title.startswith("New Futures"))
        ).one()
    )
    page = page_text(anon.get(f"/plan/toolkit/{nfn_id}"))
    assert "brokers partnerships between prisons and employers" in page
    assert 'From the delivery plan: Inclusive Employment, "3. Prisoners and ex-offenders".' in page
    assert group == "Inclusive Employment"


def test_no_seeded_resource_has_an_address_the_plan_does_not_give(app, in_app, loaded_plan):
    _load(app)
    urls = in_app(lambda: list(db.session.scalars(select(Resource.url))))
    assert len(urls) == 40
    assert set(urls) == {None}


def test_a_malformed_toolkit_file_adds_nothing_and_lists_each_problem(
    app, in_app, loaded_plan, tmp_path
):
    data = yaml.safe_load(toolkit_file().read_text(encoding="utf-8"))
    data["resources"][0]["kind"] = "podcast"
    data["resources"][1]["working_group"] = "Housing"
    del data["resources"][2]["body"]
    bad = tmp_path / "toolkit.yaml"
    bad.write_text(yaml.safe_dump(data), encoding="utf-8")

    result = _load(app, str(bad))

    assert result.exit_code == 1
    assert "resources[0]: kind 'podcast' is not one of link, guide" in result.output
    assert "resources[1]: the plan has no working group 'Housing'" in result.output
    assert "resources[2]: 'body' is missing or empty" in result.output
    assert _count(in_app) == 0


def test_the_toolkit_needs_a_plan_first(app, in_app):
    result = _load(app)
    assert result.exit_code == 1
    assert "Load a delivery plan first" in result.output
    assert _count(in_app) == 0
