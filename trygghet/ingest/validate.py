"""Turning a recognised sheet's rows into typed records or rejections.

Values are parsed column by column with a cache per distinct value, because real
sheets repeat the same districts, categories, dates and times thousands of times;
that keeps a 100,000-row sheet close to the cost of reading it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from trygghet.core import privacy
from trygghet.core.initial_lists import DEFAULT_SOURCE
from trygghet.core.progress import ProgressCallback, Reporter, reporter
from trygghet.core.text import clean, header_key
from trygghet.ingest import cells as V
from trygghet.ingest import reporters
from trygghet.ingest.field_parsers import Vocabularies, field_parsers
from trygghet.ingest.file_report import RowError
from trygghet.ingest.raw_sheet import DataRows, RawSheet
from trygghet.ingest.recognise import Recognition, header_text
from trygghet.ingest.sheetspec import BY_KIND, Field, SheetSpec


@dataclass
class Rejection:
    row: int
    errors: list[RowError]
    original: dict[str, object]


@dataclass
class ParsedSheet:
    sheet: str
    kind: str
    header_row: int  # as the user sees it in Excel
    headers: dict[str, str]
    ignored_columns: list[str]
    rows: int = 0
    records: list[dict[str, object]] = field(default_factory=list)
    record_rows: list[int] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    original_headers: list[str] = field(default_factory=list)
    # Events are kept column-wise for speed; other kinds as records.
    columns: dict[str, list[object]] | None = None
    personal_data_removed: Counter[str] = field(default_factory=Counter)
    # Händelser rows that say "Inget att rapportera": stored as the reporter's week, never as events.
    nothing: list[reporters.NothingRow] = field(default_factory=list)

    @property
    def valid_count(self) -> int:
        if self.columns is not None:
            return len(self.columns["rownum"])
        return len(self.records)


@dataclass
class ParsedColumn:
    """A column parsed once per distinct value: codes index into per-value results."""

    codes: np.ndarray  # int64, one per data row
    results: np.ndarray  # object array, parsed value per distinct value (last slot: blank cell)
    messages: list[str | None]  # error message per distinct value
    # What the personal-data guard took out of a distinct value before it was parsed (by its index).
    masked: dict[int, Counter[str]] = field(default_factory=dict)

    def values(self) -> np.ndarray:
        return self.results[self.codes]

    def error_rows(self) -> np.ndarray:
        bad = [i for i, m in enumerate(self.messages) if m is not None]
        if not bad:
            return np.empty(0, dtype=np.int64)
        return np.flatnonzero(np.isin(self.codes, bad))

    def derived(self, fn: Callable[[object], int], dtype: type = np.int64) -> np.ndarray:
        """A numeric array computed per distinct value, then spread over the rows."""
        per_value = np.array([fn(v) for v in self.results], dtype=dtype)
        return per_value[self.codes]


def _mask_uniques(uniques: list[object]) -> dict[int, Counter[str]]:
    """Scrubs the distinct text values in place, before any parser sees them, so that nothing
    stored or quoted later (a record, an error message, a rejected row) holds the raw text."""
    strings = [i for i, v in enumerate(uniques) if type(v) is str]
    # A personnummer typed without its dash is kept by Excel as a number.
    numbers = [i for i, v in enumerate(uniques) if type(v) in (int, float) and abs(v) >= 10_000_000]  # type: ignore[arg-type]
    masked: dict[int, Counter[str]] = {}
    candidates = [strings[p] for p in privacy.suspect_positions([uniques[i] for i in strings])]  # type: ignore[misc]
    for index in candidates + numbers:
        found: Counter[str] = Counter()
        cleaned = privacy.scrub_value(uniques[index], found)
        if found:
            uniques[index] = cleaned
            masked[index] = found
    return masked


def parse_column(values: list[object], parser: Callable[[object], object]) -> ParsedColumn:
    """A column given as its cells; see parse_codes."""
    column = RawSheet.from_rows("", [[v] for v in values]).columns if values else []
    if not column:
        return parse_codes(np.empty(0, dtype=np.int64), [], parser)
    return parse_codes(column[0].codes, column[0].uniques, parser)


def parse_codes(codes: np.ndarray, uniques: list[object], parser: Callable[[object], object]) -> ParsedColumn:
    """A column given as a code per row into its distinct values (as the reader keeps it): every
    distinct value is masked and parsed once."""
    # Once per distinct value, before the guard and the parsers see it: a re-uploaded workbook of
    # the app's own reads its formula-like names as they were typed.
    uniques = [*map(V.unquote_formula, uniques), None]
    codes = codes.astype(np.int64, copy=False)
    masked = _mask_uniques(uniques)
    batch = getattr(parser, "batch", None)
    if batch is not None:
        fast = batch(uniques)
        if fast is not None:
            return ParsedColumn(codes, fast[0], fast[1], masked)
    results = np.empty(len(uniques), dtype=object)
    messages: list[str | None] = []
    for i, value in enumerate(uniques):
        try:
            results[i] = parser(value)
            messages.append(None)
        except ValueError as exc:
            results[i] = None
            messages.append(str(exc))
    return ParsedColumn(codes, results, messages, masked)


def _example_matcher(recognition: Recognition) -> Callable[[list[object]], bool]:
    """Recognises the template's own example row, which must never be imported."""
    checks: list[tuple[int, str]] = []
    for f in recognition.spec.template_fields:
        if isinstance(f.example, str) and not _looks_like_date(f):
            if f.name not in recognition.columns:
                return lambda row: False  # not the template's layout, so no example row either
            checks.append((recognition.columns[f.name], f.example))
    if len(checks) < 3:
        return lambda row: False

    def matches(row: list[object]) -> bool:
        for index, example in checks:
            value = row[index] if index < len(row) else None
            if not isinstance(value, str) or clean(value) != example:
                return False
        return True

    return matches


def _looks_like_date(f: Field) -> bool:
    return f.name in {"date", "time", "datetime", "start_date", "end_date", "valid_from", "valid_to"}


def _header_like(recognition: Recognition) -> Callable[[list[object]], bool]:
    keys = {name: BY_KIND[recognition.spec.kind].field(name).keys() for name in recognition.columns}

    def check(row: list[object]) -> bool:
        hits = 0
        for name, index in recognition.columns.items():
            value = row[index] if index < len(row) else None
            if isinstance(value, str) and header_key(value) in keys[name]:
                hits += 1
        return hits >= 2

    return check


def parse_sheet(
    sheet: RawSheet,
    recognition: Recognition,
    vocab: Vocabularies,
    today: dt.date,
    pii_policy: str = "mask",
    progress: Reporter | ProgressCallback | None = None,
) -> ParsedSheet:
    report = reporter(progress)
    spec = recognition.spec
    header_row = sheet.row(recognition.header_index)
    in_headers: Counter[str] = Counter()
    parsed = ParsedSheet(
        sheet=sheet.name,
        kind=spec.kind,
        header_row=recognition.header_index + 1,
        headers=recognition.headers,
        ignored_columns=recognition.ignored,
        original_headers=[header_text(h, in_headers) if not V.is_blank(h) else f"Kolumn {i + 1}"
                          for i, h in enumerate(header_row)],
    )
    if in_headers:
        parsed.notes.append(f"Personuppgifter togs bort i rubrikraden (rad {parsed.header_row}): "
                            f"{privacy.describe(in_headers)}.")
        parsed.personal_data_removed.update(in_headers)
    for dup in recognition.duplicate_headers:
        parsed.notes.append(f"Kolumnen '{dup}' finns flera gånger; den första används.")
    if recognition.ignored:
        parsed.notes.append("Okända kolumner som inte importeras: " + ", ".join(f"'{c}'" for c in recognition.ignored) + ".")

    is_example = _example_matcher(recognition)
    is_header = _header_like(recognition)
    blank = sheet.blank_rows()
    head: list[int] = []
    skipped_examples = skipped_headers = 0
    offset = recognition.header_index + 1
    # A second header row or the template's example row can only stand right under the header.
    while offset < sheet.height and len(head) < 3:
        index = offset
        offset += 1
        if blank[index]:
            continue
        row = sheet.row(index)
        if is_header(row):
            skipped_headers += 1
        elif is_example(row):
            skipped_examples += 1
        else:
            head.append(index)
    # The rest at once, column-wise: a sheet can have a million rows.
    positions = np.concatenate([np.array(head, dtype=np.int64), np.flatnonzero(~blank[offset:]) + offset])
    data_rows = DataRows(sheet, positions)
    if skipped_examples:
        parsed.notes.append("Mallens exempelrad hoppades över.")
    if skipped_headers:
        parsed.notes.append(f"{skipped_headers} extra rubrikrad(er) under rubrikraden hoppades över.")
    parsed.rows = len(data_rows)

    parsers = field_parsers(spec, vocab)
    columns: dict[str, ParsedColumn] = {}
    errors: dict[int, list[RowError]] = {}
    wanted = [(name, index) for name, index in recognition.columns.items() if name in parsers]
    # Each column's distinct values are checked once, so the work goes by columns, not rows.
    report.stage(f"Kontrollerar bladet '{sheet.name}'", len(wanted), unit="kolumner")
    for done, (name, index) in enumerate(wanted, start=1):
        # Only the values the data rows hold: not the header's, nor those of the template's example row.
        column = parse_codes(*sheet.columns[index].subset(positions), parsers[name])
        columns[name] = column
        header = recognition.headers[name]
        for position in column.error_rows().tolist():
            message = column.messages[int(column.codes[position])]
            errors.setdefault(position, []).append(RowError(data_rows.number(position), header, str(message)))
        report.update(done)
    report.stage(f"Kontrollerar raderna i bladet '{sheet.name}'", len(data_rows))

    _guard_personal_data(parsed, columns, errors, data_rows, recognition, pii_policy)
    if spec.kind == "events":
        _finish_events(parsed, data_rows, columns, errors, recognition, today)
    else:
        _finish_records(parsed, data_rows, columns, errors, recognition, spec)
    if spec.kind == "survey":
        _scale_fractions(parsed)
    for position in sorted(errors):
        excel_row, row = data_rows[position]
        parsed.rejections.append(Rejection(excel_row, errors[position], _original(parsed.original_headers, row)))
        report.update(position)
    report.finish()
    return parsed


def _guard_personal_data(
    parsed: ParsedSheet,
    columns: dict[str, ParsedColumn],
    errors: dict[int, list[RowError]],
    data_rows: list[tuple[int, list[object]]],
    recognition: Recognition,
    policy: str,
) -> None:
    """Reports (or, by the administrator's choice, rejects) the rows whose cells held personal
    identifiers. The values were masked in every column before parsing (parse_column); here each
    column says where, once per distinct value.
    """
    for name, column in columns.items():
        found = column.masked
        if not found:
            continue
        header = recognition.headers[name]
        positions = np.flatnonzero(np.isin(column.codes, list(found))).tolist()
        total: Counter[str] = Counter()
        for position in positions:
            total.update(found[int(column.codes[position])])
        rows = [data_rows[p][0] for p in positions]
        shown = ", ".join(str(r) for r in rows[:10]) + (" …" if len(rows) > 10 else "")
        if policy == "mask":
            parsed.notes.append(f"Personuppgifter togs bort i {header}: {privacy.describe(total)} (rad {shown}).")
            parsed.personal_data_removed.update(total)
        else:
            for position in positions:
                kinds = privacy.describe(found[int(column.codes[position])])
                errors.setdefault(position, []).append(RowError(
                    data_rows[position][0], header,
                    f"Raden innehåller personuppgifter ({kinds}). Ta bort dem och ladda upp raden igen."))


def _original(headers: list[str], row: list[object]) -> dict[str, object]:
    """Every column of the row under its header, so a corrected row can be uploaded again as it is."""
    result: dict[str, object] = {}
    for i, value in enumerate(row):
        key = headers[i] if i < len(headers) else f"Kolumn {i + 1}"
        if key in result or (key.startswith("Kolumn ") and V.is_blank(value)):
            continue
        value = None if V.is_blank(value) else V.json_safe(value)
        # Rejected rows are stored too, so they must not keep what the guard removes.
        result[key] = privacy.scrub_value(value)
    return result


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


def _day_number(parsed: object) -> int:
    return parsed[0].toordinal() - _EPOCH_ORDINAL if parsed else 0  # type: ignore[index]


def _seconds(time: object) -> int:
    if time is None:
        return -1
    return time.hour * 3600 + time.minute * 60 + time.second  # type: ignore[attr-defined]


def _finish_events(
    parsed: ParsedSheet,
    data_rows: list[tuple[int, list[object]]],
    columns: dict[str, ParsedColumn],
    errors: dict[int, list[RowError]],
    recognition: Recognition,
    today: dt.date,
) -> None:
    """Vectorised: whole columns become numpy arrays; only rejected rows are visited one by one."""
    n = len(data_rows)
    rownums = data_rows.numbers if isinstance(data_rows, DataRows) else np.fromiter(
        (r for r, _ in data_rows), dtype=np.int64, count=n)
    nothing = reporters.nothing_rows(columns, errors, recognition.headers, data_rows, RowError)
    date_col = columns.get("date") or columns["datetime"]
    date_header = recognition.headers.get("date") or recognition.headers["datetime"]
    days = date_col.derived(_day_number)
    secs_in_date = date_col.derived(lambda p: _seconds(p[1]) if p else -1)
    if "date" in columns and "datetime" in columns:
        # Both columns: the combined one fills in where the date column is blank.
        combined = columns["datetime"]
        blank_date = date_col.results[date_col.codes] == None  # noqa: E711
        days = np.where(blank_date, combined.derived(_day_number), days)
        secs_in_date = np.where(blank_date, combined.derived(lambda p: _seconds(p[1]) if p else -1), secs_in_date)
    secs = columns["time"].derived(_seconds) if "time" in columns else np.full(n, -1, dtype=np.int64)
    secs = np.where(secs >= 0, secs, secs_in_date)
    has_date = date_col.derived(lambda p: p is not None, bool)
    if "date" in columns and "datetime" in columns:
        has_date |= columns["datetime"].derived(lambda p: p is not None, bool)
    invalid = np.zeros(n, dtype=bool)
    if errors:
        invalid[list(errors)] = True
    for position in np.flatnonzero(~invalid & ~has_date).tolist():
        errors.setdefault(position, []).append(RowError(
            data_rows[position][0], date_header, "Datum saknas. Fyll i datum eller ta bort raden."))
        invalid[position] = True

    latest = (today + dt.timedelta(days=1)).toordinal() - _EPOCH_ORDINAL
    for position in np.flatnonzero(~invalid & (days > latest)).tolist():
        day = dt.date.fromordinal(int(days[position]) + _EPOCH_ORDINAL)
        errors.setdefault(position, []).append(RowError(
            data_rows[position][0], date_header,
            f"Datumet {day.isoformat()} ligger i framtiden. Kontrollera datumet (dag och månad kan ha bytt plats)."))
        invalid[position] = True

    none = np.full(n, None, dtype=object)
    lat = columns["lat"].values() if "lat" in columns else none
    lon = columns["lon"].values() if "lon" in columns else none
    half = ~invalid & ((lat == None) != (lon == None))  # noqa: E711
    for position in np.flatnonzero(half).tolist():
        header = recognition.headers.get("lon" if lon[position] is None else "lat")
        errors.setdefault(position, []).append(RowError(
            data_rows[position][0], header, "Både latitud och longitud behövs. Fyll i båda eller lämna båda tomma."))
        invalid[position] = True

    keep = ~invalid & ~nothing
    stamp = days.astype("int64") * 86400 + np.maximum(secs, 0)
    source = columns["source"].values() if "source" in columns else none
    if nothing.any():
        parsed.nothing = reporters.collect_nothing(nothing & ~invalid, days, source, rownums)
        if parsed.nothing:
            parsed.notes.append(reporters.nothing_note(parsed.nothing))
    source = np.where(source == None, DEFAULT_SOURCE, source)  # noqa: E711
    parsed.columns = {
        "rownum": rownums[keep],
        "occurred_at": stamp[keep].astype("datetime64[s]"),
        "time_known": (secs >= 0)[keep],
        "district": columns["district"].values()[keep],
        "place": (columns["place"].values() if "place" in columns else none)[keep],
        "category": columns["category"].values()[keep],
        "description": (columns["description"].values() if "description" in columns else none)[keep],
        "source": source[keep],
        "external_id": (columns["external_id"].values() if "external_id" in columns else none)[keep],
        "lat": np.where(lat == None, np.nan, lat).astype("float64")[keep],  # noqa: E711
        "lon": np.where(lon == None, np.nan, lon).astype("float64")[keep],  # noqa: E711
    }


def _finish_records(
    parsed: ParsedSheet,
    data_rows: list[tuple[int, list[object]]],
    parsed_columns: dict[str, ParsedColumn],
    errors: dict[int, list[RowError]],
    recognition: Recognition,
    spec: SheetSpec,
) -> None:
    columns = {name: column.values() for name, column in parsed_columns.items()}
    key_field = {
        "interventions": "id",
        "priority_areas": "name",
        "districts": "name",
        "categories": "name",
        "reporters": "name",
        "survey": None,
        "population": None,
        "reference": None,
        "context": None,
        "survey_groups": None,
    }[spec.kind]
    composite = {
        "survey": (("period", "district", "indicator"), "kombination av period, stadsdel och indikator"),
        "population": (("district", "year"), "kombination av stadsdel och år"),
        "reference": (("source", "measure", "area", "year"), "kombination av mått, område och år"),
        "context": (("indicator", "district", "year"), "kombination av indikator, stadsdel och år"),
        "survey_groups": (("period", "district", "indicator", "grouping", "group_name"),
                          "kombination av period, stadsdel, indikator och grupp"),
    }.get(spec.kind)
    seen: dict[str, int] = {}
    for i, (excel_row, _) in enumerate(data_rows):
        if i in errors:
            continue
        record = {name: values[i] for name, values in columns.items()}
        if spec.kind == "interventions":
            start, end = record.get("start_date"), record.get("end_date")
            if start and end and end < start:  # type: ignore[operator]
                errors.setdefault(i, []).append(RowError(
                    excel_row, recognition.headers.get("end_date"),
                    f"Slutdatum {end} ligger före startdatum {start}. Rätta datumen."))
                continue
        if key_field:
            key = str(record[key_field]).casefold()
        else:
            assert composite is not None
            key = "|".join(str(record.get(name) or "").casefold() for name in composite[0])
        if key in seen:
            header = recognition.headers.get(key_field or (composite[0][-1] if composite else ""))
            what = f"{header} '{record[key_field]}'" if key_field else composite[1] if composite else ""
            errors.setdefault(i, []).append(RowError(
                excel_row, header, f"Samma {what} finns redan på rad {seen[key]} i bladet. Ta bort dubbletten."))
            continue
        seen[key] = excel_row
        parsed.records.append(record)
        parsed.record_rows.append(excel_row)


def _scale_fractions(parsed: ParsedSheet) -> None:
    """Percent cells reach us as fractions (0.645 for 64.5 %); scale a sheet that holds only fractions."""
    values = [r["value"] for r in parsed.records if r.get("value") is not None]
    if values and all(0 <= float(v) <= 1 for v in values) and any(0 < float(v) < 1 for v in values):  # type: ignore[arg-type]
        for record in parsed.records:
            record["value"] = round(float(record["value"]) * 100, 4)  # type: ignore[arg-type]
        parsed.notes.append("Värdena låg mellan 0 och 1 och tolkades som andelar (0,645 = 64,5 %).")
