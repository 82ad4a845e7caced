"""`python -m trygghet`: set up, fill and feed the database from the command line."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import duckdb

from trygghet.core import clock, privacy
from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_int
from trygghet.core.periods import IsoWeek
from trygghet.core.progress import Progress
from trygghet.ingest.import_worker import JobOptions, import_files, import_job
from trygghet.ingest.sheetspec import KIND_LABELS
from trygghet.store import access, retention, snapshots
from trygghet.store.access import COMMAND_LINE, Actor
from trygghet.store.db import Database, damage_message, init_database, resolve_db_path

if TYPE_CHECKING:
    from tqdm import tqdm

    from trygghet.ingest.file_report import FileReport

MAX_ERRORS_SHOWN = 20
# The commands that read or change the file as it is; init and demo replace it, restore puts a copy back.
USES_FILE = {"import", "polisen", "templates", "undo", "purge-uploads", "report", "coverage"}


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget datum i formen ÅÅÅÅ-MM-DD") from None


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inget heltal") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("antalet måste vara större än noll")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m trygghet",
        description="Lägesbild: databasen för kommunens och polisens samverkan.",
    )
    parser.add_argument("--db", help="databasfil (annars TRYGGHET_DB, annars data/trygghet.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")

    p_init = sub.add_parser("init", help="skapa en tom databas med standardkategorier")
    p_init.add_argument("--force", action="store_true", help="ersätt en befintlig databas")

    p_demo = sub.add_parser("demo", help="skapa en databas med demodata (ersätter den befintliga)")
    p_demo.add_argument("--seed", type=int, default=7, help="slumpfrö (samma frö ger samma data)")
    p_demo.add_argument("--events", type=_positive, help="antal händelser (standard: cirka 14 000 per år)")
    p_demo.add_argument("--end", type=_date, help="sista dag med händelser (standard: i dag)")
    p_demo.add_argument("--years", type=int, default=2, choices=range(1, 6), help="antal hela år bakåt")

    p_import = sub.add_parser("import", help="importera Excel- eller CSV-filer, eller polisens händelser (JSON)")
    p_import.add_argument("files", nargs="+", type=Path, metavar="FIL")
    p_import.add_argument("--json", action="store_true", help="en JSON-rad per fil")
    p_import.add_argument("--user", help="vem som importerar (sparas i uppladdningshistoriken)")
    p_import.add_argument("--kommun", help="kommunen vars polishändelser tas med (annars inställningen i databasen)")

    p_polisen = sub.add_parser("polisen", help="hämta polisens öppna händelsedata och importera dem")
    p_polisen.add_argument("--ort", help="kommunen att hämta (annars inställningen i databasen)")
    p_polisen.add_argument("--save", type=Path, metavar="FIL", help="spara hämtad JSON här (annars i databasens mapp)")
    p_polisen.add_argument("--json", action="store_true", help="importens sammanfattning som en JSON-rad")
    p_polisen.add_argument("--user", help="vem som importerar (sparas i uppladdningshistoriken)")

    p_templates = sub.add_parser("templates", help="skriv Excel-mallen användarna fyller i")
    p_templates.add_argument("directory", type=Path, metavar="MAPP")

    p_user = sub.add_parser("user", help="lokala konton (när OpenID Connect inte används)")
    user_sub = p_user.add_subparsers(dest="user_command", required=True, metavar="ÅTGÄRD")
    p_add = user_sub.add_parser("add", help="lägg till eller ändra ett konto")
    p_add.add_argument("name", metavar="NAMN")
    p_add.add_argument("--role", required=True, choices=access.ALL_ROLES, help="roll")
    p_add.add_argument("--organisation", metavar="ORGANISATION",
                       help="organisationen en rapportör rapporterar för (krävs för rollen rapportör)")
    p_add.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    p_remove = user_sub.add_parser("remove", help="ta bort ett konto")
    p_remove.add_argument("name", metavar="NAMN")
    user_sub.add_parser("list", help="visa kontona (namn och roll)")

    p_restore = sub.add_parser("restore", help="visa eller återställ en kopia av databasen")
    p_restore.add_argument("snapshot", nargs="?", metavar="KOPIA", help="kopians namn (utan: visa listan)")
    p_restore.add_argument("--latest", action="store_true", help="återställ den senaste kopian")

    p_undo = sub.add_parser("undo", help="ångra en uppladdning")
    p_undo.add_argument("upload_id", type=int, metavar="NR")

    p_report = sub.add_parser(
        "report", help="skriv lägesbildsrapporten (lag 2023:196) som PDF eller Word",
        description="Skriver lägesbilden för en period, t.ex. "
                    "python -m trygghet report --period 2026-T2 --out T2.pdf, och registrerar den med sin SHA-256. "
                    "En period som inte är slut blir ett utkast och registreras inte. Slutkoder: 0 skriven, "
                    "1 rapporten kunde inte göras eller skrivas (ingen databas, inga data, filen går inte att skriva), "
                    "2 kommandot är fel.")
    p_report.add_argument("--period", metavar="PERIOD", help="2026-T2 (tertial), 2026-H1 (halvår) eller 2026 (år)")
    p_report.add_argument("--from", dest="first", type=_date, metavar="DATUM", help="första dag, ÅÅÅÅ-MM-DD")
    p_report.add_argument("--to", dest="last", type=_date, metavar="DATUM", help="sista dag, ÅÅÅÅ-MM-DD")
    p_report.add_argument("--stadsdel", action="append", default=[], metavar="STADSDEL",
                          help="stadsdel att ta med (kan upprepas; utan: alla)")
    p_report.add_argument("--out", type=Path, required=True, metavar="FIL", help="filen att skriva: .pdf eller .docx")
    p_report.add_argument("--no-register", action="store_true",
                          help="registrera inte rapporten (SHA-256) i databasens rapportregister")
    p_report.add_argument("--user", help="vem som skriver rapporten (sparas i rapportregistret)")

    p_coverage = sub.add_parser(
        "coverage", help="vilka rapportörer som har rapporterat en vecka",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Visar för varje rapportör som ska rapportera veckan om den är rapporterad (med antal "
                    "händelser), har\n'Inget att rapportera' eller saknas. En månadsrapportör ska rapportera "
                    "den vecka då månaden slutar\noch bedöms där på hela månaden; övriga veckor står den under "
                    "not_due. Standard är den senaste\nhela veckan; en vecka som inte är slut går inte att välja.",
        epilog='JSON (--json): {"week": "2026-W48", "reporters": [{"reporter": "...", "status": "reported", '
               '"events": 3}],\n        "not_due": ["..."]}\n'
               "status är reported, nothing eller missing, events antalet händelser i veckan (för en "
               "månadsrapportör\ni hela månaden); not_due finns bara när någon inte ska rapportera veckan.\n"
               "Slutkod: 0 klart, 1 databasen finns inte eller kan inte läsas, 2 felaktig användning (t.ex. en "
               "vecka\nsom inte är slut).")
    p_coverage.add_argument("--week", type=_week, metavar="VECKA", help="veckan, t.ex. 2026-W48 (en vecka som är slut)")
    p_coverage.add_argument("--json", action="store_true", help="ett JSON-objekt i stället för en tabell")

    p_purge = sub.add_parser("purge-uploads", help="ta bort arkiverade originalfiler och kopior av databasen "
                             "äldre än gränserna")
    p_purge.add_argument("--days", type=_positive, help=f"antal dagar (standard {retention.DEFAULT_DAYS} "
                         "eller TRYGGHET_ARCHIVE_DAYS)")
    p_purge.add_argument("--snapshot-days", type=_positive, help=f"antal dagar för kopiorna (standard "
                         f"{snapshots.DEFAULT_DAYS} eller TRYGGHET_SNAPSHOT_DAYS)")
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    args = build_parser().parse_args(argv)
    db = Database(resolve_db_path(args.db))
    try:
        if args.command in USES_FILE and db.exists():
            db.check_schema()  # a newer version's file, or someone else's, is refused before any read or write
        return _run(args, db)
    except UserError as exc:  # written for the reader, in Swedish: the message alone, no traceback
        print(f"Fel: {exc.message}", file=sys.stderr)
        return 1
    except duckdb.Error:
        problem = damage_message(db) or "Databasen kunde inte användas."
        print(f"Fel: {problem}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # The worker that reads and writes is stopped with this process, its transaction unfinished.
        print("\nAvbrutet. Det som inte hann bli klart sparades inte.", file=sys.stderr)
        return 130


class TerminalProgress:
    """Progress events as a bar on standard error (tqdm): one bar per stage, gone when the next
    begins, with the rows done and the time left once tqdm can estimate it. `tick` redraws the bar
    while the work is quiet, so the elapsed time goes on."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.bar: tqdm | None = None
        self.key: tuple[str, int, str] | None = None

    def __call__(self, event: Progress) -> None:
        key = (event.subject, event.total or 0, event.unit)
        if self.bar is not None and key == self.key and event.done >= self.bar.n:
            # The same count going on under a new name (the demo's steps): one bar, renamed.
            self.bar.set_description_str(self._label(event), refresh=False)
        else:
            self.close()
            self.bar = self._open(event)
            self.key = key
        self.bar.n = event.done
        self.bar.refresh()

    @staticmethod
    def _label(event: Progress) -> str:
        return f"{event.subject}: {event.stage}" if event.subject else event.stage

    def _open(self, event: Progress) -> tqdm:
        from tqdm import tqdm  # only for a person at a terminal

        unit = f" {event.unit}" if event.unit else ""
        total = event.total

        class Bar(tqdm):  # type: ignore[misc]
            @property
            def format_dict(self) -> dict[str, object]:
                shown = super().format_dict
                # Counts as Swedish writes them, 120 000 av 480 000, in place of tqdm's 120000/480000.
                shown["counts"] = (f"{fmt_int(self.n)} av {fmt_int(total)}{unit}" if total
                                   else f"{fmt_int(self.n)}{unit}" if self.n else "")
                return shown

        if total:
            shape = "{desc} {percentage:3.0f}% |{bar}| {counts} [{elapsed}, {remaining} kvar]"
        else:
            shape = "{desc} {counts} [{elapsed}]"
        # A terminal that does not tell its size (a fresh pseudo-terminal says 0 × 0) gets a common one.
        size = shutil.get_terminal_size((100, 24))
        return Bar(total=total or None, desc=self._label(event), file=self.stream, leave=False, ncols=size.columns,
                   nrows=size.lines, bar_format=shape, mininterval=0.1)

    def tick(self) -> None:
        if self.bar is not None:
            self.bar.refresh()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _terminal_progress(args: argparse.Namespace) -> TerminalProgress | None:
    """A bar for a person at a terminal; none with --json or when standard error goes to a file or a
    pipe, so that scripts and logs get only the result."""
    if getattr(args, "json", False) or not sys.stderr.isatty():
        return None
    return TerminalProgress(sys.stderr)


def _options(bar: TerminalProgress | None, **kwargs: object) -> JobOptions:
    return JobOptions(progress=bar, on_wait=bar.tick if bar else None, **kwargs)  # type: ignore[arg-type]


def _run(args: argparse.Namespace, db: Database) -> int:
    if args.command == "init":
        if db.exists() and not args.force:
            print(f"Databasen {db.path} finns redan. Använd --force för att ersätta den.", file=sys.stderr)
            return 1
        init_database(db, replace=args.force)
        from trygghet.store import first_start

        with db.write() as con:
            first_start.mark_guided(con)  # the app's first page guides the set-up
        print(f"Tom databas skapad: {db.path}")
        return 0
    if args.command == "demo":
        from trygghet.demo.build import build_demo

        bar = _terminal_progress(args)
        try:
            summary = build_demo(db.path, seed=args.seed, events=args.events, end=args.end, years=args.years,
                                 progress=bar)
        finally:
            if bar:
                bar.close()
        print(
            f"Demodatabas skapad: {db.path} – {summary.events:,} händelser, {summary.interventions} insatser, "
            f"{summary.start} – {summary.end} ({summary.seconds:.1f} s)".replace(",", " ")
        )
        return 0
    if args.command == "templates":
        from trygghet.ingest.excel_template import write_template

        path = write_template(db if db.exists() else None, args.directory)
        print(f"Mallen är skriven: {path}")
        return 0
    if args.command == "import":
        return _import(args, db)
    if args.command == "polisen":
        return _polisen(args, db)
    if args.command == "user":
        return _user(args)
    if args.command == "restore":
        return _restore(args, db)
    if args.command == "undo":
        from trygghet.ingest import undo

        try:
            print(undo.undo_upload(db, args.upload_id, _actor(args)).summary())
        except undo.UndoError as exc:
            print(f"Fel: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.command == "purge-uploads":
        result = retention.purge_archive(db, _actor(args), args.days, snapshot_days=args.snapshot_days)
        print(result.summary())
        return 0
    if args.command == "coverage":
        return _coverage(args, db)
    if args.command == "report":
        from trygghet.documents.report_cli import write_report

        bar = _terminal_progress(args)
        try:
            return write_report(db, args, _actor(args), progress=bar)
        finally:
            if bar:
                bar.close()
    raise AssertionError(args.command)


def _coverage(args: argparse.Namespace, db: Database) -> int:
    from trygghet.analysis import coverage
    from trygghet.core.periods import latest_complete_week
    from trygghet.present.coverage_text import STATUS_WORDS

    if not db.exists():
        print(f"Fel: databasen {db.path} finns inte. Skapa den med 'python -m trygghet init'.", file=sys.stderr)
        return 1
    today = clock.today()
    week = args.week or latest_complete_week(today)
    if week > latest_complete_week(today):
        # Every weekly reporter would be missing: a week is judged once it has ended.
        print(f"Fel: {week} är inte slut än (i dag är det {today.isoformat()}). Välj en vecka som har slutat, "
              f"t.ex. {latest_complete_week(today)}, eller utelämna --week för den senaste hela veckan.",
              file=sys.stderr)
        return 2
    with db.read() as con:
        found = coverage.coverage(con, week, today, n_weeks=1)
    rows, not_due = found.week_statuses(week), found.not_due(week)
    if args.json:
        result: dict[str, object] = {"week": str(week), "reporters": rows}
        if not_due:
            result["not_due"] = not_due
        print(privacy.scrub_json(result), flush=True)
        return 0
    if not found.reporters:
        print(f"Inga rapportörer är upplagda (bladet Rapportörer). Vecka {week}.")
    for row in rows:
        words = STATUS_WORDS[str(row["status"])]
        extra = f" ({row['events']} händelser)" if row["status"] == coverage.REPORTED else ""
        print(privacy.scrub(f"{week}\t{row['reporter']}\t{words}{extra}")[0])
    for name in not_due:
        print(privacy.scrub(f"{week}\t{name}\t{STATUS_WORDS[coverage.NOT_DUE]}")[0])
    return 0


def _user(args: argparse.Namespace) -> int:
    path = access.users_file()
    access.accounts_now(path)  # a file that does not parse is refused (AccountsUnreadable), never rewritten
    if args.user_command == "list":
        for name, entry in sorted(access.load_accounts(path).items()):
            print(f"{name}\t{entry['role']}" + (f"\t{entry['organisation']}" if entry.get("organisation") else ""))
        return 0
    if args.user_command == "remove":
        if not access.remove_account(args.name, path):
            print(f"Fel: kontot '{args.name}' finns inte.", file=sys.stderr)
            return 1
        print(f"Kontot '{args.name}' är borttaget.")
        return 0
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Lösenord: ")
    try:
        access.save_account(args.name, args.role, password, path, organisation=args.organisation)
    except ValueError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 2
    print(f"Kontot '{args.name}' ({args.role}) är sparat i {path}.")
    return 0


def _restore(args: argparse.Namespace, db: Database) -> int:
    found = snapshots.list_snapshots(db)
    if not args.snapshot and not args.latest:
        if not found:
            print("Inga kopior finns ännu; en tas före varje import.")
        for snap in found:
            print(f"{snap.name}\t{snap.taken_at:%Y-%m-%d %H:%M:%S}\t{snap.size / 2**20:.1f} MB")
        return 0
    chosen = found[0] if args.latest and found else next((f for f in found if f.name == args.snapshot), None)
    if chosen is None:
        print("Fel: ingen sådan kopia. Visa listan med: python -m trygghet restore", file=sys.stderr)
        return 1
    safety = snapshots.restore(db, chosen, COMMAND_LINE)
    print(f"Databasen är återställd från {chosen.name}."
          + (f" Den tidigare databasen finns kvar som {safety.name}." if safety else ""))
    return 0


def _polisen(args: argparse.Namespace, db: Database) -> int:
    """Fetches the feed once (keeping polisen.se's rules), saves it and imports it."""
    from trygghet.ingest.polisen import fetch
    from trygghet.store import installation_settings as settings

    stored = settings.police_kommun(db)
    ort = args.ort or stored
    if not ort:
        print("Fel: ange kommunen med --ort, t.ex. python -m trygghet polisen --ort Göteborg", file=sys.stderr)
        return 2
    bar = _terminal_progress(args)
    try:
        data = fetch.fetch(ort, state_path=db.path.parent / "polisen-api.json", progress=bar)
    except fetch.FetchError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    finally:
        if bar:
            bar.close()
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    if args.save:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_bytes(data)
        print(f"Hämtat från polisen.se: {args.save}", file=sys.stderr)
    else:
        print("Hämtat från polisen.se.", file=sys.stderr)
    # The database's municipality decides what is kept; --ort only chooses what to fetch when none is set.
    # The feed as fetched is unscrubbed: without --save it lives only in the archive of uploads, whose
    # retention rule purges it, never in a folder of its own beside the database.
    with tempfile.TemporaryDirectory(prefix="trygghet-polisen-") as folder:
        target = Path(folder) / f"polisen-{stamp}.json"
        target.write_bytes(data)
        # Through the limited worker as every other import: the feed is a file from outside too.
        try:
            report = import_job(db, target, _actor(args), _options(bar, kommun=stored or ort))
        finally:
            if bar:
                bar.close()
    print(privacy.scrub_json(report.as_json()) if args.json else format_report(report), flush=True)
    return 1 if report.status == "rejected" else 0


def _actor(args: argparse.Namespace) -> Actor:
    """Whoever can run the CLI can open the database file itself, so it acts as administrator."""
    return Actor(args.user, "administratör") if getattr(args, "user", None) else COMMAND_LINE


def _import(args: argparse.Namespace, db: Database) -> int:
    any_rejected = False
    found = {path: path.is_file() for path in args.files}
    bar = _terminal_progress(args)
    # The files are read, checked and imported in one limited child process, which reads them itself.
    reports = import_files(db, [path for path in args.files if found[path]], _actor(args),
                           _options(bar, kommun=args.kommun))
    for path in args.files:
        if not found[path]:
            from trygghet.ingest.file_report import FileReport

            name = privacy.scrub(path.name)[0]
            report = FileReport(name, "rejected", error=f"{name}: Filen finns inte.")
        else:
            try:
                report = next(reports)
            finally:
                if bar:
                    bar.close()
        any_rejected |= report.status == "rejected"
        print(privacy.scrub_json(report.as_json()) if args.json else format_report(report), flush=True)
    return 1 if any_rejected else 0


STATUS_TEXT = {"imported": "importerad", "unchanged": "oförändrad (inget nytt)", "rejected": "AVVISAD"}


def format_report(report: FileReport) -> str:
    """A readable Swedish summary of one file's import. The report holds masked texts only; the
    summary passes the guard once more, as it may end up in a scheduler's mail or log."""
    lines = [f"{report.file}: {STATUS_TEXT.get(report.status, report.status)}"]
    if report.error:
        lines.append(f"  {report.error}")
    for note in report.notes:
        lines.append(f"  {note}")
    for sheet in report.sheets:
        lines.append(
            f"  Blad '{sheet.sheet}' ({KIND_LABELS[sheet.kind]}): {sheet.rows} rader, {sheet.imported} nya, "
            f"{sheet.updated} uppdaterade, {sheet.duplicates} redan kända, {sheet.rejected} avvisade"
        )
        for note in sheet.notes:
            lines.append(f"    {note}")
        for error in sheet.errors[:MAX_ERRORS_SHOWN]:
            where = f"rad {error.row}" + (f", kolumn {error.column}" if error.column else "")
            lines.append(f"    {where}: {error.message}")
        if len(sheet.errors) > MAX_ERRORS_SHOWN:
            lines.append(f"    … och {len(sheet.errors) - MAX_ERRORS_SHOWN} fel till (se uppladdningen på sidan Data)")
    return privacy.scrub("\n".join(lines))[0]
