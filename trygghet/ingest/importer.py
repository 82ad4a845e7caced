"""One uploaded file into the database, as one transaction, with a precise report.

`prepare` reads and validates without writing; `apply` writes everything the file
holds in one transaction (or rolls it back for a preview); `import_file` does both.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from trygghet.core import clock, privacy
from trygghet.core.config import Limits
from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.core.text import Vocabulary
from trygghet.ingest import report_sheets, reporters
from trygghet.ingest.field_parsers import Vocabularies
from trygghet.ingest.file_report import FileReport, SheetReport, safe_file_name
from trygghet.ingest.polisen import feed as police_feed
from trygghet.ingest.read_worker import read_isolated
from trygghet.ingest.reader import FileError, RawFile, read_file
from trygghet.ingest.recognise import SheetError, is_ignored_sheet, recognise
from trygghet.ingest.sheetspec import BY_KIND, KIND_LABELS
from trygghet.ingest.validate import ParsedSheet, parse_sheet
from trygghet.ingest.write_events import write_events
from trygghet.store import access, audit, reference_lists, snapshots
from trygghet.store import db as dbmod
from trygghet.store import event_counts as counts
from trygghet.store import installation_settings as settings
from trygghet.store.access import Actor
from trygghet.store.db import Database

if TYPE_CHECKING:
    import pandas as pd

# The stage an import reports as it commits: stopping it then would come too late (ui/upload_job).
COMMIT_STAGE = "Sparar i databasen"
SETUP_ORDER = ("districts", "categories", "reporters", "priority_areas", "population", "reference", "context")
DATA_ORDER = ("interventions", "events", "survey", "survey_groups")


@dataclass
class PreparedFile:
    file_name: str
    data: bytes  # empty when the file is read from `path`
    sha256: str
    raw: RawFile | None
    parsed: list[ParsedSheet]
    report: FileReport
    path: Path | None = None  # the file on disk, for a worker that never holds its bytes


def load_vocabularies(db: Database) -> Vocabularies:
    if not db.exists():
        return Vocabularies(Vocabulary([]), Vocabulary([]), Vocabulary([]), Vocabulary([]))
    with db.read() as con:
        districts = reference_lists.districts(con)
        categories = reference_lists.categories(con)
        areas = reference_lists.priority_areas(con)
        orgs = reference_lists.organisations(con)
    return Vocabularies(Vocabulary(districts), Vocabulary(categories), Vocabulary(areas), Vocabulary(orgs))


def prepare(
    db: Database,
    data: bytes | Path,
    file_name: str,
    *,
    limits: Limits | None = None,
    today: dt.date | None = None,
    kommun: str | None = None,
    isolated: bool = True,
    progress: Reporter | ProgressCallback | None = None,
) -> PreparedFile:
    """Reads and validates a file (its bytes, or its path) without writing anything.

    `kommun` chooses the municipality whose events a police feed (JSON) gives; without it the
    database's setting is used. `isolated=False` reads in this process: only for a caller that
    is itself the limited child process (trygghet.ingest.import_worker). `progress` hears how far
    the reading and checking have come."""
    name = safe_file_name(file_name)
    steps = reporter(progress)
    path = data if isinstance(data, Path) else None
    digest = file_sha256(data)
    size = path.stat().st_size if path is not None else len(data)  # type: ignore[arg-type]
    content = b"" if path is not None else data
    report = FileReport(name, "preview", sha256=digest, size=size)
    in_name = privacy.scrub(re.split(r"[\\/]", file_name or "")[-1][:200])[1]
    if in_name:
        report.notes.append(f"Personuppgifter togs bort i filnamnet: {privacy.describe(in_name.counts)}.")
    today = today or clock.today()
    try:
        # Parsed in a separate process under hard limits: a hostile file fails alone, not the server.
        if isolated:
            raw = read_isolated(data if path is None else path.read_bytes(), name, limits)  # type: ignore[arg-type]
        else:
            raw = read_file(data, name, limits, steps)
        report.file_kind = raw.file_kind
        report.notes.extend(raw.notes)
        if raw.file_kind == "json":
            steps.stage("Kontrollerar polisens händelser")
            parsed: list[ParsedSheet] = [police_feed.parse_feed(db, raw.text or "", kommun=kommun)]
        else:
            parsed = _parse_all(raw, db, today, report, steps)
    except (FileError, SheetError) as exc:
        report.status = "rejected"
        report.error = f"{name}: {exc}"
        return PreparedFile(name, content, digest, None, [], report, path)
    for sheet in parsed:
        errors = [e for r in sheet.rejections for e in r.errors]
        report.sheets.append(
            SheetReport(
                sheet=sheet.sheet,
                kind=sheet.kind,
                header_row=sheet.header_row,
                columns=sheet.headers,
                ignored_columns=sheet.ignored_columns,
                rows=sheet.rows,
                valid=sheet.valid_count,
                rejected=len(sheet.rejections),
                errors=errors,
                notes=sheet.notes,
                skipped=dict(getattr(sheet, "skipped", {})),
                placement=dict(getattr(sheet, "placement", {})),
            )
        )
    # The raw cells are not kept: `parsed` holds all that apply needs, and a full sheet's raw cells
    # would stay in memory beside it.
    del raw
    return PreparedFile(name, content, digest, None, parsed, report, path)


def file_sha256(data: bytes | Path) -> str:
    if not isinstance(data, Path):
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    with open(data, "rb") as stream:
        while block := stream.read(2**20):
            digest.update(block)
    return digest.hexdigest()


def _parse_all(raw: RawFile, db: Database, today: dt.date, report: FileReport,
               progress: Reporter | None = None) -> list[ParsedSheet]:
    policy = settings.pii_policy(db)
    recognised = []
    for sheet in raw.sheets:
        # Sheet names reach notes, errors, the upload history and rejected rows: masked first.
        sheet.name, in_name = privacy.scrub(sheet.name)
        if in_name:
            report.notes.append(f"Personuppgifter togs bort i ett bladnamn: {privacy.describe(in_name.counts)}.")
        if is_ignored_sheet(sheet.name):
            continue
        if not sheet.visible:
            report.notes.append(f"Bladet '{sheet.name}' är dolt och importerades inte. Gör det synligt om det ska med.")
            continue
        if sheet.is_empty():
            report.notes.append(f"Bladet '{sheet.name}' är tomt.")
            continue
        recognition = recognise(sheet)
        if recognition is None:
            report.notes.append(
                f"Bladet '{sheet.name}' känns inte igen (ingen rubrikrad med kända kolumner bland de 15 första raderna) "
                "och importerades inte."
            )
            continue
        recognised.append((sheet, recognition))
    if not recognised and raw.file_kind == "csv":
        raise FileError(
            "Filen är en textfil men ser inte ut som en tabell med kända rubriker (t.ex. Datum, Stadsdel och "
            "Kategori) bland de 15 första raderna. Spara filen som Excel-arbetsbok (.xlsx) eller CSV med "
            "rubrikrad och ladda upp den igen."
        )
    if not recognised:
        raise FileError(
            "Inget blad i filen känns igen. Varje blad behöver en rubrikrad med kolumnerna i mallen, t.ex. "
            "Datum, Stadsdel och Kategori för händelser eller Insats-ID och Insats för insatser. "
            "Ladda ned mallen på sidan Data."
        )
    kinds = [r.spec.kind for _, r in recognised]
    for kind in set(kinds):
        if kinds.count(kind) > 1 and kind in SETUP_ORDER:
            raise FileError(f"Filen har flera blad av slaget {KIND_LABELS[kind]}. Slå ihop dem till ett blad.")
    vocab = load_vocabularies(db)
    order = {k: i for i, k in enumerate(SETUP_ORDER + DATA_ORDER)}
    recognised.sort(key=lambda pair: (order[pair[1].spec.kind], pair[0].index))
    parsed: list[ParsedSheet] = []
    for sheet, recognition in recognised:
        result = parse_sheet(sheet, recognition, vocab, today, pii_policy=policy, progress=progress)
        # The sheet's cells are not needed once it is checked: a full sheet's go before the next is checked.
        sheet.columns = []
        if result.rows == 0:
            raise FileError(
                f"Bladet '{sheet.name}' har rubriker men inga rader med data. Fyll i minst en rad under rubrikraden."
            )
        _extend_vocabularies(vocab, result)
        parsed.append(result)
    return parsed


def _extend_vocabularies(vocab: Vocabularies, sheet: ParsedSheet) -> None:
    """Set-up sheets define lists the later sheets of the same workbook are checked against."""
    target = {"districts": vocab.districts, "categories": vocab.categories, "priority_areas": vocab.priority_areas}
    if sheet.kind in target:
        for record in sheet.records:
            target[sheet.kind].add(str(record["name"]))


# ---------------------------------------------------------------- writing


def apply(
    db: Database,
    prepared: PreparedFile,
    *,
    actor: Actor,
    dry_run: bool = False,
    archive_dir: Path | None = None,
    progress: Reporter | ProgressCallback | None = None,
) -> FileReport:
    """Writes the prepared file in one transaction; with dry_run the same work is rolled back.

    The actor needs the role redigerare, and administratör for a file that changes the
    municipality's lists (Stadsdelar, Kategorier, Prioriterade områden). A real import is
    preceded by a snapshot of the database and leaves a line in the audit log. `progress`
    hears how far the writing has come.
    """
    steps = reporter(progress)
    report = prepared.report
    if report.status == "rejected":
        return report
    access.require(actor, access.UPLOAD, "ladda upp filer")
    setup = [s.sheet for s in prepared.parsed if s.kind in SETUP_ORDER]
    if setup:
        access.require(actor, access.SETUP_LISTS, f"läsa in bladet '{setup[0]}', som ändrar kommunens listor")
    if not db.exists():
        dbmod.init_database(db)
    archive_path = None
    if not dry_run:
        steps.stage("Sparar originalfilen och en kopia av databasen", unit="")
        archive_path = archive_upload(prepared, archive_dir or db.path.parent / "uploads")
        snapshots.take(db, snapshots.BEFORE_IMPORT)
    user = actor.name
    context = db.dry_run() if dry_run else db.write()
    rows = sum(sheet.valid_count for sheet in prepared.parsed)
    steps.stage("Provkör importen (inget sparas)" if dry_run else "Skriver till databasen", rows)
    with context as con:
        upload_id = dbmod.next_id(con, "uploads")
        now = clock.now().replace(microsecond=0)
        con.execute(
            """INSERT INTO uploads VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 'pågår', ?)""",
            [
                upload_id,
                prepared.file_name,
                prepared.sha256,
                report.size or len(prepared.data),
                now,
                user,
                report.file_kind,
                json.dumps([s.sheet for s in prepared.parsed], ensure_ascii=False),
                str(archive_path) if archive_path else None,
            ],
        )
        written = 0
        for sheet, sheet_report in zip(prepared.parsed, report.sheets, strict=True):
            if isinstance(sheet, police_feed.PoliceSheet):
                police_feed.ensure_reference_names(con, sheet)
            writer = _WRITERS[sheet.kind]
            if writer is write_events:  # the one writer long enough to tell how far it has come
                imported, updated, duplicates = write_events(con, sheet, upload_id, now, user, steps, written)
            else:
                imported, updated, duplicates = writer(con, sheet, upload_id, now, user)
            sheet_report.imported, sheet_report.updated, sheet_report.duplicates = imported, updated, duplicates
            _store_rejections(con, sheet, upload_id)
            written += sheet.valid_count
            steps.update(written)
        if any(sheet.kind == "events" for sheet in prepared.parsed):
            counts.add_upload(con, upload_id)
        totals = report.totals()
        status = "imported" if totals["imported"] or totals["updated"] else "unchanged"
        con.execute(
            """UPDATE uploads SET rows = ?, imported = ?, updated = ?, duplicates = ?, rejected = ?, status = ?
               WHERE id = ?""",
            [totals["rows"], totals["imported"], totals["updated"], totals["duplicates"], totals["rejected"],
             status, upload_id],
        )
        if not dry_run:
            audit.record(con, actor, "uppladdning", prepared.file_name,
                         {"uppladdning": upload_id, "sha256": prepared.sha256, "status": status, **totals})
            steps.stage(COMMIT_STAGE, unit="")  # the transaction commits as the block ends
    report.status = "preview" if dry_run else status
    report.upload_id = None if dry_run else upload_id
    return report


def archive_upload(prepared: PreparedFile, directory: Path) -> Path:
    """Keeps the original file by its sha256, so any import can be re-run or audited."""
    directory.mkdir(parents=True, exist_ok=True)
    suffix = {"xlsx": ".xlsx", "xls": ".xls", "ods": ".ods", "csv": ".csv", "json": ".json"}.get(
        prepared.report.file_kind, ".bin"
    )
    if prepared.file_name.lower().endswith(".xlsm"):
        suffix = ".xlsm"
    path = directory / f"{prepared.sha256}{suffix}"
    if not path.exists():
        tmp = path.with_suffix(path.suffix + ".tmp")
        if prepared.path is not None:
            shutil.copyfile(prepared.path, tmp)
        else:
            tmp.write_bytes(prepared.data)
        tmp.replace(path)
    return path


def _store_rejections(con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int) -> None:
    rows = []
    for rejection in sheet.rejections:
        original = json.dumps(privacy.scrub_value(rejection.original), ensure_ascii=False, default=str)
        for error in rejection.errors:
            rows.append([upload_id, sheet.sheet, rejection.row, error.column, error.message, original])
    # The parsers quote masked cells already; this is the last check before the rows are stored,
    # whatever built the message.
    for position in (1, 3, 4):
        texts = [r[position] if isinstance(r[position], str) else "" for r in rows]
        for row, suspect in zip(rows, privacy.suspects(texts), strict=True):
            if suspect:
                row[position] = privacy.scrub(row[position])[0]
    if rows:
        con.executemany("INSERT INTO rejected_rows VALUES (?, ?, ?, ?, ?, ?)", rows)


_INTERVENTION_FIELDS = ("title", "priority_area", "district", "owner", "contact", "status",
                        "start_date", "end_date", "comment")


def _as_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _write_interventions(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    present = set(sheet.headers)
    existing = {
        str(r[0]).casefold(): r
        for r in con.execute(f"SELECT id, {', '.join(_INTERVENTION_FIELDS)} FROM interventions").fetchall()
    }
    imported = updated = unchanged = 0
    history: list[tuple[object, ...]] = []
    today = now.date()
    for record in sheet.records:
        key = str(record["id"]).casefold()
        row = existing.get(key)
        if row is None:
            status = record.get("status") or _default_status(record, today)
            values = {f: record.get(f) for f in _INTERVENTION_FIELDS}
            values["status"] = status
            con.execute(
                "INSERT INTO interventions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [record["id"], *[values[f] for f in _INTERVENTION_FIELDS], upload_id, now, now],
            )
            for f in _INTERVENTION_FIELDS:
                if values[f] is not None:
                    history.append((record["id"], f, None, _as_text(values[f]), now, upload_id, user, "upload"))
            existing[key] = (record["id"], *[values[f] for f in _INTERVENTION_FIELDS])
            imported += 1
            continue
        current = dict(zip(_INTERVENTION_FIELDS, row[1:], strict=True))
        changes = {}
        for f in _INTERVENTION_FIELDS:
            if f not in present:
                continue  # a column the sheet does not have leaves the stored value alone
            new = record.get(f)
            if f == "status" and new is None:
                continue
            if _as_text(new) != _as_text(current[f]):
                changes[f] = new
        if not changes:
            unchanged += 1
            continue
        assignments = ", ".join(f"{f} = ?" for f in changes)
        con.execute(
            f"UPDATE interventions SET {assignments}, upload_id = ?, updated_at = ? WHERE id = ?",
            [*changes.values(), upload_id, now, row[0]],
        )
        for f, new in changes.items():
            history.append((row[0], f, _as_text(current[f]), _as_text(new), now, upload_id, user, "upload"))
        updated += 1
    if history:
        con.executemany("INSERT INTO intervention_history VALUES (?, ?, ?, ?, ?, ?, ?, ?)", history)
    return imported, updated, unchanged


def _default_status(record: dict[str, object], today: dt.date) -> str:
    start = record.get("start_date")
    return "Planerad" if isinstance(start, dt.date) and start > today else "Pågående"


def _write_districts(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    imported = updated = unchanged = 0
    known = {r[0]: r for r in con.execute(
        "SELECT name, police_area, municipality, neighbourhoods, area FROM districts").fetchall()}
    vocab = Vocabulary(known)
    for record in sheet.records:
        name = vocab.match(str(record["name"])) or str(record["name"])
        before = known.get(name)
        is_new = dbmod.add_district(
            con, name, record.get("police_area"), record.get("municipality"), record.get("neighbourhoods"),
            record.get("area"),
        )
        if is_new:
            imported += 1
            vocab.add(name)
            continue
        after = con.execute(
            "SELECT name, police_area, municipality, neighbourhoods, area FROM districts WHERE name = ?", [name]
        ).fetchone()
        if tuple(after) != tuple(before or ()):
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


def _write_categories(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    imported = updated = unchanged = 0
    rows = con.execute("SELECT name, category_group, description FROM categories").fetchall()
    vocab = Vocabulary([r[0] for r in rows])
    current = {r[0]: r for r in rows}
    order = len(rows)
    for record in sheet.records:
        name = vocab.match(str(record["name"]))
        if name is None:
            name = str(record["name"])
            con.execute(
                "INSERT INTO categories VALUES (?, ?, ?, ?)", [name, record.get("group"), record.get("description"), order]
            )
            order += 1
            vocab.add(name)
            imported += 1
            continue
        old = current[name]
        group = record.get("group") or old[1]
        description = record.get("description") or old[2]
        if (group, description) != (old[1], old[2]):
            con.execute(
                "UPDATE categories SET category_group = ?, description = ? WHERE name = ?", [group, description, name]
            )
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


def _write_priority_areas(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    imported = updated = unchanged = 0
    rows = con.execute(
        "SELECT name, description, goal, valid_from, valid_to, indicator_categories FROM priority_areas"
    ).fetchall()
    vocab = Vocabulary([r[0] for r in rows])
    current = {r[0]: r for r in rows}
    for record in sheet.records:
        name = vocab.match(str(record["name"])) or str(record["name"])
        values = [record.get("description"), record.get("goal"), record.get("valid_from"), record.get("valid_to"),
                  record.get("indicators") or []]
        old = current.get(name)
        if old is None:
            con.execute(
                "INSERT INTO priority_areas VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [name, *values, upload_id, now]
            )
            vocab.add(name)
            imported += 1
        elif list(old[1:]) != values:
            con.execute(
                """UPDATE priority_areas SET description = ?, goal = ?, valid_from = ?, valid_to = ?,
                   indicator_categories = ?, upload_id = ?, updated_at = ? WHERE name = ?""",
                [*values, upload_id, now, name],
            )
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


def _write_survey(
    con: duckdb.DuckDBPyConnection, sheet: ParsedSheet, upload_id: int, now: dt.datetime, user: str | None
) -> tuple[int, int, int]:
    imported = updated = unchanged = 0
    for record in sheet.records:
        key = [record["period"], record["district"], record["indicator"]]
        old = con.execute(
            "SELECT value, respondents FROM survey_results WHERE period = ? AND district = ? AND lower(indicator) = lower(?)",
            key,
        ).fetchone()
        if old is None:
            con.execute("INSERT INTO survey_results VALUES (?, ?, ?, ?, ?, ?)", [*key, record["value"],
                        record.get("respondents"), upload_id])
            imported += 1
        elif (old[0], old[1]) != (record["value"], record.get("respondents")):
            con.execute(
                """UPDATE survey_results SET value = ?, respondents = ?, upload_id = ?
                   WHERE period = ? AND district = ? AND lower(indicator) = lower(?)""",
                [record["value"], record.get("respondents"), upload_id, *key],
            )
            updated += 1
        else:
            unchanged += 1
    return imported, updated, unchanged


_WRITERS = {
    "events": write_events,
    "interventions": _write_interventions,
    "districts": _write_districts,
    "categories": _write_categories,
    "priority_areas": _write_priority_areas,
    "survey": _write_survey,
    **report_sheets.WRITERS,
    "reporters": reporters.write_reporters,
}


def import_file(
    db: Database,
    data: bytes,
    file_name: str,
    *,
    actor: Actor = access.COMMAND_LINE,
    limits: Limits | None = None,
    today: dt.date | None = None,
    kommun: str | None = None,
) -> FileReport:
    """Prepare and apply in one go, for trusted local callers (the CLI, scripts, tests).

    The app never uses the default actor: it prepares, previews and applies with the
    logged-in user's actor.
    """
    prepared = prepare(db, data, file_name, limits=limits, today=today, kommun=kommun)
    return apply(db, prepared, actor=actor)


def import_path(db: Database, path: Path, **kwargs: object) -> FileReport:
    try:
        data = path.read_bytes()
    except OSError as exc:
        name = safe_file_name(str(path))
        return FileReport(name, "rejected", error=f"{name}: Filen går inte att läsa ({exc.strerror}).")
    return import_file(db, data, path.name, **kwargs)  # type: ignore[arg-type]


def spec_title(kind: str) -> str:
    return BY_KIND[kind].title


def preview(sheet: ParsedSheet, limit: int = 10) -> pd.DataFrame:
    """The first valid rows as they will be stored, under the template's Swedish headers."""
    import pandas as pd  # only the Data page's preview needs a frame; an import does not

    spec = BY_KIND[sheet.kind]
    if sheet.columns is not None:
        columns = {k: v[:limit] for k, v in sheet.columns.items()}
        frame = pd.DataFrame(columns)
        labels = {"rownum": "Rad", "occurred_at": "Tidpunkt", "time_known": "Tid känd"}
        labels.update({f.name: f.header for f in spec.fields})
        frame = frame.drop(columns=["time_known"]).rename(columns=labels)
        return frame
    frame = pd.DataFrame(sheet.records[:limit])
    frame.insert(0, "Rad", sheet.record_rows[:limit])
    labels = {f.name: f.header for f in spec.fields}
    if "indicators" in frame:
        frame["indicators"] = frame["indicators"].map(lambda v: ", ".join(v) if isinstance(v, list) else v)
    if "neighbourhoods" in frame:
        frame["neighbourhoods"] = frame["neighbourhoods"].map(lambda v: ", ".join(v) if isinstance(v, list) else v)
    return frame.rename(columns=labels)
