"""The match workflow: a stored match's moves (interest, discussion, agreement), its
messages, deliveries with evidence and their confirmation, freshness, and the pages that
show matches with the stage they have reached."""

from . import models  # noqa: F401  (its tables are part of the schema)
