"""What the Rapport page shows of a report before it is downloaded: the development per district with
rates per 1 000 invånare, per category and month, the priority areas judged against their goals,
the interventions as of the period's end, the survey; and the downloads with the register of
finished reports, each with its SHA-256, which can be checked by making the report again."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet.core import clock
from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_date, fmt_dec, fmt_int
from trygghet.documents import archive, output
from trygghet.documents import report_figures as rf
from trygghet.documents.report import file_stem
from trygghet.documents.report_sections import summary_sentences
from trygghet.present import chart_style, figures
from trygghet.ui import cache, safe_text, widgets
from trygghet.ui.errors import show_error
from trygghet.ui.progress_bar import StageBar
from trygghet.ui.report_forms import ReportPage


def _rate(value: object) -> str:
    return fmt_dec(value, 1) if value is not None and pd.notna(value) else "–"  # type: ignore[arg-type]


def overview(page: ReportPage) -> None:
    data = page.data
    key = page.period.key
    current, previous = rf.period_labels(data)
    st.header("Sammanfattning")
    st.markdown("\n".join(f"- {safe_text.plain(line)}" for line in summary_sentences(data)))

    st.header("Omfattning per stadsdel och kategori")
    left, right = st.columns(2, gap="large")
    with left:
        if data.by_district.empty:
            st.write("Inga händelser under perioden.")
        else:
            fig = chart_style.style_figure(rf.district_figure(data), height=figures.compare_height(len(data.by_district)))
            widgets.chart(fig, f"rapport-stadsdel-{key}", summary=rf.compare_alt(data.by_district, "händelser per "
                                                                               "stadsdel", current, previous))
    with right:
        if not data.by_category.empty:
            top = data.by_category.head(12)
            fig = chart_style.style_figure(rf.category_figure(data), height=figures.compare_height(len(top)))
            widgets.chart(fig, f"rapport-kategori-{key}", summary="De tolv kategorierna med flest händelser. Orange: "
                                                                  "statistiskt säker ökning.")
    frame = data.by_district
    if len(frame):
        widgets.table(pd.DataFrame({
            "Stadsdel": frame["name"], current: [fmt_int(v) for v in frame["count"]],
            previous: [fmt_int(v) for v in frame["previous"]],
            "Förändring": [rf.change_text(c, p) for c, p in zip(frame["count"], frame["previous"], strict=True)],
            "Invånare": [fmt_int(v) if pd.notna(v) else "–" for v in frame["population"]],
            "Per 1 000 inv.": [_rate(v) for v in frame["rate"]],
            "Per 1 000 inv. året före": [_rate(v) for v in frame["rate_previous"]],
        }), f"rapport-stadsdelar-{key}")
        if frame["population"].isna().all():
            st.caption("Befolkning per stadsdel saknas: ladda upp fliken Befolkning på sidan Data för att få "
                       "händelser per 1 000 invånare.")
    fig = chart_style.style_figure(rf.monthly_figure(data), height=rf.monthly_height(data))
    widgets.chart(fig, f"rapport-manad-{key}", summary=rf.monthly_alt(data))

    st.header("Prioriterade områden och måluppfyllelse")
    if data.areas.empty:
        st.write("Inga prioriterade områden gäller under perioden.")
    else:
        widgets.table(pd.DataFrame({
            "Prioriterat område": data.areas["name"], "Mål": data.areas["goal"], "Bedömning": data.areas["verdict"],
            "Underlag": data.areas["attainment"],
        }), f"rapport-omraden-{key}", column_config={"Underlag": st.column_config.TextColumn(width="large")})

    st.header(f"Insatser under perioden (status {fmt_date(data.as_of)})")
    if data.interventions.empty:
        st.write("Inga insatser pågick under perioden i de valda stadsdelarna.")
    else:
        frame = data.interventions
        widgets.table(pd.DataFrame({
            "Insats-ID": frame["id"], "Insats": frame["title"], "Stadsdel": frame["district"].fillna("Hela kommunen"),
            "Status": frame["status"], "Uppmätt effekt": frame["effect"],
        }), f"rapport-insatser-{key}", column_config={"Uppmätt effekt": st.column_config.TextColumn(width="large")})

    st.header("Trygghetsmätning")
    survey = rf.survey_frame(data)
    if survey.empty:
        st.write("Det finns inga resultat från trygghetsmätningar för de valda stadsdelarna.")
    else:
        fig = chart_style.style_figure(rf.survey_figure(data), height=150 + 70 * survey["indicator"].nunique())
        widgets.chart(fig, f"rapport-trygghet-{key}", summary=rf.survey_alt(survey))


def downloads(page: ReportPage) -> None:
    period, districts, db = page.period, page.districts, page.db
    stem = file_stem(period, districts)

    def make(fmt: str) -> bytes:
        return archive.make(db, period, districts, fmt)

    cols = st.columns([2, 2, 6])
    cols[0].download_button("Rapport som Word", data=lambda: make("docx"), file_name=f"{stem}.docx",
                            mime=output.DOCX_MIME, icon=":material/description:", on_click="ignore", type="primary",
                            key="rapport_docx", width="stretch")
    cols[1].download_button("Rapport som PDF", data=lambda: make("pdf"), file_name=f"{stem}.pdf",
                            mime=output.PDF_MIME, icon=":material/picture_as_pdf:", on_click="ignore",
                            key="rapport_pdf", width="stretch")
    cols[2].caption("Diagrammen ritas på servern och blir bilder i dokumentet; det tar några sekunder. Samma period "
                    "och samma data ger samma fil.")


def register(page: ReportPage) -> None:
    st.header("Registrerade rapporter")
    st.caption("En färdig rapport registreras med sin SHA-256, så att den kan diarieföras och visas vara oförändrad: "
               "görs rapporten om från samma data blir filen densamma.")
    if page.can_write:
        with st.form("registrera", border=False):
            fmt = st.radio("Format", ["pdf", "docx"], format_func={"pdf": "PDF", "docx": "Word"}.get, horizontal=True)
            if st.form_submit_button("Registrera rapporten", icon=":material/verified:"):
                try:
                    archive.require_finished(page.period, clock.today())
                    bar = StageBar("Rapporten görs")
                    data = archive.make(page.db, page.period, page.districts, fmt, progress=bar)
                    bar.done()
                    saved = archive.register(page.db, page.period, page.districts, fmt, data,
                                             f"{file_stem(page.period, page.districts)}.{fmt}", actor=page.actor)
                except UserError as exc:
                    show_error(exc)
                else:
                    st.toast(f"Registrerad som rapport nr {saved.id}." if saved.new else
                             f"Samma dokument är redan registrerat som rapport nr {saved.id}.",
                             icon=":material/check_circle:")
                    st.rerun()
    saved = cache.query(archive.saved_reports, page.db)
    if saved.empty:
        st.caption("Inga rapporter är registrerade ännu.")
        return
    shown = pd.DataFrame({
        "Nr": saved["id"], "Period": saved["period_key"],
        "Stadsdelar": [", ".join(d) if len(d) else "Alla" for d in saved["districts"]],
        "Format": saved["format"].str.upper(), "Fil": saved["file_name"], "SHA-256": saved["sha256"],
        "Registrerad": saved["created_at"], "Av": saved["actor"],
    })
    widgets.table(shown, "registrerade-rapporter")
    with st.form("kontrollera", border=False):
        chosen = st.selectbox("Kontrollera en registrerad rapport", saved["id"].tolist(),
                              format_func=lambda i: f"Nr {i}")
        if st.form_submit_button("Gör om och jämför", icon=":material/fact_check:"):
            bar = StageBar(f"Rapport nr {chosen} görs om")
            try:
                result = archive.recheck(page.db, int(chosen), progress=bar)
            except UserError as exc:
                show_error(exc)
                return
            bar.done()
            if result.same:
                st.success(f"Rapport nr {chosen} blir densamma: SHA-256 stämmer.", icon=":material/check_circle:")
            else:
                st.warning(safe_text.plain(recheck_text(int(chosen), result)), icon=":material/warning:")
                if result.changed:
                    st.text("\n".join(result.changed))
    with page.db.read() as con:
        stored = archive.stored_document(con, int(chosen)) if chosen is not None else None
    if stored is not None:
        row = saved[saved["id"] == chosen].iloc[0]
        st.download_button(f"Ladda ner rapport nr {chosen} som den registrerades", data=stored,
                           file_name=str(row["file_name"]),
                           mime=output.PDF_MIME if row["format"] == "pdf" else output.DOCX_MIME,
                           icon=":material/download:", on_click="ignore", key="rapport_registrerad")


def recheck_text(report_id: int, result: archive.Recheck) -> str:
    """Why a registered report made again is not the same file, in words for the user."""
    why = (f"{archive.uploads_text(result.uploads_since)} sedan den registrerades"
           + ("; händelser eller uppgifter för perioden har lagts till eller ändrats." if result.uploads_since
              else "; uppgifter om perioden (insatser, planer, texter) har ändrats sedan dess."))
    kept = (" Den registrerade filen är sparad och kan laddas ner oförändrad." if result.stored
            else " Rapporten registrerades innan filerna sparades, så bara kontrollsumman kan jämföras.")
    changed = " Det här skiljer:" if result.changed else ""
    return f"Rapport nr {report_id} blir inte densamma i dag. {why}{kept}{changed}"
