"""Rapport: the lägesbild report for a tertial, half-year or year and a set of districts – the
draft the crime-prevention coordinator edits – with the analysis written here, as Word and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from trygghet import documents
from trygghet.analysis import queries
from trygghet.core import clock
from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_int
from trygghet.documents import report as rep
from trygghet.meeting import records as meetings
from trygghet.present import chart_style, figures
from trygghet.store.access import allowed
from trygghet.store.db import Database
from trygghet.ui import cache, login, safe_text, shell, sidebar, widgets
from trygghet.ui.errors import show_error

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
filters = sidebar.current()
actor = login.actor()
can_write = allowed(actor, "redigerare") and not login.display_only()
today = clock.today()

st.title("Lägesbildsrapport")
st.caption("Ett utkast till kommunens lägesbild (lag 2023:196): utveckling per stadsdel och kategori, de "
           "prioriterade områdena mot sina mål, insatser och deras effekt, trygghetsmätningen, analysen och en "
           "åtgärdsplan. Ladda ned som Word för att redigera vidare, eller som PDF.")

first, last = cache.query(queries.event_date_range, db)
periods = rep.report_periods(first, last)
if not periods:
    st.write("Det finns inga händelser att skriva en rapport om ännu.")
    st.stop()

lists = cache.query(meetings.reference, db)
cols = st.columns([2, 3, 5], vertical_alignment="bottom")
kind_labels = {"tertial": "Tertial", "halvår": "Halvår", "år": "År"}
kind = cols[0].segmented_control("Period", list(kind_labels), format_func=kind_labels.get, default="tertial",
                                 key="rapport_typ") or "tertial"
choices = [p for p in periods if p.kind == kind]
# The latest complete period is the usual one to report on; the running one is offered first only when no
# complete one exists.
complete = [p for p in choices if p.window.end <= (last or today) + dt.timedelta(days=1)]
default = complete[0] if complete else choices[0]
period = cols[1].selectbox("Vilken", choices, index=choices.index(default), format_func=lambda p: p.label,
                           key=f"rapport_period_{kind}")
districts = tuple(cols[2].multiselect("Stadsdelar", lists["districts"], default=list(filters.districts),
                                      placeholder="Alla stadsdelar", key="rapport_stadsdelar"))

data: rep.ReportData = cache.query(rep.report_data, db, period, districts, today)
current, previous = rep.period_labels(data)
if not data.complete:
    st.info(f"{period.label} är inte avslutad: rapporten räknar till och med {data.window.end - dt.timedelta(days=1)} "
            "och jämför med samma datum året före.", icon=":material/schedule:")


def _document(fmt: str, path: str = str(db.path), period: rep.ReportPeriod = period,
              districts: tuple[str, ...] = districts) -> bytes:
    with Database(Path(path)).read() as con:
        doc = documents.report(con, period, districts)
    return documents.render(doc, fmt)


stem = f"lagesbild-{period.key}" + (f"-{'-'.join(districts)}" if districts and len(districts) <= 3 else "")
dl = st.columns([2, 2, 6])
dl[0].download_button("Rapport som Word", data=lambda: _document("docx"), file_name=f"{stem}.docx",
                      mime=documents.DOCX_MIME, icon=":material/description:", on_click="ignore", type="primary",
                      key="rapport_docx", width="stretch")
dl[1].download_button("Rapport som PDF", data=lambda: _document("pdf"), file_name=f"{stem}.pdf",
                      mime=documents.PDF_MIME, icon=":material/picture_as_pdf:", on_click="ignore",
                      key="rapport_pdf", width="stretch")
dl[2].caption("Diagrammen ritas på servern och blir bilder i dokumentet; det tar några sekunder.")

st.header("Sammanfattning")
st.markdown("\n".join(f"- {safe_text.plain(line)}" for line in rep.summary_sentences(data)))

st.header("Utveckling per stadsdel och kategori")
left, right = st.columns(2, gap="large")
with left:
    if data.by_district.empty:
        st.write("Inga händelser under perioden.")
    else:
        fig = chart_style.style_figure(rep.district_figure(data), height=figures.compare_height(len(data.by_district)))
        widgets.chart(fig, f"rapport-stadsdel-{period.key}",
                 summary=f"Händelser per stadsdel, {current.lower()} mot {previous.lower()}.")
with right:
    if not data.by_category.empty:
        top = data.by_category.head(12)
        fig = chart_style.style_figure(rep.category_figure(data), height=figures.compare_height(len(top)))
        widgets.chart(fig, f"rapport-kategori-{period.key}",
                 summary="De tolv kategorierna med flest händelser. Orange: statistiskt säker ökning.")
fig = chart_style.style_figure(rep.monthly_figure(data), height=400)
widgets.chart(fig, f"rapport-manad-{period.key}", summary="Händelser per månad under perioden mot året före.")

st.header("Prioriterade områden och mål")
if data.areas.empty:
    st.write("Inga prioriterade områden gäller under perioden.")
else:
    fig = chart_style.style_figure(rep.areas_figure(data), height=figures.compare_height(len(data.areas)) + 40)
    widgets.chart(fig, f"rapport-omraden-{period.key}", summary="Händelser i områdenas indikatorkategorier.")
    shown = pd.DataFrame({
        "Prioriterat område": data.areas["name"], "Mål": data.areas["goal"],
        current: [fmt_int(v) for v in data.areas["count"]],
        previous: [fmt_int(v) for v in data.areas["count_last_year"]], "Förändring": data.areas["change"],
    })
    widgets.table(shown, f"rapport-omraden-{period.key}")

st.header("Insatser och uppmätt effekt")
if data.interventions.empty:
    st.write("Inga insatser pågick under perioden i de valda stadsdelarna.")
else:
    frame = data.interventions
    widgets.table(pd.DataFrame({
        "Insats-ID": frame["id"], "Insats": frame["title"], "Stadsdel": frame["district"].fillna("Hela kommunen"),
        "Status": frame["status"], "Uppmätt effekt": frame["effect"],
    }), f"rapport-insatser-{period.key}", column_config={"Uppmätt effekt": st.column_config.TextColumn(width="large")})

st.header("Trygghetsmätning")
survey = rep.survey_frame(data)
if survey.empty:
    st.write("Det finns inga resultat från trygghetsmätningar för de valda stadsdelarna.")
else:
    fig = chart_style.style_figure(rep.survey_figure(data), height=150 + 70 * survey["indicator"].nunique())
    widgets.chart(fig, f"rapport-trygghet-{period.key}", summary="Snitt för de valda stadsdelarna, de två senaste "
             "mätningarna.")

st.header("Analys")
key = rep.analysis_key(period, districts)
stored = cache.query(meetings.report_text, db, key)
if can_write:
    with st.form(f"analys_{key}"):
        text = st.text_area("Analysen i rapporten", value=stored, height=260, max_chars=meetings.MAX_TEXT,
                            placeholder=rep.ANALYSIS_PLACEHOLDER,
                            help="Sparas för den här perioden och de här stadsdelarna och kommer med i Word och PDF. "
                                 "Inga personuppgifter: personnummer, telefonnummer och e-post tas bort.")
        if st.form_submit_button("Spara analysen", icon=":material/save:"):
            try:
                removed = meetings.save_report_text(db, key, text, actor=actor)
            except UserError as exc:
                show_error(exc)
            else:
                if removed:
                    st.toast(safe_text.plain(removed.message), icon=":material/privacy_tip:")
                st.toast("Analysen är sparad.", icon=":material/check_circle:")
                st.rerun()
elif stored:
    st.markdown(safe_text.plain(stored))
else:
    st.caption("Ingen analys skriven ännu.")
st.caption("Åtgärdsplanen i dokumentet listar pågående och planerade insatser och öppna beslut från mötena.")
