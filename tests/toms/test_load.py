"""Loading framework files: all or nothing, each problem with its line, reloads that
change only what changed, and next year's version beside this year's."""

from __future__ import annotations

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.partnership import DEFAULT_FOLDER
from brokerage.toms import service
from brokerage.toms.files import CatalogueFileInvalid
from brokerage.toms.models import (
    Framework,
    FrameworkVersion,
    Measure,
    Outcome,
    ProxyValue,
    Theme,
)
from tests.factories import UserFactory
from tests.helpers.toms import HEADER, row

MODELS = (Framework, FrameworkVersion, Theme, Outcome, Measure, ProxyValue)
OIEP_FILE = DEFAULT_FOLDER / "oiep-local-measures.csv"
NATIONAL_FILE = service.NATIONAL_FILE


def _counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in MODELS
    }


def _load(source, version=None) -> service.LoadReport:
    """Load and commit, as the command does."""
    report = service.load_framework_file(source, version)
    db.session.commit()
    return report


def _problems(source, version=None) -> list[str]:
    with pytest.raises(CatalogueFileInvalid) as refused:
        service.load_framework_file(source, version)
    return refused.value.problems


def _measure(code: str, version: str | None = None) -> Measure:
    query = select(Measure).where(Measure.code == code)
    if version:
        query = query.join(Measure.framework_version).where(FrameworkVersion.version == version)
    return db.session.scalars(query).one()


# The shipped files ----------------------------------------------------------------


def test_the_oiep_file_loads_its_themes_outcomes_and_measures(in_app):
    report = in_app(lambda: _load(OIEP_FILE))

    assert report.summary() == (
        "OIEP local measures 2023/24 (version 2023/24): 3 themes, 10 outcomes, 19 measures, "
        "0 with a proxy value.\n34 records created, 0 updated."
    )
    assert in_app(_counts) == {
        "Framework": 1,
        "FrameworkVersion": 1,
        "Theme": 3,
        "Outcome": 10,
        "Measure": 19,
        "ProxyValue": 0,
    }
    s6 = in_app(lambda: _measure("OIEP-S6"))
    assert s6.description == "Employee volunteering hours on local community projects"
    assert s6.unit == "hours"
    assert in_app(lambda: _measure("OIEP-S6").theme.name) == (
        "Healthier, Safer and more Resilient Communities"
    )
    assert s6.source.startswith("OIEP Delivery Plan 2023/24: Voluntary action focus area")
    assert in_app(lambda: _measure("OIEP-S6").proxy_value) is None


def test_the_national_toms_rows_load_as_their_own_framework_with_no_version_stated(in_app):
    report = in_app(lambda: _load(NATIONAL_FILE))

    assert report.versions[0].label == "National TOMs (verified rows) (version unstated)"
    nt3 = in_app(lambda: _measure("NT3"))
    assert nt3.unit == "no. people FTE"
    assert "torbay.gov.uk" in nt3.source
    assert in_app(lambda: _counts()["ProxyValue"]) == 0


def test_loading_the_same_file_and_version_twice_changes_nothing(in_app):
    in_app(lambda: _load(OIEP_FILE))
    first = in_app(lambda: db.session.scalars(select(FrameworkVersion)).one().loaded_at)

    report = in_app(lambda: _load(OIEP_FILE))

    assert report.summary().endswith("0 records created, 0 updated.")
    assert in_app(_counts)["Measure"] == 19
    assert in_app(lambda: db.session.scalars(select(FrameworkVersion)).one().loaded_at) == first


# Reloads --------------------------------------------------------------------------


def test_a_changed_description_updates_the_measure_in_place(in_app, framework_file):
    in_app(lambda: _load(framework_file([row("T-1"), row("T-2")])))
    first_id = in_app(lambda: _measure("T-1").id)

    changed = framework_file([row("T-1", measure="Better wording"), row("T-2")])
    report = in_app(lambda: _load(changed))

    assert (report.created, report.updated) == (0, 1)
    assert in_app(lambda: (_measure("T-1").id, _measure("T-1").description)) == (
        first_id,
        "Better wording",
    )


def test_a_measure_left_out_of_a_reload_is_kept_and_reported(in_app, framework_file):
    in_app(lambda: _load(framework_file([row("T-1"), row("T-2")])))

    report = in_app(lambda: _load(framework_file([row("T-1")])))

    assert "Kept, though not in this file: T-2." in report.summary()
    assert in_app(_counts)["Measure"] == 2


def test_a_measure_can_move_to_a_new_outcome_on_reload(in_app, framework_file):
    in_app(lambda: _load(framework_file([row("T-1")])))

    in_app(lambda: _load(framework_file([row("T-1", outcome="Fewer people out of work")])))

    assert in_app(lambda: _measure("T-1").outcome.name) == "Fewer people out of work"


def test_next_years_file_loads_beside_this_years(in_app, framework_file):
    in_app(lambda: _load(framework_file([row("T-1", measure="2023 wording")]), "2023"))

    in_app(lambda: _load(framework_file([row("T-1", measure="2024 wording")]), "2024"))

    assert in_app(lambda: _measure("T-1", "2023").description) == "2023 wording"
    assert in_app(lambda: _measure("T-1", "2024").description) == "2024 wording"
    assert in_app(lambda: [v.version for v in service.current_versions()]) == ["2024"]
    assert in_app(lambda: service.matching_catalogue()["T-1"].name) == "2024 wording"


def test_a_file_may_declare_a_framework_never_seen_before_and_several_at_once(
    in_app, framework_file
):
    in_app(lambda: _load(OIEP_FILE))

    report = in_app(
        lambda: _load(
            framework_file([row("A-1", framework="Alpha"), row("B-1", framework="Beta 2030")])
        )
    )

    assert [counts.label for counts in report.versions] == [
        "Alpha (version unstated)",
        "Beta 2030 (version 2030)",
    ]
    assert in_app(_counts)["Framework"] == 3


# Proxy values ---------------------------------------------------------------------


def test_a_proxy_value_in_the_file_is_recorded_with_the_rows_source(in_app, framework_file):
    in_app(lambda: _load(framework_file([row("T-1", proxy_value_gbp="14.50")])))

    proxy = in_app(lambda: _measure("T-1").proxy_value)
    assert (proxy.value_pence, proxy.source, proxy.from_file) == (1450, "Test source", True)
    assert proxy.pounds == "£14.50"


def test_a_reload_keeps_the_files_proxy_value_in_step_and_leaves_staffs_alone(
    app, in_app, framework_file
):
    in_app(lambda: _load(framework_file([row("T-1", proxy_value_gbp="10")])))

    def staff_adds_one() -> None:
        service.add_proxy_value(_measure("T-1"), 1200, "Staff's source", UserFactory())
        db.session.commit()

    in_app(staff_adds_one)
    in_app(lambda: _load(framework_file([row("T-1", proxy_value_gbp="11")])))
    assert in_app(lambda: sorted(p.value_pence for p in _measure("T-1").proxy_values)) == [
        1100,
        1200,
    ]

    in_app(lambda: _load(framework_file([row("T-1")])))
    assert in_app(lambda: [p.source for p in _measure("T-1").proxy_values]) == ["Staff's source"]


# Bad files ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        ({"measure_code": ""}, "line 2: 'measure_code' is empty"),
        ({"theme": ""}, "line 2: 'theme' is empty"),
        ({"unit": ""}, "line 2: 'unit' is empty"),
        ({"measure_code": "NT 1"}, "line 2: measure code 'NT 1' may use only letters, digits"),
        ({"measure_code": "X" * 41}, "line 2: 'measure_code' is longer than 40 characters"),
        ({"outcome": "Two\nlines"}, "line 2: 'outcome' must fit on one line"),
        ({"measure": "nul\x00byte"}, "line 2: 'measure' contains control characters"),
        (
            {"proxy_value_gbp": "£12"},
            "line 2: proxy value '£12' must be written without the £ sign, like 14.50",
        ),
        ({"proxy_value_gbp": "-3"}, "line 2: proxy value '-3' cannot be negative"),
        ({"proxy_value_gbp": "abc"}, "line 2: proxy value 'abc' is not an amount in pounds"),
        ({"proxy_value_gbp": "1,200"}, "line 2: proxy value '1,200' is not an amount in pounds"),
        ({"proxy_value_gbp": "1.234"}, "line 2: proxy value '1.234' has more than two decimal"),
        ({"proxy_value_gbp": "2000000"}, "line 2: proxy value '2000000' is more than £1,000,000"),
        ({"proxy_value_gbp": "9" * 500}, "line 2: proxy value '99999999999999999999…' is more"),
    ],
)
def test_a_bad_row_is_refused_with_its_line_and_nothing_is_imported(
    in_app, framework_file, cells, problem
):
    path = framework_file([row("T-1", **cells), row("T-2")])

    problems = in_app(lambda: _problems(path))

    assert len(problems) == 1
    assert problems[0].startswith(problem)
    assert set(in_app(_counts).values()) == {0}


def test_a_code_twice_in_a_file_is_refused_with_both_lines(in_app, framework_file):
    path = framework_file([row("T-1"), row("T-2"), row("t-1")])

    assert in_app(lambda: _problems(path)) == ["line 4: measure code 't-1' is already on line 2"]


def test_every_bad_row_is_listed_at_once(in_app, framework_file):
    path = framework_file(
        [row("T-1", proxy_value_gbp="£5"), row("T-2"), row("", unit=""), row("T-2")]
    )

    assert in_app(lambda: _problems(path)) == [
        "line 2: proxy value '£5' must be written without the £ sign, like 14.50",
        "line 4: 'measure_code' is empty",
        "line 4: 'unit' is empty",
        "line 5: measure code 'T-2' is already on line 3",
    ]
    assert set(in_app(_counts).values()) == {0}


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        (
            HEADER.replace(",unit", "") + "\n",
            ["line 1: missing column 'unit'", f"The header must be: {HEADER}"],
        ),
        (
            HEADER + ",colour\n",
            ["line 1: unknown column 'colour'", f"The header must be: {HEADER}"],
        ),
        ("", [f"the file is empty: its first line must be {HEADER}"]),
        (HEADER + "\n", ["the file has no measures"]),
        (
            HEADER + "\nF,T,O,C-1,M,u,,s,surplus\n",
            ["line 2: has more cells than the header"],
        ),
    ],
)
def test_a_file_with_the_wrong_shape_is_refused(in_app, tmp_path, text, problems):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")

    assert in_app(lambda: _problems(path)) == problems


def test_a_file_that_is_not_utf8_is_refused(in_app, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nF,Thème,O,C-1,M,u,,s\n").encode("latin-1"))

    assert in_app(lambda: _problems(path)) == ["latin1.csv: is not UTF-8 text"]


def test_a_file_of_another_kind_is_refused(in_app, tmp_path):
    path = tmp_path / "measures.txt"
    path.write_text(HEADER, encoding="utf-8")

    assert in_app(lambda: _problems(path)) == ["measures.txt: is not a .csv or .xlsx file"]


def test_an_empty_version_is_refused(in_app, framework_file):
    assert in_app(lambda: _problems(framework_file([row()]), " ")) == ["the version is empty"]


def test_a_byte_order_mark_and_blank_lines_are_tolerated(in_app, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(HEADER + "\nF,T,O,C-1,M,u,,s\n,,,,,,,\n\n", encoding="utf-8-sig")

    in_app(lambda: _load(path))

    assert in_app(_counts)["Measure"] == 1


def test_a_quoted_cell_over_two_lines_keeps_the_line_numbers_of_later_rows(in_app, tmp_path):
    path = tmp_path / "multiline.csv"
    path.write_text(
        HEADER + '\nF,T,O,C-1,"Two\nlines",u,,s\nF,T,O,C-2,M,u,abc,s\n', encoding="utf-8"
    )

    assert in_app(lambda: _problems(path)) == [
        "line 4: proxy value 'abc' is not an amount in pounds, like 14.50"
    ]


# Workbooks and records --------------------------------------------------------------


def _workbook(path, rows) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    for values in rows:
        sheet.append(values)
    workbook.save(path)


def test_an_excel_workbook_loads_from_its_first_sheet(in_app, tmp_path):
    path = tmp_path / "toms.xlsx"
    _workbook(
        path,
        [
            ["Workbook TOMs", "Jobs", "More jobs", "W1", "Jobs created", "FTE", 24.5, "Handbook"],
            ["Workbook TOMs", "Jobs", "More jobs", "W2", "Apprentices", "weeks", 300, "Handbook"],
        ],
    )

    report = in_app(lambda: _load(path, "2024"))

    assert report.versions[0].label == "Workbook TOMs (version 2024)"
    assert in_app(lambda: _measure("W1").proxy_value.value_pence) == 2450
    assert in_app(lambda: _measure("W2").proxy_value.pounds) == "£300.00"
    assert in_app(lambda: _measure("W1").framework_version.source_file) == "toms.xlsx"


def test_a_bad_row_in_a_workbook_is_refused_with_its_row_number(in_app, tmp_path):
    path = tmp_path / "toms.xlsx"
    _workbook(
        path,
        [
            ["Workbook TOMs", "Jobs", "More jobs", "W1", "Jobs created", "FTE", None, "x"],
            ["Workbook TOMs", "Jobs", "More jobs", "W2", "Apprentices", "weeks", -3, "x"],
        ],
    )

    assert in_app(lambda: _problems(path)) == ["line 3: proxy value '-3' cannot be negative"]
    assert set(in_app(_counts).values()) == {0}


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(in_app, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text(HEADER, encoding="utf-8")

    assert in_app(lambda: _problems(path)) == ["fake.xlsx: is not an Excel workbook (.xlsx)"]


def test_rows_already_read_load_the_same_way(in_app):
    report = in_app(lambda: _load([row("R-1"), row("R-2", proxy_value_gbp="3")], "2025"))

    assert report.versions[0].label == "Test framework (version 2025)"
    assert in_app(lambda: _measure("R-2").proxy_value.value_pence) == 300
    assert in_app(lambda: _problems([row("R-1", measure_code="")])) == [
        "line 2: 'measure_code' is empty"
    ]
