"""present.intervention_figures: the Insatser page's timeline and effect figures and the text a
screen reader gets instead, worked out by hand for small lists, and the figures compared with the
ones plotly.express and Plotly's own add/update calls build from the same data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from trygghet.analysis import interventions
from trygghet.analysis.interventions import LIST_STATUS_ORDER, EffectData
from trygghet.core.filters import default_filters
from trygghet.core.formatting import fmt_date
from trygghet.demo.build import build_demo
from trygghet.present import chart_style
from trygghet.present import intervention_figures as figs
from trygghet.store.db import Database

TODAY = dt.date(2026, 6, 15)


def listed(*rows: tuple[str, str, dt.date | None, dt.date | None, bool]) -> pd.DataFrame:
    """intervention_list's columns that the timeline reads: id, title, start, end, overdue."""
    return pd.DataFrame({
        "Insats-ID": [r[0] for r in rows],
        "Insats": [r[1] for r in rows],
        "Stadsdel": "Norrby",
        "Status": "Pågående",
        "Start": [r[2] for r in rows],
        "Slut": [r[3] for r in rows],
        "Försenad": [r[4] for r in rows],
        "Ansvarig aktör": "Kommun",
    })


def test_no_start_dates_no_timeline() -> None:
    assert figs.timeline(listed(("A", "Kameror", None, dt.date(2026, 7, 1), False)), TODAY) is None


def test_the_timeline_and_its_summary() -> None:
    fig, summary = figs.timeline(listed(
        ("A", "Belysning", dt.date(2026, 1, 10), dt.date(2026, 5, 31), True),  # ended before today, still open
        ("B", "Fältare", dt.date(2026, 6, 1), None, False),  # no end: drawn to today
        ("C", "Kameror", None, None, False),  # no start: only in the table
    ), TODAY)  # type: ignore[misc]
    assert summary == (
        "Tidslinjen visar 2 insatser från 2026-01-10 till 2026-06-15; 1 av dem pågår enligt sina datum idag "
        "(streckad linje). Färgen visar status och snedstreck att insatsen är försenad. Insatser utan slutdatum "
        "ritas fram till idag. 1 insatser saknar startdatum och finns bara i tabellen."
    )
    assert sorted(t.name for t in fig.data) == ["Pågående", "Pågående – försenad"]
    bars = {y: base for t in fig.data for y, base in zip(t.y, t.base, strict=True)}
    assert set(bars) == {"Belysning", "Fältare"}


def test_an_open_bar_starting_after_today_runs_a_week() -> None:
    _fig, summary = figs.timeline(listed(("A", "Sommarlov", dt.date(2026, 6, 20), None, False)), TODAY)  # type: ignore[misc]
    assert "från 2026-06-20 till 2026-06-27; 0 av dem pågår" in summary


def effect(treated: list[int], control: list[int], periods: list[str]) -> EffectData:
    weeks = [dt.date(2026, 3, 2) + dt.timedelta(weeks=i) for i in range(len(periods))]
    frame = pd.DataFrame({"week": weeks, "period": periods, "treated": treated, "control": control})
    return EffectData("INS-1", "Belysning", "Norrby", "Avslutad", weeks[0], weeks[-1], False, ("Klotter",), None, 2,
                      frame)


def test_the_effect_index_and_its_summary() -> None:
    data = effect([4, 6, 2, 3, 5], [20, 20, 19, 21, 30], ["före", "före", "under", "under", "efter"])
    fig, summary = figs.effect_index(data, "#123456")  # type: ignore[misc]
    assert summary == ("Händelser i snitt före (2 veckor): 5,0 per vecka i Norrby och 20,0 i övriga stadsdelar; "
                       "under (2 veckor): 2,5 per vecka i Norrby och 20,0 i övriga stadsdelar; "
                       "efter (1 veckor): 5,0 per vecka i Norrby och 30,0 i övriga stadsdelar.")
    weekly = {t.name: list(t.y) for t in fig.data if t.name.endswith("per vecka")}
    # Each line's mean before the start is 100: Norrby 5 a week, the others 20.
    assert weekly == {"Övriga stadsdelar, per vecka": [100, 100, 95, 105, 150],
                      "Norrby, per vecka": [80, 120, 40, 60, 100]}
    assert next(t for t in fig.data if t.name == "Norrby, snitt per period").line.color == "#123456"


def test_no_events_before_the_start_no_index() -> None:
    assert figs.effect_index(effect([0, 0, 2], [10, 12, 9], ["före", "före", "under"]), "#123456") is None


# The figures are built as plain data; what reaches the browser must be what plotly.express and
# Plotly's own add/update calls gave (the way they were built before, kept here as the reference).


def reference_timeline(listed_: pd.DataFrame, today: dt.date) -> go.Figure:
    timed = listed_[listed_["Start"].notna()].copy()
    timed["Start"] = pd.to_datetime(timed["Start"])
    open_end = pd.Series([max(pd.Timestamp(today), s + pd.Timedelta(days=7)) for s in timed["Start"]],
                         index=timed.index)
    timed["Till"] = pd.to_datetime(timed["Slut"]).fillna(open_end)
    duplicated = timed["Insats"].duplicated(keep=False)
    timed["Etikett"] = timed["Insats"].where(~duplicated, timed["Insats"] + " (" + timed["Insats-ID"] + ")")
    timed["Läge"] = timed["Försenad"].map({True: figs.OVERDUE, False: "Enligt plan"})
    timed["Slut (text)"] = timed["Slut"].map(lambda d: fmt_date(d) if pd.notna(d) else "ej satt")
    timed["Start (text)"] = timed["Start"].dt.date.map(fmt_date)
    timed = timed.sort_values(["Start", "Insats-ID"])
    statuses = [s for s in LIST_STATUS_ORDER if s in set(timed["Status"])]
    statuses += sorted(set(timed["Status"]) - set(statuses))
    fig = px.timeline(
        timed, x_start="Start", x_end="Till", y="Etikett", color="Status", pattern_shape="Läge",
        pattern_shape_map={figs.OVERDUE: "/", "Enligt plan": ""}, color_discrete_map=figs.STATUS_COLORS,
        category_orders={"Status": statuses, "Etikett": list(timed["Etikett"]), "Läge": ["Enligt plan", figs.OVERDUE]},
        custom_data=["Insats-ID", "Status", "Start (text)", "Slut (text)", "Stadsdel", "Ansvarig aktör", "Läge"],
    )
    fig.update_traces(
        hovertemplate="<b>%{y}</b><br>%{customdata[0]} · %{customdata[4]} · %{customdata[5]}<br>"
        "Status: %{customdata[1]} (%{customdata[6]})<br>Start %{customdata[2]}, slut %{customdata[3]}<extra></extra>",
    )
    fig.add_shape(type="line", x0=today, x1=today, y0=0, y1=1, yref="paper",
                  line={"color": "#000000", "width": 2, "dash": "dash"})
    fig.add_annotation(x=today, y=1, yref="paper", text=f"Idag {fmt_date(today)}", showarrow=False,
                       yanchor="bottom", xanchor="left", font={"size": 16})
    fig.update_yaxes(title=None, autorange="reversed")
    fig.update_xaxes(title=None, tickformat="%Y-%m", showgrid=True, gridcolor="#E5E5E5")
    fig.for_each_trace(lambda t: t.update(name=t.name.replace(", Enligt plan", "").replace(f", {figs.OVERDUE}",
                                                                                            " – försenad")))
    height = 190 + 34 * len(timed)
    fig.update_layout(legend={"title": {"text": "Status"}, "orientation": "h", "x": 0, "xanchor": "left",
                              "yanchor": "bottom", "y": 1 + 34 / (height - 140)})
    chart_style.style_figure(fig, height=height)
    fig.update_layout(margin={"t": 90})
    return fig


def reference_effect_index(data: EffectData, colour: str) -> go.Figure:
    frame = data.frame.copy()
    before = frame[frame["period"] == "före"]
    frame["week"] = pd.to_datetime(frame["week"])
    frame["treated_index"] = frame["treated"] / before["treated"].mean() * 100
    frame["control_index"] = frame["control"] / before["control"].mean() * 100
    week_labels = [f"v. {d.isocalendar().week} {d.isocalendar().year}" for d in frame["week"]]
    half_week = pd.Timedelta(days=3.5)
    fig = go.Figure()
    steps: dict[str, tuple[list[object], list[object]]] = {"treated": ([], []), "control": ([], [])}
    for period, fill, label in (("före", "#EDEDED", "Före"), ("under", "#D5E6F3", "Under insatsen"),
                                ("efter", "#EDEDED", "Efter")):
        part = frame[frame["period"] == period]
        if part.empty:
            continue
        x0, x1 = part["week"].min() - half_week, part["week"].max() + half_week
        fig.add_vrect(x0=x0, x1=x1, fillcolor=fill, opacity=1, layer="below", line_width=0)
        fig.add_annotation(x=x0 + (x1 - x0) / 2, y=1, yref="paper", text=label, showarrow=False,
                           yanchor="bottom", font={"size": 16, "weight": "bold"})
        for group in ("treated", "control"):
            level = part[f"{group}_index"].mean()
            steps[group][0].extend([x0, x1, None])
            steps[group][1].extend([level, level, None])
    fig.add_hline(y=100, line={"color": "#595959", "width": 1})
    for group, name, line_colour, dash in (("control", "Övriga stadsdelar", "#595959", "dash"),
                                           ("treated", data.district, colour, "solid")):
        fig.add_trace(go.Scatter(
            x=frame["week"], y=frame[f"{group}_index"], name=f"{name}, per vecka", mode="lines",
            line={"color": line_colour, "width": 1.5, "dash": dash}, opacity=0.45, legendgroup=group,
            showlegend=False, customdata=list(zip(week_labels, frame[group], strict=True)), meta=name,
            hovertemplate="%{customdata[0]}: %{customdata[1]} händelser (index %{y:.0f})<extra>%{meta}</extra>",
        ))
        fig.add_trace(go.Scatter(
            x=steps[group][0], y=steps[group][1], name=f"{name}, snitt per period", mode="lines",
            line={"color": line_colour, "width": 5, "dash": dash}, legendgroup=group, hoverinfo="skip",
        ))
    fig.update_yaxes(title="Index (snitt före = 100)", rangemode="tozero")
    fig.update_xaxes(title=None, tickformat="%Y-%m")
    fig.update_layout(legend={"orientation": "h", "y": -0.1, "yanchor": "top"}, hovermode="closest")
    chart_style.style_figure(fig, height=480)
    fig.update_layout(margin={"t": 40})
    return fig


DEMO_TODAY = dt.date(2026, 6, 15)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Database:
    path = tmp_path_factory.mktemp("intervention_figures") / "demo.duckdb"
    build_demo(path, events=5_000, end=DEMO_TODAY - dt.timedelta(days=1))
    return Database(path)


def test_the_hand_made_timeline_is_plotly_express_s() -> None:
    rows = listed(
        ("A", "Belysning", dt.date(2026, 1, 10), dt.date(2026, 5, 31), True),
        ("B", "Fältare", dt.date(2026, 6, 1), None, False),
        ("C", "Kameror", None, None, False),
        ("D", "Fältare", dt.date(2026, 6, 1), dt.date(2026, 9, 1), False),  # the same title: labelled with its id
    )
    rows.loc[3, "Status"] = "Planerad"
    fig, _summary = figs.timeline(rows, TODAY)  # type: ignore[misc]
    assert pio.to_json(fig, validate=False) == pio.to_json(reference_timeline(rows, TODAY), validate=False)
    # Read off the figure: the bars start on the start dates and end on the end date, or today.
    ends = {y: pd.Timestamp(b) + pd.Timedelta(milliseconds=int(x))
            for t in fig.data for y, b, x in zip(t.y, t.base, t.x, strict=True)}
    assert ends == {"Belysning": pd.Timestamp(2026, 5, 31), "Fältare (B)": pd.Timestamp(TODAY),
                    "Fältare (D)": pd.Timestamp(2026, 9, 1)}


def test_the_demo_timelines_are_plotly_express_s(demo: Database) -> None:
    filters = default_filters(DEMO_TODAY)
    with demo.read() as con:
        districts = [d for (d,) in con.execute(
            "SELECT DISTINCT district FROM interventions WHERE district IS NOT NULL ORDER BY district").fetchall()]
        choices = [((), ())] + [((d,), ()) for d in districts] + [((), ("Avslutad",)), ((), ("Planerad", "Inställd"))]
        compared = 0
        for chosen, status in choices:
            shown = interventions.intervention_list(con, replace(filters, districts=chosen), DEMO_TODAY, status)
            drawn = figs.timeline(shown, DEMO_TODAY)
            if shown["Start"].notna().any():
                assert drawn is not None
                assert pio.to_json(drawn[0], validate=False) == pio.to_json(
                    reference_timeline(shown, DEMO_TODAY), validate=False), chosen
                compared += 1
    assert compared > len(districts) // 2


def test_the_demo_effect_figures_are_plotly_s(demo: Database) -> None:
    with demo.read() as con:
        ids = [i for (i,) in con.execute(
            "SELECT id FROM interventions WHERE district IS NOT NULL AND start_date < ? ORDER BY id",
            [DEMO_TODAY]).fetchall()]
        compared = 0
        for intervention_id in ids:
            data = interventions.effect_data(con, intervention_id, 8, 8, DEMO_TODAY, None, ())
            drawn = None if data is None else figs.effect_index(data, "#123456")
            if drawn is not None:
                assert pio.to_json(drawn[0], validate=False) == pio.to_json(
                    reference_effect_index(data, "#123456"), validate=False), intervention_id
                compared += 1
    assert compared >= 3
