"""The lägesbild report for a period (tertial, half-year or year) and a set of districts: the
development per district and category, the priority areas against their goals, the
interventions and their measured effect, the survey, the analysis text and a draft åtgärdsplan.

It is a draft for the crime-prevention coordinator (lag 2023:196 asks for a lägesbild with an
analysis and an åtgärdsplan), so the Word file is written to be edited.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import duckdb
import pandas as pd
import plotly.graph_objects as go

from trygghet.analysis import interventions as ivs
from trygghet.analysis import priority_areas, queries, stats
from trygghet.analysis.survey import period_label, sorted_periods
from trygghet.core import clock
from trygghet.core.formatting import fmt_change_int, fmt_change_pct, fmt_date, fmt_int
from trygghet.core.periods import MONTHS_SHORT_SV, MONTHS_SV, Window
from trygghet.core.reference_lists import OPEN_STATUSES
from trygghet.documents.minutes import is_demo, municipality
from trygghet.documents.model import Bullets, Document, Figure, Heading, Paragraph, Table
from trygghet.meeting import records as meetings
from trygghet.present import figures, tables

KINDS = ("tertial", "halvår", "år")
_KEY = re.compile(r"^(\d{4})(?:-([TH])([1-3]))?$")
ANALYSIS_PLACEHOLDER = ("[Analysen skrivs här: vad förklarar utvecklingen, vilka platser och situationer bör "
                        "prioriteras, och vad säger parterna? Texten kan skrivas i appen före export eller direkt "
                        "i Word-filen.]")


@dataclass(frozen=True)
class ReportPeriod:
    kind: str  # 'tertial' | 'halvår' | 'år'
    year: int
    number: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(self.kind)
        limit = {"tertial": 3, "halvår": 2, "år": 1}[self.kind]
        if not 1 <= self.number <= limit:
            raise ValueError(f"{self.kind} {self.number}")

    @property
    def window(self) -> Window:
        if self.kind == "år":
            return Window(dt.date(self.year, 1, 1), dt.date(self.year + 1, 1, 1))
        months = 4 if self.kind == "tertial" else 6
        start = dt.date(self.year, months * (self.number - 1) + 1, 1)
        end_month = months * self.number + 1
        end = dt.date(self.year + 1, 1, 1) if end_month > 12 else dt.date(self.year, end_month, 1)
        return Window(start, end)

    @property
    def key(self) -> str:
        if self.kind == "år":
            return str(self.year)
        return f"{self.year}-{'T' if self.kind == 'tertial' else 'H'}{self.number}"

    @property
    def label(self) -> str:
        if self.kind == "år":
            return f"Helåret {self.year}"
        w = self.window
        months = f"{MONTHS_SV[w.start.month - 1]}–{MONTHS_SV[(w.end - dt.timedelta(days=1)).month - 1]}"
        name = "Tertial" if self.kind == "tertial" else "Halvår"
        return f"{name} {self.number} {self.year} ({months})"

    @classmethod
    def parse(cls, key: str) -> ReportPeriod:
        m = _KEY.match(key.strip().upper())
        if not m:
            raise ValueError(f"'{key}' är ingen period (skriv 2026-T2, 2026-H1 eller 2026).")
        year = int(m.group(1))
        if m.group(2) is None:
            return cls("år", year)
        return cls("tertial" if m.group(2) == "T" else "halvår", year, int(m.group(3)))


def report_periods(first: dt.date | None, last: dt.date | None) -> list[ReportPeriod]:
    """Every tertial, half-year and year that has data, the latest first within each kind."""
    if first is None or last is None:
        return []
    found: list[ReportPeriod] = []
    for year in range(last.year, first.year - 1, -1):
        for p in ([ReportPeriod("tertial", year, n) for n in (3, 2, 1)] + [ReportPeriod("halvår", year, n)
                  for n in (2, 1)] + [ReportPeriod("år", year)]):
            if p.window.start <= last and p.window.end > first:
                found.append(p)
    return found


def analysis_key(period: ReportPeriod, districts: tuple[str, ...]) -> str:
    """Where the analysis text of one report is stored (report_texts.key)."""
    return f"analys|{period.key}|{','.join(sorted(districts)) or 'alla'}"


# ---------------------------------------------------------------- data


def _district_sql(districts: tuple[str, ...], column: str = "district") -> tuple[str, list[object]]:
    if not districts:
        return "TRUE", []
    return f"{column} IN ({', '.join('?' for _ in districts)})", list(districts)


@dataclass(frozen=True)
class ReportData:
    period: ReportPeriod
    districts: tuple[str, ...]
    window: Window  # the period, cut at the last day with data
    previous: Window  # the same dates a year earlier
    complete: bool
    data_until: dt.date | None
    by_district: pd.DataFrame  # name, count, previous, flag
    by_category: pd.DataFrame
    monthly: pd.DataFrame  # label, count, previous
    areas: pd.DataFrame  # priority_areas.priority_area_status plus baseline_year, baseline
    interventions: pd.DataFrame  # those that ran during the period, with their measured effect
    plan: pd.DataFrame  # every open (planned or running) intervention in the districts: the åtgärdsplan
    survey: pd.DataFrame  # indicator, district, period, value
    open_decisions: pd.DataFrame
    analysis: str
    kommun: str
    demo: bool


def _compare(con: duckdb.DuckDBPyConnection, by: str, window: Window, previous: Window,
             districts: tuple[str, ...]) -> pd.DataFrame:
    order = "districts" if by == "district" else "categories"
    where, params = _district_sql(districts, "e.district")
    frame = con.execute(
        f"""
        SELECT e.{by} AS name,
               coalesce(sum(n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS count,
               coalesce(sum(n) FILTER (WHERE e.day >= ? AND e.day < ?), 0)::BIGINT AS previous
        FROM event_counts e LEFT JOIN {order} o ON o.name = e.{by}
        WHERE ((e.day >= ? AND e.day < ?) OR (e.day >= ? AND e.day < ?)) AND {where}
        GROUP BY e.{by}, o.sort_order
        ORDER BY count DESC, o.sort_order NULLS LAST, e.{by}
        """,
        [window.start, window.end, previous.start, previous.end, window.start, window.end, previous.start,
         previous.end, *params],
    ).df()
    if districts and by == "district":
        present = set(frame["name"])
        missing = [d for d in districts if d not in present]
        if missing:
            frame = pd.concat([frame, pd.DataFrame({"name": missing, "count": 0, "previous": 0})], ignore_index=True)
    frame["flag"] = [stats.compare(int(c), int(p)).direction or "" for c, p in
                     zip(frame["count"], frame["previous"], strict=True)] if len(frame) else []
    return frame


def _change_text(count: int, previous: int) -> str:
    change = stats.compare(int(count), int(previous))
    pct = f" ({fmt_change_pct(change.pct)})" if change.pct is not None and previous >= 10 else ""
    return f"{fmt_change_int(count - previous)}{pct}"


def _monthly(con: duckdb.DuckDBPyConnection, window: Window, previous: Window, districts: tuple[str, ...]) -> pd.DataFrame:
    where, params = _district_sql(districts)
    rows = con.execute(
        f"""SELECT date_trunc('month', day)::DATE AS month, coalesce(sum(n), 0)::BIGINT FROM event_counts
            WHERE ((day >= ? AND day < ?) OR (day >= ? AND day < ?)) AND {where}
            GROUP BY 1""",
        [window.start, window.end, previous.start, previous.end, *params],
    ).fetchall()
    counts = {m: int(n) for m, n in rows}
    records, month = [], window.start.replace(day=1)
    while month < window.end:
        before = month.replace(year=month.year - 1)
        records.append((f"{MONTHS_SHORT_SV[month.month - 1]} {month.year}", counts.get(month, 0),
                        counts.get(before, 0)))
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return pd.DataFrame.from_records(records, columns=["label", "count", "previous"])


def _areas(con: duckdb.DuckDBPyConnection, window: Window, districts: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    frame = priority_areas.priority_area_status(con, districts, window, as_of)
    return priority_areas.with_baselines(con, frame, window, districts)


def _interventions(con: duckdb.DuckDBPyConnection, window: Window, districts: tuple[str, ...],
                   as_of: dt.date) -> pd.DataFrame:
    where, params = _district_sql(districts)
    if districts:
        where = f"(district IS NULL OR {where})"
    frame = con.execute(
        f"""SELECT id, title, priority_area, district, owner, status, start_date, end_date
            FROM interventions
            WHERE start_date IS NOT NULL AND start_date < ? AND coalesce(end_date, ?) >= ? AND status <> 'Inställd'
              AND {where}
            ORDER BY priority_area NULLS LAST, start_date, id""",
        [window.end, window.end, window.start, *params],
    ).df()
    effects = []
    data_range = queries.event_date_range(con)
    for iid, status in zip(frame["id"], frame["status"], strict=True):
        text = "Effekt kan inte bedömas: insatsen har ingen stadsdel."
        data = ivs.effect_data(con, iid, 8, 8, today=as_of, data_range=data_range) if status != "Planerad" else None
        if status == "Planerad":
            text = "Ej påbörjad."
        elif data is not None:
            if data.weeks[ivs.PERIOD_DURING] == 0:
                text = "För tidigt att bedöma: inga hela veckor med data under insatsen."
            elif data.weeks[ivs.PERIOD_BEFORE] == 0:
                text = "Inget före att jämföra med: data börjar efter starten."
            else:
                effect = ivs.effect_summary(data.frame, ivs.PERIOD_DURING)
                text = effect.text if effect is not None else "Effekt kan inte bedömas."
        effects.append(text)
    return frame.assign(effect=effects)


def _plan(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...]) -> pd.DataFrame:
    where, params = _district_sql(districts)
    if districts:
        where = f"(district IS NULL OR {where})"
    return con.execute(
        f"""SELECT id, title, priority_area, district, owner, status, start_date, end_date FROM interventions
            WHERE status IN ({', '.join('?' for _ in OPEN_STATUSES)}) AND {where}
            ORDER BY priority_area NULLS LAST, coalesce(start_date, DATE '9999-12-31'), id""",
        [*OPEN_STATUSES, *params],
    ).df()


def _survey(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...]) -> pd.DataFrame:
    where, params = _district_sql(districts)
    frame = con.execute(
        f"""SELECT indicator, district, period, value, respondents FROM survey_results WHERE {where}""",
        params,
    ).df()
    if frame.empty:
        return frame
    periods = sorted_periods(frame["period"].tolist())[-2:]
    return frame[frame["period"].isin(periods)].reset_index(drop=True)


def report_data(con: duckdb.DuckDBPyConnection, period: ReportPeriod, districts: tuple[str, ...] = (),
                today: dt.date | None = None) -> ReportData:
    today = today or clock.today()
    last = con.execute("SELECT max(day)::DATE FROM event_counts").fetchone()[0]
    window = period.window
    complete = last is not None and last >= window.end - dt.timedelta(days=1)
    if last is not None and not complete and last >= window.start:
        window = Window(window.start, last + dt.timedelta(days=1))
    previous = window.last_year()
    as_of = min(today, window.end - dt.timedelta(days=1))
    open_list = ", ".join("?" for _ in OPEN_STATUSES)
    decisions = pd.DataFrame()
    if meetings.has_schema(con):
        decisions = con.execute(
            f"""SELECT m.held_on AS decided_on, d.text, d.organisation, d.responsible, d.deadline,
                       d.intervention_id
                FROM decisions d JOIN meetings m ON m.id = d.meeting_id
                LEFT JOIN interventions i ON i.id = d.intervention_id
                WHERE d.status = ? AND (i.id IS NULL OR i.status IN ({open_list}))
                ORDER BY d.deadline NULLS LAST, m.held_on""",
            [meetings.OPEN, *OPEN_STATUSES],
        ).df()
    return ReportData(
        period=period,
        districts=districts,
        window=window,
        previous=previous,
        complete=complete,
        data_until=last,
        by_district=_compare(con, "district", window, previous, districts),
        by_category=_compare(con, "category", window, previous, districts),
        monthly=_monthly(con, window, previous, districts),
        areas=_areas(con, window, districts, as_of),
        interventions=_interventions(con, window, districts, as_of),
        plan=_plan(con, districts),
        survey=_survey(con, districts),
        open_decisions=decisions,
        analysis=meetings.report_text(con, analysis_key(period, districts)),
        kommun=municipality(con),
        demo=is_demo(con),
    )


# ---------------------------------------------------------------- figures shared with the page


def period_labels(data: ReportData) -> tuple[str, str]:
    w, p = data.window, data.previous
    if data.complete:
        return data.period.label.split(" (")[0], f"Samma period {p.start.year}"
    return (f"{fmt_date(w.start)} – {fmt_date(w.end - dt.timedelta(days=1))}",
            f"Samma datum {p.start.year}")


def district_figure(data: ReportData) -> go.Figure:
    current, previous = period_labels(data)
    return figures.compare_figure(data.by_district, current, previous, "Stadsdel")


def category_figure(data: ReportData, limit: int = 12) -> go.Figure:
    current, previous = period_labels(data)
    return figures.compare_figure(data.by_category.head(limit), current, previous, "Kategori")


def monthly_figure(data: ReportData) -> go.Figure:
    current, previous = period_labels(data)
    return figures.monthly_figure(data.monthly, current, previous)


def areas_figure(data: ReportData) -> go.Figure:
    current, previous = period_labels(data)
    return figures.areas_figure(data.areas, current, previous)


def survey_frame(data: ReportData) -> pd.DataFrame:
    """The mean over the chosen districts per indicator and survey period (weighted by respondents
    when every row has them)."""
    if data.survey.empty:
        return pd.DataFrame(columns=["indicator", "period", "label", "value"])
    rows = []
    for (indicator, period), part in data.survey.groupby(["indicator", "period"], sort=False):
        n = part["respondents"]
        if n.notna().all() and (n > 0).all():
            value = float((part["value"] * n).sum() / n.sum())
        else:
            value = float(part["value"].mean())
        rows.append((indicator, period, period_label(period), value))
    frame = pd.DataFrame(rows, columns=["indicator", "period", "label", "value"])
    order = {p: i for i, p in enumerate(sorted_periods(frame["period"].tolist()))}
    return frame.sort_values(by=["period"], key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


def survey_figure(data: ReportData) -> go.Figure:
    return figures.survey_figure(survey_frame(data))


# ---------------------------------------------------------------- the document


def _day(value: object) -> str:
    return fmt_date(pd.Timestamp(value).date()) if value is not None and pd.notna(value) else "–"


def _compare_table(frame: pd.DataFrame, name_label: str, current: str, previous: str) -> Table:
    return Table(
        [name_label, current, previous, "Förändring"],
        [[str(n), fmt_int(c), fmt_int(p), ("▲ " if f == "upp" else "▼ " if f == "ned" else "") + _change_text(c, p)]
         for n, c, p, f in zip(frame["name"], frame["count"], frame["previous"], frame["flag"], strict=True)],
        highlight=[f != "" for f in frame["flag"]],
    )


def summary_sentences(data: ReportData) -> list[str]:
    total, before = int(data.by_district["count"].sum()), int(data.by_district["previous"].sum())
    current = period_labels(data)[0]
    lines = [f"{fmt_int(total)} händelser rapporterades ({current}), "
             f"mot {fmt_int(before)} samma period året före: {_change_text(total, before)}."]
    ups = data.by_district[data.by_district["flag"] == "upp"]["name"].tolist()
    downs = data.by_district[data.by_district["flag"] == "ned"]["name"].tolist()
    if ups:
        lines.append("Statistiskt säker ökning i " + ", ".join(ups) + ".")
    if downs:
        lines.append("Statistiskt säker minskning i " + ", ".join(downs) + ".")
    cat_up = data.by_category[data.by_category["flag"] == "upp"]["name"].tolist()[:4]
    cat_down = data.by_category[data.by_category["flag"] == "ned"]["name"].tolist()[:4]
    if cat_up:
        lines.append("Kategorier som ökat: " + ", ".join(cat_up) + ".")
    if cat_down:
        lines.append("Kategorier som minskat: " + ", ".join(cat_down) + ".")
    if not (ups or downs or cat_up or cat_down):
        lines.append("Ingen stadsdel eller kategori har en statistiskt säker förändring mot året före.")
    return lines


def report(con: duckdb.DuckDBPyConnection, period: ReportPeriod, districts: tuple[str, ...] = (),
           now: dt.datetime | None = None, today: dt.date | None = None) -> Document:
    now = now or clock.now()
    data = report_data(con, period, districts, today=today or now.date())
    return report_document(data, now)


def report_document(data: ReportData, now: dt.datetime) -> Document:
    current, previous = period_labels(data)
    district_label = ", ".join(data.districts) if data.districts else "Alla stadsdelar"
    doc = Document(
        title=f"Lägesbild {data.period.label}",
        subtitle=f"{data.kommun} · brottsförebyggande arbete (lag 2023:196) · UTKAST",
        meta=[
            ("Period", f"{fmt_date(data.period.window.start)} – "
                       f"{fmt_date(data.period.window.end - dt.timedelta(days=1))}"),
            ("Stadsdelar", district_label),
            ("Jämförelse", f"samma datum året före ({fmt_date(data.previous.start)} – "
                           f"{fmt_date(data.previous.end - dt.timedelta(days=1))})"),
            ("Skapad", f"{now:%Y-%m-%d %H:%M} i Lägesbild"),
        ],
        footer=f"Lägesbild {data.period.label} · {data.kommun} · utkast",
        file_stem=f"lagesbild-{data.period.key}",
    )
    if not data.complete:
        until = fmt_date(data.data_until) if data.data_until else "–"
        doc.meta.append(("Obs", f"Perioden är inte avslutad: data till och med {until}, och jämförelsen gäller "
                                "samma datum året före."))
    if data.demo:
        doc.meta.append(("Obs", "Demodata – en påhittad kommun. Siffrorna gäller ingen verklig plats."))

    doc.add(Heading("Sammanfattning"))
    doc.add(Bullets(summary_sentences(data)))

    doc.add(Heading("Utveckling per stadsdel"))
    if data.by_district.empty:
        doc.add(Paragraph("Inga händelser under perioden."))
    else:
        doc.add(Figure(figures.print_style(district_figure(data), figures.compare_height(len(data.by_district))),
                       "Händelser per stadsdel", _compare_table(data.by_district, "Stadsdel", current, previous),
                       caption=f"{current} mot {previous.lower()}. Orange stapel: statistiskt säker ökning, "
                               "blå: säker minskning eller ingen säker förändring (se tabellen).",
                       height=figures.compare_height(len(data.by_district))))
        doc.add(_compare_table(data.by_district, "Stadsdel", current, previous))

    doc.add(Heading("Utveckling per kategori"))
    if not data.by_category.empty:
        top = data.by_category.head(12)
        doc.add(Figure(figures.print_style(category_figure(data), figures.compare_height(len(top))),
                       "Händelser per kategori (de tolv största)",
                       _compare_table(top, "Kategori", current, previous),
                       caption="Markerade rader i tabellen har en statistiskt säker förändring (exakt Poissontest, "
                               "p < 0,01 och minst 3 händelser i skillnad).",
                       height=figures.compare_height(len(top))))
        doc.add(_compare_table(data.by_category, "Kategori", current, previous))
        doc.add(Figure(figures.print_style(monthly_figure(data), 440), "Händelser per månad",
                       Table(["Månad", current, previous], [[str(lab), fmt_int(c), fmt_int(p)] for lab, c, p in
                                                            data.monthly.itertuples(index=False)]),
                       height=440))

    doc.add(Heading("Prioriterade områden och mål"))
    if data.areas.empty:
        doc.add(Paragraph("Inga prioriterade områden gäller under perioden."))
    else:
        doc.add(Figure(figures.print_style(areas_figure(data), figures.compare_height(len(data.areas)) + 40),
                       "Händelser i de prioriterade områdenas indikatorer",
                       Table(["Område", current, previous],
                             [[n, fmt_int(c), fmt_int(p)] for n, c, p in
                              zip(data.areas["name"], data.areas["count"], data.areas["count_last_year"],
                                  strict=True)]),
                       height=figures.compare_height(len(data.areas)) + 40))
        for row in data.areas.itertuples(index=False):
            doc.add(Heading(row.name, 2))
            doc.add(Paragraph(f"Mål: {row.goal}" if isinstance(row.goal, str) and row.goal else "Mål: –"))
            lines = [f"Indikatorer: {', '.join(row.indicators) or '–'}.",
                     f"{current}: {fmt_int(row.count)} händelser mot {fmt_int(row.count_last_year)} året före "
                     f"({row.change}{', statistiskt säker ' + ('ökning' if row.flag == 'upp' else 'minskning') if row.flag else ''})."]
            if row.baseline_year is not None and not pd.isna(row.baseline_year):
                lines.append(f"Samma datum {int(row.baseline_year)} (utgångsåret): {fmt_int(row.baseline)} händelser – "
                             f"{_change_text(row.count, int(row.baseline))} sedan dess.")
            lines.append(f"Insatser i stadsdelarna: {tables.intervention_counts(row.running, row.planned, row.overdue)}.")
            doc.add(Bullets(lines))

    doc.add(Heading("Insatser och uppmätt effekt"))
    if data.interventions.empty:
        doc.add(Paragraph("Inga insatser pågick under perioden i de valda stadsdelarna."))
    else:
        doc.add(Paragraph("Effekten jämför händelserna i insatsens kategorier i dess stadsdel före och under insatsen "
                          "med utvecklingen i övriga stadsdelar samma veckor (difference-in-differences, 95 % "
                          "konfidensintervall). Ett samband är inte ett bevis för att insatsen orsakade förändringen.",
                          "small"))
        frame = data.interventions
        doc.add(Table(
            ["Insats", "Stadsdel", "Ansvarig aktör", "Status", "Period", "Uppmätt effekt"],
            [[f"{t} ({i})", d if isinstance(d, str) else "Hela kommunen", o if isinstance(o, str) else "–", s,
              f"{fmt_date(pd.Timestamp(a).date())} – {fmt_date(pd.Timestamp(b).date()) if pd.notna(b) else 'tills vidare'}",
              e]
             for i, t, d, o, s, a, b, e in zip(frame["id"], frame["title"], frame["district"], frame["owner"],
                                               frame["status"], frame["start_date"], frame["end_date"],
                                               frame["effect"], strict=True)],
        ))

    doc.add(Heading("Trygghetsmätning"))
    survey = survey_frame(data)
    if survey.empty:
        doc.add(Paragraph("Det finns inga resultat från trygghetsmätningar för de valda stadsdelarna."))
    else:
        periods = list(dict.fromkeys(survey["label"]))
        pivot = survey.pivot_table(index="indicator", columns="label", values="value", sort=False)
        rows = []
        for indicator, values in pivot.iterrows():
            cells = [f"{values[p]:.1f} %".replace(".", ",") if pd.notna(values.get(p)) else "–" for p in periods]
            diff = ""
            if len(periods) == 2 and pd.notna(values.get(periods[0])) and pd.notna(values.get(periods[1])):
                d = values[periods[1]] - values[periods[0]]
                diff = f"{'+' if d > 0 else '−' if d < 0 else '±'}{abs(d):.1f}".replace(".", ",") + " procentenheter"
            rows.append([str(indicator), *cells, diff])
        table = Table(["Indikator", *periods, "Förändring"], rows)
        doc.add(Figure(figures.print_style(survey_figure(data), 150 + 70 * len(pivot)),
                       "Trygghetsmätningen, snitt för de valda stadsdelarna", table,
                       caption="Andel svarande (%) i de två senaste mätningarna; vägt med antalet svarande där det "
                               "finns.", height=150 + 70 * len(pivot)))
        doc.add(table)

    doc.add(Heading("Analys"))
    if data.analysis.strip():
        for part in data.analysis.strip().split("\n\n"):
            doc.add(Paragraph(part.strip()))
    else:
        doc.add(Paragraph(ANALYSIS_PLACEHOLDER, "placeholder"))

    doc.add(Heading("Åtgärdsplan (utkast)"))
    doc.add(Paragraph("Pågående och planerade insatser samt öppna beslut från samverkansmötena. Komplettera med "
                      "nya åtgärder utifrån analysen.", "small"))
    planned = data.plan
    if not planned.empty:
        doc.add(Table(
            ["Insats", "Prioriterat område", "Stadsdel", "Ansvarig aktör", "Status", "Period"],
            [[f"{t} ({i})", a if isinstance(a, str) else "–", d if isinstance(d, str) else "Hela kommunen",
              o if isinstance(o, str) else "–", s,
              f"{_day(start)} – {_day(b) if pd.notna(b) else 'tills vidare'}"]
             for i, t, a, d, o, s, start, b in zip(planned["id"], planned["title"], planned["priority_area"],
                                                   planned["district"], planned["owner"], planned["status"],
                                                   planned["start_date"], planned["end_date"], strict=True)],
        ))
    if not data.open_decisions.empty:
        doc.add(Heading("Öppna beslut från samverkansmötena", 2))
        frame = data.open_decisions
        doc.add(Table(
            ["Beslutat", "Beslut", "Ansvarig", "Klart senast"],
            [[fmt_date(pd.Timestamp(m).date()), t,
              " – ".join(x for x in (o, r) if isinstance(x, str) and x) or "–",
              fmt_date(pd.Timestamp(d).date()) if pd.notna(d) else "–"]
             for m, t, o, r, d in zip(frame["decided_on"], frame["text"], frame["organisation"],
                                      frame["responsible"], frame["deadline"], strict=True)],
        ))
    if planned.empty and data.open_decisions.empty:
        doc.add(Paragraph("Inga pågående eller planerade insatser och inga öppna beslut."))

    doc.add(Heading("Om underlaget", 2))
    doc.add(Paragraph(
        "Händelserna rapporteras av kommunens förvaltningar, polisen, bostadsbolag och andra parter. Antalet speglar "
        "både vad som händer och hur mycket som rapporteras. En förändring kallas statistiskt säker när ett exakt "
        "Poissontest ger p < 0,01 och skillnaden är minst tre händelser. Rapporten gäller platser och situationer, "
        "inte enskilda personer.", "small"))
    return doc
