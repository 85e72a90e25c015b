"""Walk a plan file's raw data, collecting every problem with where it is, instead of
stopping at the first."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reader:
    """Walks the raw data, collecting problems instead of stopping at the first."""

    problems: list[str] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}" if path else message)

    def mapping(self, value: Any, path: str, allowed: set[str]) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(path, "must be a mapping of keys to values")
            return {}
        for key in sorted(set(map(str, value)) - allowed):
            self.problem(path, f"unknown key '{key}'")
        return value

    def text(
        self, data: dict[str, Any], path: str, key: str, max_length: int, required: bool = True
    ) -> str:
        value = data.get(key)
        if value is None or value == "":
            if required:
                self.problem(path, f"'{key}' is missing")
            return ""
        if not isinstance(value, str):
            self.problem(path, f"'{key}' must be text, not {type(value).__name__}")
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.problem(path, f"'{key}' is longer than {max_length} characters")
        return value

    def whole_number(self, data: dict[str, Any], path: str, key: str, required: bool) -> int | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.problem(path, f"'{key}' must be a whole number of 0 or more")
            return None
        return value

    def items(self, data: dict[str, Any], path: str, key: str) -> list[tuple[str, Any]]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"'{key}' must be a list")
            return []
        prefix = f"{path}." if path else ""
        return [(f"{prefix}{key}[{index}]", item) for index, item in enumerate(value)]

    def texts(self, data: dict[str, Any], path: str, key: str, max_length: int) -> list[str]:
        found = []
        for item_path, item in self.items(data, path, key):
            if not isinstance(item, str) or not item.strip():
                self.problem(item_path, "must be text")
            elif len(item) > max_length:
                self.problem(item_path, f"is longer than {max_length} characters")
            else:
                found.append(item.strip())
        return found

    def unique(self, path: str, what: str, values: list[Any]) -> None:
        seen: set[Any] = set()
        for value in values:
            if value in seen:
                self.problem(path, f"{what} {value!r} appears more than once")
            seen.add(value)
