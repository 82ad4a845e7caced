"""Shared fixtures: a fresh database with five districts, an xlsx builder and table counts."""

from __future__ import annotations

import io
import os
import shutil
import struct
import zlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import openpyxl
import pytest
from suite_days import TODAY, suite_today

from trygghet.core import clock
from trygghet.ingest.importer import FileReport, import_file
from trygghet.store.db import Database, add_district, data_version, init_database

DISTRICTS = ("Norrby", "Hamnen", "Angered", "Centrum", "Östra Hamnen")
TABLES = (
    "events",
    "interventions",
    "intervention_history",
    "priority_areas",
    "survey_results",
    "districts",
    "categories",
    "organisations",
    "uploads",
    "rejected_rows",
    "reporters",
    "nothing_reports",
    "form_reports",
)


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once: creating a DuckDB file costs far more than copying one."""
    db = Database(tmp_path_factory.mktemp("template") / "t.duckdb")
    init_database(db)
    with db.write() as con:
        for name in DISTRICTS:
            add_district(con, name)
    assert not db.path.with_name(db.path.name + ".wal").exists()
    return db.path


@pytest.fixture
def database(_database_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    """A fresh database with the default categories and the districts in DISTRICTS.

    Tests on it import hand-written samples dated up to TODAY, so the product's clock stands at TODAY
    for them (imports, the app under AppTest, subprocesses), whichever day the suite runs for.
    """
    monkeypatch.setenv(clock.ENV, TODAY.isoformat())
    path = tmp_path / "t.duckdb"
    shutil.copyfile(_database_template, path)
    return Database(path)


@pytest.fixture
def upload(database: Database) -> Callable[..., FileReport]:
    """`upload(data, "fil.xlsx")` imports into `database` as of TODAY and returns the report."""

    def run(data: bytes, file_name: str = "fil.xlsx", **kwargs: object) -> FileReport:
        kwargs.setdefault("today", TODAY)
        return import_file(database, data, file_name, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture
def query(database: Database) -> Callable[..., list[tuple[object, ...]]]:
    """`query(sql, params)` -> all rows from `database`."""

    def run(sql: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        with database.read() as con:
            return con.execute(sql, list(params)).fetchall()

    return run


def count_tables(db: Database) -> dict[str, int]:
    """Row count of every table plus the data version, to show that nothing changed."""
    with db.read() as con:
        counts = {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
        counts["data_version"] = data_version(con)[0]
    return counts


@pytest.fixture
def table_counts() -> Callable[[Database], dict[str, int]]:
    """`table_counts(db)` -> {table: rows, ..., 'data_version': n}."""
    return count_tables


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid RGB PNG written with zlib only."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        body = kind + payload
        return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x00\x72\xb2" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def build_xlsx(
    sheets: dict[str, Sequence[Sequence[object]]],
    *,
    hidden: Iterable[str] = (),
    merged: dict[str, Iterable[str]] | None = None,
    logos: dict[str, str] | None = None,
) -> bytes:
    """Workbook bytes: {sheet name: rows} in sheet order, rows[0] being Excel row 1.

    Cells keep their Python type (datetime/date/time become real Excel date cells).
    `hidden` names hidden sheets, `merged` maps a sheet to ranges like "A1:F1" and
    `logos` maps a sheet to the cell a small PNG image is anchored at.
    """
    merged = merged or {}
    logos = logos or {}
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
        for cell_range in merged.get(name, ()):
            ws.merge_cells(cell_range)
        if name in logos:
            from openpyxl.drawing.image import Image  # needs Pillow, which Streamlit depends on

            ws.add_image(Image(io.BytesIO(tiny_png())), logos[name])
        if name in hidden:
            ws.sheet_state = "hidden"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def make_xlsx() -> Callable[..., bytes]:
    """`make_xlsx({"Händelser": rows, ...}, hidden=..., merged=..., logos=...)` -> xlsx bytes."""
    return build_xlsx


def pytest_configure(config: pytest.Config) -> None:
    # Pages let unexpected errors through under test, so AppTest reports them (see ui.run_page).
    os.environ.setdefault("TRYGGHET_RAISE_ERRORS", "1")
    # Set in the environment, so that AppTest runs, the CLI's subprocesses and the browser tests'
    # Streamlit server all see the same day as the tests' own clock.today().
    os.environ[clock.ENV] = suite_today().isoformat()


def pytest_report_header(config: pytest.Config) -> str:
    return f"today (TRYGGHET_TODAY): {os.environ[clock.ENV]}"
