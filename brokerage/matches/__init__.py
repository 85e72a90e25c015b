"""Stored rankings and what decides them: the matching policy in force, its versions and
sandbox, the candidates, and the stored offer-level and supplier-level matches."""

from . import supplier_models  # noqa: F401  (its table is part of the schema)
