"""Insatser: every intervention in the chosen districts, a timeline, and per intervention its
change history and what happened to its events compared with the other districts."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from trygghet.analysis import interventions, queries
from trygghet.core import clock
from trygghet.core.formatting import fmt_date, fmt_dec, fmt_int
from trygghet.present import chart_style, table_style
from trygghet.ui import cache, login, safe_text, shell, sidebar, widgets

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
today = clock.today()

# Colour-blind-safe (Okabe–Ito): the two open statuses far apart, the closed ones muted.
STATUS_COLORS = {"Pågående": "#0072B2", "Planerad": "#E69F00", "Avslutad": "#8C8C8C", "Inställd": "#CC79A7"}
OVERDUE_FILL = table_style.FLAG_STYLES["upp"]  # the same fill as on Översikt, readable in both themes
OVERDUE = "Försenad"

st.title("Insatser")
st.caption(
    f"{safe_text.plain(filters.district_label)} · läget {fmt_date(today)} · Insatser utan stadsdel gäller hela kommunen och "
    "visas alltid."
)

options = cache.query(interventions.filter_options, db)
cols = st.columns(3)
status = cols[0].multiselect("Status", options["statuses"], key="ins_status", placeholder="Alla statusar")
owner = cols[1].multiselect("Ansvarig aktör", options["owners"], key="ins_owner", placeholder="Alla aktörer")
area = cols[2].multiselect("Prioriterat område", options["priority_areas"], key="ins_area",
                           placeholder="Alla områden")

listed: pd.DataFrame = cache.query(
    interventions.intervention_list, db, filters, today, tuple(status), tuple(owner), tuple(area)
)

if listed.empty:
    st.write("Inga insatser matchar urvalet.")
    st.stop()

counts = listed["Status"].value_counts()
overdue = int(listed["Försenad"].sum())
order = [s for s in interventions.LIST_STATUS_ORDER if counts.get(s, 0)]
order += [s for s in counts.index if s not in interventions.LIST_STATUS_ORDER]
parts = [f"{fmt_int(counts[s])} {safe_text.plain(interventions.status_word(s, int(counts[s])))}" for s in order]
st.markdown(f"**{fmt_int(len(listed))} insatser** visas: {', '.join(parts)}.")
if overdue:
    st.warning(f"{fmt_int(overdue)} insatser har passerat sitt slutdatum utan att vara avslutade.",
               icon=":material/schedule:")

# ---------------------------------------------------------------- the table

# What the meeting follows up on comes first, so that it is on screen without scrolling sideways.
shown = pd.DataFrame({
    "Insats-ID": listed["Insats-ID"],
    "Insats": listed["Insats"],
    "Stadsdel": listed["Stadsdel"].fillna("Hela kommunen"),
    "Status": listed["Status"],
    "Läge": listed["Försenad"].map({True: OVERDUE, False: ""}),
    "Start": listed["Start"].map(lambda d: fmt_date(d) if pd.notna(d) else "–"),
    "Slut": listed["Slut"].map(lambda d: fmt_date(d) if pd.notna(d) else "Ej satt"),
    "Ansvarig aktör": listed["Ansvarig aktör"],
    "Prioriterat område": listed["Prioriterat område"],
    "Ansvarig": listed["Ansvarig"],
    "Kommentar": listed["Kommentar"],
}).fillna("–")
styler = shown.style.apply(lambda row: [OVERDUE_FILL if row["Läge"] == OVERDUE else "" for _ in row], axis=1)
widgets.table(
    shown, "insatser", styler=styler,
    column_config={
        "Insats-ID": st.column_config.TextColumn(width=110),
        "Insats": st.column_config.TextColumn(width=380),
        "Status": st.column_config.TextColumn(width=95),
        "Läge": st.column_config.TextColumn(width=95),
        "Start": st.column_config.TextColumn(width=105),
        "Slut": st.column_config.TextColumn(width=105),
        "Kommentar": st.column_config.TextColumn(width="large"),
    },
)
st.caption("Försenad: slutdatumet har passerat men insatsen står fortfarande som planerad eller pågående.")

# ---------------------------------------------------------------- the timeline

st.header("Tidslinje")
timed = listed[listed["Start"].notna()].copy()
if timed.empty:
    st.write("Ingen av insatserna har ett startdatum.")
else:
    timed["Start"] = pd.to_datetime(timed["Start"])
    # Without an end date a bar runs to today (or a week past a later start), so that it is visible.
    open_end = pd.Series([max(pd.Timestamp(today), s + pd.Timedelta(days=7)) for s in timed["Start"]],
                         index=timed.index)
    timed["Till"] = pd.to_datetime(timed["Slut"]).fillna(open_end)
    duplicated = timed["Insats"].duplicated(keep=False)
    timed["Etikett"] = timed["Insats"].where(~duplicated, timed["Insats"] + " (" + timed["Insats-ID"] + ")")
    timed["Läge"] = timed["Försenad"].map({True: OVERDUE, False: "Enligt plan"})
    timed["Slut (text)"] = timed["Slut"].map(lambda d: fmt_date(d) if pd.notna(d) else "ej satt")
    timed["Start (text)"] = timed["Start"].dt.date.map(fmt_date)
    timed = timed.sort_values(["Start", "Insats-ID"])
    statuses = [s for s in interventions.LIST_STATUS_ORDER if s in set(timed["Status"])]
    statuses += sorted(set(timed["Status"]) - set(statuses))
    fig = px.timeline(
        timed,
        x_start="Start",
        x_end="Till",
        y="Etikett",
        color="Status",
        pattern_shape="Läge",
        pattern_shape_map={OVERDUE: "/", "Enligt plan": ""},
        color_discrete_map=STATUS_COLORS,
        category_orders={"Status": statuses, "Etikett": list(timed["Etikett"]), "Läge": ["Enligt plan", OVERDUE]},
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
    # Plotly names the traces "Pågående, Enligt plan"; the meeting reads "Pågående" and "Pågående – försenad".
    fig.for_each_trace(lambda t: t.update(name=t.name.replace(", Enligt plan", "").replace(f", {OVERDUE}", " – försenad")))
    height = 190 + 34 * len(timed)
    # Above the bars, clear of the 'Idag' label: a tall chart's bottom edge is often off screen.
    fig.update_layout(legend={"title": {"text": "Status"}, "orientation": "h", "x": 0, "xanchor": "left",
                              "yanchor": "bottom", "y": 1 + 34 / (height - 140)})
    chart_style.style_figure(fig, height=height)
    fig.update_layout(margin={"t": 90})
    running = int(((timed["Start"] <= pd.Timestamp(today)) & (timed["Till"] >= pd.Timestamp(today))).sum())
    missing = len(listed) - len(timed)
    summary = (
        f"Tidslinjen visar {fmt_int(len(timed))} insatser från {fmt_date(timed['Start'].min().date())} "
        f"till {fmt_date(timed['Till'].max().date())}; {fmt_int(running)} av dem pågår enligt sina datum idag "
        f"(streckad linje). Färgen visar status och snedstreck att insatsen är försenad. "
        "Insatser utan slutdatum ritas fram till idag."
    )
    if missing:
        summary += f" {fmt_int(missing)} insatser saknar startdatum och finns bara i tabellen."
    widgets.chart(fig, "insatser-tidslinje", summary=summary)

# ---------------------------------------------------------------- one intervention

st.header("Följ upp en insats")
titles = dict(zip(listed["Insats-ID"], listed["Insats"], strict=True))
selected = st.selectbox("Insats", list(titles), format_func=lambda i: f"{i} – {titles[i]}", key="ins_selected")
row = listed[listed["Insats-ID"] == selected].iloc[0]


def text(value: object) -> str | None:
    """A cell as text for Markdown, shown as typed; pandas gives missing text as NaN, which would
    read as 'nan' (and is truthy)."""
    return safe_text.plain(value) if isinstance(value, str) and value.strip() else None


end_text = fmt_date(row["Slut"]) if pd.notna(row["Slut"]) else "inget slutdatum"
start_text = fmt_date(row["Start"]) if pd.notna(row["Start"]) else "inget startdatum"
contact = text(row["Ansvarig"])
facts = [
    f"**Status:** {text(row['Status'])}" + (" – **försenad**" if row["Försenad"] else ""),
    f"**Stadsdel:** {text(row['Stadsdel']) or 'hela kommunen'}",
    f"**Period:** {start_text} – {end_text}",
    f"**Ansvarig:** {text(row['Ansvarig aktör']) or '–'}" + (f" ({contact})" if contact else ""),
    f"**Prioriterat område:** {text(row['Prioriterat område']) or '–'}",
]
st.markdown("  \n".join(facts))
if text(row["Kommentar"]):
    st.markdown(f"**Senaste kommentar:** {text(row['Kommentar'])}")


def effect_chart(data: interventions.EffectData) -> None:
    """Weekly counts as an index (each line's own mean before the start = 100), with each period's
    mean drawn as a thick step: the weekly points of one district jump too much to read from the
    back of the room, and the period means are exactly what the effect estimate compares."""
    frame = data.frame.copy()
    before = frame[frame["period"] == interventions.PERIOD_BEFORE]
    mean_treated, mean_control = before["treated"].mean(), before["control"].mean()
    if not mean_treated > 0 or not mean_control > 0:
        st.write("Det fanns inga händelser veckorna före insatsen, så förändringen kan inte visas som index.")
        return
    frame["week"] = pd.to_datetime(frame["week"])
    frame["treated_index"] = frame["treated"] / mean_treated * 100
    frame["control_index"] = frame["control"] / mean_control * 100
    colour = cache.query(queries.district_colors, db).get(data.district, "#0072B2")
    week_labels = [f"v. {d.isocalendar().week} {d.isocalendar().year}" for d in frame["week"]]
    half_week = pd.Timedelta(days=3.5)

    fig = go.Figure()
    shading = {interventions.PERIOD_BEFORE: ("#EDEDED", "Före"),
               interventions.PERIOD_DURING: ("#D5E6F3", "Under insatsen"),
               interventions.PERIOD_AFTER: ("#EDEDED", "Efter")}
    steps: dict[str, tuple[list[object], list[object]]] = {"treated": ([], []), "control": ([], [])}
    for period, (fill, label) in shading.items():
        part = frame[frame["period"] == period]
        if part.empty:
            continue
        # Points sit on a week's Monday; the band covers half a week on either side of them.
        x0, x1 = part["week"].min() - half_week, part["week"].max() + half_week
        fig.add_vrect(x0=x0, x1=x1, fillcolor=fill, opacity=1, layer="below", line_width=0)
        fig.add_annotation(x=x0 + (x1 - x0) / 2, y=1, yref="paper", text=label, showarrow=False,
                           yanchor="bottom", font={"size": 16, "weight": "bold"})
        for group in ("treated", "control"):
            xs, ys = steps[group]
            level = part[f"{group}_index"].mean()
            xs += [x0, x1, None]
            ys += [level, level, None]
    fig.add_hline(y=100, line={"color": "#595959", "width": 1})
    for group, name, line_colour, dash in (("control", "Övriga stadsdelar", "#595959", "dash"),
                                           ("treated", data.district, colour, "solid")):
        counts = frame[group]
        fig.add_trace(go.Scatter(
            x=frame["week"], y=frame[f"{group}_index"], name=f"{name}, per vecka", mode="lines",
            line={"color": line_colour, "width": 1.5, "dash": dash}, opacity=0.45, legendgroup=group,
            showlegend=False, customdata=list(zip(week_labels, counts, strict=True)), meta=name,
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
    widgets.chart(fig, f"effekt-{data.intervention_id}",
             summary="Händelser i snitt " + "; ".join(described) + ".")


st.markdown("### Effekt")
reason = interventions.no_effect_reason(row["Stadsdel"], row["Start"])
data = None if reason else cache.query(interventions.effect_data, db, selected, 8, 8, today)
if reason:
    st.info(reason, icon=":material/info:")
elif row["Status"] == "Inställd":
    st.info("Insatsen ställdes in, så det finns ingen genomförd period att bedöma.", icon=":material/info:")
elif data is None:
    st.info("Insatsen finns inte längre i databasen.", icon=":material/info:")
elif data.weeks[interventions.PERIOD_DURING] == 0:
    st.info(
        "Det finns inga hela veckor med händelsedata under insatsen ännu, så effekten kan inte bedömas. "
        "Den går att följa när insatsen har pågått några veckor.",
        icon=":material/info:",
    )
elif data.weeks[interventions.PERIOD_BEFORE] == 0:
    st.info("Händelsedatan börjar efter insatsens start, så det finns inget före att jämföra med.",
            icon=":material/info:")
else:
    chart_column, text_column = st.columns([3, 2], gap="large")
    with text_column:
        for period in (interventions.PERIOD_DURING, interventions.PERIOD_AFTER):
            effect = interventions.effect_summary(data.frame, period)
            if effect is not None:
                st.markdown(f"**{effect.text}**")  # generated: numbers and fixed words only
                if effect.ratio is not None:
                    st.caption(
                        f"{safe_text.plain(data.district)}: {fmt_int(effect.treated_before)} händelser på "
                        f"{fmt_int(effect.weeks_before)} veckor före, {fmt_int(effect.treated_during)} på "
                        f"{fmt_int(effect.weeks_during)} veckor {period}. Övriga stadsdelar: "
                        f"{fmt_int(effect.control_before)} och {fmt_int(effect.control_during)}."
                    )
        what = ", ".join(data.categories) if data.categories else "alla kategorier (området har inga indikatorer)"
        notes = [
            f"Räknat: {what}, oberoende av kategori och källa i sidofältet.",
            "Tunna linjer: varje vecka som index, där 100 är linjens eget snitt veckorna före insatsen. "
            "Tjocka linjer: snittet i varje period. "
            f"{data.district} har mycket färre händelser än övriga stadsdelar tillsammans; med index syns direkt "
            "om stadsdelen förändrades mer än resten av kommunen, vilket två råa linjer eller två y-axlar döljer.",
            "Effekten skattas som skillnad-i-skillnader: förändringen i stadsdelen delad med förändringen i "
            "övriga stadsdelar, med 95 % konfidensintervall. Den visar vad som hände samtidigt som insatsen, "
            "inte säkert vad insatsen orsakade.",
        ]
        if data.weeks[interventions.PERIOD_BEFORE] < data.weeks_before_asked:
            notes.append(f"Bara {fmt_int(data.weeks[interventions.PERIOD_BEFORE])} hela veckor före starten "
                         "finns i händelsedatan.")
        if data.open_ended:
            notes.append("Insatsen har inget slutdatum, så under-perioden räknas fram till senaste hela vecka.")
        st.caption(safe_text.plain(" ".join(notes)))
    with chart_column:
        effect_chart(data)

st.markdown("### Ändringar")
changes = cache.query(interventions.history, db, selected)
if changes.empty:
    st.write("Inga ändringar är registrerade.")
else:
    widgets.table(changes, f"historik-{selected}",
             column_config={"Tid": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm", width=160),
                            "Fält": st.column_config.TextColumn(width=160)})
