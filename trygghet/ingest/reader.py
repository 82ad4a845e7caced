"""Reading an uploaded file into raw sheets, deciding its type by its content.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read with python-calamine, which is fast and
does not expand XML entities; CSV is read with the standard library. Nothing here
knows what the sheets mean. Everything here runs inside the reading worker
(trygghet.ingest.read_worker), a separate process with hard limits: a reader that crashes or
runs out of memory takes only that process with it.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import defusedxml
from defusedxml.ElementTree import ParseError, fromstring, iterparse
from python_calamine import CalamineWorkbook

from trygghet.core.config import Limits
from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_int


class FileError(UserError):
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


def read_file(data: bytes, file_name: str, limits: Limits | None = None) -> RawFile:
    """All sheets of a file, in this process. Raises FileError with a Swedish message for
    file-level problems. The app and the importer call trygghet.ingest.read_worker.read_isolated,
    which runs this in a separate process under hard limits."""
    limits = limits or Limits.from_env()
    check_size(data, limits)
    kind = detect_kind(data[:16])
    if kind == "zip":
        return _read_zip_workbook(data, limits)
    if kind == "ole2":
        return _read_ole2(data, limits)
    if kind == "json":
        return _read_json(data, limits)
    return _read_csv(data, file_name, limits)


def check_size(data: bytes, limits: Limits) -> None:
    if len(data) == 0:
        raise FileError("Filen är tom (0 byte). Kontrollera att rätt fil valdes.")
    if len(data) > limits.max_file_bytes:
        raise FileError(
            f"Filen är {len(data) / 2**20:.0f} MB, större än gränsen {limits.max_file_bytes / 2**20:.0f} MB. "
            "Dela upp den i flera filer."
        )


# ---------------------------------------------------------------- workbooks


def _read_zip_workbook(data: bytes, limits: Limits) -> RawFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise FileError(_DAMAGED_ZIP) from None
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
    # The workbook reader allocates every sheet's whole rectangle at once, and one cell at XFD1048576
    # asks for hundreds of gigabytes: the cells that are really there are counted first, streaming.
    try:
        if file_kind == "xlsx" and "xl/workbook.xml" in names:
            _check_cells(_xlsx_sheet_stats(archive), limits)
        elif file_kind == "ods":
            _check_cells(_ods_sheet_stats(archive), limits)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError):
        raise FileError(_DAMAGED_ZIP) from None
    # No archive.testzip() here: it would inflate every member once more; calamine reports damage itself.
    return _read_with_calamine(data, file_kind, limits)


def _ods_mimetype(archive: zipfile.ZipFile) -> bool:
    try:
        return archive.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except KeyError:
        return True


@dataclass
class _SheetStats:
    name: str
    cells: int = 0  # cells that hold something
    max_row: int = 0  # 1-based; 0 for an empty sheet
    max_col: int = 0
    far: list[str] = field(default_factory=list)  # the cells that set max_row and max_col
    # Finds `far` when it is needed: only a sheet about to be refused is read a second time.
    locate: Callable[[], list[str]] | None = None

    @property
    def area(self) -> int:
        return self.max_row * self.max_col


def _check_cells(stats: Iterator[_SheetStats], limits: Limits) -> None:
    cells = area = 0
    for sheet in stats:
        cells += sheet.cells
        area += sheet.area
        if sheet.area > 1_000_000 and sheet.area > limits.max_empty_ratio * max(1, sheet.cells):
            if sheet.locate is not None:
                sheet.far = sheet.locate()
            far = " och ".join(sheet.far) or _cell_ref(sheet.max_row, sheet.max_col)
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


def _col_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def _col_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_ref(row: int, col: int) -> str:
    return f"{_col_letters(col)}{row}"


_SMALL_PART = 20 * 2**20


def _small_xml(archive: zipfile.ZipFile, name: str) -> object:
    info = archive.getinfo(name)
    if info.file_size > _SMALL_PART:
        raise ValueError(name)
    return fromstring(archive.read(name))


def _xlsx_sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, zip member) of every worksheet; members the workbook does not name are scanned too."""
    parts: list[tuple[str, str]] = []
    try:
        book = _small_xml(archive, "xl/workbook.xml")
        rels = _small_xml(archive, "xl/_rels/workbook.xml.rels")
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter() if str(r.tag).endswith("Relationship")}
        for sheet in book.iter():
            if not str(sheet.tag).endswith("}sheet"):
                continue
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            member = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            parts.append((sheet.get("name") or member, member))
    except (KeyError, ValueError, ParseError, defusedxml.DefusedXmlException):
        pass
    named = {member for _, member in parts}
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in named:
            parts.append((posixpath.basename(name), name))
    return [(name, member) for name, member in parts if member in archive.NameToInfo]


# A cell with content: an r attribute with letters and digits, and a tag that does not close itself
# (a self-closing <c r="XFD9" s="1"/> holds only a style, and the reader does not place it).
_CELL_COLUMN = re.compile(rb' r="([A-Z]{1,3})[0-9]{1,7}"[^>/]*>')
# Cells whose row number has exactly d digits: the largest row is sought among the longest numbers
# first, so a chunk costs one search per digit count that it does not have and one findall.
_CELL_ROW = {d: re.compile(rb' r="[A-Z]{1,3}([0-9]{%d})"[^>/]*>' % d) for d in range(1, 8)}


def _largest_row(part: bytes, at_least: int) -> int:
    for digits in range(7, len(str(at_least)) - 1, -1):
        found = _CELL_ROW[digits].findall(part)
        if found:
            return max(int(max(found)), at_least)  # same length: the largest string is the largest number
    return at_least


def _xlsx_sheet_stats(archive: zipfile.ZipFile) -> Iterator[_SheetStats]:
    for name, member in _xlsx_sheet_parts(archive):
        stats = _SheetStats(name)
        columns: set[bytes] = set()
        with archive.open(member) as stream:
            for part in _tag_chunks(stream):
                stats.cells += part.count(b"</c>") + part.count(b":c>")
                columns.update(_CELL_COLUMN.findall(part))
                stats.max_row = _largest_row(part, stats.max_row)
        stats.max_col = max(map(_col_number, columns), default=0)
        stats.locate = functools.partial(_xlsx_far_cells, archive, member, stats)
        yield stats


def _xlsx_far_cells(archive: zipfile.ZipFile, member: str, stats: _SheetStats) -> list[str]:
    """The cells that make a sheet's rectangle large, to name them to the user."""
    letters = _col_letters(stats.max_col).encode()
    wanted = [
        re.compile(rb' r="(' + letters + rb'[0-9]{1,7})"[^>/]*>'),
        re.compile(rb' r="([A-Z]{1,3}' + str(stats.max_row).encode() + rb')"[^>/]*>'),
    ]
    found: list[str] = []
    with archive.open(member) as stream:
        for part in _tag_chunks(stream):
            for pattern in list(wanted):
                match = pattern.search(part)
                if match:
                    wanted.remove(pattern)
                    ref = match.group(1).decode()
                    if ref not in found:
                        found.append(ref)
            if not wanted:
                break
    return found


def _tag_chunks(stream: IO[bytes], size: int = 4 * 2**20) -> Iterator[bytes]:
    """The stream in pieces that end before a '<', so that no tag is split between two pieces."""
    tail = b""
    while True:
        chunk = stream.read(size)
        if not chunk:
            if tail:
                yield tail
            return
        buffer = tail + chunk
        cut = buffer.rfind(b"<")
        if cut <= 0 or len(buffer) - cut > size:
            cut = len(buffer)  # no tag start at all: text, which holds no cells
        yield buffer[:cut]
        tail = buffer[cut:]


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _ods_sheet_stats(archive: zipfile.ZipFile) -> Iterator[_SheetStats]:
    """Real cells of every table in content.xml, streaming; repeated rows and cells count as many."""
    table, row_tag = _ODS_TABLE + "table", _ODS_TABLE + "table-row"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    rows_repeated, cols_repeated = _ODS_TABLE + "number-rows-repeated", _ODS_TABLE + "number-columns-repeated"
    value_type = _ODS_OFFICE + "value-type"
    stats: _SheetStats | None = None
    stack: list[object] = []
    row = col = row_cells = row_last = 0
    widest = deepest = ""
    try:
        with archive.open("content.xml") as stream:
            for event, elem in iterparse(stream, events=("start", "end")):
                tag = elem.tag
                if event == "start":
                    stack.append(elem)
                    if tag == table:
                        stats = _SheetStats(elem.get(_ODS_TABLE + "name") or "?")
                        row, widest, deepest = 0, "", ""
                    elif tag == row_tag:
                        col = row_cells = row_last = 0
                    continue
                stack.pop()
                if stats is None:
                    continue
                if tag in cell_tags:
                    repeat = _positive(elem.get(cols_repeated))
                    if elem.get(value_type) is not None or len(elem):
                        row_cells += repeat
                        row_last = col + repeat
                    col += repeat
                    elem.clear()
                elif tag == row_tag:
                    repeat = _positive(elem.get(rows_repeated))
                    if row_cells:
                        stats.cells += row_cells * repeat
                        stats.max_row = row + repeat
                        deepest = _cell_ref(row + repeat, row_last)
                        if row_last > stats.max_col:
                            stats.max_col = row_last
                            widest = _cell_ref(row + 1, row_last)
                    row += repeat
                    elem.clear()
                    if stack:
                        del stack[-1][-1]  # the finished row, so the table does not grow with the file
                elif tag == table:
                    stats.far = list(dict.fromkeys([widest, deepest]))
                    yield stats
                    stats = None
                    elem.clear()
    except (ParseError, defusedxml.DefusedXmlException):
        return  # the workbook reader reports a damaged file in its own words


def _positive(value: str | None) -> int:
    try:
        return max(1, int(value)) if value else 1
    except ValueError:
        return 1


def _read_ole2(data: bytes, limits: Limits) -> RawFile:
    if "EncryptedPackage".encode("utf-16-le") in data[:2_000_000] or b"EncryptedPackage" in data[:200_000]:
        raise FileError(
            "Arbetsboken är lösenordsskyddad och kan inte läsas. Ta bort lösenordet i Excel "
            "(Arkiv → Info → Skydda arbetsbok → Kryptera med lösenord, töm fältet) och ladda upp igen."
        )
    # An .xls cannot be counted cheaply; the reading worker's memory limit guards it.
    return _read_with_calamine(data, "xls", limits)


def _read_with_calamine(data: bytes, file_kind: str, limits: Limits) -> RawFile:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        metadata = workbook.sheets_metadata
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise FileError(_calamine_message(exc)) from None
    result = RawFile(file_kind)
    area = 0
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
            area += sheet.height * sheet.width
            if area > limits.max_area_cells:
                raise FileError(
                    f"Bladet '{meta.name}' sträcker sig över {fmt_int(sheet.height)} rader och "
                    f"{fmt_int(sheet.width)} kolumner, vilket är för stort. Ta bort tomma rader och kolumner "
                    "längst ned och till höger och spara igen."
                )
            rows = sheet.to_python(skip_empty_area=False)
        except FileError:
            raise
        except MemoryError:
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
        raise FileError(_csv_message(str(exc), len(rows) + 1)) from None
    del text
    if encoding == "UTF-8" and any(_BAD_BYTE.search(cell) for row in rows for cell in row if isinstance(cell, str)):
        raise FileError(_bad_bytes_message(rows))
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


def _bad_bytes_message(rows: list[list[object]], most: int = 5) -> str:
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
                column = _col_letters(index + 1)
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
