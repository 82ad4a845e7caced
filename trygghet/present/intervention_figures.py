"""The Insatser page's two figures, with their text alternatives: the interventions on a timeline,
and one intervention's weekly events as an index against the other districts. Plotly only, no
Streamlit: each returns the figure and the summary a screen reader gets in its place."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go

from trygghet.analysis import interventions
from trygghet.core.formatting import fmt_date, fmt_dec, fmt_int
from trygghet.present import chart_style

# Colour-blind-safe (Okabe–Ito): the two open statuses far apart, the closed ones muted.
STATUS_COLORS = {"Pågående": "#0072B2", "Planerad": "#E69F00", "Avslutad": "#8C8C8C", "Inställd": "#CC79A7"}
OVERDUE = "Försenad"


_TIMELINE_HOVER = ("<b>%{y}</b><br>%{customdata[0]} · %{customdata[4]} · %{customdata[5]}<br>"
                   "Status: %{customdata[1]} (%{customdata[6]})<br>Start %{customdata[2]}, slut %{customdata[3]}"
                   "<extra></extra>")
_TIMELINE_CUSTOM = ["Insats-ID", "Status", "Start (text)", "Slut (text)", "Stadsdel", "Ansvarig aktör", "Läge"]
_PLAN = "Enligt plan"
_OTHER_STATUS = "#595959"  # a status the app does not know, typed into a spreadsheet
# The bars drawn at most: a taller chart is drawn more slowly on every click, and runs off the wall.
TIMELINE_MAX = 25


def _timeline_bars(timed: pd.DataFrame, legend: list[tuple[str, str]]) -> list[dict[str, object]]:
    """The interventions as one horizontal bar trace, as plain data: each bar starts at its start date
    (`base`), is as long as the intervention in milliseconds, coloured by status and hatched when
    overdue. A trace per status and state cost the browser a redraw of each (a chart that changes
    is drawn anew on every click); the legend's entries are traces without points.

    `legend`: the (status, state) pairs shown, in the legend's order."""
    status_of, overdue = timed["Status"].to_numpy(), timed["Läge"].to_numpy() == OVERDUE
    base = timed["Start"].to_numpy()
    length = ((timed["Till"] - timed["Start"]) // pd.Timedelta(milliseconds=1)).to_numpy()
    bars: list[dict[str, object]] = [{
        "type": "bar", "orientation": "h", "name": "Insatser", "showlegend": False, "xaxis": "x", "yaxis": "y",
        "base": base, "x": length, "y": timed["Etikett"].to_numpy(), "customdata": timed[_TIMELINE_CUSTOM].to_numpy(),
        "marker": {"color": [STATUS_COLORS.get(s, _OTHER_STATUS) for s in status_of],
                   "pattern": {"shape": ["/" if late else "" for late in overdue]}},
        "hovertemplate": _TIMELINE_HOVER,
    }]
    for status, state in legend:
        # The meeting reads "Pågående" and "Pågående – försenad".
        name = status if state == _PLAN else f"{status} – försenad"
        bars.append({
            "type": "bar", "orientation": "h", "name": name, "showlegend": True, "xaxis": "x", "yaxis": "y",
            "x": [None], "y": [None], "hoverinfo": "skip",
            "marker": {"color": STATUS_COLORS.get(status, _OTHER_STATUS),
                       "pattern": {"shape": "/" if state == OVERDUE else ""}},
        })
    return bars


def _timeline_layout(labels: list[str], today: dt.date, height: int) -> dict[str, object]:
    layout = {
        "barmode": "overlay",
        "xaxis": {"anchor": "y", "domain": [0.0, 1.0], "type": "date", "tickformat": "%Y-%m", "showgrid": True,
                  "gridcolor": "#E5E5E5"},
        # plotly.express's order, kept as the meeting knows the chart: the category list reversed, and the
        # axis reversed too.
        "yaxis": {"anchor": "x", "domain": [0.0, 1.0], "categoryorder": "array", "categoryarray": labels[::-1],
                  "autorange": "reversed"},
        # At the top, clear of the 'Idag' label: a tall chart's bottom edge is often off screen. Placed
        # in the whole chart, not over the plot alone, so that it stays a row on a narrow screen.
        "legend": {"title": {"text": "Status"}, "orientation": "h", "xref": "container", "yref": "container",
                   "x": 0, "xanchor": "left", "y": 1, "yanchor": "top"},
        "shapes": [{"type": "line", "x0": today, "x1": today, "y0": 0, "y1": 1, "yref": "paper",
                    "line": {"color": "#000000", "width": 2, "dash": "dash"}}],
        "annotations": [{"x": today, "y": 1, "yref": "paper", "text": f"Idag {fmt_date(today)}", "showarrow": False,
                         "yanchor": "bottom", "xanchor": "left", "font": {"size": 16}}],
    }
    styled = chart_style.styled_layout(layout, height=height, top=90)
    # Room for the labels and the dates below from the start: when Plotly's automargin has to widen a
    # margin, it draws the whole chart a second time (15-40 ms a click in Chromium). It still widens
    # a guess that was short.
    # On the right, half the last date's label, which may sit at the edge.
    styled["margin"].update({"l": label_margin(labels), "b": 44, "r": 24})  # type: ignore[union-attr]
    return styled


def label_margin(labels: list[str], size: int = chart_style.CHART_FONT - 2) -> int:
    """Pixels left of the plot for the longest of `labels` at font `size`, and the ticks' padding."""
    return round(max((chart_style.text_width(label, size) for label in labels), default=0.0)) + 16


def timeline(listed: pd.DataFrame, today: dt.date, limit: int = TIMELINE_MAX) -> tuple[go.Figure, str] | None:
    """The interventions of intervention_list with a start date as bars from start to end, coloured
    by status and hatched when overdue; None when none has a start date. At most `limit` of them:
    the first in the list's order, which puts what the meeting follows up on first (open and
    overdue, then the most recently ended); the summary says how many more the list holds."""
    dated = listed[listed["Start"].notna()]
    if dated.empty:
        return None
    timed = dated.iloc[:limit].copy()
    timed["Start"] = pd.to_datetime(timed["Start"])
    # Without an end date a bar runs to today (or a week past a later start), so that it is visible.
    open_end = pd.Series([max(pd.Timestamp(today), s + pd.Timedelta(days=7)) for s in timed["Start"]],
                         index=timed.index)
    timed["Till"] = pd.to_datetime(timed["Slut"]).fillna(open_end)
    duplicated = timed["Insats"].duplicated(keep=False)
    timed["Etikett"] = timed["Insats"].where(~duplicated, timed["Insats"] + " (" + timed["Insats-ID"] + ")")
    timed["Läge"] = timed["Försenad"].map({True: OVERDUE, False: _PLAN})
    timed["Slut (text)"] = timed["Slut"].map(lambda d: fmt_date(d) if pd.notna(d) else "ej satt")
    timed["Start (text)"] = timed["Start"].dt.date.map(fmt_date)
    timed = timed.sort_values(["Start", "Insats-ID"])
    statuses = [s for s in interventions.LIST_STATUS_ORDER if s in set(timed["Status"])]
    statuses += sorted(set(timed["Status"]) - set(statuses))
    shown = set(zip(timed["Status"], timed["Läge"], strict=True))
    legend = [(s, state) for s in statuses for state in (_PLAN, OVERDUE) if (s, state) in shown]
    height = 190 + 34 * len(timed)
    fig = go.Figure(data=_timeline_bars(timed, legend),
                    layout=_timeline_layout(list(timed["Etikett"]), today, height))
    running = int(((timed["Start"] <= pd.Timestamp(today)) & (timed["Till"] >= pd.Timestamp(today))).sum())
    summary = (
        f"Tidslinjen visar {fmt_int(len(timed))} insatser från {fmt_date(timed['Start'].min().date())} "
        f"till {fmt_date(timed['Till'].max().date())}; {fmt_int(running)} av dem pågår enligt sina datum idag "
        f"(streckad linje). Färgen visar status och snedstreck att insatsen är försenad. "
        "Insatser utan slutdatum ritas fram till idag."
    )
    if len(dated) > len(timed):
        summary += (f" Ytterligare {fmt_int(len(dated) - len(timed))} insatser med startdatum finns bara i "
                    f"tabellen: tidslinjen visar de {fmt_int(len(timed))} första i tabellens ordning.")
    missing = len(listed) - len(dated)
    if missing:
        summary += f" {fmt_int(missing)} insatser saknar startdatum och finns bara i tabellen."
    return fig, summary


def effect_index(data: interventions.EffectData, colour: str) -> tuple[go.Figure, str] | None:
    """Weekly counts as an index (each line's own mean before the start = 100), with each period's
    mean drawn as a thick step: the weekly points of one district jump too much to read from the
    back of the room, and the period means are exactly what the effect estimate compares.

    `colour` is the district's own. None when either line had no events before the start, since
    an index of zero cannot be drawn."""
    frame = data.frame.copy()
    before = frame[frame["period"] == interventions.PERIOD_BEFORE]
    mean_treated, mean_control = before["treated"].mean(), before["control"].mean()
    if not mean_treated > 0 or not mean_control > 0:
        return None
    frame["week"] = pd.to_datetime(frame["week"])
    frame["treated_index"] = frame["treated"] / mean_treated * 100
    frame["control_index"] = frame["control"] / mean_control * 100
    week_labels = [f"v. {d.isocalendar().week} {d.isocalendar().year}" for d in frame["week"]]
    half_week = pd.Timedelta(days=3.5)

    shading = {interventions.PERIOD_BEFORE: ("#EDEDED", "Före"),
               interventions.PERIOD_DURING: ("#D5E6F3", "Under insatsen"),
               interventions.PERIOD_AFTER: ("#EDEDED", "Efter")}
    # Built as plain data and checked by Plotly once: add_vrect, add_annotation and the update
    # calls each go through its relayout machinery, 40 ms for this one chart.
    bands: list[dict[str, object]] = []
    labels: list[dict[str, object]] = []
    steps: dict[str, tuple[list[object], list[object]]] = {"treated": ([], []), "control": ([], [])}
    for period, (fill, label) in shading.items():
        part = frame[frame["period"] == period]
        if part.empty:
            continue
        # Points sit on a week's Monday; the band covers half a week on either side of them.
        x0, x1 = part["week"].min() - half_week, part["week"].max() + half_week
        bands.append({"type": "rect", "x0": x0, "x1": x1, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                      "fillcolor": fill, "opacity": 1, "layer": "below", "line": {"width": 0}})
        labels.append({"x": x0 + (x1 - x0) / 2, "y": 1, "yref": "paper", "text": label, "showarrow": False,
                       "yanchor": "bottom", "font": {"size": 16, "weight": "bold"}})
        for group in ("treated", "control"):
            xs, ys = steps[group]
            level = part[f"{group}_index"].mean()
            xs += [x0, x1, None]
            ys += [level, level, None]
    baseline = {"type": "line", "x0": 0, "x1": 1, "xref": "x domain", "y0": 100, "y1": 100, "yref": "y",
                "line": {"color": "#595959", "width": 1}}
    traces: list[dict[str, object]] = []
    for group, name, line_colour, dash in (("control", "Övriga stadsdelar", "#595959", "dash"),
                                           ("treated", data.district, colour, "solid")):
        counts = frame[group]
        traces.append({
            "type": "scatter", "x": frame["week"].to_numpy(), "y": frame[f"{group}_index"].to_numpy(),
            "name": f"{name}, per vecka", "mode": "lines", "line": {"color": line_colour, "width": 1.5, "dash": dash},
            "opacity": 0.45, "legendgroup": group, "showlegend": False,
            "customdata": list(zip(week_labels, counts, strict=True)), "meta": name,
            "hovertemplate": "%{customdata[0]}: %{customdata[1]} händelser (index %{y:.0f})<extra>%{meta}</extra>",
        })
        traces.append({
            "type": "scatter", "x": steps[group][0], "y": steps[group][1], "name": f"{name}, snitt per period",
            "mode": "lines", "line": {"color": line_colour, "width": 5, "dash": dash}, "legendgroup": group,
            "hoverinfo": "skip",
        })
    layout = {
        "shapes": [*bands, baseline], "annotations": labels, "hovermode": "closest",
        "xaxis": {"tickformat": "%Y-%m"}, "yaxis": {"title": {"text": "Index (snitt före = 100)"}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.1, "yanchor": "top"},
    }
    fig = go.Figure(data=traces, layout=chart_style.styled_layout(layout, height=480, top=40))

    sums = frame.groupby("period")[["treated", "control"]].sum()
    n_weeks = data.weeks
    described = []
    for period in (interventions.PERIOD_BEFORE, interventions.PERIOD_DURING, interventions.PERIOD_AFTER):
        if n_weeks[period]:
            w = n_weeks[period]
            described.append(
                f"{period} ({fmt_int(w)} veckor): {fmt_dec(sums.loc[period, 'treated'] / w, 1)} per vecka i "
                f"{data.district} och {fmt_dec(sums.loc[period, 'control'] / w, 1)} i övriga stadsdelar"
            )
    return fig, "Händelser i snitt " + "; ".join(described) + "."
