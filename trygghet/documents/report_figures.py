"""The lägesbild report's charts and the tables behind them, shared by the Rapport page and the
documents; each figure comes with a text alternative that says what it shows, for screen readers."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from trygghet.analysis.survey import period_label, sorted_periods
from trygghet.core.formatting import fmt_change_int, fmt_change_pct, fmt_date, fmt_dec, fmt_int
from trygghet.documents.report_data import ReportData
from trygghet.present import figures

MONTH_ROW = 58  # px per month in the horizontal monthly chart: each bar is taller than its label


def period_labels(data: ReportData) -> tuple[str, str]:
    """The names of the two compared periods, as column headers and legends."""
    w, p = data.window, data.previous
    if data.complete and data.period.kind != "datum":
        name = data.period.name
        return name[0].upper() + name[1:], f"Samma period {p.start.year}"
    return (f"{fmt_date(w.start)} – {fmt_date(w.end - dt.timedelta(days=1))}",
            f"Samma datum {p.start.year}")


NO_COMPARISON = "ingen jämförelse"


def _missing(previous: object) -> bool:
    return previous is None or bool(pd.isna(previous))  # type: ignore[arg-type]


def change_text(count: int, previous: int | None) -> str:
    """'+113 (+5 %)': the change in events, with the percentage once the base has ten events;
    'ingen jämförelse' without a previous figure (the data begins later)."""
    if _missing(previous):
        return NO_COMPARISON
    assert previous is not None
    pct = (count - previous) / previous * 100 if previous else None
    return fmt_change_int(count - previous) + (f" ({fmt_change_pct(pct)})" if pct is not None and previous >= 10
                                               else "")


def change_words(count: int, previous: int | None) -> str:
    """The change inside a sentence, without nested brackets: '+113 händelser, +5 %'; 'ingen
    jämförelse' without a previous figure."""
    if _missing(previous):
        return NO_COMPARISON
    assert previous is not None
    pct = (count - previous) / previous * 100 if previous else None
    events = "händelse" if abs(count - previous) == 1 else "händelser"
    text = f"{fmt_change_int(count - previous)} {events}"
    return text + (f", {fmt_change_pct(pct)}" if pct is not None and previous >= 10 else "")


def compare_figure(frame: pd.DataFrame, current: str, previous: str, name_label: str) -> go.Figure:
    """figures.compare_figure where a missing previous figure (the data begins later) is no bar and
    reads 'ingen jämförelse', never a bar of zero."""
    missing = [_missing(p) for p in frame["previous"]]
    fig = figures.compare_figure(frame.assign(previous=[0 if m else p for m, p in
                                                        zip(missing, frame["previous"], strict=True)]),
                                 current, previous, name_label)
    if any(missing):
        reversed_missing = missing[::-1]
        bars = fig.data[0]
        bars.x = [None if m else x for m, x in zip(reversed_missing, bars.x, strict=True)]
        bars.text = [NO_COMPARISON if m else t for m, t in zip(reversed_missing, bars.text, strict=True)]
    return fig


def district_figure(data: ReportData) -> go.Figure:
    current, previous = period_labels(data)
    return compare_figure(data.by_district, current, previous, "Stadsdel")


def category_figure(data: ReportData, limit: int = 12) -> go.Figure:
    current, previous = period_labels(data)
    return compare_figure(data.by_category.head(limit), current, previous, "Kategori")


def monthly_height(data: ReportData) -> int:
    return 150 + MONTH_ROW * max(len(data.monthly), 1)


def monthly_figure(data: ReportData) -> go.Figure:
    """One row per month, the year before beside it: a year's twelve months keep readable labels
    (as vertical bars their numbers shrank to a few points and overlapped)."""
    current, previous = period_labels(data)
    frame = pd.DataFrame({"name": data.monthly["label"], "count": data.monthly["count"],
                          "previous": data.monthly["previous"], "flag": ""})
    fig = compare_figure(frame, current, previous, "Månad")
    fig.update_xaxes(title="Händelser per månad")
    # Plotly shrinks a label to its bar's thickness by default; each bar is tall enough for its label.
    fig.update_traces(constraintext="none")
    return fig


def areas_figure(data: ReportData) -> go.Figure:
    current, previous = period_labels(data)
    areas = data.areas
    fig = figures.areas_figure(areas.assign(count_last_year=[0 if _missing(p) else p for p in areas["count_last_year"]]),
                               current, previous)
    missing = [_missing(p) for p in areas["count_last_year"]][::-1]
    if any(missing):
        bars = fig.data[0]
        bars.x = [None if m else x for m, x in zip(missing, bars.x, strict=True)]
        bars.text = [NO_COMPARISON if m else t for m, t in zip(missing, bars.text, strict=True)]
    return fig


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


def points_text(difference: float) -> str:
    """A change in percentage points as shown: rounded first, so a change that rounds to nothing
    reads 'oförändrat' and never '+0,0 procentenheter'."""
    shown = fmt_dec(abs(difference), 1)
    if shown == fmt_dec(0, 1):
        return "oförändrat"
    return f"{'+' if difference > 0 else '−'}{shown} procentenheter"


def compare_alt(frame: pd.DataFrame, what: str, current: str, previous: str) -> str:
    """A bar chart's text alternative: what it compares and every bar's numbers."""
    flags = frame["flag"] if "flag" in frame.columns else [""] * len(frame)
    parts = [f"{n}: {fmt_int(c)} ({previous.lower()}: {NO_COMPARISON if _missing(p) else fmt_int(p)})"
             + (f", markerad: statistiskt säker {'ökning' if f == 'upp' else 'minskning'}" if f else "")
             for n, c, p, f in zip(frame["name"], frame["count"], frame["previous"], flags, strict=True)]
    marked = sum(1 for f in flags if f)
    note = (f" {marked} staplar är markerade som statistiskt säker förändring." if marked
            else " Ingen stapel är markerad.")
    return (f"Stapeldiagram över {what}, {current.lower()} mot {previous.lower()}.{note} " + "; ".join(parts)
            + ".")


def monthly_alt(data: ReportData) -> str:
    current, previous = period_labels(data)
    parts = [f"{lab}: {fmt_int(c)} ({NO_COMPARISON if _missing(p) else fmt_int(p) + ' året före'})"
             for lab, c, p in data.monthly.itertuples(index=False)]
    return f"Stapeldiagram över händelser per månad, {current.lower()} mot {previous.lower()}. " + "; ".join(parts) + "."


def survey_alt(frame: pd.DataFrame) -> str:
    parts = [f"{i}, {lab}: {fmt_dec(v, 1)} %" for i, lab, v in zip(frame["indicator"], frame["label"], frame["value"],
                                                                   strict=True)]
    return "Stapeldiagram över trygghetsmätningens andelar per fråga och mätning. " + "; ".join(parts) + "."
