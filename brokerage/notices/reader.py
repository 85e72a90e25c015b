"""Reading OCDS files as a stream of releases: release packages, record packages, and JSON
Lines (or concatenated JSON) of releases or of packages, as Find a Tender's and Contracts
Finder's APIs return them. The file is parsed with ijson, so its size costs time, not
memory: a package's releases are built one at a time and handed on.

    for release in releases_in(path): ...   # raises NoticeFileInvalid, naming where
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import ijson

# Arrays streamed item by item, wherever a top-level value holds them.
_STREAMED = {"releases.item": "release", "records.item.releases.item": "release"}
# Top-level keys whose contents are never built whole (they are streamed, or not needed).
_PACKAGE_ARRAYS = ("releases", "records")


class NoticeFileInvalid(ValueError):
    """The file cannot be read as OCDS; the message says why and where."""


def releases_in(path: Path) -> Iterator[dict[str, Any]]:
    """Each release in the file, in file order. A record package's compiled releases are
    skipped (the import merges the releases itself)."""
    if path.stat().st_size == 0:
        raise NoticeFileInvalid(f"{path.name} is empty: it holds no OCDS package or release.")
    with path.open("rb") as handle:
        try:
            yield from _releases(handle)
        except ijson.JSONError as error:
            reason = str(error).splitlines()[0]
            if "premature EOF" in reason:
                raise NoticeFileInvalid(
                    f"{path.name} stops before its JSON ends (cut short?) at byte "
                    f"{handle.tell():,}."
                ) from None
            raise NoticeFileInvalid(
                f"{path.name} is not JSON (near byte {handle.tell():,}: {reason[:80]})."
            ) from None


def _releases(handle: Any) -> Iterator[dict[str, Any]]:
    top: ijson.ObjectBuilder | None = None
    item: ijson.ObjectBuilder | None = None
    values = 0  # top-level values read so far
    for prefix, event, value in ijson.parse(handle, multiple_values=True, use_float=True):
        if event == "number" and type(value) is float and value.is_integer():
            value = int(value)  # a whole number as an int, however written (1e3, 5.0)
        if item is not None:  # inside a streamed release: most events of a package
            item.event(event, value)
            if event == "end_map" and prefix in _STREAMED:
                yield _checked(item.value, f"value {values}")
                item = None
            continue
        if prefix == "" and event in ("start_map", "start_array") and top is None:
            values += 1
            top = ijson.ObjectBuilder()
        if prefix in _STREAMED:
            if event == "start_map":
                item = ijson.ObjectBuilder()
                item.event(event, value)
            continue
        if top is None:
            raise NoticeFileInvalid(
                f"Value {values + 1} of the file is a {event}, not an OCDS package or release."
            )
        if not prefix.startswith(_PACKAGE_ARRAYS) or prefix in _PACKAGE_ARRAYS:
            top.event(event, value)
        if prefix == "" and event in ("end_map", "end_array"):
            yield from _top_level(top.value, values)
            top = None


def _top_level(value: Any, number: int) -> Iterator[dict[str, Any]]:
    """A bare release is one; a package's releases were streamed already."""
    if isinstance(value, dict) and ("releases" in value or "records" in value):
        return
    if isinstance(value, dict) and "ocid" in value:
        yield _checked(value, f"value {number}")
        return
    raise NoticeFileInvalid(
        f"Value {number} of the file is not OCDS: a release package has `releases`, a "
        "record package `records`, and a release an `ocid`."
    )


def _checked(release: Any, where: str) -> dict[str, Any]:
    ocid = release.get("ocid") if isinstance(release, dict) else None
    if not isinstance(ocid, str) or not ocid.strip():
        release_id = release.get("id", "?") if isinstance(release, dict) else "?"
        raise NoticeFileInvalid(
            f"A release in {where} (id {str(release_id)[:40]}) has no `ocid`, so it is not "
            "an OCDS release."
        )
    return release
