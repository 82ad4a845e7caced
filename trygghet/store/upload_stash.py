"""Where a session's uploads wait between the preview and the import.

Each upload gets a private folder that trygghet.ingest.import_worker fills: the file's bytes and the
prepared (parsed and validated) result, both written there by the child process that made the
preview. Importera hands the folder to another child, which writes that result without parsing
the file again and without the server ever loading it; the folder is removed after the import,
or when the user takes the file off the list. The session itself keeps only the report and the
preview rows.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

PREFIX = "trygghet-uppladdning-"
# Folders the import worker and the police fetch make for one job, removed when it ends.
JOB_PREFIXES = ("trygghet-jobb-", "trygghet-polisen-")
# A stash outlives its session only when the server was killed; a job folder, when its caller was.
# Either then holds an uploaded file as it was, so it goes once no session or job can still want it.
STALE_SECONDS = 24 * 3600


def sweep_stale(root: Path | None = None, now: float | None = None) -> int:
    """Removes this app's upload and job folders in the temporary folder that have not changed for
    STALE_SECONDS (left by a server or import that was killed); returns how many were removed."""
    root = Path(root or tempfile.gettempdir())
    now = time.time() if now is None else now
    uid = os.getuid() if hasattr(os, "getuid") else None  # Windows has no owner ids; its temp folder is per user
    removed = 0
    try:
        candidates = [p for p in root.iterdir() if p.name.startswith((PREFIX, *JOB_PREFIXES))]
    except OSError:
        return 0
    for path in candidates:
        try:
            if path.is_symlink() or not path.is_dir() or (uid is not None and path.stat().st_uid != uid):
                continue
            newest = max([path.stat().st_mtime, *(p.stat().st_mtime for p in path.iterdir())])
        except OSError:
            continue
        if now - newest > STALE_SECONDS:
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


class UploadStash:
    """One per session. The folder goes with the object: TemporaryDirectory removes it when the
    session's state is dropped, and `keep_only` removes uploads the user took off the list."""

    def __init__(self) -> None:
        sweep_stale()
        self._folder = tempfile.TemporaryDirectory(prefix=PREFIX)

    def folder(self, key: str) -> Path:
        """The upload's folder (not created here); the key is hashed, so no user text names it."""
        return Path(self._folder.name) / hashlib.sha256(key.encode()).hexdigest()

    def has(self, key: str) -> bool:
        return self.folder(key).is_dir()

    def drop(self, key: str) -> None:
        shutil.rmtree(self.folder(key), ignore_errors=True)

    def keep_only(self, keys: set[str]) -> None:
        wanted = {self.folder(key).name for key in keys}
        try:
            present = list(Path(self._folder.name).iterdir())
        except FileNotFoundError:  # a cleaner took the temporary folder: nothing to remove
            return
        for path in present:
            if path.name not in wanted:
                if path.is_dir():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)
