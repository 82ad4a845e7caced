"""The Data page's long jobs – reading a file for the preview, importing it – with their progress.

A job runs its worker process from a thread of its own, so a click elsewhere on the page (which
makes Streamlit start the page over) does not end it: the page's next run finds the job in the
session and follows it again. Only Avbryt stops it: the worker process is killed, and since it
writes in one transaction that is not yet committed, nothing is saved. Once the worker has begun
to commit (the importer's COMMIT_STAGE) a stop comes too late and the import completes.

The bar shows the stage the worker itself reports (trygghet.core.progress), the rows done and the
time left once it is known; between reports the page only updates the time that has passed.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import streamlit as st

from trygghet.core.progress import Progress, remaining_text
from trygghet.ingest.import_worker import JobOptions
from trygghet.ingest.importer import COMMIT_STAGE
from trygghet.ui.safe_text import plain

REFRESH_SECONDS = 0.25
_ids = itertools.count(1)


class _Stopped(Exception):
    """Raised inside the job's thread when Avbryt was pressed; the worker is killed on its way up."""


@dataclass
class Job:
    kind: str  # "preview" | "import"
    key: str  # the upload's key on the page
    name: str  # the file's name as shown (masked)
    id: int = field(default_factory=lambda: next(_ids))
    latest: Progress | None = None
    result: Any = None
    error: BaseException | None = None
    stopped: bool = False
    started: float = field(default_factory=time.monotonic)
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _done: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def done(self) -> bool:
        return self._done.is_set()

    @property
    def stop_requested(self) -> bool:
        return self._stop.is_set()

    @property
    def committing(self) -> bool:
        return self.latest is not None and self.latest.stage == COMMIT_STAGE

    def stop(self) -> None:
        self._stop.set()

    def options(self, base: JobOptions) -> JobOptions:
        return replace(base, progress=self._heard, on_wait=self._check)

    def start(self, work: Callable[[JobOptions], Any], base: JobOptions) -> Job:
        options = self.options(base)

        def run() -> None:
            try:
                self.result = work(options)
            except _Stopped:
                self.stopped = True
            except BaseException as exc:  # handed to the page, which shows a UserError and re-raises the rest
                self.error = exc
            finally:
                self._done.set()

        threading.Thread(target=run, name=f"upload-job-{self.id}", daemon=True).start()
        return self

    def _heard(self, event: Progress) -> None:
        self.latest = event
        self._check()

    def _check(self) -> None:
        # Once the worker commits, stopping it could leave the file half-written for DuckDB to mend:
        # the import is let finish instead.
        if self._stop.is_set() and not self.committing:
            raise _Stopped

    def wait(self, seconds: float) -> bool:
        return self._done.wait(seconds)


def follow(job: Job, title: str) -> None:
    """Shows the job's progress until it has ended, with Avbryt; the box goes when the job has ended."""
    slot = st.empty()
    with slot.container(border=True):
        st.markdown(f"**{plain(title)}**")
        bar = st.progress(0.0, text="Startar …")
        left, right = st.columns([1, 4], vertical_alignment="center")
        if left.button("Avbryt", key=f"stop_{job.id}", icon=":material/stop_circle:",
                       help="Avbryter utan att spara något."):
            job.stop()
        clock = right.empty()
        shown: Progress | None = None
        while not job.wait(REFRESH_SECONDS):
            if job.latest is not shown:
                shown = job.latest
                bar.progress(_fraction(shown), text=_label(shown, job))
            clock.caption(_clock_text(job))
    slot.empty()


def _fraction(event: Progress | None) -> float:
    return 0.0 if event is None or event.fraction is None else event.fraction


def _label(event: Progress | None, job: Job) -> str:
    if job.stop_requested:
        return "Importen sparas redan och avslutas." if job.committing else "Avbryter …"
    if event is None:
        return "Startar …"
    return plain(event.text())


def _clock_text(job: Job) -> str:
    elapsed = time.monotonic() - job.started
    text = f"Tid hittills: {_seconds(elapsed)}"
    event = job.latest
    if event is not None and event.remaining is not None:
        text += f" · {remaining_text(event.remaining)} av steget"
    return text


def _seconds(value: float) -> str:
    whole = int(value)
    return f"{whole} s" if whole < 60 else f"{whole // 60} min {whole % 60:02d} s"
