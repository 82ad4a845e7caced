"""Trygghetsmätning: one survey indicator per district over the years, against the municipality's average."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from trygghet.analysis import survey
from trygghet.core.formatting import fmt_dec, fmt_int, fmt_pct
from trygghet.present import chart_style, table_style
from trygghet.ui import cache, login, safe_text, shell, sidebar, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()

st.title("Trygghetsmätning")
names = cache.query(survey.indicators, db)
if not names:
    st.info(
        "Ingen trygghetsmätning är inläst ännu. Ladda upp ett blad *Trygghetsmätning* (Period, Stadsdel, "
        "Indikator, Värde, Antal svar) på sidan Data.",
        icon=":material/info:",
    )
    st.stop()

indicator = st.columns([2, 3])[0].selectbox("Indikator", names, key="survey_indicator")
st.caption(
    f"{safe_text.plain(filters.district_label)} · Andel i procent per stadsdel och mätning. Stadsdelsvalet i sidomenyn gäller här; "
    "vecka, period, kategori och källa gäller händelser och påverkar inte mätningen."
)

everyone = cache.query(survey.survey_series, db, indicator, ())
series = cache.query(survey.survey_series, db, indicator, filters.districts)
average = cache.query(survey.municipality_average, db, indicator)
periods = survey.sorted_periods(average["period"].tolist())
# A real time axis when every period can be read, so that a missing year leaves a visible gap.
timed = bool(periods) and all(survey.period_position(p) is not None for p in periods)


def x_values(frame: pd.DataFrame) -> list[object]:
    return frame["position"].tolist() if timed else frame["label"].tolist()


if series.empty:
    st.write("Inga mätresultat för de valda stadsdelarna och den här indikatorn.")
    st.stop()

weighted_periods = average.loc[average["weighted"], "label"].tolist()
plain_periods = average.loc[~average["weighted"], "label"].tolist()
if not plain_periods:
    method = "viktat efter antal svarande i varje stadsdel"
elif not weighted_periods:
    method = "oviktat medelvärde av stadsdelarna (antal svarande saknas)"
else:
    method = (f"viktat efter antal svarande; oviktat medelvärde för {', '.join(plain_periods)}, där antal svarande "
              "saknas för någon stadsdel")

# Black on the light theme the wall uses; white if someone switches to the dark one, where black would vanish.
average_color = "#FFFFFF" if widgets.is_dark() else "#000000"
fig = go.Figure()
districts = list(dict.fromkeys(series["district"]))
for district in districts:
    rows = series[series["district"] == district].sort_values("order")
    fig.add_trace(go.Scatter(
        x=x_values(rows), y=rows["value"], name=district, mode="lines+markers",
        line={"color": rows["color"].iloc[0], "width": 3}, marker={"size": 10},
        customdata=list(zip(rows["label"], rows["respondents"].map(fmt_int), strict=True)),
        hovertemplate="%{fullData.name}, %{customdata[0]}: %{y:.1f} % (svar: %{customdata[1]})<extra></extra>",
    ))
fig.add_trace(go.Scatter(
    x=x_values(average), y=average["value"], name=survey.AVERAGE_LABEL, mode="lines+markers",
    line={"color": average_color, "width": 6, "dash": "dash"}, marker={"size": 12, "color": average_color},
    customdata=average[["label"]].to_numpy(),
    hovertemplate=f"{survey.AVERAGE_LABEL}, %{{customdata[0]}}: %{{y:.1f}} %<extra></extra>",
))
if timed:
    labels = dict(zip(average["position"], average["label"], strict=True))
    fig.update_xaxes(tickvals=list(labels), ticktext=list(labels.values()),
                     range=[min(labels) - 0.3, max(labels) + 0.3])
else:
    fig.update_xaxes(type="category", categoryorder="array", categoryarray=[survey.period_label(p) for p in periods])
fig.update_yaxes(title="Andel (%)", ticksuffix=" %")
fig.update_layout(legend={"orientation": "v", "x": 1.01, "y": 1}, hovermode="closest")

latest = periods[-1]
latest_label = survey.period_label(latest)
latest_rows = series[series["period"] == latest].sort_values("value", ascending=False)
latest_average = float(average.loc[average["period"] == latest, "value"].iloc[0])
summary = f"{indicator}, {latest_label}: kommunen {fmt_pct(latest_average, 1)} ({method})."
if not latest_rows.empty:
    top, bottom = latest_rows.iloc[0], latest_rows.iloc[-1]
    summary += f" Högst {top['district']} {fmt_pct(top['value'], 1)}"
    summary += f", lägst {bottom['district']} {fmt_pct(bottom['value'], 1)}." if len(latest_rows) > 1 else "."
widgets.chart(
    chart_style.style_figure(fig, title=indicator, height=560),
    f"trygghetsmatning-{survey.period_label(periods[0])}-{latest_label}".replace(" ", "").replace(".", ""),
    summary=summary + " Den tjocka streckade linjen är kommunens snitt över alla stadsdelar.",
)

st.header("Skillnad mot kommunens snitt")
diffs = cache.query(survey.district_differences, db, indicator)
shown_districts = districts if filters.districts else list(dict.fromkeys(everyone["district"]))
table, flags = survey.difference_table(diffs, average, shown_districts)
colours = {"över": table_style.FLAG_STYLES["ned"],
           "under": table_style.FLAG_STYLES["upp"]}
value_columns = [c for c in table.columns if c != "Stadsdel" and not c.endswith(" mot snitt")]
change_columns = [c for c in table.columns if c.endswith(" mot snitt")]
# The municipality's row in bold, worked out with the fills in one list (a row-wise apply costs more).
cell_css = [[";".join(css for css in (colours.get(flag, ""), "font-weight: 700" if name == survey.AVERAGE_LABEL else "")
                      if css) for flag in row]
            for name, row in zip(table["Stadsdel"].tolist(), flags.to_numpy().tolist(), strict=True)]
styler = (
    table_style.fill_styler(table, cell_css)
    .format(lambda v: fmt_dec(v, 1), subset=value_columns)
    .format(survey.fmt_points, subset=change_columns)
)
widgets.table(table, f"trygghetsmatning-skillnad-{latest_label}".replace(" ", "").replace(".", ""), styler=styler,
         height=table_style.table_height(len(table)))
respondents = everyone.loc[everyone["period"] == latest, "respondents"]
answered = f" I {latest_label} svarade {fmt_int(respondents.sum())} personer." if respondents.notna().all() else ""
st.caption(
    "Värden i procent; *mot snitt* är skillnaden mot kommunens snitt i procentenheter. Blå = över snittet, "
    "orange = under, och färg bara där skillnaden är större än slumpen i en enkät med så många svarande "
    f"(95 %, stadsdelens egen andel av snittet medräknad). Kommunens snitt: {safe_text.plain(method)}.{answered}"
)
