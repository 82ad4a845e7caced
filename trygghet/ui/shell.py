"""The app around the pages: the database handle (a first start builds the demo), banners, the
footer, the watch for new data and the calm message when a page fails."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st
from streamlit import config as st_config

from trygghet.core import config, privacy
from trygghet.ingest import history
from trygghet.store import first_start as setup
from trygghet.store import migrations
from trygghet.store.db import Database, damage_message, resolve_db_path
from trygghet.ui import first_start, serve
from trygghet.ui.meeting.state import presentation_on
from trygghet.ui.safe_text import plain

if TYPE_CHECKING:
    pass

_build_lock = threading.Lock()
log = logging.getLogger("trygghet")
# The app's own log and Streamlit's report of an uncaught exception, whose traceback may quote user text.
privacy.guard_logs("trygghet", "streamlit.error_util", "streamlit.runtime.scriptrunner.script_runner")


@st.cache_data(show_spinner=False, max_entries=4)
def _damage(path: str, token: tuple[int, int, int]) -> str | None:
    return damage_message(Database(Path(path)))


RESTORE_COMMAND = "python -m trygghet restore --latest"
# The latest copy of a file from a newer version is from that version too: the list shows them all.
LIST_COPIES_COMMAND = migrations.RESTORE_HINT


def database() -> Database:
    """The app's database; a first start builds the demo database so there is something to show.
    A session that chose Visa demo gets the demo's own file instead (built when missing), never the
    municipality's. A damaged file, or one from a newer version of the app, stops the page with the
    way back, never a traceback."""
    db = Database(resolve_db_path())
    if first_start.showing_demo():
        db = Database(setup.demo_path(db.path))
    if db.exists():
        problem = _damage(str(db.path), db.change_token())
        if problem:
            st.error(plain(problem), icon=":material/warning:")
            # The way back in a code block too: the escaped message cannot be copied into a terminal as is.
            st.code(RESTORE_COMMAND, language="bash")
            st.stop()
        problem = _upgrade(str(db.path), db.change_token())
        if problem:
            st.error(plain(problem), icon=":material/warning:")
            # Someone else's file has no copies to go back to: its message names the file to point at.
            if LIST_COPIES_COMMAND in problem:
                st.code(LIST_COPIES_COMMAND, language="bash")
            st.stop()
        return db
    with _build_lock:
        if not db.exists():
            _build_demo(db.path)
    return db


@st.cache_resource(show_spinner=False, max_entries=4)
def _upgrade(path: str, token: tuple[int, int, int]) -> str | None:
    """Brings a file from an older version up to date once, before any page reads it, after a copy of
    it as it was. A file from a newer version, or one that is not Lägesbild's, is left untouched and
    the message that says so is returned."""
    try:
        with _build_lock, st.spinner("Databasen uppgraderas till den här versionen av appen (en gång; "
                                     "en kopia av den som den var sparas först) …"):
            Database(Path(path)).upgrade()
    except migrations.SchemaError as exc:
        return exc.message
    return None


def _build_demo(path: Path) -> None:
    from trygghet.demo.build import build_demo
    from trygghet.ui.progress_bar import StageBar

    bar = StageBar("Ingen databas hittades – bygger demodatabasen")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.bygger")
    # The bar follows the build's own steps; a click meanwhile starts the build over on the next run.
    build_demo(tmp, progress=bar)
    os.replace(tmp, path)
    bar.done()


@st.cache_data(show_spinner=False, ttl=60)
def _status(path: str, token: tuple[int, int, int]) -> dict[str, object]:
    return history.database_status(Database(Path(path)))


def status(db: Database) -> dict[str, object]:
    """Demo flag and data version, re-read only when the file has changed."""
    return _status(str(db.path), db.change_token())


def banners(db: Database) -> None:
    # On the wall the banners would take a third of the screen: the presentation shows them as a
    # small badge in its footer instead (ui.meeting.presentation.badges).
    if presentation_on(st.query_params):
        return
    info = status(db)
    if info["is_demo"]:
        st.info(
            "**Demodata** – en påhittad kommun (Solvik). Siffrorna är genererade och gäller ingen verklig plats.",
            icon=":material/science:",
        )
        first_start.demo_actions()


def footer(db: Database) -> None:
    if presentation_on(st.query_params):  # the wall shows only the meeting
        return
    info = status(db)
    updated = info["updated_at"]
    when = updated.strftime("%Y-%m-%d %H:%M") if updated is not None else "–"
    st.caption(f"Senast uppdaterad {when} · dataversion {info['version']}")


@st.fragment(run_every=30)
def watch_for_new_data(db: Database, seen_version: int) -> None:
    """Reruns the page when an upload elsewhere (another browser, the CLI) has changed the data."""
    if int(status(db)["version"]) != seen_version:
        st.rerun(scope="app")


def warm_up_other_pages() -> None:
    """After the first page is drawn: every page's modules imported in the background, once per server
    (trygghet.ui.serve), so that the first switch to another page does not wait for them. Not under
    AppTest, where each test's process would pay for every page."""
    if not st_config.get_option("global.appTest"):
        serve.warm_up()


def run_page(navigation: object) -> None:
    """Runs the chosen page; an unexpected error becomes a calm Swedish message, never a traceback.

    TRYGGHET_RAISE_ERRORS=1 lets the error through, so that tests see it.
    """
    try:
        with serve.page_running():
            navigation.run()  # type: ignore[attr-defined]
    except Exception:
        if config.raise_errors():
            raise
        log.exception("Sidan kunde inte visas")
        st.error(
            "Något gick fel när sidan skulle visas. Felet är loggat för den som förvaltar appen. "
            "Ladda om sidan eller välj en annan sida; data i databasen påverkas inte.",
            icon=":material/error:",
        )
