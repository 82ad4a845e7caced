"""Data: upload sheets, see exactly what goes in, fix what did not, and download the template."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from trygghet import access, export, geo_ui, history, importer, login, polisen, ui
from trygghet.db import DatabaseBusy
from trygghet.sheetspec import KIND_LABELS
from trygghet.templates import TEMPLATE_FILE_NAME, build_template, lists_from_database

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = ui.database()
actor = login.actor()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUS = {
    "preview": ("Klar att importera", ":material/task_alt:"),
    "imported": ("Importerad", ":material/check_circle:"),
    "unchanged": ("Oförändrad – inget nytt i filen", ":material/radio_button_unchecked:"),
    "rejected": ("Avvisad – inget importerades", ":material/error:"),
}

st.title("Data")
st.write(
    "Ladda upp Excel- eller CSV-filer med händelser, insatser, prioriterade områden, trygghetsmätningar, "
    "stadsdelar eller kategorier. Du ser först vad som känns igen och vad som inte går in; "
    "inget sparas förrän du trycker **Importera**."
)

state = st.session_state
state.setdefault("uploader_round", 0)
state.setdefault("prepared", {})
state.setdefault("results", [])


def sheet_table(report: importer.FileReport, final: bool) -> pd.DataFrame:
    rows = []
    for s in report.sheets:
        row = {"Blad": s.sheet, "Innehåll": KIND_LABELS[s.kind], "Rubrikrad": s.header_row, "Rader": s.rows}
        if final or report.status == "preview":
            row |= {"Nya": s.imported, "Uppdaterade": s.updated, "Redan kända": s.duplicates}
        row["Avvisade"] = s.rejected
        rows.append(row)
    return pd.DataFrame(rows)


def rejected_rows_download(upload_id: int, key: str | None = None) -> None:
    """The rejected rows as Excel. If the file cannot be built, a message takes the button's place
    and the rest of the page is shown as usual."""
    try:
        content = export.rejected_rows_xlsx(db, upload_id)
    except DatabaseBusy as exc:
        st.warning(str(exc))
        return
    except Exception:
        ui.log.exception("Excelfilen med avvisade rader för uppladdning %s kunde inte skapas", upload_id)
        st.warning(
            "Excelfilen med de avvisade raderna kunde inte skapas. Raderna och felen syns i tabellerna här "
            "och under fliken Uppladdningar; felet är loggat för den som förvaltar appen.",
            icon=":material/warning:",
        )
        return
    if content:
        st.download_button(
            "Ladda ned avvisade rader (Excel)",
            content,
            file_name=f"avvisade-rader-{upload_id}.xlsx",
            mime=XLSX,
            key=key,
            help="Originalraderna med en kolumn Fel. Rätta dem och ladda upp filen igen.",
        )


def show_report(report: importer.FileReport, prepared: importer.PreparedFile | None, final: bool) -> None:
    label, icon = STATUS[report.status]
    with st.container(border=True):
        st.markdown(f"**{ui.plain(report.file)}** – {label}")
        st.caption(f"{report.size / 1024:.0f} kB · sha256 {report.sha256[:12]}…")
        if report.error:
            st.error(ui.plain(report.error), icon=icon)
            return
        for note in report.notes:
            st.caption(ui.plain(note))
        st.dataframe(sheet_table(report, final), hide_index=True, width="stretch")
        for index, sheet in enumerate(report.sheets):
            for note in sheet.notes:
                st.caption(ui.plain(f"{sheet.sheet}: {note}"))
            if sheet.errors:
                with st.expander(f"{ui.plain(sheet.sheet)}: {len(sheet.errors)} fel på {sheet.rejected} rader", expanded=not final):
                    errors = pd.DataFrame(
                        [{"Rad": e.row, "Kolumn": e.column, "Fel": e.message} for e in sheet.errors]
                    )
                    st.dataframe(errors, hide_index=True, width="stretch")
            if prepared is not None and not final:
                with st.expander(f"{ui.plain(sheet.sheet)}: förhandsvisning av de första raderna"):
                    st.dataframe(importer.preview(prepared.parsed[index]), hide_index=True, width="stretch")
        if final and report.upload_id and report.totals()["rejected"]:
            rejected_rows_download(report.upload_id, key=f"rejected_{report.upload_id}")


upload_tab, history_tab, template_tab, settings_tab = st.tabs(["Ladda upp", "Uppladdningar", "Mall", "Inställningar"])

with upload_tab:
    for report in state["results"]:
        show_report(report, None, final=True)
    if not access.allowed(actor, access.UPLOAD):
        st.info("Du kan se uppladdningarna men inte ladda upp filer: det kräver rollen redigerare.",
                icon=":material/visibility:")
        files = []
    else:
        files = st.file_uploader(
            "Dra hit filer eller klicka för att välja",
            type=["xlsx", "xlsm", "xls", "ods", "csv", "json"],
            accept_multiple_files=True,
            key=f"uploader_{state['uploader_round']}",
            help="Filtypen avgörs av innehållet. Största filstorlek styrs av installationen.",
        )
    prepared_files: list[importer.PreparedFile] = []
    for upload in files or []:
        data = upload.getvalue()
        key = (upload.name, len(data), hash(data))
        if key not in state["prepared"]:
            try:
                with st.spinner(f"Läser {ui.plain(upload.name)} …"):
                    prepared = importer.prepare(db, data, upload.name)
                    if prepared.report.status != "rejected":
                        importer.apply(db, prepared, actor=actor, dry_run=True)
            except DatabaseBusy as exc:
                st.warning(str(exc))
                continue
            except access.AccessDenied as exc:
                prepared.report.status, prepared.report.error = "rejected", f"{prepared.file_name}: {exc}"
            state["prepared"][key] = prepared
        prepared_files.append(state["prepared"][key])
    for prepared in prepared_files:
        show_report(prepared.report, prepared, final=False)
    importable = [p for p in prepared_files if p.report.status != "rejected"]
    if importable:
        label = "Importera filen" if len(importable) == 1 else f"Importera {len(importable)} filer"
        if st.button(label, type="primary", icon=":material/upload:"):
            results = []
            for prepared in importable:
                try:
                    fresh = importer.prepare(db, prepared.data, prepared.file_name)
                    results.append(importer.apply(db, fresh, actor=actor))
                except (DatabaseBusy, access.AccessDenied) as exc:
                    st.error(ui.plain(f"{prepared.file_name}: {exc}"))
            state["results"] = results + [p.report for p in prepared_files if p.report.status == "rejected"]
            state["prepared"] = {}
            state["uploader_round"] += 1
            st.rerun()
    elif prepared_files:
        st.warning("Ingen av filerna kan importeras. Rätta felen ovan och ladda upp igen.")

with history_tab:
    uploads = history.upload_history(db)
    if uploads.empty:
        st.write("Inga uppladdningar ännu.")
    else:
        st.dataframe(uploads, hide_index=True, width="stretch")
        with_rejections = uploads[uploads["Avvisade"] > 0]
        if not with_rejections.empty:
            choice = st.selectbox(
                "Visa avvisade rader för uppladdning",
                with_rejections["Nr"].tolist(),
                format_func=lambda n: f"{n}: {uploads.loc[uploads['Nr'] == n, 'Fil'].iloc[0]}",
            )
            st.dataframe(history.rejected_rows(db, int(choice)), hide_index=True, width="stretch")
            rejected_rows_download(int(choice))

with template_tab:
    st.write(
        "Mallen har ett blad per sorts uppgift, rullgardinslistor med kommunens stadsdelar och kategorier "
        "och ett blad med instruktioner. Kolumnernas ordning spelar ingen roll, och rubrikerna får ha egna "
        "vanliga namn (t.ex. Adress i stället för Plats)."
    )
    st.download_button(
        "Ladda ned Excel-mallen",
        lambda: build_template(lists_from_database(db)),  # built when clicked, not on every rerun
        on_click="ignore",
        file_name=TEMPLATE_FILE_NAME,
        mime=XLSX,
        icon=":material/download:",
    )

with settings_tab:
    if not access.allowed(actor, access.SETTINGS):
        st.info("Inställningarna ändras av en administratör.", icon=":material/admin_panel_settings:")
    else:
        polisen.render_settings(db)  # Polisens händelser: the municipality, the type mapping, the gazetteer
        st.divider()
        geo_ui.render_geojson_upload(db)  # district boundaries for the map
