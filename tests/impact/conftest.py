"""The review tests' known world serves the public impact page's tests too."""

from tests.review.conftest import client_as, world  # noqa: F401  (fixtures)
