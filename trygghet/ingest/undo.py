"""Undoing an upload: its events go, the interventions it changed get their earlier values back."""

from __future__ import annotations

from dataclasses import dataclass, field

from trygghet.core import clock
from trygghet.core.errors import UserError
from trygghet.ingest import report_sheets
from trygghet.store import access, audit, snapshots
from trygghet.store import event_counts as counts
from trygghet.store.access import Actor
from trygghet.store.db import Database

# The intervention fields an upload may have changed, and their SQL types.
_FIELDS = {
    "title": "VARCHAR", "priority_area": "VARCHAR", "district": "VARCHAR", "owner": "VARCHAR",
    "contact": "VARCHAR", "status": "VARCHAR", "start_date": "DATE", "end_date": "DATE", "comment": "VARCHAR",
}


class UndoError(UserError, ValueError):
    """The upload cannot be undone; the message is Swedish."""


@dataclass
class UndoReport:
    upload_id: int
    file_name: str
    events_removed: int = 0
    interventions_removed: int = 0
    fields_restored: int = 0
    fields_left: list[str] = field(default_factory=list)  # changed again later, so left as they are
    survey_removed: int = 0

    def summary(self) -> str:
        text = (
            f"Uppladdning {self.upload_id} ({self.file_name}) är ångrad: {self.events_removed} händelser och "
            f"{self.interventions_removed} nya insatser borttagna, {self.fields_restored} ändrade fält i insatser "
            f"återställda, {self.survey_removed} mätvärden borttagna."
        )
        if self.fields_left:
            text += (" Dessa fält har ändrats igen senare och lämnades som de är: "
                     + ", ".join(self.fields_left) + ".")
        return text


def undo_upload(db: Database, upload_id: int, actor: Actor) -> UndoReport:
    access.require(actor, access.UNDO, "ångra en uppladdning")
    snapshots.take(db, snapshots.BEFORE_UNDO)
    now = clock.now().replace(microsecond=0)
    with db.write() as con:
        row = con.execute("SELECT file_name, status FROM uploads WHERE id = ?", [upload_id]).fetchone()
        if row is None:
            raise UndoError(f"Uppladdning {upload_id} finns inte.")
        if row[1] == "ångrad":
            raise UndoError(f"Uppladdning {upload_id} är redan ångrad.")
        report = UndoReport(upload_id, row[0])
        counts.remove_upload(con, upload_id)
        report.events_removed = len(con.execute(
            "DELETE FROM events WHERE upload_id = ? RETURNING 1", [upload_id]
        ).fetchall())
        changes = con.execute(
            """SELECT intervention_id, field, old_value, new_value FROM intervention_history
               WHERE upload_id = ? ORDER BY changed_at DESC""",
            [upload_id],
        ).fetchall()
        created = {iid for iid, f, old, _ in changes if f == "title" and old is None}
        history: list[tuple[object, ...]] = []
        for intervention_id in sorted(created):
            con.execute("DELETE FROM interventions WHERE id = ?", [intervention_id])
            history.append((intervention_id, "*", None, "borttagen", now, None, actor.name, "ångrad uppladdning"))
            report.interventions_removed += 1
        for intervention_id, name, old, new in changes:
            if intervention_id in created or name not in _FIELDS:
                continue
            current = con.execute(
                f"SELECT CAST({name} AS VARCHAR) FROM interventions WHERE id = ?", [intervention_id]
            ).fetchone()
            if current is None or current[0] != new:
                report.fields_left.append(f"{intervention_id}.{name}")
                continue
            con.execute(
                f"UPDATE interventions SET {name} = CAST(? AS {_FIELDS[name]}), updated_at = ? WHERE id = ?",
                [old, now, intervention_id],
            )
            history.append((intervention_id, name, new, old, now, None, actor.name, "ångrad uppladdning"))
            report.fields_restored += 1
        if history:
            con.executemany("INSERT INTO intervention_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", history)
        report.survey_removed = len(con.execute(
            "DELETE FROM survey_results WHERE upload_id = ? RETURNING 1", [upload_id]
        ).fetchall())
        # The lägesbild's context values (population, reference statistics, ...) count as measured values too.
        report.survey_removed += report_sheets.remove_upload(con, upload_id)
        # An "Inget att rapportera" week read from the file goes with it, as its events do.
        con.execute("DELETE FROM nothing_reports WHERE upload_id = ?", [upload_id])
        con.execute("UPDATE uploads SET status = 'ångrad' WHERE id = ?", [upload_id])
        audit.record(con, actor, "ångra uppladdning", report.file_name, {
            "uppladdning": upload_id, "händelser": report.events_removed,
            "insatser borttagna": report.interventions_removed, "fält återställda": report.fields_restored,
            "lämnade": report.fields_left, "mätvärden": report.survey_removed,
        })
    return report
