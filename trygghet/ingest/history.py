"""Reading what the imports did: the upload history, rejected rows and table sizes."""

from __future__ import annotations

import pandas as pd

from trygghet.store.db import Database, data_version, get_meta

STATUS_LABELS = {"imported": "Importerad", "unchanged": "Oförändrad", "rejected": "Avvisad", "pågår": "Pågår",
                 "ångrad": "Ångrad"}


def upload_history(db: Database, limit: int = 200) -> pd.DataFrame:
    with db.read() as con:
        frame = con.execute(
            """SELECT id AS "Nr", uploaded_at AS "Tid", file_name AS "Fil", uploaded_by AS "Av",
                      rows AS "Rader", imported AS "Nya", updated AS "Uppdaterade",
                      duplicates AS "Dubbletter", rejected AS "Avvisade", status AS "Status"
               FROM uploads ORDER BY id DESC LIMIT ?""",
            [limit],
        ).df()
    frame["Status"] = frame["Status"].map(lambda s: STATUS_LABELS.get(s, s))
    return frame


def rejected_rows(db: Database, upload_id: int) -> pd.DataFrame:
    with db.read() as con:
        return con.execute(
            """SELECT sheet AS "Blad", row_number AS "Rad", column_name AS "Kolumn", reason AS "Fel"
               FROM rejected_rows WHERE upload_id = ? ORDER BY sheet, row_number, column_name""",
            [upload_id],
        ).df()


def table_counts(db: Database) -> dict[str, int]:
    tables = ("events", "interventions", "priority_areas", "survey_results", "districts", "categories",
              "uploads", "rejected_rows", "intervention_history")
    with db.read() as con:
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in tables}


def database_status(db: Database) -> dict[str, object]:
    """What the banner and footer need: demo or not, the data version and when it last changed."""
    with db.read() as con:
        version, updated_at = data_version(con)
        return {
            "is_demo": get_meta(con, "is_demo") == "1",
            "municipality": get_meta(con, "municipality"),
            "version": version,
            "updated_at": updated_at,
        }


def overview_counts(db: Database) -> dict[str, object]:
    with db.read() as con:
        events, first, last = con.execute("SELECT count(*), min(occurred_at), max(occurred_at) FROM events").fetchone()
        districts = con.execute("SELECT count(*) FROM districts").fetchone()[0]
        open_interventions = con.execute(
            "SELECT count(*) FROM interventions WHERE status IN ('Planerad', 'Pågående')"
        ).fetchone()[0]
        uploads = con.execute("SELECT count(*) FROM uploads").fetchone()[0]
    return {
        "events": events,
        "first_event": first,
        "last_event": last,
        "districts": districts,
        "open_interventions": open_interventions,
        "uploads": uploads,
    }


def events_per_district(db: Database) -> pd.DataFrame:
    with db.read() as con:
        return con.execute(
            """SELECT d.name AS "Stadsdel", count(e.id) AS "Händelser",
                      max(e.occurred_at)::DATE AS "Senaste händelse"
               FROM districts d LEFT JOIN events e ON e.district = d.name
               GROUP BY d.name, d.sort_order ORDER BY d.sort_order"""
        ).df()
