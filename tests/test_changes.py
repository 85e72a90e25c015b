"""The one change feed: a commit gives the topics it wrote new versions in the same
transaction and tells the subscribers in create_app's order; a rollback changes nothing."""

from __future__ import annotations

from brokerage.changes import topic_versions
from brokerage.extensions import db
from tests.commits import recorded_commits
from tests.factories import OrganisationFactory


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
