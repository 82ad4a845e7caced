"""The coverage in Swedish: the reporters × weeks table, who is missing, what leans on them, and the
reminder e-mail (text and a mailto: link, so no mail server is needed). No Streamlit here."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Sequence

import pandas as pd

from trygghet.analysis.coverage import MISSING, NOT_DUE, NOTHING, PENDING, REPORTED, Cell, Coverage, Reliance
from trygghet.core.formatting import fmt_int
from trygghet.core.periods import MONTHS_SHORT_SV, MONTHS_SV, IsoWeek
from trygghet.store.reporter_list import MONTHLY

STATUS_WORDS = {REPORTED: "Rapporterat", NOTHING: "Inget att rapportera", MISSING: "Saknas",
                PENDING: "Väntar (månaden är inte slut)", NOT_DUE: "Inte aktuell (månadsrapport)"}
LEGEND = ("✓ antal: rapporterat med så många händelser (för en månadsrapportör under hela månaden) · "
          "Inget att rapportera: rapportören säger att inget hänt · Saknas: varken händelser eller Inget att "
          "rapportera · –: en månadsrapportör bedöms bara den vecka då månaden slutar.")


def cell_text(cell: Cell) -> str:
    """'✓ 3', 'Inget att rapportera', 'Saknas' or '–'; a monthly reporter's judged week names its month."""
    if cell.status in (PENDING, NOT_DUE):
        return "–"
    text = f"✓ {fmt_int(cell.events)}" if cell.status == REPORTED else STATUS_WORDS[cell.status]
    return f"{text} ({MONTHS_SHORT_SV[cell.month.month - 1]})" if cell.month is not None else text


def table(cov: Coverage) -> pd.DataFrame:
    """One row per reporter, one column per week (oldest first)."""
    rows = []
    for name, interval in cov.reporters:
        row: dict[str, object] = {"Rapportör": name + (" (månad)" if interval == MONTHLY else "")}
        for week in cov.weeks:
            row[_week_column(week, cov.weeks)] = cell_text(cov.cell(name, week))
        rows.append(row)
    return pd.DataFrame(rows, columns=["Rapportör", *(_week_column(w, cov.weeks) for w in cov.weeks)])


def statuses(cov: Coverage) -> pd.DataFrame:
    """The table's statuses, cell for cell, for its colours."""
    return pd.DataFrame([[cov.cell(name, week).status for week in cov.weeks] for name, _ in cov.reporters],
                        columns=[_week_column(w, cov.weeks) for w in cov.weeks])


def _week_column(week: IsoWeek, weeks: Sequence[IsoWeek]) -> str:
    years = {w.year for w in weeks}
    return f"v. {week.week}" if len(years) == 1 else f"v. {week.week} {week.year}"


def weeks_label(run: Sequence[IsoWeek]) -> str:
    """'v. 48', 'v. 47–48', over a new year 'v. 52 2025–v. 2 2026'."""
    first, last = run[0], run[-1]
    if first == last:
        return first.label
    if first.year == last.year:
        return f"v. {first.week}–{last.week}"
    return f"v. {first.week} {first.year}–v. {last.week} {last.year}"


def months_label(months: Sequence[dt.date]) -> str:
    """'november', 'oktober–november', over a new year 'december 2025–januari 2026'."""
    first, last = months[0], months[-1]
    if first == last:
        return MONTHS_SV[first.month - 1]
    if first.year == last.year:
        return f"{MONTHS_SV[first.month - 1]}–{MONTHS_SV[last.month - 1]}"
    return f"{MONTHS_SV[first.month - 1]} {first.year}–{MONTHS_SV[last.month - 1]} {last.year}"


def missing_parts(cov: Coverage, week: IsoWeek) -> list[str]:
    """Each missing reporter and since when: weeks, or for a monthly reporter the months."""
    parts = []
    for name in cov.missing(week):
        run = cov.missing_run(name, week)
        if cov.interval(name) == MONTHLY:
            months = [m for m in (cov.cell(name, w).month for w in run) if m is not None]
            parts.append(f"{name} {months_label(months)}")
        else:
            parts.append(f"{name} {weeks_label(run)}")
    return parts


def missing_line(cov: Coverage, week: IsoWeek) -> str | None:
    """'Saknas: Väktarbolaget v. 47–48, Skolan v. 48', or None when everyone has reported."""
    parts = missing_parts(cov, week)
    return "Saknas: " + ", ".join(parts) if parts else None


def reliance_sentences(found: Sequence[Reliance], week: IsoWeek) -> list[str]:
    """What each missing reporter's silence does to the figures of `week`."""
    sentences = []
    for item in found:
        text = (f"{item.reporter} har inte rapporterat {week.label} och brukar stå för "
                f"{_percent(item.share)} av händelserna")
        if item.categories:
            shown = ", ".join(f"{name} ({_percent(share)})" for name, share in item.categories[:4])
            text += f", i {shown}"
        sentences.append(text + ": siffrorna för veckan kan vara för låga där.")
    return sentences


def _percent(share: float) -> str:
    return f"{round(share * 100)} %"


def reminder(cov: Coverage, week: IsoWeek) -> tuple[str, str] | None:
    """The reminder e-mail's subject and body, or None when nobody is missing."""
    parts = missing_parts(cov, week)
    if not parts:
        return None
    monday, sunday = week.monday(), week.sunday()
    span = (f"{monday.day}–{sunday.day} {MONTHS_SV[sunday.month - 1]} {sunday.year}" if monday.month == sunday.month
            else f"{monday.day} {MONTHS_SV[monday.month - 1]}–{sunday.day} {MONTHS_SV[sunday.month - 1]} {sunday.year}")
    subject = f"Påminnelse: rapport till lägesbilden {week.label} {week.year}"
    body = "\n".join([
        "Hej!",
        "",
        f"Inför veckans samverkansmöte saknar vi rapporter för {week.label} ({span}) från:",
        *(f"- {part}" for part in parts),
        "",
        "Rapportera veckans händelser på sidan Rapportera i Lägesbild eller i Excel-mallen. Har inget hänt, "
        "tryck på \"Inget att rapportera\" (eller skriv Inget att rapportera som kategori i mallen), så vet "
        "vi att det var lugnt och inte att rapporten saknas.",
        "",
        "Tack!",
    ])
    return subject, body


def mailto(subject: str, body: str) -> str:
    """A mailto: link without recipients (the sender picks them); the text percent-encoded."""
    return "mailto:?" + urllib.parse.urlencode({"subject": subject, "body": body}, quote_via=urllib.parse.quote)
