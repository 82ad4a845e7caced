"""The Data page's upload flow: each file read for its preview, then imported on Importera, every
step in a worker process followed with a progress bar and an Avbryt button (ui/upload_job).

What the session keeps between the page's runs: the running job (so a click elsewhere does not end
it), the files whose reading was stopped (so they are not read again by themselves), the files
still to import after Importera, and a notice for the next run. Never the file's cells.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import streamlit as st

from trygghet.core.errors import UserError
from trygghet.ingest import import_worker
from trygghet.ingest.importer import FileReport, safe_file_name
from trygghet.store.access import Actor
from trygghet.store.db import Database, DatabaseBusy
from trygghet.store.upload_stash import UploadStash
from trygghet.ui.errors import show_error, show_warning
from trygghet.ui.safe_text import plain
from trygghet.ui.upload_job import Job, follow

STOPPED_PREVIEW = "Inläsningen av {name} avbröts. Inget sparades; filen ligger kvar i listan."
STOPPED_IMPORT = ("Importen av {name} avbröts. Inget sparades i databasen. Filerna ligger kvar: tryck Importera "
                  "igen när du vill.")
NOT_STOPPED = "Importen av {name} hann sparas innan den kunde avbrytas."


def setup(state: MutableMapping[str, Any]) -> None:
    state.setdefault("upload_job", None)
    state.setdefault("stopped_uploads", set())
    state.setdefault("import_queue", [])
    state.setdefault("upload_notice", None)


def show_notice(state: MutableMapping[str, Any]) -> None:
    notice = state.pop("upload_notice", None)
    state["upload_notice"] = None
    if notice:
        st.info(plain(notice), icon=":material/info:")


def forget_stale_job(state: MutableMapping[str, Any], current: set[str]) -> None:
    """A job for a file no longer in the uploader is stopped: its file was taken off the list."""
    job: Job | None = state["upload_job"]
    if job is not None and not job.done and job.key not in current and not state["import_queue"]:
        job.stop()
        job.wait(60)
        state["upload_job"] = None


def preview(
    state: MutableMapping[str, Any], db: Database, actor: Actor, stash: UploadStash, upload: Any, key: str,
    options: import_worker.JobOptions,
) -> import_worker.Preview | None:
    """The upload's preview, read in a worker with a progress bar; None when it was stopped, the
    database was busy, or it failed with a message already shown."""
    name = safe_file_name(upload.name)
    if key in state["stopped_uploads"]:
        st.info(plain(STOPPED_PREVIEW.format(name=name)), icon=":material/stop_circle:")
        if st.button(f"Läs in {plain(name)} igen", key=f"again_{key}", icon=":material/refresh:"):
            state["stopped_uploads"].discard(key)
            st.rerun()
        return None
    job: Job | None = state["upload_job"]
    if job is not None and not job.done and (job.kind != "preview" or job.key != key):
        job.stop()  # not the page's order of work (a file taken off the list): that job ends first
        job.wait(60)
    if job is None or job.kind != "preview" or job.key != key:
        job = Job("preview", key, name).start(
            lambda opts: import_worker.preview_job(db, upload, upload.name, actor, stash.folder(key), opts), options)
        state["upload_job"] = job
    follow(job, f"Läser {name}")
    state["upload_job"] = None
    if job.stopped:
        state["stopped_uploads"].add(key)
        st.info(plain(STOPPED_PREVIEW.format(name=name)), icon=":material/stop_circle:")
        return None
    if not _shown_error(job.error, name):
        return job.result
    return None


def start_import(state: MutableMapping[str, Any], keys: list[str]) -> None:
    state["import_queue"] = list(keys)
    state["import_results"] = []


def importing(state: MutableMapping[str, Any]) -> bool:
    return bool(state["import_queue"])


def run_imports(
    state: MutableMapping[str, Any], db: Database, actor: Actor, stash: UploadStash, uploads: dict[str, Any],
    reports: dict[str, FileReport], options: import_worker.JobOptions,
) -> list[FileReport] | None:
    """Imports the queued files one by one, each followed with a progress bar. Returns the reports
    once all are done; None when Avbryt stopped one (the rest are left as they were)."""
    results: list[FileReport] = state.setdefault("import_results", [])
    while state["import_queue"]:
        key = state["import_queue"][0]
        upload, report = uploads.get(key), reports.get(key)
        job: Job | None = state["upload_job"]
        running = job is not None and job.kind == "import" and job.key == key
        if not running and (upload is None or report is None):  # taken off the list before its turn
            state["import_queue"].pop(0)
            continue
        if not running and not stash.has(key):
            # The stash lost it (a cleaned temporary folder): read it once more, then import.
            again = preview(state, db, actor, stash, upload, key, options)
            if again is None or not again.importable:
                state["import_queue"].pop(0)
                if again is not None:
                    results.append(again.report)
                continue
        if not running:
            assert report is not None
            job = Job("import", key, report.file).start(
                lambda opts, k=key: import_worker.import_job(db, stash.folder(k), actor, opts), options)
            state["upload_job"] = job
        assert job is not None
        # Followed even when the page no longer lists the file (the uploader was emptied meanwhile).
        follow(job, f"Importerar {job.name}")
        state["upload_job"] = None
        if job.stopped:
            state["import_queue"] = []
            state["upload_notice"] = STOPPED_IMPORT.format(name=job.name)
            return None
        state["import_queue"].pop(0)
        if job.stop_requested:
            state["upload_notice"] = NOT_STOPPED.format(name=job.name)
        if not _shown_error(job.error, job.name):
            results.append(job.result)
    state["import_results"] = []
    return results


def _shown_error(error: BaseException | None, name: str) -> bool:
    """Shows a job's error as the page would; True when there was one. Faults in the product go on up."""
    if error is None:
        return False
    if isinstance(error, DatabaseBusy):
        show_warning(error)
    elif isinstance(error, UserError):
        show_error(f"{name}: {error}")
    else:
        raise error
    return True
