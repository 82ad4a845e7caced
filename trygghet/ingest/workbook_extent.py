"""How far a workbook's sheets really reach, counted from their XML before the workbook reader
allocates anything: the reader allocates every sheet's whole rectangle at once, and one cell at
XFD1048576 asks for hundreds of gigabytes. The XML is streamed in pieces, each looked at with a
few searches, never parsed cell by cell."""

from __future__ import annotations

import functools
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO

import defusedxml
from defusedxml.ElementTree import ParseError, fromstring, iterparse

from trygghet.core.progress import Reporter


@dataclass
class SheetStats:
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


def col_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def col_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{col_letters(col)}{row}"


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
_CELL = re.compile(rb' r="([A-Z]{1,3})([0-9]{1,7})"[^>/]*>')


def _greater(text: bytes, low: int, high: int, longest: int) -> bytes:
    """A regex alternation of the strings over the characters low..high (no leading `low`) that
    sort after `text` as numbers or column letters do: longer ones, then larger at the first difference."""
    n = len(text)
    parts = []
    if n < longest:
        first = ord("1") if low == ord("0") else low
        parts.append(b"[%c-%c][%c-%c]{%d,%d}" % (first, high, low, high, n, longest - 1))
    for i in range(n):
        if text[i] < high:
            rest = b"[%c-%c]{%d}" % (low, high, n - i - 1) if n - i - 1 else b""
            parts.append(re.escape(text[:i]) + b"[%c-%c]" % (text[i] + 1, high) + rest)
    return b"|".join(parts) or b"(?!)"


@functools.lru_cache(maxsize=256)
def _cells_after(letters: bytes, row: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """Patterns for cells right of column `letters` and for cells below `row`."""
    column = _greater(letters, ord("A"), ord("Z"), 3) if letters else b"[A-Z]{1,3}"
    return (re.compile(rb' r="(' + column + rb')[0-9]{1,7}"[^>/]*>'),
            re.compile(rb' r="[A-Z]{1,3}(' + _greater(str(row).encode(), ord("0"), ord("9"), 7) + rb')"[^>/]*>'))


def _column_key(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


def _extent(part: bytes, letters: bytes, row: int) -> tuple[bytes, int]:
    """The rightmost column and the lowest row of the cells in `part` and those before it. Rows come
    in order in any ordinary file, so the piece's last cells give the candidates and one search each
    confirms that no cell lies beyond them; only a file that breaks the order costs more searches."""
    for found_letters, found_row in _CELL.findall(part[-4096:]):
        letters = max(letters, found_letters, key=_column_key)
        row = max(row, int(found_row))
    for found_letters, _ in _CELL.findall(part[:4096]):
        letters = max(letters, found_letters, key=_column_key)
    column_after, row_after = _cells_after(letters, row)
    position = 0
    while match := column_after.search(part, position):
        letters, position = match.group(1), match.start() + 1
        column_after = _cells_after(letters, row)[0]
    position = 0
    while match := row_after.search(part, position):
        row, position = int(match.group(1)), match.start() + 1
        row_after = _cells_after(letters, row)[1]
    return letters, row


def xlsx_sheet_stats(archive: zipfile.ZipFile, report: Reporter) -> Iterator[SheetStats]:
    parts = _xlsx_sheet_parts(archive)
    megabytes = sum(archive.getinfo(member).file_size for _, member in parts) // 2**20
    report.stage("Kontrollerar filens storlek", megabytes, unit="MB")
    done = 0
    for name, member in parts:
        stats = SheetStats(name)
        letters = b""
        with archive.open(member) as stream:
            for part in _tag_chunks(stream):
                stats.cells += part.count(b"</c>") + part.count(b":c>")
                letters, stats.max_row = _extent(part, letters, stats.max_row)
                done += len(part)
                report.update(done // 2**20)
        stats.max_col = col_number(letters) if letters else 0
        stats.locate = functools.partial(_xlsx_far_cells, archive, member, stats)
        yield stats


def _xlsx_far_cells(archive: zipfile.ZipFile, member: str, stats: SheetStats) -> list[str]:
    """The cells that make a sheet's rectangle large, to name them to the user."""
    letters = col_letters(stats.max_col).encode()
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


def ods_sheet_stats(archive: zipfile.ZipFile) -> Iterator[SheetStats]:
    """Real cells of every table in content.xml, streaming; repeated rows and cells count as many."""
    table, row_tag = _ODS_TABLE + "table", _ODS_TABLE + "table-row"
    cell_tags = (_ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell")
    rows_repeated, cols_repeated = _ODS_TABLE + "number-rows-repeated", _ODS_TABLE + "number-columns-repeated"
    value_type = _ODS_OFFICE + "value-type"
    stats: SheetStats | None = None
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
                        stats = SheetStats(elem.get(_ODS_TABLE + "name") or "?")
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
                        deepest = cell_ref(row + repeat, row_last)
                        if row_last > stats.max_col:
                            stats.max_col = row_last
                            widest = cell_ref(row + 1, row_last)
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
