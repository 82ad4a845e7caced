"""Display tables with Swedish headings, shared by the meeting page and the documents, so that
the minutes show the rows the room saw."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from trygghet.analysis import compstat, data_start, partial_week
from trygghet.analysis.interventions import FIELD_LABELS
from trygghet.analysis.partial_week import WeekSpan
from trygghet.core.formatting import MISSING, fmt_change_int, fmt_date, fmt_dec, fmt_int
from trygghet.core.periods import IsoWeek
from trygghet.meeting.records import DONE, FocusPlace, Meeting, is_missing


def _date(value: object) -> str:
    if is_missing(value):
        return MISSING
    if isinstance(value, pd.Timestamp):
        return fmt_date(value.date())
    return fmt_date(value)  # type: ignore[arg-type]


def _text(value: object, missing: str = MISSING) -> str:
    if value is None:
        return missing
    try:
        if pd.isna(value):  # type: ignore[arg-type]
            return missing
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or missing


def key_figure_items(figures: Mapping[str, float], week: IsoWeek, missing: Mapping[str, str] | None = None,
                     span: WeekSpan | None = None, previous_label: str = "Veckan före") -> list[tuple[str, str]]:
    """(label, value) of the four key figures, formatted once for the screen and the documents alike.
    Those in `missing` (data_start.key_figure_gaps) reach before the data: '–'. On a partial week
    (`span`) each is counted on the same weekdays, and the labels say so."""
    gone = missing or {}
    if span is not None and span.partial and span.days:
        # Short enough for a metric's label: the same weekdays of each week, which the note above names.
        days = f" ({span.short_weekdays})"
        labels = (f"Händelser {week.label}{days}", f"{previous_label}{days}", f"Snitt 4 veckor före{days}",
                  f"Samma vecka i fjol{days}")
    else:
        labels = (f"Händelser {week.label}", f"{previous_label} ({week.shift(-1).label})", "Snitt 4 veckor före",
                  f"Samma vecka i fjol ({week.same_week_last_year().label})")
    return [
        (labels[0], fmt_int(figures["week"])),
        (labels[1], MISSING if "previous_week" in gone else fmt_int(figures["previous_week"])),
        (labels[2], MISSING if "previous_4" in gone else fmt_dec(figures["previous_4_mean"], 1)),
        (labels[3], MISSING if "last_year" in gone else fmt_int(figures["last_year"])),
    ]


def week_delta(figures: Mapping[str, float], missing: Mapping[str, str] | None = None) -> str | None:
    """'−17 mot veckan före' under the week's figure, or None when the week before reaches before the data."""
    if "previous_week" in (missing or {}):
        return None
    return f"{fmt_change_int(figures['week'] - figures['previous_week'])} mot veckan före"


def key_figures(figures: Mapping[str, float], meeting: Meeting, missing: Mapping[str, str] | None = None,
                span: WeekSpan | None = None) -> pd.DataFrame:
    """The key figures as a one-row table (key_figure_items)."""
    return pd.DataFrame([dict(key_figure_items(figures, meeting.week, missing, span))])


def compstat_cells(counts: pd.DataFrame, limit: int | None = 8, columns: list[str] | None = None,
                   missing: Mapping[str, str] | None = None,
                   partial: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The CompStat table with the categories of the most events this week (all with limit=None),
    and the total last; beside it, per cell, 'upp'/'ned' where the change is statistically sure.
    With `columns`, only those columns are kept; with `missing` (data_start.compstat_gaps), the
    comparisons that reach before the data read 'ingen jämförelse …'; on a `partial` week
    (partial_week) nothing is flagged."""
    table, flags = data_start.blank_compstat(*compstat.compstat_table(counts), missing or {})
    if partial:
        table, flags = partial_week.unflagged(table, flags)
    if table.empty:
        return table, flags
    body = table.iloc[:-1].assign(_n=counts["week"].to_numpy())
    if limit is not None:
        body = body.sort_values("_n", ascending=False, kind="stable").head(limit)
    keep = [*body.index, table.index[-1]]
    shown, flags = table.loc[keep].reset_index(drop=True), flags.loc[keep].reset_index(drop=True)
    if columns is not None:
        shown, flags = shown[columns], flags[columns]
    return shown, flags


def compstat_rows(counts: pd.DataFrame, limit: int | None = 8, columns: list[str] | None = None,
                  missing: Mapping[str, str] | None = None, partial: bool = False) -> tuple[pd.DataFrame, list[bool]]:
    """compstat_cells for a document's table, which marks whole rows: those with a sure change in
    any of the kept columns (the cell's ▲/▼ says which way)."""
    shown, flags = compstat_cells(counts, limit, columns, missing, partial)
    return shown, [bool((flags.loc[i] != "").any()) for i in flags.index]


def followup(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Insats-ID": frame["id"],
        "Insats": frame["title"],
        "Stadsdel": [_text(d, "Hela kommunen") for d in frame["district"]],
        "Status": frame["status"],
        "Slut": [_date(d) for d in frame["end_date"]],
        "Att följa upp": frame["reasons"],
    })


def changes(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per intervention the meeting created or changed, its changes in one cell."""
    rows = []
    for iid, part in frame.groupby("id", sort=False):
        title = _text(part["title"].iloc[0], "")
        created = part["old_value"].isna().all() and "title" in set(part["field"])
        if created:
            what = "Ny insats: " + "; ".join(
                f"{FIELD_LABELS.get(f, f)} {_text(new)}" for f, new in zip(part["field"], part["new_value"], strict=True)
                if f != "title")
        else:
            what = "; ".join(f"{FIELD_LABELS.get(f, f)}: {_text(old)} → {_text(new)}"
                             for f, old, new in zip(part["field"], part["old_value"], part["new_value"], strict=True))
        rows.append((f"{title} ({iid})".strip(), what))
    return pd.DataFrame(rows, columns=["Insats", "Ändring"])


def decisions(frame: pd.DataFrame, meeting: Meeting, combined: bool = False) -> pd.DataFrame:
    """One row per decision: what, who (organisation and role in one column with `combined`), by
    when, its state as of the meeting."""
    def state(row: pd.Series) -> str:
        if row["status"] == DONE:
            return f"Klar {_date(row['done_on'])}"
        return "Öppen – försenad" if row["overdue"] else "Öppen"

    def intervention(row: pd.Series) -> str:
        return row["intervention_id"] if isinstance(row["intervention_id"], str) else ""

    def report(row: pd.Series) -> str:
        text = _text(row.get("report_text"), "")
        return f"{text} ({_date(row.get('reported_on'))})" if text else ""

    if combined:
        owners = [" – ".join(x for x in (_text(o, ""), _text(r, "")) if x) or MISSING
                  for o, r in zip(frame["organisation"], frame["responsible"], strict=True)]
        responsible = {"Ansvarig": owners}
    else:
        responsible = {"Ansvarig organisation": [_text(v) for v in frame["organisation"]],
                       "Ansvarig": [_text(v) for v in frame["responsible"]]}
    return pd.DataFrame({
        "Beslutat": [_date(d) for d in frame["decided_on"]],
        "Beslut": frame["text"],
        **responsible,
        "Klart senast": [_date(d) for d in frame["deadline"]],
        "Status": [state(r) for _, r in frame.iterrows()] if len(frame) else [],
        "Insats": [intervention(r) for _, r in frame.iterrows()] if len(frame) else [],
        "Återrapport": [report(r) for _, r in frame.iterrows()] if len(frame) else [],
    })


def focus(places: Sequence[FocusPlace]) -> pd.DataFrame:
    return pd.DataFrame({
        "Stadsdel": [p.district for p in places],
        "Plats": [p.place or "Hela stadsdelen" for p in places],
        "Anledning": [p.reason or "" for p in places],
    })


def areas(frame: pd.DataFrame, current_label: str, previous_label: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Prioriterat område": frame["name"],
        "Mål": [_text(g) for g in frame["goal"]],
        current_label: [fmt_int(v) for v in frame["count"]],
        previous_label: [fmt_int(v) for v in frame["count_last_year"]],
        "Förändring": [("▲ " if f == "upp" else "▼ " if f == "ned" else "") + c
                       for c, f in zip(frame["change"], frame["flag"], strict=True)],
        "Insatser": [intervention_counts(r, p, o)
                     for r, p, o in zip(frame["running"], frame["planned"], frame["overdue"], strict=True)],
    })


def intervention_counts(running: int, planned: int, overdue: int) -> str:
    parts = [f"{fmt_int(running)} pågående"] if running else []
    if planned:
        parts.append(f"{fmt_int(planned)} {'planerad' if planned == 1 else 'planerade'}")
    if overdue:
        parts.append(f"{fmt_int(overdue)} {'försenad' if overdue == 1 else 'försenade'}")
    return ", ".join(parts) or "inga öppna"
