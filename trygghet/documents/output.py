"""A finished document as bytes: PDF or Word, with the charts drawn once for both."""


from __future__ import annotations

from dataclasses import dataclass

from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.documents import chart_images as charts
from trygghet.documents.model import Document
from trygghet.documents.writers import to_docx, to_pdf

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    docx: bytes
    charts_drawn: bool


def render(doc: Document, fmt: str, progress: Reporter | ProgressCallback | None = None) -> bytes:
    """The document as 'pdf' or 'docx'; the charts are drawn once and cached for the other format.
    `progress` hears the two steps: the charts, then the file."""
    steps = reporter(progress)
    steps.stage(f"Ritar {len(doc.figures)} diagram", unit="")
    images = charts.render([f.figure for f in doc.figures])
    steps.stage("Skriver PDF-filen" if fmt == "pdf" else "Skriver Word-filen", unit="")
    if fmt == "pdf":
        return to_pdf(doc, images)
    if fmt == "docx":
        return to_docx(doc, images)
    raise ValueError(fmt)


def render_both(doc: Document) -> Rendered:
    images = charts.render([f.figure for f in doc.figures])
    return Rendered(to_pdf(doc, images), to_docx(doc, images), images is not None)
