import pytest

# Helper modules assert as tests do: let pytest explain their failures too.
pytest.register_assert_rewrite("tests.helpers", "tests.factories")
