"""An import run: one uploaded (or command-line) file, its progress and its report.

The upload page polls it for the progress bar; the report is kept as JSON so staff can
read what was wrong with a file after the job has finished.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..extensions import Model
from ..types import UTCDateTime, in_list, utcnow


class RunStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"  # imported (some rows may have been skipped)
    REJECTED = "rejected"  # nothing imported: the file or some rows were bad
    FAILED = "failed"  # the job itself broke

    @property
    def label(self) -> str:
        """The status in words, as the upload page lists it."""
        return RUN_STATUS_WORDS[self]


RUN_STATUS_WORDS = {
    RunStatus.QUEUED: "Waiting to start",
    RunStatus.RUNNING: "Importing",
    RunStatus.DONE: "Imported",
    RunStatus.REJECTED: "Rejected: nothing imported",
    RunStatus.FAILED: "Failed",
}


class ImportRun(Model):
    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(255))
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(10), default=RunStatus.QUEUED.value)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_total: Mapped[int] = mapped_column(default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    started_by: Mapped[User | None] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("status", RunStatus), name="status_known"),
        CheckConstraint("rows_done >= 0 AND rows_done <= rows_total", name="rows_in_range"),
    )

    @property
    def status_label(self) -> str:
        return RunStatus(self.status).label

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.DONE, RunStatus.REJECTED, RunStatus.FAILED)

    def __repr__(self) -> str:
        return f"<ImportRun {self.id} {self.kind} {self.status}>"
