"""Where a session's uploads wait between the preview and the import.

Each upload gets a private folder that trygghet.import_worker fills: the file's bytes and the
prepared (parsed and validated) result, both written there by the child process that made the
preview. Importera hands the folder to another child, which writes that result without parsing
the file again and without the server ever loading it; the folder is removed after the import,
or when the user takes the file off the list. The session itself keeps only the report and the
preview rows.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path


class UploadStash:
    """One per session. The folder goes with the object: TemporaryDirectory removes it when the
    session's state is dropped, and `keep_only` removes uploads the user took off the list."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="trygghet-uppladdning-")

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
