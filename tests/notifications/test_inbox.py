"""Each person's inbox: notifications made by other features, an unread count in the page
header, a copy by email, and nobody else's notifications."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from brokerage.accounts.models import User
from brokerage.extensions import db
from brokerage.mail import read_outbox
from brokerage.notifications import service
from brokerage.notifications.models import Notification
from tests import factories
from tests.helpers.web import post_form


def _user_of(in_app, client) -> int:
    return in_app(lambda: db.session.scalar(select(User.id).where(User.email == client.user_email)))


def _notify(in_app, user_id: int, subject: str, link: str = "/account", email: bool = False):
    def make() -> int:
        [made] = service.notify(
            [db.session.get(User, user_id)], subject, "Body.", link, email=email
        )
        db.session.commit()
        return made.id

    return in_app(make)


def test_a_new_notification_shows_in_the_inbox_with_an_unread_count(supplier, in_app):
    _notify(in_app, _user_of(in_app, supplier), "Parent Power is interested in your offer")

    page = supplier.get("/inbox").get_data(as_text=True)

    assert "Parent Power is interested in your offer" in page
    assert '1<span class="visually-hidden"> unread</span>' in page


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(supplier, in_app):
    notification_id = _notify(in_app, _user_of(in_app, supplier), "A move", link="/listings")

    response = post_form(supplier, f"/inbox/{notification_id}/open", {}, page="/inbox")

    assert response.status_code == 302
    assert response.headers["Location"] == "/listings"
    assert in_app(lambda: db.session.get(Notification, notification_id).read_at) is not None
    assert "unread</span>" not in supplier.get("/inbox").get_data(as_text=True)


def test_marking_everything_read_clears_only_ones_own(supplier, buyer, in_app):
    mine = _notify(in_app, _user_of(in_app, supplier), "Mine")
    theirs = _notify(in_app, _user_of(in_app, buyer), "Theirs")

    post_form(supplier, "/inbox/read", {}, page="/inbox")

    assert in_app(lambda: db.session.get(Notification, mine).read_at) is not None
    assert in_app(lambda: db.session.get(Notification, theirs).read_at) is None


def test_nobody_sees_or_opens_anothers_notification(supplier, buyer, in_app):
    notification_id = _notify(in_app, _user_of(in_app, supplier), "Private to the supplier")

    page = buyer.get("/inbox").get_data(as_text=True)
    response = post_form(buyer, f"/inbox/{notification_id}/open", {}, page="/inbox")

    assert "Private to the supplier" not in page
    assert response.status_code == 404
    assert in_app(lambda: db.session.get(Notification, notification_id).read_at) is None


def test_opening_without_the_csrf_token_is_refused(supplier, in_app):
    notification_id = _notify(in_app, _user_of(in_app, supplier), "A move")

    response = supplier.post(f"/inbox/{notification_id}/open")

    assert response.status_code == 400
    assert in_app(lambda: db.session.get(Notification, notification_id).read_at) is None


def test_each_person_is_told_once_by_email_too(create, in_app):
    ada = create(factories.UserFactory, email="ada@example.org", name="Ada")

    def notify_twice_over() -> None:
        person = db.session.get(User, ada.id)
        service.notify([person, person], "Growing Minds sent a message", "Can we meet?", "/inbox")
        db.session.commit()

    in_app(notify_twice_over)

    [mail] = in_app(lambda: read_outbox("ada@example.org"))
    assert mail.subject == "Growing Minds sent a message"
    assert "Can we meet?" in mail.body and "/inbox" in mail.body
    assert in_app(lambda: db.session.scalar(select(db.func.count(Notification.id)))) == 1


@pytest.mark.parametrize(
    "link", ["https://evil.example.org/", "//evil.example.org", "javascript:x"]
)
def test_a_notification_cannot_point_outside_the_site(create, in_app, link):
    ada = create(factories.UserFactory)

    with pytest.raises(ValueError, match="inside the site"):
        in_app(lambda: service.notify([db.session.get(User, ada.id)], "x", link=link))


def test_html_in_a_notification_is_shown_as_text(supplier, in_app):
    _notify(in_app, _user_of(in_app, supplier), "<script>alert(1)</script>")

    page = supplier.get("/inbox").get_data(as_text=True)

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
