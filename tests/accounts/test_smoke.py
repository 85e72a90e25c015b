from sqlalchemy import func, select

from brokerage.accounts.models import User
from brokerage.extensions import db


def test_a_registered_user_can_see_their_account(client_for):
    client = client_for("supplier")
    response = client.get("/account")
    assert response.status_code == 200
    assert client.user_email in response.get_data(as_text=True)


def test_each_test_starts_with_no_users(in_app):
    assert in_app(lambda: db.session.scalar(select(func.count()).select_from(User))) == 0
