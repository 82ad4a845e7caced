"""The periods a lägesbild report covers: a tertial, a half-year, a year or any run of dates, with
their keys (2026-T2, 2026-H1, 2026, 2026-05-01--2026-08-31), Swedish names and date windows."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from trygghet.core.errors import UserError
from trygghet.core.formatting import fmt_date
from trygghet.core.periods import MONTHS_SV, Window

KINDS = ("tertial", "halvår", "år", "datum")
_KEY = re.compile(r"^(\d{4})(?:-([TH])([1-9]))?$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})--(\d{4}-\d{2}-\d{2})$")
_LIMITS = {"tertial": 3, "halvår": 2, "år": 1, "datum": 1}
MAX_DAYS = 3 * 366  # a longer report would compare years with years and say little about any of them


class PeriodError(UserError, ValueError):
    """A period that cannot be reported on, with a Swedish message."""


@dataclass(frozen=True)
class ReportPeriod:
    """`ReportPeriod("tertial", 2026, 2)`, or `ReportPeriod.between(first, last)` for any dates."""

    kind: str  # 'tertial' | 'halvår' | 'år' | 'datum'
    year: int
    number: int = 1
    first: dt.date | None = None  # 'datum' only: the first and last day, both included
    last: dt.date | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise PeriodError(f"Okänd periodtyp '{self.kind}'.")
        if not 1 <= self.number <= _LIMITS[self.kind]:
            raise PeriodError(f"{self.kind} {self.number} finns inte.")
        if self.kind == "datum":
            if self.first is None or self.last is None:
                raise PeriodError("En period med datum behöver både första och sista dag.")
            if self.last < self.first:
                raise PeriodError(f"Sista dagen ({fmt_date(self.last)}) ligger före den första "
                                  f"({fmt_date(self.first)}).")
            if (self.last - self.first).days + 1 > MAX_DAYS:
                raise PeriodError("Perioden är längre än tre år; välj en kortare period.")

    @classmethod
    def between(cls, first: dt.date, last: dt.date) -> ReportPeriod:
        """The tertial, half-year or year these dates are exactly, otherwise a period of dates."""
        if first.year == last.year:
            for kind, count in (("tertial", 3), ("halvår", 2), ("år", 1)):
                for n in range(1, count + 1):
                    p = cls(kind, first.year, n)
                    if p.window == Window(first, last + dt.timedelta(days=1)):
                        return p
        return cls("datum", first.year, 1, first, last)

    @property
    def window(self) -> Window:
        if self.kind == "datum":
            assert self.first is not None and self.last is not None
            return Window(self.first, self.last + dt.timedelta(days=1))
        if self.kind == "år":
            return Window(dt.date(self.year, 1, 1), dt.date(self.year + 1, 1, 1))
        months = 4 if self.kind == "tertial" else 6
        start = dt.date(self.year, months * (self.number - 1) + 1, 1)
        end_month = months * self.number + 1
        end = dt.date(self.year + 1, 1, 1) if end_month > 12 else dt.date(self.year, end_month, 1)
        return Window(start, end)

    @property
    def last_day(self) -> dt.date:
        return self.window.end - dt.timedelta(days=1)

    @property
    def key(self) -> str:
        if self.kind == "datum":
            return f"{fmt_date(self.first)}--{fmt_date(self.last)}"
        if self.kind == "år":
            return str(self.year)
        return f"{self.year}-{'T' if self.kind == 'tertial' else 'H'}{self.number}"

    @property
    def months(self) -> str:
        w = self.window
        return f"{MONTHS_SV[w.start.month - 1]}–{MONTHS_SV[(w.end - dt.timedelta(days=1)).month - 1]}"

    @property
    def name(self) -> str:
        """The period as it reads inside a sentence or a title: 'tertial 2 2026', 'helåret 2026'."""
        if self.kind == "datum":
            return f"{fmt_date(self.first)} – {fmt_date(self.last)}"
        if self.kind == "år":
            return f"helåret {self.year}"
        return f"{self.kind} {self.number} {self.year}"

    @property
    def label(self) -> str:
        """For a list of periods: 'Tertial 2 2026 (maj–augusti)', 'Helåret 2026'."""
        text = self.name[0].upper() + self.name[1:]
        return text if self.kind in ("år", "datum") else f"{text} ({self.months})"

    @property
    def title(self) -> str:
        """The document's title: 'Lägesbild för tertial 2 2026 (maj–augusti)'."""
        suffix = f" ({self.months})" if self.kind in ("tertial", "halvår") else ""
        return f"Lägesbild för {self.name}{suffix}"

    def previous(self) -> ReportPeriod:
        """The period of the same kind just before: the report follows up its plan."""
        if self.kind == "datum":
            assert self.first is not None and self.last is not None
            days = (self.last - self.first).days + 1
            return ReportPeriod.between(self.first - dt.timedelta(days=days), self.first - dt.timedelta(days=1))
        if self.number > 1:
            return ReportPeriod(self.kind, self.year, self.number - 1)
        return ReportPeriod(self.kind, self.year - 1, _LIMITS[self.kind])

    @classmethod
    def parse(cls, key: str) -> ReportPeriod:
        text = key.strip().upper()
        m = _KEY.match(text)
        if m:
            year = int(m.group(1))
            if m.group(2) is None:
                return cls("år", year)
            kind = "tertial" if m.group(2) == "T" else "halvår"
            if int(m.group(3)) > _LIMITS[kind]:
                raise PeriodError(f"'{key}' finns inte: ett år har {_LIMITS[kind]} {'tertial' if kind == 'tertial' else 'halvår'}.")
            return cls(kind, year, int(m.group(3)))
        r = _RANGE.match(text)
        if r:
            try:
                return cls.between(dt.date.fromisoformat(r.group(1)), dt.date.fromisoformat(r.group(2)))
            except ValueError as exc:
                if isinstance(exc, PeriodError):
                    raise
        raise PeriodError(f"'{key}' är ingen period (skriv 2026-T2, 2026-H1 eller 2026).")


def report_periods(first: dt.date | None, last: dt.date | None) -> list[ReportPeriod]:
    """Every tertial, half-year and year that has data, the latest first within each kind."""
    if first is None or last is None:
        return []
    found: list[ReportPeriod] = []
    for year in range(last.year, first.year - 1, -1):
        for p in ([ReportPeriod("tertial", year, n) for n in (3, 2, 1)] + [ReportPeriod("halvår", year, n)
                  for n in (2, 1)] + [ReportPeriod("år", year)]):
            if p.window.start <= last and p.window.end > first:
                found.append(p)
    return found


def districts_key(districts: tuple[str, ...]) -> str:
    """The districts of a report as one stored key: sorted names, or 'alla'."""
    return ",".join(sorted(districts)) or "alla"


def analysis_key(period: ReportPeriod, districts: tuple[str, ...]) -> str:
    """Where the free analysis text of one report is stored (report_texts.key)."""
    return f"analys|{period.key}|{districts_key(districts)}"
