"""Stored matches and what decides them (the matching policy in force, its versions,
candidates), and the match workflow: moves, messages and deliveries."""

from . import outcome_models, supplier_models  # noqa: F401  (their tables are part of the schema)
