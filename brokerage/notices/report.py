"""What one file's import did, as the command prints it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# What the counts are shown as, in this order.
COUNTED = {
    "procurement": ("procurement(s)", ("new", "updated", "unchanged")),
    "opportunity": ("opportunities", ("created", "updated", "closed", "withdrawn", "published")),
    "award": ("award rows", ("recorded",)),
}


@dataclass
class ImportReport:
    file: str
    releases: int = 0
    procurements: int = 0
    outside_area: int = 0
    # "kind:word" of COUNTED: "procurement:new", "opportunity:closed" ...
    counts: Counter[str] = field(default_factory=Counter)
    organisations_created: list[str] = field(default_factory=list)
    # Procurements left out whole, each with why (nothing of them was imported).
    problems: list[str] = field(default_factory=list)
    # Imported, with something to know (no deadline yet, a CPV code not in the vocabulary).
    notes: list[str] = field(default_factory=list)
    # Why the whole file was refused (nothing of it imported), if it was.
    refused: str = ""

    def note(self, ocid: str, text: str) -> None:
        self.notes.append(f"{ocid}: {text}")

    def _counted(self) -> str:
        parts = []
        for kind, (heading, words) in COUNTED.items():
            said = [
                f"{self.counts[f'{kind}:{w}']} {w}" for w in words if self.counts[f"{kind}:{w}"]
            ]
            if said:
                parts.append(f"{heading} {', '.join(said)}")
        return "; ".join(parts)

    def summary(self) -> str:
        if self.refused:
            return f"{self.file}: refused, nothing imported. {self.refused}"
        kept = self.procurements - self.outside_area
        lines = [
            f"{self.file}: {self.releases:,} releases of {self.procurements:,} procurements; "
            f"{kept:,} in the area, {self.outside_area:,} outside it skipped.",
            "  " + (self._counted() or "nothing changed") + ".",
        ]
        if self.organisations_created:
            names = ", ".join(self.organisations_created[:10])
            more = len(self.organisations_created) - 10
            lines.append(
                f"  {len(self.organisations_created)} organisation(s) added, unclaimed: {names}"
                + (f" and {more} more" if more > 0 else "")
            )
        lines += [f"  note: {note}" for note in self.notes]
        lines += [f"  not imported: {problem}" for problem in self.problems]
        return "\n".join(lines)
