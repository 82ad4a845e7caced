"""A slide (present.slides) as HTML for the wall: plain tables that wrap, bars drawn with boxes so
that they grow with the screen, decisions as cards. Every text from the data or a user is escaped
here, so it is shown as typed and never read as markup; the look is in presentation.css.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from trygghet.core.formatting import fmt_int
from trygghet.present.slides import (
    Bars,
    Block,
    Bullets,
    Cards,
    Grid,
    Heading,
    Metrics,
    NoteText,
    Notice,
    PairedBars,
    Slide,
)


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _metrics(block: Metrics) -> str:
    cells = []
    for m in block.items:
        delta = f'<div class="lb-metric-delta">{_e(m.delta)}</div>' if m.delta else ""
        cells.append(f'<div class="lb-metric"><div class="lb-metric-label">{_e(m.label)}</div>'
                     f'<div class="lb-metric-value">{_e(m.value)}</div>{delta}</div>')
    return f'<div class="lb-metrics" style="grid-template-columns: repeat({len(block.items)}, 1fr)">{"".join(cells)}</div>'


def _grid(block: Grid) -> str:
    total = sum(block.widths) or 1.0
    cols = "".join(f'<col style="width: {100 * w / total:.2f}%">' for w in block.widths)
    numeric = block.numeric or (False,) * len(block.columns)
    number = ' class="lb-num"'
    head = "".join(f'<th scope="col"{number if n else ""}>{_e(c)}</th>'
                   for c, n in zip(block.columns, numeric, strict=True))
    body = []
    for i, row in enumerate(block.rows):
        flags = block.flags[i] if block.flags else ("",) * len(row)
        row_class = ' class="lb-hl"' if block.highlight and block.highlight[i] else ""
        cells = []
        for value, flag, is_number in zip(row, flags, numeric, strict=True):
            classes = [c for c in ("lb-num" if is_number else "", f"lb-{flag}" if flag in ("upp", "ned") else "") if c]
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_e(value)}</td>")
        body.append(f"<tr{row_class}>{''.join(cells)}</tr>")
    return (f'<table class="lb-table"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _bars(block: Bars) -> str:
    top = max([*block.values, 1])
    bars = []
    for i, (label, value) in enumerate(zip(block.labels, block.values, strict=True)):
        strong = " lb-strong" if i == block.strong else ""
        bars.append(f'<div class="lb-bar{strong}"><span class="lb-bar-value">{_e(fmt_int(value))}</span>'
                    f'<div class="lb-bar-fill" style="height: {78 * value / top:.1f}%"></div>'
                    f'<span class="lb-bar-label">{_e(label)}</span></div>')
    note = f'<figcaption class="lb-small">{_e(block.note)}</figcaption>' if block.note else ""
    return (f'<figure class="lb-bars" role="img" aria-label="{_e(block.summary)}">'
            f'<div class="lb-bar-area">{"".join(bars)}</div>{note}</figure>')


def _paired(block: PairedBars) -> str:
    top = max([*block.current, *block.previous, 1])
    rows = []
    for name, current, previous, flag in zip(block.names, block.current, block.previous, block.flags, strict=True):
        flag_class = f" lb-{flag}" if flag in ("upp", "ned") else ""
        rows.append(
            f'<div class="lb-pair"><div class="lb-pair-name">{_e(name)}</div><div class="lb-pair-bars">'
            f'<div class="lb-pbar lb-prev"><span class="lb-pfill" style="width: {80 * previous / top:.1f}%"></span>'
            f'<span class="lb-pvalue">{_e(fmt_int(previous))}</span></div>'
            f'<div class="lb-pbar lb-cur{flag_class}"><span class="lb-pfill" style="width: {80 * current / top:.1f}%">'
            f'</span><span class="lb-pvalue">{_e(fmt_int(current))}</span></div></div></div>')
    legend = (f'<div class="lb-legend"><span class="lb-key lb-cur"></span>{_e(block.current_label)}'
              f'<span class="lb-key lb-prev"></span>{_e(block.previous_label)}</div>')
    return f'<figure class="lb-paired" role="img" aria-label="{_e(block.summary)}">{legend}{"".join(rows)}</figure>'


def _cards(block: Cards) -> str:
    out = []
    for card in block.items:
        facts = "".join(f'<span class="lb-fact"><b>{_e(k)}:</b> {_e(v)}</span>' for k, v in card.facts)
        status = f'<span class="lb-status{" lb-late" if card.overdue else ""}">{_e(card.status)}</span>'
        report = (f'<p class="lb-card-report"><b>Återrapport:</b> {_e(card.report)}</p>' if card.report else "")
        out.append(f'<article class="lb-card{" lb-overdue" if card.overdue else ""}">'
                   f'<p class="lb-card-text">{_e(card.text)}</p><p class="lb-card-facts">{facts}{status}</p>'
                   f"{report}</article>")
    return "".join(out)


def block_html(block: Block) -> str:
    if isinstance(block, Metrics):
        return _metrics(block)
    if isinstance(block, Notice):
        return f'<p class="lb-notice lb-{_e(block.kind)}">{_e(block.text)}</p>'
    if isinstance(block, Heading):
        return f"<h3>{_e(block.text)}</h3>"
    if isinstance(block, Bullets):
        kind = "lb-list" if block.dots else "lb-list lb-plain"
        return f'<ul class="{kind}">' + "".join(f"<li>{_e(i)}</li>" for i in block.items) + "</ul>"
    if isinstance(block, Grid):
        return _grid(block)
    if isinstance(block, Bars):
        return _bars(block)
    if isinstance(block, PairedBars):
        return _paired(block)
    if isinstance(block, Cards):
        return _cards(block)
    if isinstance(block, NoteText):
        return f'<div class="lb-note"><h4>{_e(block.title)}</h4><p>{_e(block.text)}</p></div>'
    raise TypeError(block)


def _column(blocks: Iterable[Block]) -> str:
    return '<div class="lb-col">' + "".join(block_html(b) for b in blocks) + "</div>"


def slide_html(slide: Slide) -> str:
    """The slide's title and content; the page number beside the title when there is more than one."""
    page = f'<span class="lb-page" aria-label="Sida {slide.page} av {slide.pages}">{_e(slide.label)}</span>' \
        if slide.label else ""
    columns = " ".join(f"{w}fr" for w in slide.widths)
    top = "".join(block_html(b) for b in slide.top)
    body = "".join(_column(c) for c in slide.columns)
    return (f'<section class="lb-slide"><div class="lb-head"><h2>{_e(slide.title)}</h2>{page}</div>{top}'
            f'<div class="lb-cols" style="grid-template-columns: {columns}">{body}</div></section>')
