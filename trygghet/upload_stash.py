"""Prepared uploads kept on disk between the preview and the import.

A file is parsed and validated once, for the preview; the import then writes that same
result. Between the two it lives in a private temporary folder, not in the session's
memory: a full sheet's parsed rows take hundreds of megabytes, and a session keeps
what it holds until the user leaves. The file's own bytes are not stored here at all;
the upload widget still holds them when the user presses Importera.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
from dataclasses import replace
from pathlib import Path

from .importer import PreparedFile


class UploadStash:
    """One per session. The folder goes with the object: TemporaryDirectory removes it when the
    session's state is dropped, and `keep_only` removes files the user took off the list."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="trygghet-uppladdning-")

    def _path(self, key: str) -> Path:
        return Path(self._folder.name) / (hashlib.sha256(key.encode()).hexdigest() + ".pickle")

    def put(self, key: str, prepared: PreparedFile) -> None:
        path = self._path(key)
        partial = path.with_suffix(".tmp")
        with open(partial, "wb") as stream:
            pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
            pickler.fast = True  # no memo: the parsed sheets hold no cycles, and a memo costs as much again
            pickler.dump(replace(prepared, data=b"", raw=None))
        partial.replace(path)

    def has(self, key: str) -> bool:
        return self._path(key).exists()

    def take(self, key: str, data: bytes) -> PreparedFile | None:
        """The prepared file for `key` with its bytes put back, removed from the stash; None when it
        is gone or `data` is not the file that was prepared."""
        path = self._path(key)
        try:
            with open(path, "rb") as stream:
                prepared: PreparedFile = pickle.load(stream)  # written by this process
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        finally:
            path.unlink(missing_ok=True)
        if hashlib.sha256(data).hexdigest() != prepared.sha256:
            return None
        prepared.data = data
        return prepared

    def keep_only(self, keys: set[str]) -> None:
        wanted = {self._path(key).name for key in keys}
        for path in Path(self._folder.name).glob("*.pickle"):
            if path.name not in wanted:
                path.unlink(missing_ok=True)
