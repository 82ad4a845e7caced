"""A progress bar for work the page runs itself (building the demo, making a report): it names the
stage the work reports and shows how far it has come (trygghet.core.progress)."""

from __future__ import annotations

import streamlit as st

from trygghet.core.progress import Progress
from trygghet.ui.safe_text import plain


class StageBar:
    """`StageBar("Rapporten görs")` is a ProgressCallback; `done()` takes the bar away."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.bar = st.progress(0.0, text=plain(f"{title} …"))

    def __call__(self, event: Progress) -> None:
        self.bar.progress(event.fraction or 0.0, text=plain(f"{self.title}: {event.text()}"))

    def done(self) -> None:
        self.bar.empty()
