"""Reading an uploaded file into raw sheets, deciding its type by its content.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, which is fast and
does not expand XML entities; CSV is read with the standard library. Nothing here
knows what the sheets mean.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from .config import Limits
from .formatting import fmt_int


class FileError(Exception):
    """A problem with the whole file; the message is Swedish and meant for the user."""


@dataclass
class RawSheet:
    name: str
    rows: list[list[object]]  # rows[i] is Excel row i + 1
    visible: bool = True
    index: int = 0


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


def read_file(data: bytes, file_name: str, limits: Limits | None = None) -> RawFile:
    """All sheets of a file. Raises FileError with a Swedish message for file-level problems."""
    limits = limits or Limits.from_env()
    if len(data) == 0:
        raise FileError("Filen är tom (0 byte). Kontrollera att rätt fil valdes.")
    if len(data) > limits.max_file_bytes:
        raise FileError(
            f"Filen är {len(data) / 2**20:.0f} MB, större än gränsen {limits.max_file_bytes / 2**20:.0f} MB. "
            "Dela upp den i flera filer."
        )
    kind = detect_kind(data[:16])
    if kind == "zip":
        return _read_zip_workbook(data, limits)
    if kind == "ole2":
        return _read_ole2(data, limits)
    if kind == "json":
        return RawFile("json", text=_decode_text(data)[0])
    return _read_csv(data, file_name, limits)


def _read_zip_workbook(data: bytes, limits: Limits) -> RawFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise FileError(
            "Filen är skadad eller ofullständig (zip-strukturen går inte att läsa). "
            "Öppna den i Excel och spara den igen, eller ladda upp den på nytt."
        ) from None
    names = {i.filename for i in infos}
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
    # No archive.testzip() here: it would inflate every member once more; calamine reports damage itself.
    return _read_with_calamine(data, file_kind, limits)


def _ods_mimetype(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except KeyError:
        return True


def _read_ole2(data: bytes, limits: Limits) -> RawFile:
    if "EncryptedPackage".encode("utf-16-le") in data[:2_000_000] or b"EncryptedPackage" in data[:200_000]:
        raise FileError(
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel "
            "(Arkiv → Info → Skydda arbetsbok → Kryptera med lösenord, töm fältet) och ladda upp igen."
        )
    return _read_with_calamine(data, "xls", limits)


def _read_with_calamine(data: bytes, file_kind: str, limits: Limits) -> RawFile:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise FileError(_calamine_message(exc)) from None
    result = RawFile(file_kind)
    for index, meta in enumerate(metadata):
        visible = str(meta.visible).endswith("Visible") and "Hidden" not in str(meta.visible)
        is_worksheet = str(meta.typ).endswith("WorkSheet")
        if not is_worksheet:
            result.notes.append(f"Bladet '{meta.name}' är inget kalkylblad (t.ex. ett diagramblad) och hoppades över.")
            continue
        try:
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height > limits.max_rows_per_sheet:
                raise FileError(
                    f"Bladet '{meta.name}' har {fmt_int(sheet.height)} rader, fler än gränsen "
                    f"{fmt_int(limits.max_rows_per_sheet)}. Dela upp det i flera filer."
                )
            if sheet.height * sheet.width > limits.max_cells_per_sheet:
                raise FileError(
                    f"Bladet '{meta.name}' sträcker sig över {fmt_int(sheet.height)} rader och "
                    f"{fmt_int(sheet.width)} kolumner, vilket är för stort. Ta bort tomma rader och kolumner "
                    "längst ned och till höger och spara igen."
                )
            rows = sheet.to_python(skip_empty_area=False)
        except FileError:
            raise
        except Exception as exc:
            raise FileError(f"Bladet '{meta.name}' går inte att läsa: {_calamine_message(exc)}") from None
        result.sheets.append(RawSheet(meta.name, rows, visible, index))
    return result


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


def _decode_text(data: bytes) -> tuple[str, str]:
    """Text as Swedish Excel writes it: UTF-8 with or without BOM, UTF-16 or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "UTF-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data[:4096]:
        raise FileError(f"Filen är varken ett kalkylark eller en textfil (den innehåller binära data). {_FIX}")
    return data.decode("cp1252", errors="replace"), "Windows-1252"


def _read_csv(data: bytes, file_name: str, limits: Limits) -> RawFile:
    text, encoding = _decode_text(data)
    if "\x00" in text[:4096]:
        raise FileError(f"Filen är varken ett kalkylark eller en textfil (den innehåller binära data). {_FIX}")
    sample = text[:20_000]
    delimiter = _guess_delimiter(sample)
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            rows.append(list(row))
            if len(rows) > limits.max_rows_per_sheet:
                raise FileError(
                    f"Filen har fler rader än gränsen {fmt_int(limits.max_rows_per_sheet)}. "
                    "Dela upp den i flera filer."
                )
    except csv.Error as exc:
        raise FileError(f"CSV-filen går inte att läsa (rad {reader.line_num}): {exc}. {_FIX}") from None
    # One column is fine (a list of districts); whether it is a table at all is up to recognition.
    width = max((len(r) for r in rows), default=0)
    for row in rows:
        if len(row) < width:
            row.extend([""] * (width - len(row)))
    name = Path(file_name).stem or "CSV"
    result = RawFile("csv", [RawSheet(name, rows, True, 0)])
    delimiter_label = {";": "semikolon", ",": "komma", "\t": "tabb"}[delimiter]
    result.notes.append(f"CSV läst som {encoding} med {delimiter_label} som avgränsare.")
    return result


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
