"""Where the import worker starts (`python -m trygghet.ingest.import_entry FOLDER`): a large
workbook is checked and its first sheet starts parsing before the rest of the worker –
validation, the database, Arrow – is loaded, so that loading them overlaps the parse on the
other core. Then trygghet.ingest.import_worker runs the job."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from trygghet.core.config import Limits
from trygghet.ingest import reader
from trygghet.ingest.file_report import safe_file_name
from trygghet.ingest.read_worker import child_progress, limit_self


def main(folder: Path) -> None:
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    limits = Limits(**job["limits"])
    limit_self(limits)  # before the reader allocates anything
    steps = child_progress(bool(job.get("progress")))
    if job.get("read_ahead") and job["sources"]:
        steps.subject = safe_file_name(job["sources"][0]["file_name"])
        reader.read_ahead(Path(job["read_ahead"]), limits, steps)
    from trygghet.ingest import import_worker

    import_worker.main(folder, steps)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
