"""The migrations build exactly the schema the models describe, and can be undone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, String, inspect
from sqlalchemy.engine import Connection

from brokerage.extensions import NAMING_CONVENTION, db
from tests.helpers.app import build_test_app, fresh_database


def _drift(connection: Connection, metadata: MetaData) -> list[Any]:
    """What `flask db migrate` would write: the differences between database and models."""
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, metadata)


def _table_names() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_the_migrated_database_matches_the_models(in_app):
    assert in_app(lambda: _drift(db.session.connection(), db.metadata)) == []


def test_the_drift_check_notices_a_model_column_without_a_migration(in_app):
    changed = MetaData(naming_convention=NAMING_CONVENTION)
    for table in db.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["users"].append_column(Column("nickname", String(40), nullable=True))

    drift = in_app(lambda: _drift(db.session.connection(), changed))

    added = [d for d in drift if d[0] == "add_column" and d[2] == "users"]
    assert [column.name for *_, column in added] == ["nickname"]


def test_the_migrations_form_one_line_of_history(app):
    """Revisions made in parallel are chained before landing: `db upgrade` needs one head."""
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_migrations_downgrade_to_an_empty_database_and_upgrade_again(tmp_path: Path):
    with fresh_database(tmp_path, "roundtrip") as url:
        fresh = build_test_app(url, str(tmp_path / "outbox"))
        with fresh.app_context():
            model_tables = set(db.metadata.tables)
            assert _table_names() == model_tables | {"alembic_version"}

            flask_migrate.downgrade(revision="base")
            assert _table_names() <= {"alembic_version"}

            flask_migrate.upgrade(revision="heads")
            assert _table_names() == model_tables | {"alembic_version"}
            with db.engine.connect() as connection:
                assert _drift(connection, db.metadata) == []
            db.engine.dispose()
