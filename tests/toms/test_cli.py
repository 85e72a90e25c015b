"""`flask toms load FILE [--version V]`."""

from __future__ import annotations

from sqlalchemy import func, select

from brokerage.extensions import db
from brokerage.partnership import DEFAULT_FOLDER
from brokerage.toms import service
from brokerage.toms.models import FrameworkVersion, Measure
from tests.helpers.toms import row


def _measures() -> int:
    return db.session.scalar(select(func.count()).select_from(Measure))


def test_toms_load_imports_a_file_and_prints_a_summary(flask_cli, in_app):
    result = flask_cli("toms", "load", str(DEFAULT_FOLDER / "oiep-local-measures.csv"))

    assert result.exit_code == 0, result.output
    assert result.output == (
        "OIEP local measures 2023/24 (version 2023/24): 3 themes, 10 outcomes, 19 measures, "
        "0 with a proxy value.\n34 records created, 0 updated.\n"
    )
    assert in_app(_measures) == 19


def test_toms_load_twice_creates_nothing_the_second_time(flask_cli, in_app):
    path = str(service.NATIONAL_FILE)
    flask_cli("toms", "load", path)

    result = flask_cli("toms", "load", path)

    assert result.exit_code == 0
    assert result.output.endswith("0 records created, 0 updated.\n")
    assert in_app(_measures) == 2


def test_toms_load_with_a_version_loads_beside_the_other_versions(
    flask_cli, framework_file, in_app
):
    path = str(framework_file([row("T-1")]))
    flask_cli("toms", "load", path, "--version", "2023")

    result = flask_cli("toms", "load", path, "--version", "2024")

    assert result.exit_code == 0, result.output
    assert "Test framework (version 2024)" in result.output
    assert in_app(lambda: sorted(db.session.scalars(select(FrameworkVersion.version)))) == [
        "2023",
        "2024",
    ]


def test_toms_load_of_a_bad_file_lists_every_problem_and_fails(flask_cli, framework_file, in_app):
    path = framework_file([row("T-1", proxy_value_gbp="£12"), row("T-1")])

    result = flask_cli("toms", "load", str(path))

    assert result.exit_code == 1
    assert f"{path}: The catalogue file has 2 problems; nothing was imported." in result.output
    assert "  - line 2: proxy value '£12' must be written without the £ sign" in result.output
    assert "  - line 3: measure code 'T-1' is already on line 2" in result.output
    assert in_app(_measures) == 0


def test_toms_load_of_a_missing_file_fails(flask_cli):
    result = flask_cli("toms", "load", "/nonexistent/toms.csv")
    assert result.exit_code == 2
    assert "does not exist" in result.output
