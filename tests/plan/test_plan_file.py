"""The transcribed 2023/24 plan holds everything the delivery plan document gives.

The expected values below were read off the document (shared/seeds/oiep-delivery-plan-
2023-24.txt), not off the data file, so a slip in either shows up here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.plan.models import Action, Kpi, Objective, PlanLead, Project, WorkingGroup
from brokerage.plan.spec import read_plan

# Working groups: the four delivery plan tables (Educational Attainment, Inclusive
# Employment, Social Value and Procurement, the Charter) and Place Shaping, which has
# narrative but no table.
WORKING_GROUPS = [
    "Educational Attainment",
    "Inclusive Employment",
    "Social Value and Procurement",
    "Place Shaping",
    "Oxfordshire Inclusive Economy Charter",
]
# Numbered rows ("What we will do") per table: EA 1-5, IE 1-7, SVP 1-7, Charter 1-5.
OBJECTIVES = {
    "Educational Attainment": 5,
    "Inclusive Employment": 7,
    "Social Value and Procurement": 7,
    "Place Shaping": 0,
    "Oxfordshire Inclusive Economy Charter": 5,
}
# "How will we do it" rows with a lead, phase headings (1.1 Understand ...) not counted:
# EA 2+4+2+1+1; IE (3+1+1+2)+(3+1+1+2)+(4+1+3+3)+1+1+1+1; SVP 2+1+1+1+1+2+1; Charter 4+1+1+1+1.
ACTIONS = {
    "Educational Attainment": 10,
    "Inclusive Employment": 29,
    "Social Value and Procurement": 9,
    "Place Shaping": 0,
    "Oxfordshire Inclusive Economy Charter": 8,
}
# Each action's "Responsible Lead" and "Time scales" cells as written, in document order
# ("" where the document leaves the cell blank).
LEADS_AND_TIMESCALES = {
    ("Educational Attainment", 1): [
        ("Emma Coles", "April 2023-October 2024"),
        ("Emma Coles", "April 2023-March 2024"),
    ],
    ("Educational Attainment", 2): [
        ("Clayton Lavallin", "May 2023"),
        ("Clayton Lavallin", "September 2023"),
        ("Clayton Lavallin", "June 2023"),
        ("Clayton Lavallin/Fundraising WG", "September 2023-March 2024"),
    ],
    ("Educational Attainment", 3): [
        ("Clayton Lavallin", "September 2023"),
        ("Clayton Lavallin/Fundraising WG", "September 2023-March 2024"),
    ],
    ("Educational Attainment", 4): [("Working group", "October 2023")],
    ("Educational Attainment", 5): [("Working group", "June 2023")],
    ("Inclusive Employment", 1): [
        ("Emma Coles", "July 2023"),
        ("Emma Coles", "July 2023"),
        ("Emma Coles", "July 2023"),
        ("Becky Chessyre", "July-September 2023"),
        ("Becky Chessyre/Emma Coles", "September-October 2023"),
        ("Emma Coles", "March 2024"),
        ("Emma Coles", "April 2024"),
    ],
    ("Inclusive Employment", 2): [
        ("County Resettlement Employability and Skills working group", "June 2023"),
        ("County Resettlement Employability and Skills working group", "June 2023"),
        ("County Resettlement Employability and Skills working group", "June 2023"),
        ("County Resettlement Employability and Skills working group", "TBC"),
        ("County Resettlement Employability and Skills working group", "TBC"),
        ("County Resettlement Employability and Skills working group", "March 2023"),
        ("County Resettlement Employability and Skills working group", "April 2024"),
    ],
    ("Inclusive Employment", 3): [
        ("Emma Coles", "July 2023"),
        ("Emma Coles", "May 2023"),
        ("Emma Coles", "May 2023"),
        ("Emma Coles", "May 2023"),
        ("Task and finish group", "May 2023"),
        ("Task and finish group", "July 2023"),
        ("Task and finish group", "September 2023"),
        ("Task and finish group", "September 2023"),
        ("Task and finish group", "On-going"),
        ("Emma Coles", "March 2023"),
        ("Emma Coles", "April 2024"),
    ],
    ("Inclusive Employment", 4): [("Working group", "April 2023- March 2024")],
    ("Inclusive Employment", 5): [("Working group", "October 2023")],
    ("Inclusive Employment", 6): [("Working group", "June 2023")],
    ("Inclusive Employment", 7): [("Emma Coles", "July 2023- March 2024")],
    ("Social Value and Procurement", 1): [
        ("Working group", "July 2023"),
        ("Becky Chessyre", "September 2023"),
    ],
    ("Social Value and Procurement", 2): [("Grant Hayward/Simon Grove-White", "")],
    ("Social Value and Procurement", 3): [("Grant Hayward/Simon Grove-White", "")],
    ("Social Value and Procurement", 4): [("Working group", "October 2023")],
    ("Social Value and Procurement", 5): [("Working group", "June 2023")],
    ("Social Value and Procurement", 6): [
        ("Simon Grove-White/Emma Coles", "May 2023"),
        ("Simon Grove-White/Emma Coles", "June 2023"),
    ],
    ("Social Value and Procurement", 7): [("Cat Armstrong and Local Authority leads", "")],
    ("Oxfordshire Inclusive Economy Charter", 1): [
        ("OIEP members", "April 2023-March 2024"),
        ("Jan Royall/Jeremy Long/Emma Coles", ""),
        ("Becky Chessyre", ""),
        ("Charter signees", ""),
    ],
    ("Oxfordshire Inclusive Economy Charter", 2): [("Becky Chessyre", "January 2023")],
    ("Oxfordshire Inclusive Economy Charter", 3): [("Emma Coles", "April 2023-March 2024")],
    ("Oxfordshire Inclusive Economy Charter", 4): [("Emma Coles", "April 2023-March 2024")],
    ("Oxfordshire Inclusive Economy Charter", 5): [("Emma Coles", "June 2024")],
}
# The cost tables, item by item, and the totals the document states for them.
COST_LINES = {
    "Assisted Reading for Children (ARCh) expansion": (
        [1_200_000, 1_000_000, 6_912_000],
        9_112_000,  # £91,120
    ),
    "Growing Minds – antenatal provision": ([549_000, 242_000, 115_200], 906_200),  # £9,062
    "Growing Minds – scaling to the Leys": (
        [5_085_400, 1_644_500, 590_400, 100_000, 180_000],
        7_600_300,  # £76,003
    ),
    "Parent Power": ([4_212_000, 600_000, 300_000, 2_800_000], 7_912_000),  # £79,120
}
# Counts the plan names as evidence: EA 1, IE 3+2+2+2, SVP 1+1, Charter 1+1.
KPIS = 14


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_plan_has_every_working_group_objective_and_action_of_the_document(loaded_plan, in_app):
    def check() -> None:
        plan = loaded_plan()
        assert plan.year == "2023/24"
        assert [g.name for g in plan.working_groups] == WORKING_GROUPS
        assert {g.name: len(g.objectives) for g in plan.working_groups} == OBJECTIVES
        assert {g.name: len(g.actions) for g in plan.working_groups} == ACTIONS
        assert (_count(WorkingGroup), _count(Objective), _count(Action)) == (5, 24, 56)
        assert _count(Kpi) == KPIS

    in_app(check)


def test_every_action_has_its_lead_and_timescale_as_the_document_gives(loaded_plan, in_app):
    def leads_and_timescales() -> dict:
        return {
            (group.name, objective.number): [(a.lead_text, a.timescale) for a in objective.actions]
            for group in loaded_plan().working_groups
            for objective in group.objectives
        }

    assert in_app(leads_and_timescales) == LEADS_AND_TIMESCALES


def test_leads_written_a_slash_b_are_separate_filterable_leads(loaded_plan, in_app):
    def leads_of(description: str) -> list[list[str]]:
        actions = db.session.scalars(select(Action).where(Action.description == description))
        return [[lead.name for lead in action.leads] for action in actions]

    assert in_app(lambda: leads_of("Presentations at events and organisations")) == [
        ["Jan Royall", "Jeremy Long", "Emma Coles"]
    ]
    assert in_app(lambda: _count(PlanLead)) == 15


def test_project_cost_lines_add_up_to_the_documents_totals(loaded_plan, in_app):
    def costs() -> dict:
        return {
            project.name: (
                [line.amount_pence for line in project.cost_lines],
                project.stated_total_pence,
            )
            for project in db.session.scalars(select(Project).order_by(Project.position))
        }

    found = in_app(costs)
    assert found == COST_LINES
    for lines, total in found.values():
        assert sum(lines) == total


def test_the_plan_sets_no_kpi_targets_and_the_file_invents_none(plan_data):
    spec = read_plan(plan_data)
    kpis = [k for g in spec.working_groups for o in g.objectives for k in o.kpis]
    assert len(kpis) == KPIS
    assert {k.target for k in kpis} == {None}
    assert "Number of HR network seminars held" in {k.name for k in kpis}
    assert all(not p.funding for p in spec.projects)


def test_inclusive_employment_actions_carry_the_phase_their_table_numbers(plan_data):
    spec = read_plan(plan_data)
    over_50s = spec.working_groups[1].objectives[0]
    assert [a.phase for a in over_50s.actions] == [
        "understand", "understand", "understand", "plan", "do", "review", "review"
    ]  # fmt: skip
    assert over_50s.phases["understand"] == (
        "understand needs, resources and priorities and agree outcomes"
    )
    elsewhere = [
        a.phase
        for g in spec.working_groups
        if g.name != "Inclusive Employment"
        for o in g.objectives
        for a in o.actions
    ]
    assert set(elsewhere) == {None}


# The events the plan names, with what it says about when and where, and nothing more:
# (working group, title, kind, timing as written, place, the action it serves).
EVENTS = [
    (
        "Inclusive Employment",
        "First OIEP HR network event on employment pathways for prison leavers",
        "seminar",
        "July 2023",
        "",
        "Hold first OIEP HR network event on employment pathways for prison leavers",
    ),
    (
        "Inclusive Employment",
        "Risk assessment tool webinar",
        "webinar",
        "September 2023",
        "",
        "Risk assessment tool webinar",
    ),
    (
        "Inclusive Employment",
        "Prison open day for employers at Bullingdon Prison",
        "open_day",
        "September 2023",
        "Bullingdon Prison",
        "Prison open day for employers at Bullingdon Prison",
    ),
    ("Social Value and Procurement", "Meet the Buyer", "meet_the_buyer", "February", "", ""),
    ("Social Value and Procurement", "Get Social Procurement Ready!", "other", "", "", ""),
]


def test_the_events_the_plan_names_are_seeded_without_invented_dates_or_attendance(
    loaded_plan, in_app
):
    from brokerage.plan.event_models import Event

    def events() -> list[tuple]:
        return [
            (
                event.action.objective.working_group.name if event.action else "",
                event.title,
                event.kind,
                event.timing,
                event.place,
                event.action.description if event.action else "",
                event.happens_on,
                event.held,
                event.attendance,
            )
            for event in db.session.scalars(select(Event).order_by(Event.id))
        ]

    found = in_app(events)
    # The SVP events serve "Support and promote on-going work", whose row has no description.
    assert [row[1:5] for row in found] == [row[1:5] for row in EVENTS]
    assert [row[5] for row in found[:3]] == [row[5] for row in EVENTS[:3]]
    assert {row[0] for row in found} == {"Inclusive Employment", "Social Value and Procurement"}
    assert {row[6:] for row in found} == {(None, False, None)}


def test_the_first_hr_network_event_counts_towards_the_hr_network_kpis(loaded_plan, in_app):
    from brokerage.plan.event_models import Event

    def kpis() -> tuple:
        event = db.session.scalar(select(Event).where(Event.kind == "seminar"))
        return event.attendance_kpi.name, event.held_kpi.name, event.held_kpi.objective.number

    assert in_app(kpis) == ("Number of total attendees", "Number of HR network seminars held", 7)


def test_the_data_quoted_for_public_pages_is_in_the_document(plan_data):
    """Checked against the document itself where it sits beside the repository."""
    from pathlib import Path

    source = Path(__file__).parents[3] / "shared/seeds/oiep-delivery-plan-2023-24.txt"
    if not source.exists():
        pytest.skip("the plan document is not beside the repository")
    document = " ".join(source.read_text(encoding="utf-8").replace("**", "").split())
    spec = read_plan(plan_data)
    quoted = [line for group in spec.working_groups for line in group.data]
    assert len(quoted) == 12
    for line in quoted:
        # Each sentence is as the document writes it (bracketed sources aside).
        for sentence in line.split(". "):
            sentence = sentence.split(" ('")[0].rstrip(".")
            if ":" not in sentence:
                assert sentence in document, sentence
