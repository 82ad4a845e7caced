"""What an import tells: a file's report with its sheets and their row errors, or a FileError.

Kept apart from the importer and the readers, so that a process that only hands a file to the
import's worker and shows what comes back (the command line) does not load them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trygghet.core import privacy
from trygghet.core.errors import UserError


def safe_file_name(name: str) -> str:
    """The file's own name without any folder part and without personal data, for display and
    the upload history (the archive names the file by its sha256)."""
    base = re.split(r"[\\/]", name or "")[-1].strip().lstrip(".")
    base = re.sub(r"[\x00-\x1f]", "", base)
    return privacy.scrub(base[:200])[0] or "namnlös fil"


class FileError(UserError):
    """A problem with the whole file; the message is Swedish and meant for the user."""


@dataclass
class RowError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class SheetReport:
    sheet: str
    kind: str
    header_row: int
    columns: dict[str, str]
    ignored_columns: list[str]
    rows: int
    valid: int
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Police feed only: events left out (reason -> count) and how events got their district.
    skipped: dict[str, int] = field(default_factory=dict)
    placement: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, object]:
        result: dict[str, object] = {
            "sheet": self.sheet,
            "kind": self.kind,
            "rows": self.rows,
            "imported": self.imported,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "errors": [e.as_dict() for e in self.errors],
        }
        if self.skipped:
            result["skipped"] = dict(self.skipped)
        if self.placement:
            result["placement"] = dict(self.placement)
        return result


@dataclass
class FileReport:
    file: str
    status: str  # imported | unchanged | rejected | preview
    sheets: list[SheetReport] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    upload_id: int | None = None
    sha256: str = ""
    size: int = 0
    file_kind: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "status": self.status,
            "sheets": [s.as_json() for s in self.sheets],
            "error": self.error,
        }

    def totals(self) -> dict[str, int]:
        keys = ("rows", "imported", "updated", "duplicates", "rejected")
        return {k: sum(getattr(s, k) for s in self.sheets) for k in keys}
