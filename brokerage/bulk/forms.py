"""The upload form: which kind of file, the file itself, and whether to skip bad rows."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectField, SubmitField
from wtforms.validators import DataRequired

from ..choices import SelectChoice
from .formats import KINDS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # ample for 50,000 rows (about 8 MB)


class ImportForm(FlaskForm):
    kind = SelectField(
        "What the file lists",
        choices=[
            SelectChoice("", "Choose…"),
            *(SelectChoice(kind.name, kind.label) for kind in KINDS.values()),
        ],
        validators=[DataRequired(message="Choose what the file lists.")],
    )
    file = FileField(
        "CSV file",
        description="UTF-8 CSV with a header row, up to 20 MB; see the example files for "
        "the columns of each kind.",
        validators=[
            FileRequired(message="Choose a file to import."),
            FileAllowed(["csv"], message="Upload a .csv file (in Excel: Save as CSV UTF-8)."),
            FileSize(MAX_UPLOAD_BYTES, message="The file is larger than 20 MB: split it."),
        ],
    )
    skip_invalid = BooleanField(
        "Import the good rows even if some are bad",
        description="Without this, a file with any bad row imports nothing.",
    )
    submit = SubmitField("Import")
