"""`python -m trygghet report`: the lägesbild for a period as PDF or Word from the command line, so a
municipality can make it on a schedule. Exit codes as the import's: 0 written, 1 the report could
not be made (no database, no data, a busy or damaged file), 2 the command itself is wrong."""

from __future__ import annotations

import argparse
import errno
import os
import sys
import tempfile
from pathlib import Path

from trygghet.core import clock, privacy
from trygghet.core.formatting import fmt_date, fmt_dec
from trygghet.core.progress import ProgressCallback
from trygghet.documents import archive
from trygghet.documents.report_period import PeriodError, ReportPeriod
from trygghet.store import reference_lists
from trygghet.store.access import Actor
from trygghet.store.db import Database

SUFFIXES = {".pdf": "pdf", ".docx": "docx"}


def _fail(message: str, code: int) -> int:
    print(f"Fel: {privacy.scrub(message)[0]}", file=sys.stderr)
    return code


def period_from(args: argparse.Namespace) -> ReportPeriod:
    """The period the arguments name; PeriodError with a Swedish message when they name none or two."""
    if args.period and (args.first or args.last):
        raise PeriodError("Ange antingen --period eller --from och --to, inte båda.")
    if args.period:
        return ReportPeriod.parse(args.period)
    if args.first is None or args.last is None:
        raise PeriodError("Ange perioden: --period 2026-T2 (eller 2026-H1, 2026), eller --from 2026-05-01 "
                          "--to 2026-08-31.")
    return ReportPeriod.between(args.first, args.last)


def _reason(exc: OSError) -> str:
    """An operating system's refusal in Swedish."""
    reasons = {errno.EACCES: "behörighet saknas", errno.EPERM: "behörighet saknas",
               errno.EROFS: "filsystemet är skrivskyddat", errno.ENOSPC: "disken är full",
               errno.EEXIST: "en fil ligger där en mapp behövs", errno.ENOTDIR: "en fil ligger där en mapp behövs"}
    return reasons.get(exc.errno or 0, exc.strerror or str(exc))


def _unwritable(target: Path) -> str | None:
    """Why the report cannot be written to `target`, in Swedish; None when it can."""
    if target.exists() and target.is_dir():
        return f"{target} är en mapp; ange en fil som slutar på .pdf eller .docx."
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=True):
            pass
    except OSError as exc:
        return f"Rapporten kan inte skrivas till {target}: {_reason(exc)}. Välj en annan fil med --out."
    if target.exists() and not os.access(target, os.W_OK):
        return f"Rapporten kan inte skrivas till {target}: filen är skrivskyddad. Välj en annan fil med --out."
    return None


def fmt_size(size: int) -> str:
    """'641 kB', '1,2 MB'."""
    if size < 1024 * 1024:
        return f"{max(size // 1024, 1)} kB"
    return f"{fmt_dec(size / 1024 / 1024, 1)} MB"


def write_report(db: Database, args: argparse.Namespace, actor: Actor, progress: ProgressCallback | None = None) -> int:
    fmt = SUFFIXES.get(args.out.suffix.lower())
    if fmt is None:
        return _fail(f"'{args.out.name}' ska sluta på .pdf eller .docx.", 2)
    try:
        period = period_from(args)
    except PeriodError as exc:
        return _fail(str(exc), 2)
    if not db.exists():
        return _fail(f"Databasen {db.path} finns inte. Skapa den med 'python -m trygghet init' eller "
                     "'python -m trygghet demo'.", 1)
    with db.read() as con:
        known = reference_lists.districts(con)
        first, last = con.execute("SELECT min(day), max(day) FROM event_counts").fetchone()
    by_fold = {k.casefold(): k for k in known}
    districts: list[str] = []
    for name in args.stadsdel:
        match = by_fold.get(name.strip().casefold())
        if match is None:
            return _fail(f"Stadsdelen '{name}' finns inte. Stadsdelarna är: {', '.join(known) or 'inga ännu'}.", 2)
        if match not in districts:
            districts.append(match)
    if first is None:
        return _fail("Databasen har inga händelser att skriva en lägesbild om. Importera händelser först.", 1)
    if period.window.start > last or period.last_day < first:
        return _fail(f"Det finns inga händelser under {period.name}: databasen har händelser från {fmt_date(first)} "
                     f"till {fmt_date(last)}.", 1)

    target = args.out
    # The target is tried before the report is made: minutes of rendering must not end in a traceback.
    problem = _unwritable(target)
    if problem:
        return _fail(problem, 1)
    finished = period.last_day < clock.today()
    data = archive.make(db, period, tuple(districts), fmt, progress=progress)
    try:
        # Written beside the target and moved in place, so a scheduler never picks up half a file.
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=f".{target.name}.", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, target)
    except OSError as exc:
        Path(tmp.name).unlink(missing_ok=True)
        return _fail(f"Rapporten kunde inte skrivas till {target}: {_reason(exc)}.", 1)
    line = (f"Rapporten är skriven: {target} ({period.name}, {fmt_size(len(data))}). "
            f"SHA-256: {archive.sha256(data)}")
    if not finished:
        line += f". Utkast – perioden är inte avslutad förrän {fmt_date(period.last_day)} och registreras inte"
    elif not args.no_register:
        saved = archive.register(db, period, tuple(districts), fmt, data, Path(target).name, actor=actor)
        line += (f". Registrerad som rapport nr {saved.id}." if saved.new
                 else f". Samma dokument är redan registrerat som rapport nr {saved.id}.")
    print(line)
    return 0
