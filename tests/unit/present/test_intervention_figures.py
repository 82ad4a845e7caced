"""present.intervention_figures: the Insatser page's timeline and effect figures and the text a
screen reader gets instead, worked out by hand for small lists; the timeline's bars read off the
figure and compared with the interventions table, and the effect figure compared with the one
Plotly's own add/update calls build from the same data."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from trygghet.analysis import interventions
from trygghet.analysis.interventions import EffectData
from trygghet.core.filters import default_filters
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
    assert [t.name for t in fig.data if t.showlegend] == ["Pågående", "Pågående – försenad"]
    assert set(drawn_bars(fig)) == {"A", "B"}


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


def drawn_bars(fig: go.Figure) -> dict[str, tuple[str, pd.Timestamp, pd.Timestamp, str, bool]]:
    """Each bar read off the figure by its intervention's id: label, start, end, colour, hatched."""
    bars: dict[str, tuple[str, pd.Timestamp, pd.Timestamp, str, bool]] = {}
    for trace in fig.data:
        if trace.customdata is None:
            continue  # a legend entry without points
        colours, shapes = trace.marker.color, trace.marker.pattern.shape
        for i, (label, base, length) in enumerate(zip(trace.y, trace.base, trace.x, strict=True)):
            start = pd.Timestamp(base)
            colour = colours[i] if isinstance(colours, tuple | list) else colours
            shape = shapes[i] if isinstance(shapes, tuple | list) else shapes
            bars[trace.customdata[i][0]] = (label, start, start + pd.Timedelta(milliseconds=int(length)), colour,
                                            shape == "/")
    return bars


# The effect figure is built as plain data; what reaches the browser must be what Plotly's own
# add/update calls gave (the way it was built before, kept here as the reference).


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


def test_every_bar_has_its_dates_status_colour_and_overdue_mark() -> None:
    rows = listed(
        ("A", "Belysning", dt.date(2026, 1, 10), dt.date(2026, 5, 31), True),
        ("B", "Fältare", dt.date(2026, 6, 1), None, False),
        ("C", "Kameror", None, None, False),
        ("D", "Fältare", dt.date(2026, 6, 1), dt.date(2026, 9, 1), False),  # the same title: labelled with its id
        ("E", "Sommarlov", dt.date(2025, 6, 1), dt.date(2025, 8, 1), False),
    )
    rows.loc[3, "Status"] = "Planerad"
    rows.loc[4, "Status"] = "Okänd"  # typed into a spreadsheet: drawn, in a colour of its own
    fig, _summary = figs.timeline(rows, TODAY)  # type: ignore[misc]
    blue, orange = figs.STATUS_COLORS["Pågående"], figs.STATUS_COLORS["Planerad"]
    assert drawn_bars(fig) == {
        "A": ("Belysning", pd.Timestamp(2026, 1, 10), pd.Timestamp(2026, 5, 31), blue, True),
        "B": ("Fältare (B)", pd.Timestamp(2026, 6, 1), pd.Timestamp(TODAY), blue, False),
        "D": ("Fältare (D)", pd.Timestamp(2026, 6, 1), pd.Timestamp(2026, 9, 1), orange, False),
        "E": ("Sommarlov", pd.Timestamp(2025, 6, 1), pd.Timestamp(2025, 8, 1), "#595959", False),
    }
    legend = [(t.name, t.marker.color, t.marker.pattern.shape) for t in fig.data if t.showlegend]
    assert legend == [("Pågående", blue, ""), ("Pågående – försenad", blue, "/"), ("Planerad", orange, ""),
                      ("Okänd", "#595959", "")]
    # Top to bottom by start (the axis is reversed): the latest start first.
    assert list(fig.layout.yaxis.categoryarray) == ["Fältare (D)", "Fältare (B)", "Belysning", "Sommarlov"]


def test_a_long_list_draws_its_first_interventions_and_says_how_many_more() -> None:
    rows = listed(*[(f"I{i:02d}", f"Insats {i}", dt.date(2026, 1, 1) + dt.timedelta(days=i), None, False)
                    for i in range(30)], ("X", "Utan start", None, None, False))
    fig, summary = figs.timeline(rows, TODAY, limit=25)  # type: ignore[misc]
    assert sorted(drawn_bars(fig)) == [f"I{i:02d}" for i in range(25)]
    assert fig.layout.height == 190 + 34 * 25
    assert summary.endswith(
        "Ytterligare 5 insatser med startdatum finns bara i tabellen: tidslinjen visar de 25 första i "
        "tabellens ordning. 1 insatser saknar startdatum och finns bara i tabellen.")
    assert summary.startswith("Tidslinjen visar 25 insatser från 2026-01-01 till 2026-06-15;")


def test_the_label_margin_grows_with_the_longest_label() -> None:
    short, long_ = figs.label_margin(["Kameror"]), figs.label_margin(["Kameror", "Informationskampanj om våld i nära"])
    assert short < long_ == figs.label_margin(["Informationskampanj om våld i nära"])


def test_the_demo_timelines_show_the_interventions_table(demo: Database) -> None:
    filters = default_filters(DEMO_TODAY)
    with demo.read() as con:
        stored = {i: (t, pd.Timestamp(s), e, st, late) for i, t, s, e, st, late in con.execute(
            """SELECT id, title, start_date, end_date, status,
                      coalesce(end_date < ? AND status IN ('Planerad', 'Pågående'), FALSE)
               FROM interventions WHERE start_date IS NOT NULL""", [DEMO_TODAY]).fetchall()}
        districts = [d for (d,) in con.execute(
            "SELECT DISTINCT district FROM interventions WHERE district IS NOT NULL ORDER BY district").fetchall()]
        choices = [((), ())] + [((d,), ()) for d in districts] + [((), ("Avslutad",)), ((), ("Planerad", "Inställd"))]
        compared = capped = 0
        for chosen, status in choices:
            shown = interventions.intervention_list(con, replace(filters, districts=chosen), DEMO_TODAY, status)
            drawn = figs.timeline(shown, DEMO_TODAY)
            dated = [i for i in shown["Insats-ID"] if i in stored]
            if not dated:
                assert drawn is None
                continue
            assert drawn is not None
            bars = drawn_bars(drawn[0])
            # The list's first ones: open and overdue first, as the table orders them.
            assert list(bars) == sorted(dated[:figs.TIMELINE_MAX], key=lambda i: (stored[i][1], i)), chosen
            capped += len(dated) > figs.TIMELINE_MAX
            for intervention_id, (label, start, end, colour, hatched) in bars.items():
                title, start_date, end_date, status_, late = stored[intervention_id]
                assert label.startswith(title)
                assert start == start_date
                open_end = max(pd.Timestamp(DEMO_TODAY), start_date + pd.Timedelta(days=7))
                assert end == (pd.Timestamp(end_date) if end_date is not None else open_end)
                assert (colour, hatched) == (figs.STATUS_COLORS[status_], late)
            compared += 1
    assert compared > len(districts) // 2
    assert capped


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
