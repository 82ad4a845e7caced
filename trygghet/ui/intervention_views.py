"""The Insatser page's sections: the list of interventions, their timeline, and for one
intervention its facts, its measured effect and its change history. The figures are built in
present.intervention_figures; what is shown here is user text made plain."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from trygghet.analysis import interventions, queries
from trygghet.analysis.effect import Effect
from trygghet.core.formatting import fmt_date, fmt_int
from trygghet.present import intervention_figures, table_style
from trygghet.present.intervention_figures import OVERDUE
from trygghet.store.db import Database
from trygghet.ui import cache, safe_text, widgets

OVERDUE_FILL = table_style.FLAG_STYLES["upp"]  # the same fill as on Översikt, readable in both themes


def text(value: object) -> str | None:
    """A cell as text for Markdown, shown as typed; pandas gives missing text as NaN, which would
    read as 'nan' (and is truthy)."""
    return safe_text.plain(value) if isinstance(value, str) and value.strip() else None


def counts_line(listed: pd.DataFrame) -> None:
    """How many interventions are shown, per status, and a warning for the overdue ones."""
    counts = listed["Status"].value_counts()
    overdue = int(listed["Försenad"].sum())
    order = [s for s in interventions.LIST_STATUS_ORDER if counts.get(s, 0)]
    order += [s for s in counts.index if s not in interventions.LIST_STATUS_ORDER]
    parts = [f"{fmt_int(counts[s])} {safe_text.plain(interventions.status_word(s, int(counts[s])))}" for s in order]
    st.markdown(f"**{fmt_int(len(listed))} insatser** visas: {', '.join(parts)}.")
    if overdue:
        st.warning(f"{fmt_int(overdue)} insatser har passerat sitt slutdatum utan att vara avslutade.",
                   icon=":material/schedule:")


def list_table(listed: pd.DataFrame) -> None:
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
    # Fills from a plain list: pandas' row-wise apply costs more than the rest of the table.
    styler = table_style.row_styler(shown, list(listed["Försenad"].astype(bool)), OVERDUE_FILL)
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


def timeline_section(db: Database, source: tuple[object, ...], today: dt.date) -> None:
    """`source`: the intervention_list query the page shows, as cache.query takes it."""
    st.header("Tidslinje")
    # Built once per choice and data version: plotly.express costs a tenth of a second a rerun.
    drawn = cache.derived(intervention_figures.timeline, db, source, today)
    if drawn is None:
        st.write("Ingen av insatserna har ett startdatum.")
        return
    fig, summary = drawn
    widgets.chart(fig, "insatser-tidslinje", summary=summary)


def facts(row: pd.Series) -> None:
    """Status, district, period, owner, priority area and the latest comment of one intervention."""
    end_text = fmt_date(row["Slut"]) if pd.notna(row["Slut"]) else "inget slutdatum"
    start_text = fmt_date(row["Start"]) if pd.notna(row["Start"]) else "inget startdatum"
    contact = text(row["Ansvarig"])
    lines = [
        f"**Status:** {text(row['Status'])}" + (" – **försenad**" if row["Försenad"] else ""),
        f"**Stadsdel:** {text(row['Stadsdel']) or 'hela kommunen'}",
        f"**Period:** {start_text} – {end_text}",
        f"**Ansvarig:** {text(row['Ansvarig aktör']) or '–'}" + (f" ({contact})" if contact else ""),
        f"**Prioriterat område:** {text(row['Prioriterat område']) or '–'}",
    ]
    st.markdown("  \n".join(lines))
    if text(row["Kommentar"]):
        st.markdown(f"**Senaste kommentar:** {text(row['Kommentar'])}")


def _effect_chart(db: Database, source: tuple[object, ...], data: interventions.EffectData) -> None:
    colour = cache.query(queries.district_colors, db).get(data.district, "#0072B2")  # type: ignore[attr-defined]
    # The same for every district chosen in the sidebar: built once per intervention and data version.
    drawn = cache.derived(intervention_figures.effect_index, db, source, colour)
    if drawn is None:
        st.write("Det fanns inga händelser veckorna före insatsen, så förändringen kan inte visas som index.")
        return
    fig, summary = drawn
    widgets.chart(fig, f"effekt-{data.intervention_id}", summary=summary)


def effect_in(data: interventions.EffectData, period: str) -> Effect | None:
    """effect_summary of one period of effect_data's result, for cache.derived (its regression is the
    slow part of the page)."""
    return interventions.effect_summary(data.frame, period, buffer=data.buffer)


def _effect_notes(data: interventions.EffectData) -> str:
    what = ", ".join(data.categories) if data.categories else "alla kategorier (området har inga indikatorer)"
    notes = [
        f"Räknat: {what}, oberoende av kategori och källa i sidofältet.",
        "Tunna linjer: varje vecka som index, där 100 är linjens eget snitt veckorna före insatsen. "
        "Tjocka linjer: snittet i varje period. "
        f"{data.district} har mycket färre händelser än övriga stadsdelar tillsammans; med index syns direkt "
        "om stadsdelen förändrades mer än resten av kommunen, vilket två råa linjer eller två y-axlar döljer.",
        "Effekten skattas som skillnad-i-skillnader: förändringen i stadsdelen delad med förändringen i "
        "övriga stadsdelar, med 95 % konfidensintervall. Intervallet är så brett som stadsdelens andel av "
        "veckornas händelser varierar från vecka till vecka (kvasibinomial regression), och det behövs minst "
        "fyra hela veckor före och under. Den visar vad som hände samtidigt som insatsen, inte säkert vad "
        "insatsen orsakade.",
    ]
    if data.weeks[interventions.PERIOD_BEFORE] < data.weeks_before_asked:
        notes.append(f"Bara {fmt_int(data.weeks[interventions.PERIOD_BEFORE])} hela veckor före starten "
                     "finns i händelsedatan.")
    if data.open_ended:
        notes.append("Insatsen har inget slutdatum, så under-perioden räknas fram till senaste hela vecka.")
    return " ".join(notes)


def effect_section(db: Database, row: pd.Series, selected: str, today: dt.date) -> None:
    """The events in the intervention's district before, during and after it against the other
    districts, or why that cannot be shown."""
    st.markdown("### Effekt")
    reason = interventions.no_effect_reason(row["Stadsdel"], row["Start"])
    buffer: tuple[str, ...] = ()
    if not reason and row["Status"] != "Inställd":
        districts: list[str] = cache.query(queries.reference_lists, db)["districts"]  # type: ignore[index]
        buffer = tuple(st.multiselect(
            "Buffertområde: grannstadsdelar där händelserna kan ha flyttat", [d for d in districts if d != row["Stadsdel"]],
            key=f"effekt-buffert-{selected}",
            help="Buffertområdet jämförs för sig med övriga stadsdelar och räknas inte in i jämförelsen.",
        ))
    source = (interventions.effect_data, selected, 8, 8, today, None, buffer)
    data = None if reason else cache.query(source[0], db, *source[1:])  # type: ignore[arg-type]
    if reason:
        st.info(reason, icon=":material/info:")
    elif row["Status"] == "Inställd":
        st.info("Insatsen ställdes in, så det finns ingen genomförd period att bedöma.", icon=":material/info:")
    elif data is None:
        st.info("Insatsen finns inte längre i databasen.", icon=":material/info:")
    elif data.weeks[interventions.PERIOD_DURING] == 0:  # type: ignore[attr-defined]
        st.info(
            "Det finns inga hela veckor med händelsedata under insatsen ännu, så effekten kan inte bedömas. "
            "Den går att följa när insatsen har pågått några veckor.",
            icon=":material/info:",
        )
    elif data.weeks[interventions.PERIOD_BEFORE] == 0:  # type: ignore[attr-defined]
        st.info("Händelsedatan börjar efter insatsens start, så det finns inget före att jämföra med.",
                icon=":material/info:")
    else:
        chart_column, text_column = st.columns([3, 2], gap="large")
        with text_column:
            for period in (interventions.PERIOD_DURING, interventions.PERIOD_AFTER):
                effect = cache.derived(effect_in, db, source, period)
                if effect is not None:
                    st.markdown(f"**{effect.text}**")  # generated: numbers and fixed words only
                    if effect.displacement is not None:
                        st.write(safe_text.plain(effect.displacement.text))  # names the districts
                    if effect.ratio is not None:
                        st.caption(
                            f"{safe_text.plain(data.district)}: {fmt_int(effect.treated_before)} händelser på "
                            f"{fmt_int(effect.weeks_before)} veckor före, {fmt_int(effect.treated_during)} på "
                            f"{fmt_int(effect.weeks_during)} veckor {period}. Övriga stadsdelar"
                            f"{' utom buffertområdet' if data.buffer else ''}: "
                            f"{fmt_int(effect.control_before)} och {fmt_int(effect.control_during)}."
                        )
            st.caption(safe_text.plain(_effect_notes(data)))
        with chart_column:
            _effect_chart(db, source, data)


def history_section(db: Database, selected: str) -> None:
    st.markdown("### Ändringar")
    changes: pd.DataFrame = cache.query(interventions.history, db, selected)  # type: ignore[assignment]
    if changes.empty:
        st.write("Inga ändringar är registrerade.")
    else:
        widgets.table(changes, f"historik-{selected}",
                      column_config={"Tid": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm", width=160),
                                     "Fält": st.column_config.TextColumn(width=160)})
