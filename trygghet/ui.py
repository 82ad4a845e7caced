"""Streamlit building blocks shared by the pages: the database handle, banners, formatting."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pandas as pd
import streamlit as st

from . import history
from .db import Database, resolve_db_path

_build_lock = threading.Lock()


def fmt_int(value: int | float | None) -> str:
    """Swedish thousands separator: 1 234 567 (a narrow no-break space would wrap badly on projectors)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return "–"
    return f"{round(value):,}".replace(",", "\u00a0")


def database() -> Database:
    """The app's database; a first start builds the demo database so there is something to show."""
    db = Database(resolve_db_path())
    if db.exists():
        return db
    with _build_lock:
        if not db.exists():
            _build_demo(db.path)
    return db


def _build_demo(path: Path) -> None:
    from .demo import build_demo

    with st.spinner("Ingen databas hittades – bygger demodatabasen (tar några sekunder) …"):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.bygger")
        build_demo(tmp)
        os.replace(tmp, path)


@st.cache_data(show_spinner=False, ttl=60)
def _status(path: str, token: tuple[int, int, int]) -> dict[str, object]:
    return history.database_status(Database(Path(path)))


def status(db: Database) -> dict[str, object]:
    """Demo flag and data version, re-read only when the file has changed."""
    return _status(str(db.path), db.change_token())


def banners(db: Database) -> None:
    info = status(db)
    if info["is_demo"]:
        st.info(
            "**Demodata** – en påhittad kommun (Solvik). Siffrorna är genererade och gäller ingen verklig plats.",
            icon=":material/science:",
        )


def footer(db: Database) -> None:
    info = status(db)
    updated = info["updated_at"]
    when = updated.strftime("%Y-%m-%d %H:%M") if updated is not None else "–"
    st.caption(f"Senast uppdaterad {when} · dataversion {info['version']}")
