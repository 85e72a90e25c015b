"""A pg_dump backup restores into a fresh database that the app serves unchanged (README)."""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import func, make_url, select

from brokerage.accounts.models import Organisation, User
from brokerage.demo.data import demo_data
from brokerage.extensions import db
from brokerage.plan.models import Action
from config import TestConfig
from tests.helpers.app import build_test_app, fresh_database
from tests.helpers.web import log_in

DEMO_PASSWORD = demo_data().password

pytestmark = pytest.mark.skipif(
    not (TestConfig.SQLALCHEMY_DATABASE_URI or "").startswith("postgresql"),
    reason="backups are PostgreSQL dumps: run with TEST_DATABASE_URL",
)


@pytest.fixture(autouse=True)
def _rolled_back_database():
    """Not the unit tests' shared rolled-back session: these apps use databases of their own."""
    yield


def _libpq(url: str) -> str:
    """The URL pg_dump understands: SQLAlchemy's without the +psycopg driver part."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Organisation, User, Action)
    )


def test_a_dump_restored_into_a_fresh_database_serves_the_same_data(tmp_path):
    dump = tmp_path / "brokerage.dump"
    with fresh_database(tmp_path, "backup") as original_url:
        original = build_test_app(original_url, str(tmp_path / "outbox"))
        assert original.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
        with original.app_context():
            before = _counts()
            assert before[0] > 10 and before[2] == 56  # the demo organisations and the plan
            db.session.remove()
            db.engine.dispose()
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", _libpq(original_url)], check=True
        )

    with fresh_database(tmp_path, "restored") as restored_url:
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={_libpq(restored_url)}", str(dump)],
            check=True,
        )
        restored = build_test_app(restored_url, str(tmp_path / "outbox"))
        try:
            with restored.app_context():
                assert _counts() == before
            client = log_in(restored.test_client(), "volunteers@arch.example.org", DEMO_PASSWORD)
            page = client.get("/").get_data(as_text=True)
            assert "Assisted Reading for Children (ARCh)" in page
        finally:
            with restored.app_context():
                db.session.remove()
                db.engine.dispose()
