"""The Excel template users fill in: one sheet per kind, drop-down lists and instructions.

Every header comes from sheetspec; the drop-down values come from the database (or the
defaults when there is none yet) and live on a hidden sheet that the data validations
reference, because an inline list in Excel is limited to 255 characters.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import duckdb
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from trygghet.core import clock
from trygghet.core import initial_lists as defaults
from trygghet.ingest.excel_export import put
from trygghet.ingest.reporters import INTERVALS, NOTHING_TO_REPORT
from trygghet.ingest.sheetspec import (
    ALL_SPECS,
    BY_KIND,
    CATEGORIES,
    DISTRICTS,
    EVENTS,
    INTERVENTIONS,
    POPULATION,
    PRIORITY_AREAS,
    REPORTERS,
    SURVEY,
    SURVEY_GROUPS,
    Field,
    SheetSpec,
)
from trygghet.store import reference_lists as stored_lists
from trygghet.store.db import Database

TEMPLATE_FILE_NAME = "lagesbild-mall.xlsx"
INSTRUCTIONS_TITLE = "Instruktioner"
LISTS_TITLE = "Listor"
# Date formats, drop-downs and validations reach this far down every data sheet.
LAST_ROW = 5000
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "hh:mm"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
DATE_FIELDS = frozenset({"date", "start_date", "end_date", "valid_from", "valid_to"})
TIME_FIELDS = frozenset({"time"})
DATETIME_FIELDS = frozenset({"datetime"})

# The order the data sheets appear in; any kind sheetspec adds later is appended.
SHEET_ORDER: tuple[str, ...] = (
    "events",
    "interventions",
    "priority_areas",
    "survey",
    "districts",
    "categories",
    "reporters",
)

# Excel's limits for data-validation messages.
MAX_ERROR_TITLE = 32
MAX_ERROR_TEXT = 255


@dataclass
class TemplateLists:
    """The values offered in the template's drop-down lists."""

    districts: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    priority_areas: list[str] = field(default_factory=list)
    intervals: list[str] = field(default_factory=lambda: list(INTERVALS))


@dataclass(frozen=True)
class ListColumn:
    """One column of the hidden Listor sheet."""

    attr: str  # the TemplateLists attribute
    header: str
    letter: str
    # The sheet through which new values are added, if there is one.
    source_sheet: str | None = None


@dataclass(frozen=True)
class ListValidation:
    """A drop-down on one column of one data sheet."""

    kind: str
    field_name: str
    attr: str
    error_style: str  # "stop" rejects other values; "warning" lets the user keep them
    error_title: str
    error: str


LIST_COLUMNS: tuple[ListColumn, ...] = tuple(
    ListColumn(attr, header, get_column_letter(i), source)
    for i, (attr, header, source) in enumerate(
        [
            ("districts", DISTRICTS.field("name").header, DISTRICTS.title),
            ("categories", CATEGORIES.field("name").header, CATEGORIES.title),
            ("statuses", INTERVENTIONS.field("status").header, None),
            ("organisations", INTERVENTIONS.field("owner").header, None),
            ("priority_areas", INTERVENTIONS.field("priority_area").header, PRIORITY_AREAS.title),
            ("intervals", REPORTERS.field("interval").header, None),
        ],
        start=1,
    )
)
LIST_BY_ATTR: dict[str, ListColumn] = {c.attr: c for c in LIST_COLUMNS}

_DISTRICT_ERROR = f"Välj en stadsdel ur listan. Nya stadsdelar läggs till via fliken {DISTRICTS.title}."
_CATEGORY_ERROR = f"Välj en kategori ur listan. Nya kategorier läggs till via fliken {CATEGORIES.title}."

VALIDATIONS: tuple[ListValidation, ...] = (
    ListValidation(EVENTS.kind, "district", "districts", "stop", "Okänd stadsdel", _DISTRICT_ERROR),
    ListValidation(EVENTS.kind, "category", "categories", "stop", "Okänd kategori", _CATEGORY_ERROR),
    ListValidation(INTERVENTIONS.kind, "district", "districts", "stop", "Okänd stadsdel", _DISTRICT_ERROR),
    ListValidation(
        INTERVENTIONS.kind, "status", "statuses", "stop", "Okänd status", ""
    ),  # text built from the list
    ListValidation(
        INTERVENTIONS.kind,
        "owner",
        "organisations",
        "warning",
        "Aktören finns inte i listan",
        "Aktören finns inte i listan. Andra aktörer är tillåtna: välj att fortsätta för att behålla "
        "det du skrev, eller välj en aktör ur listan.",
    ),
    ListValidation(
        INTERVENTIONS.kind,
        "priority_area",
        "priority_areas",
        "warning",
        "Okänt prioriterat område",
        "Området finns inte i listan. Nya prioriterade områden läggs till via fliken "
        f"{PRIORITY_AREAS.title}. Välj att fortsätta för att behålla det du skrev.",
    ),
    ListValidation(SURVEY.kind, "district", "districts", "stop", "Okänd stadsdel", _DISTRICT_ERROR),
    ListValidation(REPORTERS.kind, "interval", "intervals", "stop", "Okänt intervall", "Välj vecka eller månad."),
    ListValidation(POPULATION.kind, "district", "districts", "stop", "Okänd stadsdel", _DISTRICT_ERROR),
    ListValidation(SURVEY_GROUPS.kind, "district", "districts", "stop", "Okänd stadsdel", _DISTRICT_ERROR),
)

# Colours: required headers dark with white text, optional ones light, so the difference
# survives colour blindness and grey-scale printing.
_REQUIRED_FILL = PatternFill("solid", fgColor="1F4E79")
_OPTIONAL_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FONT = Font(bold=True, color="FFFFFF")
_OPTIONAL_FONT = Font(bold=True, color="1F1F1F")
_TABLE_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_WARNING_FILL = PatternFill("solid", fgColor="FCE4E4")
_NOTE_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")
_EXAMPLE_FONT = Font(italic=True, color="595959")
_AUTHOR = "Lägesbild"


def ordered_specs() -> list[SheetSpec]:
    """The data sheets in template order."""
    specs = [BY_KIND[kind] for kind in SHEET_ORDER if kind in BY_KIND]
    return specs + [s for s in BY_KIND.values() if s.kind not in SHEET_ORDER]


def default_lists() -> TemplateLists:
    """The lists of a municipality that has not uploaded anything yet: no districts."""
    return TemplateLists(
        districts=[],
        categories=[name for name, _group, _description in defaults.CATEGORIES],
        statuses=list(defaults.STATUSES),
        organisations=list(defaults.ORGANISATIONS),
        priority_areas=[],
    )


_LIST_READERS: dict[str, Callable[[duckdb.DuckDBPyConnection], list[str]]] = {
    "districts": stored_lists.districts,
    "categories": stored_lists.categories,
    "organisations": stored_lists.organisations,
    "priority_areas": stored_lists.priority_areas,
}


def lists_from_database(db: Database | None) -> TemplateLists:
    """The current lists, or the defaults when there is no database file yet.

    Statuses are fixed (defaults.STATUSES); a table that is missing from an older
    database keeps its default list.
    """
    lists = default_lists()
    if db is None or not db.exists():
        return lists
    with db.read() as con:
        for attr, read in _LIST_READERS.items():
            try:
                names = read(con)
            except duckdb.CatalogException:
                continue
            setattr(lists, attr, [str(name) for name in names if name is not None and str(name).strip()])
    return lists


def build_template(lists: TemplateLists) -> bytes:
    """The template workbook as .xlsx bytes.

    Building takes about half a second (the date formats reach row 5000), so the
    last few results are kept; the key includes today's date, which the instructions show.
    """
    # "Inget att rapportera" is offered with the categories: a reporter's word that its week was calm.
    lists = replace(lists, categories=[*lists.categories, NOTHING_TO_REPORT])
    key = tuple(tuple(getattr(lists, f.name)) for f in fields(TemplateLists))
    return _build_cached(key, clock.today())


@functools.lru_cache(maxsize=8)
def _build_cached(key: tuple[tuple[str, ...], ...], today: dt.date) -> bytes:
    lists = TemplateLists(*(list(values) for values in key))
    wb = Workbook()
    instructions = wb.active
    instructions.title = INSTRUCTIONS_TITLE
    specs = ordered_specs()
    for spec in specs:
        _write_data_sheet(wb.create_sheet(spec.title), spec)
    _write_lists_sheet(wb.create_sheet(LISTS_TITLE), lists)
    missing = _add_validations(wb, lists)
    _write_instructions(instructions, specs, missing, today)
    wb.active = 0
    wb.properties.title = "Lägesbild – mall"
    wb.properties.creator = _AUTHOR
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write_template(db: Database | None, directory: Path) -> Path:
    """Writes directory / TEMPLATE_FILE_NAME (replacing it whole) and returns its path."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    data = build_template(lists_from_database(db))
    target = directory / TEMPLATE_FILE_NAME
    fd, tmp = tempfile.mkstemp(prefix=".lagesbild-mall-", suffix=".xlsx", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates the file readable by its owner only
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def column_letter(spec: SheetSpec, field_name: str) -> str:
    """The column a field has in the template (the spec's order)."""
    names = [f.name for f in spec.template_fields]
    return get_column_letter(names.index(field_name) + 1)


def list_range(attr: str, length: int) -> str:
    """The Listor range holding `length` values of one list, e.g. Listor!$A$2:$A$7."""
    letter = LIST_BY_ATTR[attr].letter
    # "Listor" needs no quotes (openpyxl's quote_sheetname would add them anyway).
    return f"{LISTS_TITLE}!${letter}$2:${letter}${length + 1}"


def example_value(f: Field) -> object:
    """A field's example with the type a user would enter: dates as dates, times as times."""
    value = f.example
    if value is None or value == "":
        return None
    if f.name in DATE_FIELDS and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if f.name in TIME_FIELDS and isinstance(value, str):
        return dt.time.fromisoformat(value)
    if f.name in DATETIME_FIELDS and isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value


def _number_format(f: Field) -> str | None:
    if f.name in DATE_FIELDS:
        return DATE_FORMAT
    if f.name in TIME_FIELDS:
        return TIME_FORMAT
    if f.name in DATETIME_FIELDS:
        return DATETIME_FORMAT
    return None


def _alternative_for(spec: SheetSpec, f: Field) -> Field | None:
    """The field that may stand in for this required one, if any."""
    alt = spec.alternatives.get(f.name)
    return spec.field(alt) if alt else None


def _replaces(spec: SheetSpec, f: Field) -> Field | None:
    """The required field this one may stand in for, if any."""
    for required, alt in spec.alternatives.items():
        if alt == f.name:
            return spec.field(required)
    return None


def field_help(spec: SheetSpec, f: Field) -> str:
    """The help text, with a generated one for a combined column that has none."""
    if f.help:
        return f.help
    replaced = _replaces(spec, f)
    if replaced is not None:
        return f"Kan användas i stället för kolumnen {replaced.header}, med datum och klockslag i samma cell."
    return ""


def required_label(spec: SheetSpec, f: Field) -> str:
    if not f.required:
        return "nej"
    alt = _alternative_for(spec, f)
    return f"ja (eller {alt.header})" if alt else "ja"


def _comment_for(spec: SheetSpec, f: Field) -> Comment:
    lines = []
    if f.required:
        alt = _alternative_for(spec, f)
        lines.append(f"Obligatorisk (eller {alt.header})." if alt else "Obligatorisk.")
    else:
        lines.append("Frivillig.")
    help_text = field_help(spec, f)
    if help_text:
        lines.append(help_text)
    text = "\n".join(lines)
    comment = Comment(text, _AUTHOR)
    comment.width = 260
    comment.height = max(60, 18 * (2 + math.ceil(len(text) / 40)))
    return comment


def _display_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date | dt.time):
        return 10
    return max(len(part) for part in str(value).split("\n"))


def _write_data_sheet(ws: Worksheet, spec: SheetSpec) -> None:
    for col, f in enumerate(spec.template_fields, start=1):
        head = put(ws, 1, col, f.header)
        head.font = _REQUIRED_FONT if f.required else _OPTIONAL_FONT
        head.fill = _REQUIRED_FILL if f.required else _OPTIONAL_FILL
        head.border = _BORDER
        head.alignment = Alignment(vertical="center")
        head.comment = _comment_for(spec, f)

        value = example_value(f)
        example = put(ws, 2, col, value)
        example.font = _EXAMPLE_FONT
        fmt = _number_format(f)
        if fmt:
            example.number_format = fmt
            for row in range(3, LAST_ROW + 1):
                ws.cell(row=row, column=col).number_format = fmt

        letter = get_column_letter(col)
        # Room for the header plus the auto-filter button, and for the example.
        width = max(len(f.header) + 5, _display_width(value) + 2, 12)
        ws.column_dimensions[letter].width = min(width, 48)
    last = get_column_letter(len(spec.template_fields))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{LAST_ROW}"
    ws.row_dimensions[1].height = 20


def _write_lists_sheet(ws: Worksheet, lists: TemplateLists) -> None:
    ws.sheet_state = "hidden"
    for col, column in enumerate(LIST_COLUMNS, start=1):
        head = put(ws, 1, col, column.header)
        head.font = Font(bold=True)
        values: list[str] = getattr(lists, column.attr)
        for row, value in enumerate(values, start=2):
            # Names come from uploads: '=HYPERLINK(…)' as a district must stay text in the list and the drop-downs.
            put(ws, row, col, value)
        width = max([len(column.header), *(len(v) for v in values)]) + 2
        ws.column_dimensions[column.letter].width = min(max(width, 14), 60)
    ws.freeze_panes = "A2"


def status_error(statuses: Sequence[str]) -> str:
    return f"Välj en status ur listan: {_join_or(statuses)}."


def _join_or(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " eller " + items[-1]


def _add_validations(wb: Workbook, lists: TemplateLists) -> list[ListValidation]:
    """Adds the drop-downs; returns those left out because their list is empty."""
    missing: list[ListValidation] = []
    for rule in VALIDATIONS:
        spec = BY_KIND[rule.kind]
        values: list[str] = getattr(lists, rule.attr)
        if not values:
            missing.append(rule)
            continue
        error = rule.error or status_error(values)
        if len(error) > MAX_ERROR_TEXT:
            error = error[: MAX_ERROR_TEXT - 1] + "…"
        letter = column_letter(spec, rule.field_name)
        dv = DataValidation(
            type="list",
            formula1=list_range(rule.attr, len(values)),
            allow_blank=True,
            showErrorMessage=True,
            errorStyle=rule.error_style,
            errorTitle=rule.error_title[:MAX_ERROR_TITLE],
            error=error,
        )
        dv.add(f"{letter}2:{letter}{LAST_ROW}")
        wb[spec.title].add_data_validation(dv)
    return missing


# --- The instructions sheet -------------------------------------------------------------

_INSTRUCTION_WIDTHS = {"A": 26, "B": 20, "C": 62, "D": 34}
_FULL_WIDTH = sum(_INSTRUCTION_WIDTHS.values())
_LINE_HEIGHT = 15.0


def _estimated_lines(text: str, width: float) -> int:
    per_line = max(1, int(width * 1.05))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


class _InstructionWriter:
    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.row = 1

    def _paragraph_row(
        self, text: str, font: Font | None, fill: PatternFill | None, size: float = 11
    ) -> None:
        ws = self.ws
        cell = put(ws, self.row, 1, text)
        cell.alignment = _WRAP_TOP
        if font is not None:
            cell.font = font
        if fill is not None:
            for col in range(1, 5):
                ws.cell(row=self.row, column=col).fill = fill
        ws.merge_cells(start_row=self.row, start_column=1, end_row=self.row, end_column=4)
        lines = _estimated_lines(text, _FULL_WIDTH * 11 / size)
        ws.row_dimensions[self.row].height = (
            max(lines * _LINE_HEIGHT * size / 11, _LINE_HEIGHT * size / 11) + 3
        )
        self.row += 1

    def title(self, text: str) -> None:
        self._paragraph_row(text, Font(bold=True, size=16, color="1F4E79"), None, size=16)
        self.row += 1

    def heading(self, text: str) -> None:
        self._paragraph_row(text, Font(bold=True, size=13, color="1F4E79"), None, size=13)

    def text(self, text: str) -> None:
        self._paragraph_row(text, None, None)

    def bullets(self, items: Sequence[str]) -> None:
        for item in items:
            self._paragraph_row(f"•  {item}", None, None)

    def warning(self, text: str) -> None:
        self._paragraph_row(text, Font(bold=True, color="9C0006"), _WARNING_FILL)

    def note(self, text: str) -> None:
        self._paragraph_row(text, Font(bold=True, color="7F6000"), _NOTE_FILL)

    def blank(self) -> None:
        self.row += 1

    def table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], fills: Sequence[PatternFill | None]
    ) -> None:
        ws = self.ws
        for col, value in enumerate(header, start=1):
            cell = put(ws, self.row, col, value)
            cell.font = Font(bold=True)
            cell.fill = _TABLE_HEAD_FILL
            cell.border = _BORDER
            cell.alignment = _WRAP_TOP
        self.row += 1
        widths = list(_INSTRUCTION_WIDTHS.values())
        for values, fill in zip(rows, fills, strict=True):
            lines = 1
            for col, value in enumerate(values, start=1):
                cell = put(ws, self.row, col, value)
                cell.border = _BORDER
                cell.alignment = _WRAP_TOP
                lines = max(lines, _estimated_lines(value, widths[col - 1]))
            if fill is not None:
                first = ws.cell(row=self.row, column=1)
                first.fill = fill
                first.font = _REQUIRED_FONT
            ws.row_dimensions[self.row].height = lines * _LINE_HEIGHT + 3
            self.row += 1


def _example_text(f: Field) -> str:
    value = example_value(f)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return str(value)


def _missing_note(rule: ListValidation) -> str:
    column = LIST_BY_ATTR[rule.attr]
    if rule.attr == "districts":
        return (
            f"Det finns ännu inga stadsdelar i Lägesbild, så kolumnen {column.header} har ingen "
            f"rullgardinslista i den här mallen. Stadsdelarna måste laddas upp först: fyll i fliken "
            f"{DISTRICTS.title} med kommunens stadsdelar och ladda upp den (den kan ligga i samma fil som "
            "övriga flikar). Hämta sedan en ny mall, så får kolumnen en lista."
        )
    if column.source_sheet:
        return (
            f"Listan {column.header} är tom ännu, så kolumnen har ingen rullgardinslista i den här mallen. "
            f"Värden läggs till via fliken {column.source_sheet}; hämta sedan en ny mall."
        )
    return (
        f"Listan {column.header} är tom ännu, så kolumnen har ingen rullgardinslista i den här mallen. "
        "Skriv värdet för hand."
    )


def _write_instructions(
    ws: Worksheet, specs: Sequence[SheetSpec], missing: Sequence[ListValidation], today: dt.date
) -> None:
    for letter, width in _INSTRUCTION_WIDTHS.items():
        ws.column_dimensions[letter].width = width
    ws.sheet_view.showGridLines = False
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.page_setup.orientation = "landscape"

    w = _InstructionWriter(ws)
    setup_titles = [s.title for s in ALL_SPECS if s.setup]  # in the order they are applied
    district = EVENTS.field("district")
    category = EVENTS.field("category")
    owner = INTERVENTIONS.field("owner")
    priority = INTERVENTIONS.field("priority_area")
    free_text = _join_and([EVENTS.field("description").header, INTERVENTIONS.field("comment").header])
    synonym_examples = [f"{s} för {f.header}" for f in (district, category) for s in f.synonyms[:1]]

    w.title("Lägesbild – mall för trygghetsmötet")
    w.text(
        "Den här arbetsboken används för att lämna uppgifter till Lägesbild, som kommunen och "
        "lokalpolisen använder inför det veckovisa trygghetsmötet. Fyll i de flikar du har uppgifter "
        "till och ladda upp filen i Lägesbild."
    )
    w.blank()
    w.warning(
        "VIKTIGT: Skriv aldrig namn, personnummer, telefonnummer eller andra uppgifter som kan peka ut "
        f"en enskild person i fritextfälten, t.ex. {free_text}. Beskriv vad som hände och var, "
        "inte vem."
    )
    w.blank()

    w.heading("Flikarna")
    w.bullets([f"{spec.title}: {spec.description}" for spec in specs])
    w.text(
        "Du kan ladda upp hela arbetsboken eller bara en eller några av flikarna. Flikar du inte "
        f"använder kan du lämna tomma eller ta bort. Flikarna {_join_and(setup_titles)} läses in före "
        "de andra, så nya stadsdelar, kategorier och prioriterade områden kan användas redan i samma fil."
    )
    w.blank()

    w.heading("Så fyller du i")
    w.bullets(
        [
            (
                "Rad 1 på varje flik innehåller kolumnrubrikerna. Ändra inte rubrikerna. Obligatoriska "
                "kolumner har mörk rubrik med vit text, frivilliga har ljus rubrik. Håll muspekaren över en "
                "rubrik för att se en förklaring."
            ),
            (
                "Rad 2 är ett exempel (kursiv stil). Skriv över den med riktiga uppgifter eller ta bort den. "
                "En oförändrad exempelrad hoppas över vid uppladdningen."
            ),
            "Skriv en händelse, insats eller mätning per rad.",
            "Kolumnernas ordning spelar ingen roll, och frivilliga kolumner du inte behöver kan tas bort. "
            + (
                f"Vanliga varianter av rubrikerna känns också igen, t.ex. {_join_and(synonym_examples)}."
                if synonym_examples
                else ""
            ),
            (
                "Datum kan skrivas som 2026-11-03, 3/11/2026, 03.11.2026 eller 3 nov 2026, eller matas in "
                "som datum i Excel. Skriv dagen före månaden: 3/11/2026 är den 3 november."
            ),
            "Klockslag kan skrivas som 21:30, 21.30 eller 2130 (24-timmarsklocka).",
            (
                f"Har inget hänt under en vecka: skriv en rad på fliken {EVENTS.title} med ett datum i veckan, "
                f"kategorin {NOTHING_TO_REPORT} och er organisation i {EVENTS.field('source').header}. Då syns "
                "det att ni har rapporterat, och raden räknas aldrig som en händelse."
            ),
            (
                f"{district.header} och {category.header} väljs ur rullgardinslistan i cellen. En "
                "stadsdel eller kategori som inte finns i Lägesbild avvisas vid uppladdningen, med förslag "
                f"på det namn som liknar mest. Nya stadsdelar läggs till via fliken {DISTRICTS.title} och "
                f"nya kategorier via fliken {CATEGORIES.title}."
            ),
            (
                f"{owner.header} och {priority.header} har listor med förslag, men du kan skriva andra "
                "värden; Excel frågar då om du vill behålla värdet."
            ),
            (
                f"Listornas värden finns på fliken {LISTS_TITLE}, som är dold. Den behöver inte ändras; "
                "ladda i stället ner en ny mall när stadsdelar eller kategorier har lagts till."
            ),
        ]
    )
    for rule in _unique_by_attr(missing):
        w.note(_missing_note(rule))
    w.blank()

    w.heading("Kolumnerna på varje flik")
    legend_row = w.row
    w.text("Obligatoriska kolumner är markerade med mörk färg i tabellerna nedan och på flikarna.")
    ws.cell(row=legend_row, column=1).font = Font(italic=True)
    w.blank()
    for spec in specs:
        w.heading(f"Fliken {spec.title}")
        if spec.description:
            w.text(spec.description)
        rows = [
            (f.header, required_label(spec, f), field_help(spec, f), _example_text(f)) for f in spec.template_fields
        ]
        fills = [_REQUIRED_FILL if f.required else None for f in spec.template_fields]
        w.table(("Kolumn", "Obligatorisk", "Förklaring", "Exempel"), rows, fills)
        w.blank()

    w.text(f"Mallen skapades {today.isoformat()} med de listor som då fanns i Lägesbild.")
    ws.freeze_panes = None


def _unique_by_attr(rules: Sequence[ListValidation]) -> list[ListValidation]:
    seen: set[str] = set()
    result = []
    for rule in rules:
        if rule.attr not in seen:
            seen.add(rule.attr)
            result.append(rule)
    return result


def _join_and(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]
