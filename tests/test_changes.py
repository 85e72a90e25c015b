"""The one change feed: a commit gives the topics it wrote new versions in the same
transaction, logs the rows it wrote of the topics the published world is built from, and
tells the subscribers in create_app's order; a rollback changes nothing."""

from __future__ import annotations

from brokerage.changes import announce, newest_changed_row, rows_changed_since, topic_versions
from brokerage.extensions import db
from tests.commits import recorded_commits
from tests.factories import OrganisationFactory, ProfileFactory, UserFactory


def test_the_subscribers_are_logs_evidence_jobs_matches_then_caches(app):
    names = [s.name for s in app.extensions["changes.subscribers"]]
    assert names == ["logs", "evidence", "jobs", "matches", "caches"]


def test_a_commit_gives_only_the_topics_it_wrote_new_versions(app, in_app):
    before = dict(in_app(topic_versions))

    def save() -> None:
        OrganisationFactory(name="Versioned Ltd")
        db.session.commit()

    with recorded_commits(app) as commits:
        in_app(save)
    after = in_app(topic_versions)

    assert "organisations" in commits[0].topics
    assert {topic for topic in before if before[topic] != after[topic]} == {"organisations"}


def test_a_rolled_back_write_leaves_every_version_and_tells_no_one(app, in_app):
    before = dict(in_app(topic_versions))

    def write_then_roll_back() -> None:
        OrganisationFactory(name="Undone Ltd")
        db.session.flush()
        db.session.rollback()

    with recorded_commits(app) as commits:
        in_app(write_then_roll_back)

    assert in_app(topic_versions) == before
    assert commits == []


def _logged_since(last: tuple[int, int]) -> list[tuple]:
    rows = rows_changed_since(*last, limit=100)
    assert rows is not None
    logged = [(row.topic, row.table_name, row.row_id, row.links) for row in rows]
    return sorted(logged, key=lambda row: str(row[1]))


def test_a_commit_logs_the_rows_it_wrote_of_the_worlds_topics_with_their_links(app, in_app):
    last = in_app(newest_changed_row)

    def save() -> tuple[int, int]:
        organisation = OrganisationFactory(name="Logged Ltd")
        profile = ProfileFactory(organisation=organisation)
        UserFactory(email="not-logged@example.org")  # people: nothing matching reads
        db.session.commit()
        return organisation.id, profile.id

    organisation, profile = in_app(save)

    assert in_app(lambda: _logged_since(last)) == [
        ("organisations", "organisations", organisation, {}),
        ("organisations", "profiles", profile, {"organisation_id": organisation}),
    ]


def test_a_bulk_write_is_logged_as_its_topic_without_rows_and_a_rollback_not_at_all(app, in_app):
    last = in_app(newest_changed_row)

    def bulk_then_undone() -> None:
        announce("listings")
        db.session.commit()
        OrganisationFactory(name="Undone Ltd")
        db.session.flush()
        db.session.rollback()

    in_app(bulk_then_undone)

    assert in_app(lambda: _logged_since(last)) == [("listings", None, None, {})]
