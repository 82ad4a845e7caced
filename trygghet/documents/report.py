"""The lägesbild report as a document: what 4 § lag (2023:196) and Brå's guidance ask the
municipality to put before kommunfullmäktige, for one period and a set of districts.

Kartläggning (extent with rates and reference values, trygghet, patterns of places and times,
consequences), other information of importance (population, context), the analysis per
prioritised problem, the priority areas judged against their goals, the åtgärdsplan with the
council's decision, the interventions and their measured effect, the follow-up of the previous
plan, the commitments, and the sources with their limits. The sections themselves are written by
report_sections; this module puts them in order and gives the document its title and metadata.

The document is a snapshot of its period: report_data reads nothing dated after the period's last
day, and the files' creation date is the period's end (or a saved report's registration), so the
same period gives the same bytes when it is made again.
"""

from __future__ import annotations

import datetime as dt

import duckdb

from trygghet.core import clock
from trygghet.core.formatting import fmt_date
from trygghet.documents import report_sections as sections
from trygghet.documents.model import Contents, Document, Paragraph
from trygghet.documents.report_data import ReportData, report_data
from trygghet.documents.report_period import ReportPeriod


def build_report(con: duckdb.DuckDBPyConnection, period: ReportPeriod, districts: tuple[str, ...] = (),
           created: dt.datetime | None = None, today: dt.date | None = None) -> Document:
    """The lägesbild of a period. `created` is the time written into the document (a saved report's
    registration); without it, the period's last day for a finished period."""
    data = report_data(con, period, districts, today=today or clock.today())
    return report_document(data, created)


def creation_time(data: ReportData, created: dt.datetime | None = None) -> dt.datetime:
    """The document's date: a saved report's registration, else the period's end (or, for a period
    still running, the last day the report counts)."""
    if created is not None:
        return created.replace(microsecond=0)
    return dt.datetime.combine(data.window.end - dt.timedelta(days=1), dt.time(23, 59, 59))


def file_stem(period: ReportPeriod, districts: tuple[str, ...]) -> str:
    return f"lagesbild-{period.key}" + (f"-{'-'.join(districts)}" if districts and len(districts) <= 3 else "")


def report_document(data: ReportData, created: dt.datetime | None = None) -> Document:
    when = creation_time(data, created)
    district_label = ", ".join(data.districts) if data.districts else "Alla stadsdelar"
    period = data.period
    decided = data.decision.decided_on is not None
    doc = Document(
        title=f"{period.title} – {data.kommun}",
        subtitle=f"Brottsförebyggande arbete enligt lag (2023:196) om kommuners ansvar för brottsförebyggande arbete"
                 f"{'' if decided else ' · utkast'}"
                 + ("" if data.finished else f" · {sections.DRAFT}"),
        meta=[
            ("Period", f"{fmt_date(period.window.start)} – {fmt_date(period.last_day)}"),
            ("Stadsdelar", district_label),
            ("Jämförelse", f"samma datum året före ({fmt_date(data.previous.start)} – "
                           f"{fmt_date(data.previous.end - dt.timedelta(days=1))})" if data.comparable
             else data.no_comparison),
            ("Läget per", f"{fmt_date(data.as_of)}: insatsernas status och besluten som de var då"),
            ("Åtgärdsplanen", sections.decision_text(data)),
            ("Perioden slutar" if created is None else "Registrerad",
             fmt_date(period.last_day) if created is None else f"{when:%Y-%m-%d}"),
        ],
        footer=f"Lägesbild {period.name} · {data.kommun}" + ("" if decided else " · utkast")
               + ("" if data.finished else " · utkast, perioden är inte avslutad"),
        file_stem=file_stem(period, data.districts),
        created=when,
    )
    until = fmt_date(data.data_until) if data.data_until else "–"
    if not data.finished:
        doc.meta.append(("Obs", f"{sections.DRAFT}: data till och med {until}, och jämförelsen gäller "
                                "samma datum året före. Utkastet kan inte registreras."))
    elif not data.complete:
        doc.meta.append(("Obs", f"Data till och med {until}: händelser efter den dagen finns inte i underlaget, "
                                "och jämförelsen gäller samma datum året före."))
    if data.demo:
        doc.meta.append(("Obs", "Demodata – en påhittad kommun. Siffrorna gäller ingen verklig plats."))

    doc.add(Paragraph(
        "Lägesbilden bygger på en kartläggning av brottsligheten och otryggheten i kommunen (omfattning och "
        "konsekvenser), på andra uppgifter av betydelse och på en analys av dem (4 § lag 2023:196). Den är "
        "underlaget för kommunens åtgärdsprogram och följer Brås vägledning för kartläggning, lägesbild och "
        "orsaksanalys.", "lead"))
    doc.add(Contents())
    for section in (sections.summary, sections.extent, sections.trygghet, sections.patterns, sections.consequences,
                    sections.other_information, sections.analysis, sections.priorities, sections.plan,
                    sections.followup, sections.coordination, sections.sources):
        section(doc, data)
    return doc
