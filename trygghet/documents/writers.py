"""The document model written out as Word (python-docx) and as PDF (reportlab).

Both writers take the same blocks and the same chart images, so the two files say the same
thing. Text is always passed as text: python-docx stores it as XML text nodes, and for reportlab
(whose paragraphs read a small markup language) it is escaped first.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from xml.sax.saxutils import escape

from trygghet.core import clock, config
from trygghet.documents.chart_images import FALLBACK_NOTE
from trygghet.documents.model import Bullets, Contents, Document, Figure, Heading, PageBreak, Paragraph, Table

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
HEADER_FILL = "DDE6F0"
HIGHLIGHT_FILL = "FBE3D0"
TEXT_WIDTH_CM = 17.0


def clean(text: object) -> str:
    """Text that is valid in Word's XML and in a PDF: no control characters."""
    return _CONTROL.sub("", str(text if text is not None else ""))


def _fallback_table(block: Figure) -> Table:
    return block.table


def created_at(doc: Document) -> dt.datetime:
    """The date the files carry: the document's own (fixed) date, or now."""
    return (doc.created or clock.now()).replace(microsecond=0)


def contents_entries(doc: Document) -> list[tuple[int, str, str]]:
    """(level, text, bookmark) of the headings a table of contents lists: levels 1 and 2."""
    if not any(isinstance(b, Contents) for b in doc.blocks):
        return []
    return [(b.level, b.text, f"_Toc{n:08d}") for n, b in enumerate(
        (b for b in doc.blocks if isinstance(b, Heading) and b.level <= 2), start=1)]


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The Word file's zip again with every entry dated `when`: the zip would otherwise carry the
    moment it was written, and the same document would not be the same bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def column_widths(block: Table, total: float, measure: object, padding: float) -> list[float]:
    """Column widths that fill `total` and, where the page allows, never break a word: each column
    gets at least its longest word (or header word), and the rest goes to the columns with the
    longest texts. `measure(text, bold)` gives a text's width in the same unit as `total`."""
    columns = len(block.columns)
    least, wanted = [0.0] * columns, [0.0] * columns
    for r, row in enumerate([block.columns, *block.rows]):
        for c in range(columns):
            text = clean(row[c]) if c < len(row) else ""
            bold = r == 0
            words = re.split(r"[ \n\t]+", text)  # a no-break space keeps '12 %' together, as reportlab does
            least[c] = max(least[c], max(measure(w, bold) for w in words) + padding)  # type: ignore[operator]
            wanted[c] = max(wanted[c], min(measure(text, bold) + padding, total * 0.6))  # type: ignore[operator]
    if block.widths:  # hints: the caller's proportions, but never below the longest word
        hint_total = sum(block.widths)
        wanted = [max(total * w / hint_total, m) for w, m in zip(block.widths, least, strict=True)]
    if sum(least) >= total:
        return [total * w / sum(least) for w in least]
    if sum(wanted) <= total:
        return [total * w / sum(wanted) for w in wanted]
    extra = [w - m for w, m in zip(wanted, least, strict=True)]
    room = total - sum(least)
    return [m + room * e / sum(extra) for m, e in zip(least, extra, strict=True)]


# ---------------------------------------------------------------- Word


def to_docx(doc: Document, images: list[bytes] | None) -> bytes:
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    word = Docx()
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)

    styles = word.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)

    def set_lang(rpr: object) -> None:
        lang = rpr.find(qn("w:lang"))  # type: ignore[attr-defined]
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)  # type: ignore[attr-defined]
        lang.set(qn("w:val"), doc.language)

    # The document's language (screen readers pick their voice by it) and Swedish proofing, so that the
    # coordinator's Word checks the spelling of the draft in Swedish.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None and defaults.find(qn("w:rPrDefault")) is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default.find(qn("w:rPr")) is None:
            rpr_default.append(OxmlElement("w:rPr"))
        set_lang(rpr_default.find(qn("w:rPr")))
    for style_name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Title", "Subtitle", "Caption"):
        set_lang(styles[style_name].element.get_or_add_rPr())
    caption_style = styles["Caption"]
    caption_style.font.size = Pt(9.5)
    caption_style.font.bold = True
    caption_style.font.italic = False
    caption_style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    props = word.core_properties
    # Word's core properties hold at most 255 characters; a meeting's title can be longer.
    props.title = clean(doc.title)[:255]
    props.subject = clean(doc.subtitle)[:255]
    props.author = "Lägesbild"
    # python-docx's template says 'generated by python-docx': the description is the document's own.
    props.comments = clean(f"{doc.title} – {doc.subtitle}")[:255]
    props.last_modified_by = "Lägesbild"
    props.language = doc.language
    props.revision = 1
    when = created_at(doc)
    props.created = when
    props.modified = when
    props.last_printed = when
    toc = contents_entries(doc)
    bookmarks = iter(toc)

    def bookmark(paragraph: object, name: str, number: int) -> None:
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(number))
        start.set(qn("w:name"), name)
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(number))
        element = paragraph._p  # type: ignore[attr-defined]
        element.insert(1 if element.pPr is not None else 0, start)
        element.append(end)

    def field_run(paragraph: object, kind: str, text: str = "") -> None:
        run = OxmlElement("w:r")
        if kind == "instr":
            node = OxmlElement("w:instrText")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        else:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        run.append(node)
        paragraph._p.append(run)  # type: ignore[attr-defined]

    def add_contents(block: Contents) -> None:
        """A real table-of-contents field (Word fills in page numbers when it is updated), whose shown
        result already lists every heading as a link to it."""
        title = word.add_paragraph(clean(block.title), style="TOC Heading")
        title.paragraph_format.space_after = Pt(4)
        entries = toc or [(1, "", "")]
        for n, (level, text, name) in enumerate(entries):
            p = word.add_paragraph()
            p.paragraph_format.left_indent = Cm(0.6 * (level - 1))
            p.paragraph_format.space_after = Pt(1)
            if n == 0:
                field_run(p, "begin")
                field_run(p, "instr", ' TOC \\o "1-2" \\h \\z \\u ')
                field_run(p, "separate")
            if name:
                link = OxmlElement("w:hyperlink")
                link.set(qn("w:anchor"), name)
                link.set(qn("w:history"), "1")
                run = OxmlElement("w:r")
                text_node = OxmlElement("w:t")
                text_node.set(qn("xml:space"), "preserve")
                text_node.text = clean(text)
                run.append(text_node)
                link.append(run)
                p._p.append(link)
            if n == len(entries) - 1:
                field_run(p, "end")
        word.add_paragraph()

    def caption(title: str, number: int) -> None:
        """'Figur 3. Händelser per stadsdel' in Word's Caption style, the number a SEQ field (so Word's
        list of figures finds it)."""
        p = word.add_paragraph(style="Caption")
        p.add_run("Figur ")
        simple = OxmlElement("w:fldSimple")
        simple.set(qn("w:instr"), " SEQ Figur \\* ARABIC ")
        run = OxmlElement("w:r")
        text_node = OxmlElement("w:t")
        text_node.text = str(number)
        run.append(text_node)
        simple.append(run)
        p._p.append(simple)
        p.add_run(f". {clean(title)}")
        p.paragraph_format.keep_with_next = True

    if doc.footer:
        footer = section.footer.paragraphs[0]
        footer.text = clean(doc.footer)
        footer.runs[0].font.size = Pt(8)

    word.add_heading(clean(doc.title), level=0)
    if doc.subtitle:
        p = word.add_paragraph()
        run = p.add_run(clean(doc.subtitle))
        run.font.size = Pt(13)
    for label, value in doc.meta:
        p = word.add_paragraph()
        p.paragraph_format.space_after = Pt(1)
        p.add_run(f"{clean(label)}: ").bold = True
        p.add_run(clean(value))
    if images is None and doc.figures:
        p = word.add_paragraph()
        run = p.add_run(FALLBACK_NOTE)
        run.italic = True

    def shade(cell: object, fill: str) -> None:
        tc_pr = cell._tc.get_or_add_tcPr()  # type: ignore[attr-defined]
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        tc_pr.append(shd)

    def add_table(block: Table) -> None:
        table = word.add_table(rows=1, cols=len(block.columns))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        widths = column_widths(block, TEXT_WIDTH_CM, _docx_measure, 0.25)
        total = TEXT_WIDTH_CM
        header = table.rows[0].cells
        for i, title in enumerate(block.columns):
            header[i].text = ""
            run = header[i].paragraphs[0].add_run(clean(title))
            run.bold = True
            run.font.size = Pt(9)
            shade(header[i], HEADER_FILL)
        # The header repeats on every page the table runs over.
        tr_pr = table.rows[0]._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        repeat.set(qn("w:val"), "true")
        tr_pr.append(repeat)
        for r, row in enumerate(block.rows):
            cells = table.add_row().cells
            for i, value in enumerate(row):
                cells[i].text = ""
                run = cells[i].paragraphs[0].add_run(clean(value))
                run.font.size = Pt(9)
                if block.highlight and r < len(block.highlight) and block.highlight[r]:
                    shade(cells[i], HIGHLIGHT_FILL)
        table.autofit = False
        for i, column in enumerate(table.columns):
            column.width = Cm(widths[i])
        for row in table.rows:
            for i, cell in enumerate(row.cells):
                cell.width = Cm(TEXT_WIDTH_CM * widths[i] / total)
        word.add_paragraph()

    figure_index = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            heading = word.add_heading(clean(block.text), level=min(max(block.level, 1), 3))
            if toc and block.level <= 2:
                _, _, name = next(bookmarks)
                bookmark(heading, name, int(name[4:]))
        elif isinstance(block, Contents):
            add_contents(block)
        elif isinstance(block, Paragraph):
            p = word.add_paragraph()
            run = p.add_run(clean(block.text))
            run.bold = block.bold
            if block.style == "small":
                run.font.size = Pt(8.5)
            elif block.style == "note":
                run.italic = True
                run.font.size = Pt(9)
            elif block.style == "placeholder":
                run.italic = True
                run.font.color.rgb = RGBColor(0x66, 0x66, 0x66)
            elif block.style == "lead":
                run.font.size = Pt(11.5)
        elif isinstance(block, Bullets):
            for item in block.items:
                word.add_paragraph(clean(item), style="List Bullet")
        elif isinstance(block, Table):
            add_table(block)
        elif isinstance(block, Figure):
            caption(block.title, figure_index + 1)
            if images is not None:
                word.add_picture(io.BytesIO(images[figure_index]), width=Cm(TEXT_WIDTH_CM - 0.5))
                # The picture's text alternative, read by screen readers in place of the image.
                properties = word.inline_shapes[-1]._inline.docPr
                properties.set("descr", clean(block.alt_text))
                properties.set("title", clean(block.title))
            else:
                add_table(_fallback_table(block))
            if block.caption:
                cap = word.add_paragraph()
                run = cap.add_run(clean(block.caption))
                run.italic = True
                run.font.size = Pt(8.5)
            figure_index += 1
        elif isinstance(block, PageBreak):
            word.add_page_break()
    out = io.BytesIO()
    word.save(out)
    return _fixed_zip(out.getvalue(), when)


# ---------------------------------------------------------------- PDF

_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
     "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"),
)
_REPLACEMENTS = {"▲": "upp ", "▼": "ned ", "→": "->", "✓": "x", "\u2009": " ", "\u202f": "\u00a0"}
_fonts: tuple[str, str, str, frozenset[int]] | None = None


def _register_fonts() -> tuple[str, str, str, frozenset[int]]:
    """A Unicode TrueType font for å, ä, ö, – and −: DejaVu Sans when the system has it, otherwise
    the Bitstream Vera fonts that ship inside reportlab (the built-in PDF fonts know no '−')."""
    global _fonts
    if _fonts is not None:
        return _fonts
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bundled = os.path.join(os.path.dirname(reportlab.__file__), "fonts")
    candidates = [*(() if config.bundled_pdf_font_only() else _FONT_CANDIDATES),
                  (os.path.join(bundled, "Vera.ttf"), os.path.join(bundled, "VeraBd.ttf"),
                   os.path.join(bundled, "VeraIt.ttf"))]
    for regular, bold, italic in candidates:
        if all(os.path.exists(p) for p in (regular, bold, italic)):
            stem = os.path.splitext(os.path.basename(regular))[0]
            names = (f"{stem}-LB", f"{stem}-LB-Bold", f"{stem}-LB-Italic")
            fonts = [TTFont(name, path) for name, path in zip(names, (regular, bold, italic), strict=True)]
            for font in fonts:
                pdfmetrics.registerFont(font)
            pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                          boldItalic=names[1])
            _fonts = (*names, frozenset(fonts[0].face.charToGlyph))
            return _fonts
    raise RuntimeError("Inget typsnitt för PDF hittades.")


def _fit(text: str, glyphs: frozenset[int]) -> str:
    """Characters the font cannot draw are replaced, so that the PDF shows no empty boxes."""
    out = []
    for ch in clean(text):
        if ch in "\n\t" or ord(ch) in glyphs:
            out.append(ch)
        else:
            out.append(_REPLACEMENTS.get(ch, "?"))
    return "".join(out)


def _docx_measure(text: str, bold: bool) -> float:
    """Width in cm of text at 9 pt in Word (Calibri is about 0.88 times as wide as DejaVu/Vera)."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, bold_font, _, glyphs = _register_fonts()
    points = stringWidth(_fit(text, glyphs), bold_font if bold else regular, 9) * 0.88
    return points / 72 * 2.54


def to_pdf(doc: Document, images: list[bytes] | None) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import (
        Image,
        KeepTogether,
        ListFlowable,
        ListItem,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import PageBreak as PdfPageBreak
    from reportlab.platypus import Paragraph as PdfParagraph
    from reportlab.platypus import Table as PdfTable
    from reportlab.platypus.tableofcontents import TableOfContents

    regular, bold, italic, glyphs = _register_fonts()

    def text(value: str) -> str:
        return escape(_fit(value, glyphs)).replace("\n", "<br/>")

    base = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13.5, alignment=TA_LEFT, spaceAfter=5)
    styles = {
        "title": ParagraphStyle("title", parent=base, fontName=bold, fontSize=20, leading=24, spaceAfter=6),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=16, spaceAfter=8),
        "h1": ParagraphStyle("h1", parent=base, fontName=bold, fontSize=15, leading=19, spaceBefore=12,
                             spaceAfter=6, textColor=colors.HexColor("#0B3C6E")),
        "h2": ParagraphStyle("h2", parent=base, fontName=bold, fontSize=12, leading=15, spaceBefore=8, spaceAfter=4),
        "h3": ParagraphStyle("h3", parent=base, fontName=bold, fontSize=10.5, leading=13, spaceBefore=6,
                             spaceAfter=3),
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=11, leading=15),
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "note": ParagraphStyle("note", parent=base, fontName=italic, fontSize=9, leading=12),
        "placeholder": ParagraphStyle("placeholder", parent=base, fontName=italic, textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, spaceAfter=0),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8.5, leading=10.5, spaceAfter=0),
        "meta": ParagraphStyle("meta", parent=base, spaceAfter=1),
    }
    width = A4[0] - 4 * cm

    from reportlab.pdfbase.pdfmetrics import stringWidth

    def measure(value: str, is_bold: bool) -> float:
        return stringWidth(_fit(value, glyphs), bold if is_bold else regular, 8.5)

    def table(block: Table) -> PdfTable:
        data = [[PdfParagraph(text(c), styles["head"]) for c in block.columns]]
        data += [[PdfParagraph(text(v), styles["cell"]) for v in row] for row in block.rows]
        result = PdfTable(data, colWidths=column_widths(block, width, measure, 9), repeatRows=1, hAlign="LEFT")
        commands = [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#" + HEADER_FILL)),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9AA5B1")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ]
        for r, flag in enumerate(block.highlight or []):
            if flag:
                commands.append(("BACKGROUND", (0, r + 1), (-1, r + 1), colors.HexColor("#" + HIGHLIGHT_FILL)))
        result.setStyle(TableStyle(commands))
        return result

    story: list[object] = [PdfParagraph(text(doc.title), styles["title"])]
    if doc.subtitle:
        story.append(PdfParagraph(text(doc.subtitle), styles["subtitle"]))
    for label, value in doc.meta:
        story.append(PdfParagraph(f"<b>{text(label)}:</b> {text(value)}", styles["meta"]))
    story.append(Spacer(1, 6))
    if images is None and doc.figures:
        story.append(PdfParagraph(text(FALLBACK_NOTE), styles["note"]))

    figure_index = 0
    pending_heading: list[object] = []
    outline_level = 0
    bookmark = 0
    for index, block in enumerate(doc.blocks):
        flow: list[object] = []
        keep_all = False  # a figure's title, image and caption stay on one page
        following = doc.blocks[index + 1] if index + 1 < len(doc.blocks) else None
        if isinstance(block, Paragraph) and isinstance(following, Table) and len(following.rows) <= 12:
            # A sentence that introduces a short table stays with it, as a heading does.
            pending_heading.append(PdfParagraph(text(block.text) if not block.bold else f"<b>{text(block.text)}</b>",
                                                styles.get(block.style, base)))
            continue
        if isinstance(block, Heading):
            heading = PdfParagraph(text(block.text), styles[f"h{min(max(block.level, 1), 3)}"])
            # The PDF's bookmarks (and the table of contents) lead to every heading; a level may not be
            # skipped in the outline, so a level 3 right under a level 1 is shown as a level 2.
            outline_level = min(max(block.level, 1), outline_level + 1)
            bookmark += 1
            heading._outline = (outline_level, _fit(block.text, glyphs), f"h{bookmark}")  # type: ignore[attr-defined]
            pending_heading.append(heading)
            continue
        if isinstance(block, Contents):
            contents = TableOfContents(dotsMinLevel=0, levelStyles=[
                ParagraphStyle("toc1", parent=base, fontSize=10, leading=13, leftIndent=0, spaceAfter=1),
                ParagraphStyle("toc2", parent=base, fontSize=9, leading=11.5, leftIndent=14, spaceAfter=0),
            ])
            flow += [PdfParagraph(text(block.title), styles["h1"]), contents, Spacer(1, 10)]
        elif isinstance(block, Paragraph):
            flow.append(PdfParagraph(text(block.text) if not block.bold else f"<b>{text(block.text)}</b>",
                                     styles.get(block.style, base)))
        elif isinstance(block, Bullets):
            flow.append(ListFlowable(
                [ListItem(PdfParagraph(text(i), base), leftIndent=12, value="•") for i in block.items],
                bulletType="bullet", start="•", leftIndent=12, bulletFontName=regular,
            ))
        elif isinstance(block, Table):
            flow += [table(block), Spacer(1, 8)]
            # A short table is not split over two pages: a week's seven days read as one table.
            keep_all = len(block.rows) <= 12
        elif isinstance(block, Figure):
            parts: list[object] = [PdfParagraph(f"<b>Figur {figure_index + 1}. {text(block.title)}</b>", base)]
            if images is not None:
                image = images[figure_index]
                w, h = ImageReader(io.BytesIO(image)).getSize()
                shown_w = width
                shown_h = shown_w * h / w
                if shown_h > 15 * cm:
                    shown_h, shown_w = 15 * cm, 15 * cm * w / h
                parts.append(Image(io.BytesIO(image), width=shown_w, height=shown_h, hAlign="LEFT"))
            else:
                parts.append(table(_fallback_table(block)))
            if block.caption:
                parts.append(PdfParagraph(text(block.caption), styles["small"]))
            parts.append(Spacer(1, 8))
            flow.extend(parts)
            keep_all = True
            figure_index += 1
        elif isinstance(block, PageBreak):
            flow.append(PdfPageBreak())
        # A heading never stands alone at the foot of a page. (One KeepTogether, never nested: a
        # KeepTogether inside another one makes reportlab start a new page even when there is room.)
        if keep_all:
            story.append(KeepTogether([*pending_heading, *flow]))
        elif pending_heading:
            story.append(KeepTogether([*pending_heading, *flow[:1]]))
            story.extend(flow[1:])
        else:
            story.extend(flow)
        pending_heading = []
    story.extend(pending_heading)

    footer = _fit(doc.footer, glyphs)
    stamp = created_at(doc).strftime("D:%Y%m%d%H%M%S")

    def on_page(canvas: object, template: object) -> None:
        # The creation date is the document's own, not the moment it was drawn (see Document.created).
        canvas.setDateFormatter(lambda *_: stamp)  # type: ignore[attr-defined]
        canvas.setViewerPreference("DisplayDocTitle", "true")  # type: ignore[attr-defined]
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(regular, 8)  # type: ignore[attr-defined]
        canvas.setFillColor(colors.HexColor("#555555"))  # type: ignore[attr-defined]
        canvas.drawString(2 * cm, 1.2 * cm, footer[:120])  # type: ignore[attr-defined]
        canvas.drawRightString(A4[0] - 2 * cm, 1.2 * cm, f"Sida {template.page}")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]

    class Template(SimpleDocTemplate):
        def afterFlowable(self, flowable: object) -> None:
            found = getattr(flowable, "_outline", None)
            if found is None:
                return
            level, title, key = found
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level - 1, closed=level > 1)
            if level <= 2:
                self.notify("TOCEntry", (level - 1, title, self.page, key))

    out = io.BytesIO()
    # invariant: no wall-clock time and a content-derived file id, so the same document is the same bytes.
    pdf = Template(out, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, topMargin=1.8 * cm,
                   bottomMargin=2 * cm, title=_fit(doc.title, glyphs), author="Lägesbild", creator="Lägesbild",
                   subject=_fit(doc.subtitle, glyphs), lang=doc.language, invariant=1)
    if any(isinstance(b, Contents) for b in doc.blocks):
        pdf.multiBuild(story, onFirstPage=on_page, onLaterPages=on_page)  # a second pass sets the pages
    else:
        pdf.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
