from tests.workflow.conftest import every_kind, in_pair, pair  # noqa: F401
