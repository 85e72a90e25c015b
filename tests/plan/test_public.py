"""The public pages: each working group's problem, data, objectives and progress without
lead names or progress notes, and the resource toolkit, public to read and staff to edit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan import service
from brokerage.plan.models import Action
from brokerage.plan.resource_models import Resource
from tests.helpers.pages import page_text
from tests.helpers.plan import action_id
from tests.helpers.web import csrf_token

GROUP_SLUGS = [
    "educational-attainment",
    "inclusive-employment",
    "social-value-and-procurement",
    "place-shaping",
    "oxfordshire-inclusive-economy-charter",
]
# The people the plan names as leads: never on a public page.
PEOPLE = [
    "Emma Coles",
    "Clayton Lavallin",
    "Becky Chessyre",
    "Grant Hayward",
    "Simon Grove-White",
    "Cat Armstrong",
    "Jan Royall",
    "Jeremy Long",
]
SECRET_NOTE = "Waiting on the trust's board; do not share yet."


def _add_resource(client, **data):
    fields = {"title": "Hiring people with convictions", "kind": "guide", "audience": "employers"}
    return client.post(
        "/plan/toolkit/new", data={"csrf_token": csrf_token(client, "/login"), **fields, **data}
    )


def _resources(in_app) -> list[tuple]:
    return in_app(
        lambda: [
            (
                r.title,
                r.kind,
                r.url,
                r.body,
                r.working_group.name if r.working_group else None,
                r.toms_theme,
                r.audience,
            )
            for r in db.session.scalars(select(Resource).order_by(Resource.id))
        ]
    )


@pytest.fixture
def progress_with_a_note(loaded_plan, in_app) -> None:
    def update() -> None:
        action = db.session.get(
            Action, action_id("Identify area in Oxfordshire to replicate Parent Power")
        )
        service.record_update(action, "done", SECRET_NOTE, None)
        db.session.commit()

    in_app(update)


# Working group pages ----------------------------------------------------------------


@pytest.mark.parametrize("slug", GROUP_SLUGS)
def test_anyone_reads_each_working_groups_page_without_lead_names_or_notes(
    anon, progress_with_a_note, slug
):
    response = anon.get(f"/plan/working-groups/{slug}")
    text = page_text(response)

    assert response.status_code == 200
    assert "The problem" in text and "The data behind it" in text
    for person in PEOPLE:
        assert person not in text
    assert SECRET_NOTE not in text
    assert "Post an update" not in text


def test_the_working_groups_index_is_public_and_lists_every_group(anon, loaded_plan):
    text = page_text(anon.get("/plan/working-groups"))
    for name in ("Educational Attainment", "Inclusive Employment", "Place Shaping"):
        assert name in text
    assert "0 of 10 actions done (0%)" in text


def test_a_group_page_shows_its_problem_data_objectives_and_progress(anon, progress_with_a_note):
    text = page_text(anon.get("/plan/working-groups/educational-attainment"))

    assert "The Educational Attainment working group identified 9 key areas of focus" in text
    assert "typically 5.5 months behind their classmates." in text
    assert "1 of 10 actions done (10%)" in text
    assert "2. Parent Power 1 of 4 actions done (25%)" in text
    assert "Done Identify area in Oxfordshire to replicate Parent Power (May 2023)" in text
    assert "Number of ARCh company volunteers through charter 0" in text
    assert "Parent Power: needs £79,120, £0 secured" in text


def test_a_group_page_lists_its_events(anon, loaded_plan):
    text = page_text(anon.get("/plan/working-groups/inclusive-employment"))
    assert "Prison open day for employers at Bullingdon Prison Open day · September 2023" in text
    assert "Bullingdon Prison" in text


def test_a_group_without_figures_says_so(anon, loaded_plan):
    text = page_text(anon.get("/plan/working-groups/place-shaping"))
    assert "The plan gives no figures for this working group yet." in text
    assert "The plan gives this working group no objectives of its own." in text


def test_an_unknown_group_is_not_found(anon, loaded_plan):
    assert anon.get("/plan/working-groups/knitting").status_code == 404


def test_without_a_plan_the_public_pages_say_nothing_is_published(anon):
    assert "has not published its delivery plan here yet" in page_text(
        anon.get("/plan/working-groups")
    )
    assert anon.get("/plan/working-groups/educational-attainment").status_code == 404


# The toolkit ------------------------------------------------------------------------


def test_staff_add_a_resource_and_anyone_reads_it(staff, anon, loaded_plan, in_app):
    group = in_app(lambda: str(loaded_plan().working_groups[1].id))
    response = _add_resource(
        staff,
        url="https://www.gov.uk/government/publications/unlocking-opportunity",
        body="How to open recruitment to prison leavers.",
        working_group=group,
        toms_theme="Jobs: Promote Local Skills and Employment",
    )

    assert response.status_code == 302
    page = response.headers["Location"]
    text = page_text(anon.get(page))
    assert "Hiring people with convictions" in text
    assert "Guide · for employers · Inclusive Employment · TOMs theme: Jobs" in text
    html = anon.get(page).get_data(as_text=True)
    assert 'href="https://www.gov.uk/government/publications/unlocking-opportunity"' in html
    assert "Edit" not in text
    assert "Hiring people with convictions" in page_text(
        anon.get("/plan/working-groups/inclusive-employment")
    )
    assert _resources(in_app)[0][4] == "Inclusive Employment"


@pytest.fixture
def toolkit(staff, loaded_plan, in_app) -> None:
    groups = in_app(lambda: {g.slug: str(g.id) for g in loaded_plan().working_groups})
    for data in (
        {
            "title": "Social Value Portal",
            "kind": "link",
            "url": "https://socialvalueportal.com",
            "audience": "buyers",
            "toms_theme": "Social: Healthier, Safer and more Resilient Communities",
            "working_group": groups["social-value-and-procurement"],
        },
        {
            "title": "Case study: Aspire",
            "kind": "case_study",
            "body": "Aspire employs people facing homelessness through its procurement contracts.",
            "audience": "suppliers",
            "working_group": groups["social-value-and-procurement"],
        },
        {
            "title": "Reading helpers wanted",
            "kind": "signposting",
            "body": "ARCh trains volunteer reading helpers for primary schools.",
            "audience": "everyone",
            "working_group": groups["educational-attainment"],
        },
    ):
        assert _add_resource(staff, **data).status_code == 302


def _found(client, query: str) -> list[str]:
    response = client.get(f"/plan/toolkit?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    return [t.split(">")[-1] for t in html.split("</a></h2>")[:-1]]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["Case study: Aspire", "Reading helpers wanted", "Social Value Portal"]),
        ("q=aspire", ["Case study: Aspire"]),
        ("q=PROCUREMENT+homelessness", ["Case study: Aspire"]),
        ("q=socialvalueportal.com", ["Social Value Portal"]),
        ("q=resilient", ["Social Value Portal"]),
        ("q=100%25", []),
        ("kind=signposting", ["Reading helpers wanted"]),
        (
            "working_group=social-value-and-procurement",
            ["Case study: Aspire", "Social Value Portal"],
        ),
        ("audience=buyers", ["Social Value Portal"]),
        (
            "toms_theme=Social%3A+Healthier%2C+Safer+and+more+Resilient+Communities",
            ["Social Value Portal"],
        ),
        ("q=reading&working_group=social-value-and-procurement", []),
    ],
)
def test_anyone_searches_the_toolkit_by_words_and_tags(anon, toolkit, query, titles):
    assert _found(anon, query) == titles


def test_a_search_for_a_tag_that_does_not_exist_is_a_field_error(anon, toolkit):
    response = anon.get("/plan/toolkit?kind=poem&audience=cats")
    assert response.status_code == 400
    text = page_text(response)
    assert "Kind : Not a valid choice." in text and "Audience : Not a valid choice." in text


def test_staff_edit_and_remove_a_resource(staff, toolkit, in_app):
    resource = in_app(lambda: db.session.scalar(select(Resource.id).order_by(Resource.id)))
    page = f"/plan/toolkit/{resource}/edit"
    assert "Social Value Portal" in page_text(staff.get(page))
    response = staff.post(
        page,
        data={
            "csrf_token": csrf_token(staff, page),
            "title": "Social Value Portal (TOMs)",
            "kind": "link",
            "url": "https://socialvalueportal.com",
            "audience": "buyers",
        },
    )
    assert response.status_code == 302
    assert _resources(in_app)[0][:3] == (
        "Social Value Portal (TOMs)",
        "link",
        "https://socialvalueportal.com",
    )
    assert _resources(in_app)[0][4:] == (None, "", "buyers")

    response = staff.post(
        f"/plan/toolkit/{resource}/delete", data={"csrf_token": csrf_token(staff, page)}
    )
    assert response.status_code == 302
    assert len(_resources(in_app)) == 2


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": "", "url": "https://example.org"}, "title", "Give the resource a title."),
        ({"title": "A <script>", "url": "https://example.org"}, "title", "cannot contain < or >"),
        ({}, "url", "Give a web address, or write the text below, or both."),
        ({"url": "javascript:alert(1)"}, "url", "starting with https:// or http://"),
        ({"url": "javascript://example.org/%0Aalert(1)"}, "url", "starting with https://"),
        ({"url": "ftp://example.org/file"}, "url", "starting with https://"),
        ({"url": "https://exa mple.org"}, "url", "starting with https://"),
        ({"url": "https://localhost"}, "url", "starting with https://"),
        ({"url": "https://example.org", "kind": "poem"}, "kind", "Not a valid choice."),
        ({"url": "https://example.org", "audience": "cats"}, "audience", "Not a valid choice."),
        ({"url": "https://example.org", "working_group": "999999"}, "working_group", "Not a valid"),
        ({"body": "a\x00b"}, "body", "control characters"),
    ],
)
def test_a_bad_resource_re_renders_with_field_errors_and_saves_nothing(
    staff, loaded_plan, in_app, data, field, message
):
    response = _add_resource(staff, **data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert message in page_text(response)
    assert _resources(in_app) == []


def test_the_database_refuses_a_resource_with_neither_address_nor_text(loaded_plan, in_app):
    from sqlalchemy.exc import IntegrityError

    def insert() -> None:
        db.session.add(Resource(title="Empty", kind="link", audience="everyone", body=""))
        db.session.flush()

    with pytest.raises(IntegrityError):
        in_app(insert)


@pytest.mark.parametrize("role", ["anon", "buyer", "supplier", "task_force"])
def test_only_staff_change_the_toolkit(request, role, toolkit, lead_for, in_app):
    client = lead_for("Emma Coles") if role == "task_force" else request.getfixturevalue(role)
    resource = in_app(lambda: db.session.scalar(select(Resource.id).order_by(Resource.id)))
    expected = 302 if role == "anon" else 403
    token = csrf_token(client, "/login")

    assert client.get(f"/plan/toolkit/{resource}").status_code == 200
    assert client.get("/plan/toolkit/new").status_code == expected
    assert _add_resource(client, url="https://example.org").status_code == expected
    edit = client.post(
        f"/plan/toolkit/{resource}/edit",
        data={
            "csrf_token": token,
            "title": "Hacked",
            "kind": "link",
            "url": "https://example.org",
            "audience": "everyone",
        },
    )
    assert edit.status_code == expected
    delete = client.post(f"/plan/toolkit/{resource}/delete", data={"csrf_token": token})
    assert delete.status_code == expected
    assert in_app(lambda: db.session.scalar(select(func.count(Resource.id)))) == 3
    assert "Hacked" not in [r[0] for r in _resources(in_app)]


def test_the_toolkit_pages_through_many_resources(staff, anon, loaded_plan):
    for number in range(23):
        _add_resource(staff, title=f"Guide {number:02d}", body="Text.")
    first = page_text(anon.get("/plan/toolkit?kind=guide"))
    assert "23 resources found." in first
    assert "Guide 19" in first and "Guide 20" not in first
    second = anon.get("/plan/toolkit?kind=guide&page=2")
    assert "Guide 22" in page_text(second)
    assert "kind=guide" in second.get_data(as_text=True)
    assert "page=1" in second.get_data(as_text=True) or "?kind=guide" in second.get_data(True)


@pytest.mark.parametrize("page", ["0", "-3", "x", "99999999999999999999999999"])
def test_a_page_number_outside_the_list_shows_an_empty_or_first_page(anon, toolkit, page):
    response = anon.get(f"/plan/toolkit?page={page}")
    assert response.status_code == 200
    assert "3 resources found." in page_text(response)
