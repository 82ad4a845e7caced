"""The year's rhythm as a figure: the usual week of the year against this year, the usual peaks
shaded, and the year's interventions as bars on the same weeks. Plotly only, no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from trygghet.analysis import seasonality
from trygghet.core.formatting import fmt_dec, fmt_int
from trygghet.present import chart_style, trend_figure

USUAL_COLOUR, THIS_YEAR_COLOUR, PEAK_FILL, PLAN_COLOUR = "#595959", "#0072B2", "rgba(230,159,0,0.18)", "#009E73"


def _peak_runs(profile: pd.DataFrame) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for week in profile.loc[profile["peak"], "week"]:
        if runs and week == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], int(week))
        else:
            runs.append((int(week), int(week)))
    return runs


def year_figure(profile: pd.DataFrame, plans: pd.DataFrame, year: int) -> go.Figure:
    # One dict, checked by Plotly once: make_subplots, add_vrect, a trace per intervention and the
    # update_* calls each walk Plotly's property machinery again, on every district click.
    row = {"xaxis": "x", "yaxis": "y"}
    data: list[dict[str, object]] = [
        {"type": "scatter", "x": profile["week"], "y": profile["usual"], "name": "Snitt tidigare hela år",
         "mode": "lines", "line": {"color": USUAL_COLOUR, "width": 3, "dash": "dash"},
         "hovertemplate": "v. %{x}: %{y:.1f} i snitt<extra></extra>", **row},
        {"type": "scatter", "x": profile["week"], "y": profile["this_year"], "name": str(year),
         "mode": "lines+markers", "line": {"color": THIS_YEAR_COLOUR, "width": 3}, "marker": {"size": 6},
         "hovertemplate": "v. %{x}: %{y} händelser<extra></extra>", **row},
    ]
    weeks = {"range": [0.5, seasonality.WEEKS + 0.5], "dtick": 4}
    layout: dict[str, object] = {
        "shapes": [{"type": "rect", "xref": "x", "yref": "y domain", "x0": first - 0.5, "x1": last + 0.5,
                    "y0": 0, "y1": 1, "fillcolor": PEAK_FILL, "line": {"width": 0}}
                   for first, last in _peak_runs(profile)],
        "legend": {"orientation": "h", "y": 1.08, "x": 0},
    }
    if plans.empty:
        layout |= trend_figure.single_axes()
        layout["xaxis"] |= weeks | {"title": {"text": "Vecka"}}
    else:
        xs: list[float | None] = []
        ys: list[int | None] = []
        names: list[list[object]] = []
        for i, plan in enumerate(plans.itertuples(index=False)):
            xs += [plan.first_week - 0.4, plan.last_week + 0.4, None]
            ys += [i, i, None]
            names += [[plan.title, plan.status]] * 2 + [[None, None]]
        data.append({"type": "scatter", "x": xs, "y": ys, "mode": "lines", "showlegend": False,
                     "line": {"color": PLAN_COLOUR, "width": 10}, "customdata": names,
                     "hovertemplate": "%{customdata[0]} (%{customdata[1]})<extra></extra>",
                     "xaxis": "x2", "yaxis": "y2"})
        layout |= trend_figure.stacked_axes(380, 26 * len(plans), 0.05)
        layout["xaxis"] |= weeks
        layout["xaxis2"] |= weeks | {"title": {"text": "Vecka"}}
        layout["yaxis2"] |= {"tickvals": list(range(len(plans))), "autorange": "reversed",
                             "title": {"text": "Insatser"},
                             "ticktext": [trend_figure.short_title(t) for t in plans["title"]]}
    layout["yaxis"] |= {"title": {"text": "Händelser per vecka"}, "rangemode": "tozero"}
    return go.Figure(data=data, layout=chart_style.styled_layout(layout, height=440 + 26 * len(plans)))


def year_chart(counts: pd.DataFrame, category: str | None, year: int, plans: pd.DataFrame,
               what: str) -> tuple[go.Figure, str]:
    """year_figure and year_summary from weekly_counts' result, for one category (None: all)."""
    profile = seasonality.year_profile(counts, category, year)
    return year_figure(profile, plans, year), year_summary(profile, plans, year, what)


def year_summary(profile: pd.DataFrame, plans: pd.DataFrame, year: int, what: str) -> str:
    """The figure in words, for its text alternative."""
    peaks = seasonality.week_ranges(profile.loc[profile["peak"], "week"].astype(int).tolist())
    known = profile.dropna(subset=["this_year"])
    text = f"{what}: brukar toppa {peaks}." if peaks != "–" else f"{what}: ingen vecka brukar sticka ut."
    if known.empty:
        text += f" Inga veckor {year} i datan ännu."
    else:
        both = known.dropna(subset=["usual"])
        text += f" {year} hittills {fmt_int(known['this_year'].sum())} händelser på {fmt_int(len(known))} veckor"
        if not both.empty:
            text += f", mot {fmt_dec(both['usual'].sum(), 0)} samma veckor ett vanligt år"
        text += "."
    if not plans.empty:
        text += " Insatser: " + "; ".join(f"{p.title} v. {p.first_week}–{p.last_week}"
                                          for p in plans.itertuples(index=False)) + "."
    return text
