"""Tests and benchmarks share helpers through modules made for sharing (tests/helpers/,
factories.py), never by importing a test module or a conftest.py: so that what is shared is
found where a newcomer looks for it, and a test file can change without breaking another."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# pytest's own default for test files (pyproject sets no other), and fixture files.
TEST_MODULE = re.compile(r"^(test_\w*|\w*_test|conftest)$")


def _package_of(path: Path) -> list[str]:
    return list(path.relative_to(ROOT).with_suffix("").parts[:-1])


def _imported_modules(node: ast.AST, path: Path) -> list[str]:
    """The dotted names an import statement brings in: its module, and for `from m import n`
    each `m.n` too (which may be a module)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    package = _package_of(path)
    within = package[: len(package) - node.level + 1] if node.level else []
    module = ".".join([*within, node.module or ""]).strip(".")
    return [module, *(f"{module}.{alias.name}" for alias in node.names)]


def _is_test_module(module: str) -> bool:
    top, *rest = module.split(".")
    if top in ("tests", "bench"):
        return any(TEST_MODULE.match(part) for part in rest)
    return bool(TEST_MODULE.match(top))  # `import conftest`, from a folder on sys.path


def imports_of_test_modules(source: str, path: Path) -> list[str]:
    """`line: module` for each test module or conftest this source (at `path`) imports,
    at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules = [name for name in _imported_modules(node, path) if _is_test_module(name)]
        if modules:
            found.append(f"{node.lineno}: {modules[0]}")  # the module, not each name from it
    return found


def test_no_test_or_benchmark_imports_from_a_test_module_or_a_conftest():
    offenders = [
        f"{path.relative_to(ROOT)}:{found}"
        for folder in ("tests", "bench")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for found in imports_of_test_modules(path.read_text(encoding="utf-8"), path)
    ]
    assert offenders == [], (
        "Move what is shared to a module in tests/helpers/ (one per subject) and import it "
        "from there:\n  " + "\n  ".join(offenders)
    )


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (
            "from tests.security.test_login_safety import where",
            ["1: tests.security.test_login_safety"],
        ),
        ("def f():\n    import tests.conftest", ["2: tests.conftest"]),
        ("from .test_pages import result_names", ["1: tests.directory.test_pages"]),
        ("from . import test_pages", ["1: tests.directory.test_pages"]),
        ("from tests.helpers.pages import page_text", []),
        ("from tests.matching.strategies import CATALOGUE", []),
        ("import conftest", ["1: conftest"]),
        ("from hypothesis import strategies as st", []),
    ],
)
def test_the_check_sees_every_way_of_importing_a_test_module(source, found):
    assert imports_of_test_modules(source, ROOT / "tests" / "directory" / "test_map.py") == found
