"""Calling the JSON API as its clients do."""

from __future__ import annotations


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}
