"""Data: upload sheets, see exactly what goes in, fix what did not, and download the template."""

from __future__ import annotations

import contextlib

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from trygghet.ingest import excel_export as export
from trygghet.ingest import history, import_worker, importer
from trygghet.ingest.excel_template import TEMPLATE_FILE_NAME, build_template, lists_from_database
from trygghet.ingest.sheetspec import KIND_LABELS
from trygghet.store import access
from trygghet.store.db import DatabaseBusy
from trygghet.store.upload_stash import UploadStash
from trygghet.ui import boundary_upload, login, polisen_settings, safe_text, shell, upload_flow
from trygghet.ui.errors import show_warning

login.page_guard()  # before anything else: nothing renders for a session the gate has not let in
db = shell.database()
actor = login.actor()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Errors listed per sheet on the page; all of them are counted, stored and in the rejected rows' Excel.
JOB_OPTIONS = import_worker.JobOptions(max_errors=1000)
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
state.setdefault("prepared", {})  # upload key -> (report, preview frames): small things only
state.setdefault("results", [])
if "upload_stash" not in state:
    state["upload_stash"] = UploadStash()
upload_flow.setup(state)
stash: UploadStash = state["upload_stash"]


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
        show_warning(exc)
        return
    except Exception:
        shell.log.exception("Excelfilen med avvisade rader för uppladdning %s kunde inte skapas", upload_id)
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


def forget_uploads(uploads: list[UploadedFile]) -> None:
    """Lets Streamlit's store of uploaded files drop these files' bytes now: it keeps them for the
    session's whole life otherwise, also after their uploader is gone."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    for upload in uploads:
        with contextlib.suppress(Exception):  # a store without remove_file keeps them until the session ends
            ctx.uploaded_file_mgr.remove_file(session_id=ctx.session_id, file_id=upload.file_id)


def show_report(report: importer.FileReport, previews: list[pd.DataFrame] | None, final: bool) -> None:
    label, icon = STATUS[report.status]
    with st.container(border=True):
        st.markdown(f"**{safe_text.plain(report.file)}** – {label}")
        st.caption(f"{report.size / 1024:.0f} kB · sha256 {report.sha256[:12]}…")
        if report.error:
            st.error(safe_text.plain(report.error), icon=icon)
            return
        for note in report.notes:
            st.caption(safe_text.plain(note))
        st.dataframe(sheet_table(report, final), hide_index=True, width="stretch")
        for index, sheet in enumerate(report.sheets):
            for note in sheet.notes:
                st.caption(safe_text.plain(f"{sheet.sheet}: {note}"))
            if sheet.errors:
                with st.expander(f"{safe_text.plain(sheet.sheet)}: {len(sheet.errors)} fel på {sheet.rejected} rader", expanded=not final):
                    errors = pd.DataFrame(
                        [{"Rad": e.row, "Kolumn": e.column, "Fel": e.message} for e in sheet.errors]
                    )
                    st.dataframe(errors, hide_index=True, width="stretch")
            if previews is not None and not final:
                with st.expander(f"{safe_text.plain(sheet.sheet)}: förhandsvisning av de första raderna"):
                    st.dataframe(previews[index], hide_index=True, width="stretch")
        if final and report.upload_id and report.totals()["rejected"]:
            rejected_rows_download(report.upload_id, key=f"rejected_{report.upload_id}")


upload_tab, history_tab, template_tab, settings_tab = st.tabs(["Ladda upp", "Uppladdningar", "Mall", "Inställningar"])


def upload_section() -> None:
    """The upload tab. A function, so that the uploaded files are its locals and go when it returns:
    a page's globals live on in reference cycles (its functions refer to them) that only a full
    collection frees, and Streamlit runs none after a run (runner.postScriptGC is off)."""
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
            disabled=upload_flow.importing(state),
        )
    # Each file is read, validated and dry-run once, for the preview, in a child process: the
    # server never holds its cells. The child leaves the prepared result on disk in the stash,
    # and Importera has another child write it. The session holds only the report and ten
    # preview rows per sheet; changing the uploader's key after the import lets go of the bytes.
    # Both steps show their progress and can be stopped (ui/upload_flow).
    upload_flow.show_notice(state)
    keys = {f"{upload.file_id}:{upload.size}": upload for upload in files or []}
    upload_flow.forget_stale_job(state, set(keys))
    staged: list[tuple[str, UploadedFile, importer.FileReport, list[pd.DataFrame]]] = []
    for key, upload in keys.items():
        if key not in state["prepared"]:
            result = upload_flow.preview(state, db, actor, stash, upload, key, JOB_OPTIONS)
            if result is None:
                continue
            state["prepared"][key] = (result.report, result.previews)
            del result
            import_worker.release_memory()
        staged.append((key, upload, *state["prepared"][key]))
    current = {key for key, *_ in staged}
    state["prepared"] = {key: value for key, value in state["prepared"].items() if key in current}
    state["stopped_uploads"] &= set(keys)
    stash.keep_only(current)
    for _, _, report, previews in staged:
        show_report(report, previews, final=False)
    importable = [(key, upload, report) for key, upload, report, _ in staged if report.status != "rejected"]
    if importable:
        label = "Importera filen" if len(importable) == 1 else f"Importera {len(importable)} filer"
        if st.button(label, type="primary", icon=":material/upload:", disabled=upload_flow.importing(state)):
            upload_flow.start_import(state, [key for key, _, _ in importable])
    elif staged:
        st.warning("Ingen av filerna kan importeras. Rätta felen ovan och ladda upp igen.")
    if upload_flow.importing(state):
        results = upload_flow.run_imports(state, db, actor, stash, {k: u for k, u, _ in importable},
                                          {k: r for k, _, r in importable}, JOB_OPTIONS)
        if results is not None:
            state["results"] = results + [report for _, _, report, _ in staged if report.status == "rejected"]
            state["prepared"] = {}
            emptied = f"uploader_{state['uploader_round']}"
            state["uploader_round"] += 1  # a new, empty uploader in place of the one that held the files
            forget_uploads(files or [])
            # The old uploader's value holds the files too, and Streamlit would drop it only at the end
            # of the next run, with no collection after it (runner.postScriptGC is off): gone now, the
            # collection below frees the bytes.
            st.session_state.pop(emptied, None)
            # This run's own references to the files, before the collection.
            files, upload = [], None
            keys.clear()
            staged.clear()
            importable.clear()
            import_worker.release_memory()
        st.rerun()


with upload_tab:
    upload_section()

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
        polisen_settings.render_settings(db)  # Polisens händelser: the municipality, the type mapping, the gazetteer
        st.divider()
        boundary_upload.render_geojson_upload(db)  # district boundaries for the map
