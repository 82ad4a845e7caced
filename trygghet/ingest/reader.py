"""Reading an uploaded file into raw sheets, deciding its type by its content.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, which is fast and
does not expand XML entities; CSV is read with the standard library. Nothing here
knows what the sheets mean. Everything here runs inside the reading worker
(trygghet.ingest.read_worker), a separate process with hard limits: a reader that crashes or
runs out of memory takes only that process with it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from python_calamine import CalamineWorkbook

from trygghet.core.config import Limits
from trygghet.core.formatting import fmt_int
from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.ingest.file_report import FileError
from trygghet.ingest.raw_sheet import RawSheet, SheetBuilder
from trygghet.ingest.workbook_extent import SheetStats, cell_ref, col_letters, ods_sheet_stats, xlsx_sheet_stats

# Rows turned into columns at a time: large enough that the per-chunk work is negligible, small
# enough that a chunk's Python objects stay a few megabytes.
CHUNK_ROWS = 32_768


@dataclass
class RawFile:
    file_kind: str  # xlsx | xls | ods | csv | json
    sheets: list[RawSheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    text: str | None = None  # the decoded text of a JSON file


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF", "en PDF-fil"),
    (b"\x89PNG", "en bild (PNG)"),
    (b"\xff\xd8\xff", "en bild (JPEG)"),
    (b"GIF8", "en bild (GIF)"),
    (b"BM", "en bild (BMP)"),
    (b"{\\rtf", "ett RTF-dokument"),
    (b"\x1f\x8b", "ett gzip-arkiv"),
    (b"Rar!", "ett RAR-arkiv"),
    (b"7z\xbc\xaf", "ett 7z-arkiv"),
    (b"MZ", "ett program"),
    (b"\x7fELF", "ett program"),
]
_FIX = "Spara filen som Excel-arbetsbok (.xlsx) eller CSV och ladda upp den igen."
_DAMAGED_ZIP = (
    "Filen är skadad eller ofullständig (zip-strukturen går inte att läsa). "
    "Öppna den i Excel och spara den igen, eller ladda upp den på nytt."
)


def detect_kind(head: bytes) -> str:
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    for signature, label in _SIGNATURES:
        if head.startswith(signature):
            raise FileError(f"Filen är {label}, inte ett kalkylark. {_FIX}")
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped[:1] in (b"[", b"{"):
        return "json"
    return "text"


def read_file(
    data: bytes | Path, file_name: str, limits: Limits | None = None, progress: Reporter | ProgressCallback | None = None
) -> RawFile:
    """All sheets of a file, in this process: its bytes, or its path (then a workbook is read from
    the file and never held in memory whole). Raises FileError with a Swedish message for file-level
    problems. The app and the importer call trygghet.ingest.read_worker.read_isolated or
    trygghet.ingest.import_worker, which run this in a separate process under hard limits.
    `progress` hears how far the reading has come."""
    limits = limits or Limits.from_env()
    report = reporter(progress)
    check_size(data, limits)
    head = _head(data, 2_000_000)
    kind = detect_kind(head[:16])
    if kind == "zip":
        return _read_zip_workbook(data, limits, report)
    if kind == "ole2":
        return _read_ole2(data, head, limits, report)
    if kind == "json":
        return _read_json(data.read_bytes() if isinstance(data, Path) else data, limits)
    return _read_csv(data, file_name, limits, report)


def _head(data: bytes | Path, size: int) -> bytes:
    if isinstance(data, Path):
        with open(data, "rb") as stream:
            return stream.read(size)
    return data[:size]


def check_size(data: bytes | Path, limits: Limits) -> None:
    size = data.stat().st_size if isinstance(data, Path) else len(data)
    if size == 0:
        raise FileError("Filen är tom (0 byte). Kontrollera att rätt fil valdes.")
    if size > limits.max_file_bytes:
        raise FileError(
            f"Filen är {size / 2**20:.0f} MB, större än gränsen {limits.max_file_bytes / 2**20:.0f} MB. "
            "Dela upp den i flera filer."
        )


# ---------------------------------------------------------------- workbooks


def _read_zip_workbook(data: bytes | Path, limits: Limits, report: Reporter) -> RawFile:
    try:
        archive = zipfile.ZipFile(data if isinstance(data, Path) else io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise FileError(_DAMAGED_ZIP) from None
    ahead = _READ_AHEAD.pop(data.resolve(), None) if isinstance(data, Path) else None
    if ahead is not None:
        archive.close()
        if ahead.refused is not None:
            raise ahead.refused
        return _read_with_calamine(data, "xlsx", limits, report, ahead.prefetch)
    try:
        file_kind, sheet_bytes = _zip_contents(archive, infos, limits)
        prefetch = _checked_while_parsing(data, archive, file_kind, sheet_bytes, limits, report)
    finally:
        archive.close()
    # No archive.testzip() here: it would inflate every member once more; calamine reports damage itself.
    return _read_with_calamine(data, file_kind, limits, report, prefetch)


def _checked_while_parsing(data: bytes | Path, archive: zipfile.ZipFile, file_kind: str, sheet_bytes: int,
                           limits: Limits, report: Reporter) -> _Prefetch | None:
    """Counts the cells that are really there, raising FileError for a sheet that reaches too far:
    the workbook reader allocates every sheet's whole rectangle at once, and one cell at XFD1048576
    asks for hundreds of gigabytes. A large workbook's first sheet is parsed meanwhile, on the
    other core, and returned: the workbook reader first collects the cells it finds and allocates
    the sheet's rectangle only at the end, by which time the count has refused a sheet whose
    rectangle is too large. Were the reader first, the worker's memory limit would stop it; either
    way the file is refused."""
    prefetch = _Prefetch(data) if file_kind == "xlsx" and sheet_bytes > PREFETCH_BYTES else None
    try:
        if file_kind == "xlsx" and "xl/workbook.xml" in archive.NameToInfo:
            _check_cells(xlsx_sheet_stats(archive, report), limits)
        elif file_kind == "ods":
            report.stage("Kontrollerar filens storlek", unit="")
            _check_cells(ods_sheet_stats(archive), limits)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        raise FileError(_DAMAGED_ZIP) from None
    return prefetch


def _zip_contents(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits) -> tuple[str, int]:
    """The workbook's kind (xlsx or ods) and its worksheets' unpacked bytes, from the zip's directory
    alone; FileError for a zip bomb or a zip that is no spreadsheet."""
    names = {i.filename for i in infos}
    sheet_bytes = 0
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > limits.max_uncompressed_bytes or (
        unpacked > 50 * 2**20 and unpacked / packed > limits.max_compression_ratio
    ):
        raise FileError(
            f"Filen packas upp till {unpacked / 2**20:.0f} MB, vilket är orimligt mycket för sin storlek "
            "(möjlig zip-bomb). Filen har inte lästs. Kontakta den som skickade filen."
        )
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        file_kind = "xlsx"
        sheet_bytes = sum(i.file_size for i in infos if i.filename.startswith("xl/worksheets/"))
    elif "content.xml" in names and _ods_mimetype(archive):
        file_kind = "ods"
    elif "word/document.xml" in names:
        raise FileError(f"Filen är ett Word-dokument, inte ett kalkylark. {_FIX}")
    elif "ppt/presentation.xml" in names:
        raise FileError(f"Filen är en PowerPoint-presentation, inte ett kalkylark. {_FIX}")
    elif "content.xml" in names:
        raise FileError(f"Filen är ett OpenDocument-dokument men inget kalkylark. {_FIX}")
    else:
        raise FileError(f"Filen är ett zip-arkiv, inte ett kalkylark. {_FIX}")
    return file_kind, sheet_bytes


def _ods_mimetype(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except KeyError:
        return True


def _check_cells(stats: Iterator[SheetStats], limits: Limits) -> None:
    cells = area = 0
    for sheet in stats:
        cells += sheet.cells
        area += sheet.area
        if sheet.area > 1_000_000 and sheet.area > limits.max_empty_ratio * max(1, sheet.cells):
            if sheet.locate is not None:
                sheet.far = sheet.locate()
            far = " och ".join(sheet.far) or cell_ref(sheet.max_row, sheet.max_col)
            raise FileError(
                f"Bladet '{sheet.name}' har en cell långt ut i {far}, men bara {fmt_int(sheet.cells)} ifyllda "
                f"celler: bladet sträcker sig då över {fmt_int(sheet.max_row)} rader och "
                f"{fmt_int(sheet.max_col)} kolumner. Ta bort den cellen (markera raderna och kolumnerna "
                "efter dina data, högerklicka och välj Ta bort), spara och ladda upp filen igen."
            )
        if cells > limits.max_cells:
            raise FileError(
                f"Filen har fler än {fmt_int(limits.max_cells)} ifyllda celler (gränsen för en fil). "
                "Dela upp den i flera filer."
            )
        if area > limits.max_area_cells:
            raise FileError(
                f"Bladen sträcker sig tillsammans över {fmt_int(area)} celler (till och med bladet "
                f"'{sheet.name}', {fmt_int(sheet.max_row)} rader och {fmt_int(sheet.max_col)} kolumner), "
                "vilket är för stort. Ta bort tomma rader och kolumner längst ned och till höger och spara igen, "
                "eller dela upp filen."
            )


def _read_ole2(data: bytes | Path, head: bytes, limits: Limits, report: Reporter) -> RawFile:
    if "EncryptedPackage".encode("utf-16-le") in head[:2_000_000] or b"EncryptedPackage" in head[:200_000]:
        raise FileError(
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel "
            "(Arkiv → Info → Skydda arbetsbok → Kryptera med lösenord, töm fältet) och ladda upp igen."
        )
    # An .xls cannot be counted cheaply; the reading worker's memory limit guards it.
    return _read_with_calamine(data, "xls", limits, report)


PREFETCH_BYTES = 16 * 2**20  # worksheets' XML, unpacked: below this the overlap gains nothing worth a thread


@dataclass
class _Ahead:
    prefetch: _Prefetch | None
    refused: FileError | None  # what the count of cells found, raised when the file is read


_READ_AHEAD: dict[Path, _Ahead] = {}


def read_ahead(path: Path, limits: Limits, progress: Reporter | None = None) -> None:
    """Checks a large workbook and parses its first sheet now, for `read_file` of the same path to
    pick up: the import worker calls this before it loads the rest of itself (validation, the
    database, Arrow), so that loading them overlaps the parse on the other core. The check and the
    parse start together, exactly as in `read_file`. Only a workbook `read_file` would parse ahead
    anyway, after the same checks of size and zip; anything else is left to `read_file` and its
    messages. Call it after the process has limited itself."""
    try:
        check_size(path, limits)
        if detect_kind(_head(path, 16)) != "zip":
            return
        archive = zipfile.ZipFile(path)
    except (FileError, zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        return
    try:
        file_kind, sheet_bytes = _zip_contents(archive, archive.infolist(), limits)
        if file_kind != "xlsx" or sheet_bytes <= PREFETCH_BYTES:
            return
        ahead = _Ahead(None, None)
        try:
            ahead.prefetch = _checked_while_parsing(path, archive, file_kind, sheet_bytes, limits,
                                                    progress or Reporter())
        except FileError as exc:
            ahead.refused = exc
        _READ_AHEAD[path.resolve()] = ahead
    except (FileError, zipfile.BadZipFile, EOFError, ValueError, OSError):
        return
    finally:
        archive.close()


class _Prefetch:
    """The workbook opened and its first worksheet parsed in a thread of its own: the workbook
    reader lets go of Python's lock while it parses, so this overlaps the count of cells."""

    def __init__(self, data: bytes | Path) -> None:
        self.data = data
        self.opened: tuple[CalamineWorkbook, list[object]] | BaseException | None = None
        self.first: tuple[int, object] | None = None  # (sheet index, its sheet or the exception)
        self.thread = threading.Thread(target=self._run, name="workbook-prefetch", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            workbook = _open_workbook(self.data)
            metadata = workbook.sheets_metadata
        except BaseException as exc:
            self.opened = exc
            return
        self.opened = (workbook, metadata)
        index = next((i for i, meta in enumerate(metadata) if str(meta.typ).endswith("WorkSheet")), None)
        if index is None:
            return
        try:
            self.first = (index, workbook.get_sheet_by_index(index))
        except BaseException as exc:
            self.first = (index, exc)

    def wait(self) -> tuple[CalamineWorkbook, list[object]]:
        self.thread.join()
        if isinstance(self.opened, BaseException):
            raise self.opened
        assert self.opened is not None
        return self.opened

    def sheet(self, index: int) -> object | None:
        if self.first is None or self.first[0] != index:
            return None
        found, self.first = self.first[1], None
        if isinstance(found, BaseException):
            raise found
        return found


def _open_workbook(data: bytes | Path) -> CalamineWorkbook:
    # From the file itself when there is one: the workbook reader then holds no copy of the bytes.
    if isinstance(data, Path):
        return CalamineWorkbook.from_path(str(data))
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def _read_with_calamine(data: bytes | Path, file_kind: str, limits: Limits, report: Reporter | None = None,
                        prefetch: _Prefetch | None = None) -> RawFile:
    report = report or Reporter()
    try:
        if prefetch is not None:
            workbook, metadata = prefetch.wait()
        else:
            workbook = _open_workbook(data)
            metadata = workbook.sheets_metadata
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise FileError(_calamine_message(exc)) from None
    result = RawFile(file_kind)
    area = 0
    worksheets = sum(1 for meta in metadata if str(meta.typ).endswith("WorkSheet"))
    number = 0
    for index, meta in enumerate(metadata):
        visible = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
        is_worksheet = str(meta.typ).endswith("WorkSheet")
        if not is_worksheet:
            result.notes.append(f"Bladet '{meta.name}' är inget kalkylblad (t.ex. ett diagramblad) och hoppades över.")
            continue
        number += 1
        report.stage(f"Läser blad {number} av {worksheets}")
        try:
            sheet = (prefetch.sheet(index) if prefetch else None) or workbook.get_sheet_by_index(index)
            if sheet.height > limits.max_rows_per_sheet:
                raise FileError(
                    f"Bladet '{meta.name}' har {fmt_int(sheet.height)} rader, fler än gränsen "
                    f"{fmt_int(limits.max_rows_per_sheet)}. Dela upp det i flera filer."
                )
            area += sheet.height * sheet.width
            if area > limits.max_area_cells:
                raise FileError(
                    f"Bladet '{meta.name}' sträcker sig över {fmt_int(sheet.height)} rader och "
                    f"{fmt_int(sheet.width)} kolumner, vilket är för stort. Ta bort tomma rader och kolumner "
                    "längst ned och till höger och spara igen."
                )
            raw = _sheet_columns(sheet, meta.name, visible, index, report)
            del sheet  # the workbook reader's copy of the cells goes before the next sheet is read
        except FileError:
            raise
        except MemoryError:
            raise
        except Exception as exc:
            raise FileError(f"Bladet '{meta.name}' går inte att läsa: {_calamine_message(exc)}") from None
        result.sheets.append(raw)
    workbook.close()
    return result


def _sheet_columns(sheet: object, name: str, visible: bool, index: int, report: Reporter) -> RawSheet:
    """The sheet's cells as columns, a chunk of rows at a time: the rows are never all Python lists at once.
    Row i is Excel row i + 1 and column j Excel's column j + 1, the empty ones before the data included."""
    start = sheet.start or (0, 0)  # type: ignore[attr-defined]
    total = start[0] + sheet.height if sheet.height else 0  # type: ignore[attr-defined]
    report.set_total(total)
    # The row iterator gives the empty rows above the data but leaves out the empty columns before it.
    builder = SheetBuilder(leading_columns=start[1] if total else 0)
    rows = sheet.iter_rows()  # type: ignore[attr-defined]
    while chunk := list(islice(rows, CHUNK_ROWS)):
        builder.add(chunk)
        report.update(builder.height)
    report.finish()
    return builder.finish(name, visible, index)


def _calamine_message(exc: Exception) -> str:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return (
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel och ladda upp igen."
        )
    return (
        "Filen går inte att läsa som kalkylark; den är skadad eller av ett format som inte stöds. "
        f"{_FIX}"
    )


# ---------------------------------------------------------------- JSON


_JSON_ERRORS = {
    "Expecting value": "ett värde saknas",
    "Unterminated string": "en text saknar sitt avslutande citattecken",
    "Expecting ',' delimiter": "ett kommatecken saknas",
    "Expecting ':' delimiter": "ett kolon saknas",
    "Expecting property name": "ett fältnamn saknar citattecken",
    "Extra data": "det finns mer text efter slutet",
    "Invalid control character": "ett otillåtet styrtecken",
    "Invalid \\escape": "ett ogiltigt omvänt snedstreck (\\)",
}


def _read_json(data: bytes, limits: Limits) -> RawFile:
    text = _decode_text(data)[0]
    bad = _BAD_BYTE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise FileError(
            f"JSON-filen har ett ogiltigt tecken på rad {fmt_int(line)} (byte 0x{ord(bad.group()) - 0xDC00:02X}); "
            "den är inte sparad som UTF-8. Hämta filen från polisen.se/api/events på nytt."
        )
    try:
        parsed = json.loads(text)
    except RecursionError:
        parsed = None
        depth = limits.max_json_depth + 1
    except json.JSONDecodeError as exc:
        what = next((sv for en, sv in _JSON_ERRORS.items() if exc.msg.startswith(en)), "ett syntaxfel")
        raise FileError(
            f"Filen ser ut som JSON men går inte att läsa (rad {fmt_int(exc.lineno)}, tecken "
            f"{fmt_int(exc.colno)}): {what}. Hämta filen från polisen.se/api/events på nytt."
        ) from None
    else:
        depth = _json_depth(parsed, limits.max_json_depth)
    if depth > limits.max_json_depth:
        raise FileError(
            f"JSON-filen är nästlad djupare än {limits.max_json_depth} nivåer och är inte polisens "
            "händelseflöde (som är tre nivåer djupt). Filen har inte lästs. Hämta flödet på nytt från "
            "polisen.se/api/events och ladda upp det igen."
        )
    return RawFile("json", text=text)


def _json_depth(value: object, limit: int) -> int:
    """The nesting depth, walked without recursion; stops counting past the limit."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] | tuple[object, ...] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


# ---------------------------------------------------------------- CSV and text

_BAD_BYTE = re.compile("[\udc80-\udcff]")
_VALID_NON_ASCII = re.compile("[\x80-\ud7ff\ue000-\U0010ffff]")


def _decode_text(data: bytes) -> tuple[str, str]:
    """Text as Swedish Excel writes it: UTF-8 with or without BOM, UTF-16 or Windows-1252.

    Bytes that are not UTF-8 in a file that otherwise is UTF-8 are kept as lone surrogates
    (U+DC80–U+DCFF) for the CSV reader to name by row; Windows-1252 is chosen only for a file
    with no valid UTF-8 beyond ASCII, or fewer such letters than bad bytes."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="surrogateescape"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise FileError(f"Filen är varken ett kalkylark eller en textfil (den innehåller binära data). {_FIX}")
    text = data.decode("utf-8", errors="surrogateescape")
    bad = len(_BAD_BYTE.findall(text))
    if bad <= len(_VALID_NON_ASCII.findall(text)):
        return text, "UTF-8"
    return data.decode("cp1252", errors="replace"), "Windows-1252"


def _read_csv(data: bytes | Path, file_name: str, limits: Limits, report: Reporter | None = None) -> RawFile:
    report = report or Reporter()
    # Read here from a path, so that the bytes go as soon as they are text: a large CSV is not held twice.
    text, encoding = _decode_text(data.read_bytes() if isinstance(data, Path) else data)
    if "\x00" in text[:4096]:
        raise FileError(f"Filen är varken ett kalkylark eller en textfil (den innehåller binära data). {_FIX}")
    sample = text[:20_000]
    delimiter = _guess_delimiter(sample)
    # The lines as counted here include those inside quoted cells: a total for the bar, no more.
    report.stage("Läser filen", text.count("\n") + (not text.endswith("\n")))
    has_bad_bytes = encoding == "UTF-8" and _BAD_BYTE.search(text) is not None
    builder = SheetBuilder()
    chunk: list[list[object]] = []
    try:
        for row in csv.reader(_lines(text), delimiter=delimiter):
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                builder.add(chunk)
                chunk = []
                report.update(builder.height)
                if builder.height > limits.max_rows_per_sheet:
                    raise FileError(
                        f"Filen har fler rader än gränsen {fmt_int(limits.max_rows_per_sheet)}. "
                        "Dela upp den i flera filer."
                    )
    except csv.Error as exc:
        raise FileError(_csv_message(str(exc), builder.height + len(chunk) + 1)) from None
    builder.add(chunk)
    if builder.height > limits.max_rows_per_sheet:
        raise FileError(
            f"Filen har fler rader än gränsen {fmt_int(limits.max_rows_per_sheet)}. Dela upp den i flera filer."
        )
    del text
    report.finish()
    # One column is fine (a list of districts); whether it is a table at all is up to recognition.
    sheet = builder.finish(Path(file_name).stem or "CSV", True, 0)
    if has_bad_bytes:
        raise FileError(_bad_bytes_message(sheet.rows))
    result = RawFile("csv", [sheet])
    delimiter_label = {";": "semikolon", ",": "komma", "\t": "tabb"}[delimiter]
    result.notes.append(f"CSV läst som {encoding} med {delimiter_label} som avgränsare.")
    return result


def _lines(text: str, block: int = 2**20) -> Iterator[str]:
    """The text's lines with their line feeds, a block at a time: io.StringIO would hold the whole
    text again at four bytes a character, and str.splitlines splits at characters a cell may hold."""
    start = 0
    while start < len(text):
        end = text.find("\n", start + block)
        end = len(text) if end < 0 else end + 1
        lines = text[start:end].split("\n")
        last = lines.pop()
        for line in lines:
            yield line + "\n"
        if last:
            yield last
        start = end


def _csv_message(error: str, row: int) -> str:
    """The csv module's English error as a Swedish message that names the row it began on."""
    if "field larger than field limit" in error:
        return (
            f"Rad {fmt_int(row)}: ett fält är längre än {fmt_int(csv.field_size_limit())} tecken. Oftast "
            'beror det på ett citattecken (") som öppnar ett fält men aldrig stängs, så att resten av filen '
            f"läses som ett enda fält. Kontrollera citattecknen från rad {fmt_int(row)} och framåt, spara och "
            "ladda upp filen igen."
        )
    if "nul" in error.lower():
        return (
            f"Rad {fmt_int(row)} innehåller binära data (nolltecken), så filen är ingen vanlig textfil. {_FIX}"
        )
    return (
        f"CSV-filen går inte att läsa från rad {fmt_int(row)}: citattecken eller radbrytningar stämmer inte. "
        "Öppna filen i Excel, spara den som CSV UTF-8 och ladda upp den igen."
    )


def _bad_bytes_message(rows: Sequence[list[object]], most: int = 5) -> str:
    headers = rows[0] if rows else []
    found: list[str] = []
    total = 0
    for number, row in enumerate(rows, start=1):
        for index, cell in enumerate(row):
            if not isinstance(cell, str):
                continue
            match = _BAD_BYTE.search(cell)
            if match is None:
                continue
            total += 1
            if len(found) < most:
                column = col_letters(index + 1)
                header = headers[index] if index < len(headers) and number > 1 else ""
                if isinstance(header, str) and header.strip() and not _BAD_BYTE.search(header):
                    column += f" ({header.strip()[:40]})"
                byte = ord(match.group()) - 0xDC00
                found.append(f"rad {fmt_int(number)}, kolumn {column} (byte 0x{byte:02X})")
    more = f" och {fmt_int(total - len(found))} celler till" if total > len(found) else ""
    return (
        "Filen är sparad som UTF-8 men har ogiltiga tecken: " + "; ".join(found) + more + ". "
        "Filen har inte lästs, så inget har importerats. Rätta tecknet (eller spara filen som "
        "CSV UTF-8 i Excel) och ladda upp den igen."
    )


def _guess_delimiter(sample: str) -> str:
    lines = [line for line in sample.splitlines()[:30] if line.strip()]
    best, best_score = ";", -1.0
    for delimiter in (";", ",", "\t"):
        counts = [_count_outside_quotes(line, delimiter) for line in lines]
        if not counts or max(counts) == 0:
            continue
        # Consistent counts across lines matter more than many separators in one line.
        common = max(set(counts), key=counts.count)
        score = counts.count(common) * (1 if common else 0) + common / 100
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _count_outside_quotes(line: str, delimiter: str) -> int:
    count, quoted = 0, False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count
