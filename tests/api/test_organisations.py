"""/api/v1/organisations: a token sees its user's organisations, a page at a time."""

from __future__ import annotations

import pytest

from tests import factories
from tests.helpers.api import bearer


@pytest.fixture
def member(create, token_for):
    """A member of two organisations, with a token; a third organisation is someone else's."""
    user = create(factories.UserFactory)
    mine = [
        create(factories.OrganisationFactory, name="Growing Minds", kind="beneficiary"),
        create(factories.OrganisationFactory, name="Cowley Road Catering CIC"),
    ]
    for organisation in mine:
        create(factories.MembershipFactory, user_id=user.id, organisation_id=organisation.id)
    other = create(factories.OrganisationFactory, name="Leys Community Cleaning Co-operative")
    return {"headers": bearer(token_for(user.id)), "mine": mine, "other": other}


def test_a_member_lists_only_their_own_organisations_by_name(anon, member):
    response = anon.get("/api/v1/organisations", headers=member["headers"])

    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "results": [
            {
                "id": member["mine"][1].id,
                "ref": f"ORG-{member['mine'][1].id}",
                "partner_ref": None,
                "identifiers": [],
                "name": "Cowley Road Catering CIC",
                "kind": "supplier",
                "postcode": "OX4 4HH",
                "description": "A test organisation.",
            },
            {
                "id": member["mine"][0].id,
                "ref": f"ORG-{member['mine'][0].id}",
                "partner_ref": None,
                "identifiers": [],
                "name": "Growing Minds",
                "kind": "beneficiary",
                "postcode": "OX4 4HH",
                "description": "A test organisation.",
            },
        ],
        "page": 1,
        "pages": 1,
        "per_page": 20,
        "total": 2,
    }


def test_staff_list_every_organisation(anon, create, token_for, member):
    staff = create(factories.UserFactory, is_staff=True)

    body = anon.get("/api/v1/organisations", headers=bearer(token_for(staff.id))).get_json()

    assert body["total"] == 3
    assert [o["name"] for o in body["results"]] == [
        "Cowley Road Catering CIC",
        "Growing Minds",
        "Leys Community Cleaning Co-operative",
    ]


def test_the_list_comes_a_page_at_a_time(anon, create, token_for):
    staff = create(factories.UserFactory, is_staff=True)
    for name in ("Alpha", "Bravo", "Charlie", "Delta", "Echo"):
        create(factories.OrganisationFactory, name=name)
    headers = bearer(token_for(staff.id))

    second = anon.get("/api/v1/organisations?page=2&per_page=2", headers=headers).get_json()
    beyond = anon.get("/api/v1/organisations?page=4&per_page=2", headers=headers).get_json()
    widest = anon.get("/api/v1/organisations?per_page=100", headers=headers).get_json()

    assert [o["name"] for o in second["results"]] == ["Charlie", "Delta"]
    assert {k: v for k, v in second.items() if k != "results"} == {
        "page": 2,
        "pages": 3,
        "per_page": 2,
        "total": 5,
    }
    assert beyond["results"] == []
    assert beyond["total"] == 5
    assert len(widest["results"]) == 5


@pytest.mark.parametrize(
    "query",
    [
        "per_page=101",
        "per_page=0",
        "per_page=-1",
        "per_page=x",
        "page=0",
        "page=-3",
        "page=abc",
        "page=1.5",
        "page=1000001",
        "page=99999999999999999999",
    ],
)
def test_bad_paging_arguments_are_refused_with_a_json_reason(anon, member, query):
    response = anon.get(f"/api/v1/organisations?{query}", headers=member["headers"])

    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "bad_request"
    assert "per_page between 1 and 100" in body["reason"]


def test_a_member_sees_one_of_their_organisations(anon, member):
    growing_minds = member["mine"][0]

    response = anon.get(f"/api/v1/organisations/{growing_minds.id}", headers=member["headers"])

    assert response.status_code == 200
    assert response.get_json()["name"] == "Growing Minds"


def test_another_organisation_is_not_found_and_its_data_is_not_shown(anon, member):
    other = member["other"]

    response = anon.get(f"/api/v1/organisations/{other.id}", headers=member["headers"])

    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "reason": f"No organisation {other.id}."}
    assert "Leys" not in response.get_data(as_text=True)


def test_another_organisation_looks_the_same_as_one_that_does_not_exist(anon, member):
    missing = member["other"].id + 1000

    response = anon.get(f"/api/v1/organisations/{missing}", headers=member["headers"])

    assert response.status_code == 404
    assert response.get_json() == {"error": "not_found", "reason": f"No organisation {missing}."}


def test_staff_see_any_organisation(anon, create, token_for, member):
    staff = create(factories.UserFactory, is_staff=True)
    other = member["other"]

    response = anon.get(f"/api/v1/organisations/{other.id}", headers=bearer(token_for(staff.id)))

    assert response.status_code == 200
    assert response.get_json()["name"] == "Leys Community Cleaning Co-operative"
