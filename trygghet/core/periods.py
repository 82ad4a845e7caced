"""Calendar arithmetic the meeting speaks in: ISO weeks, 28-day windows, tertials, Swedish labels."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS_SV = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december"]
MONTHS_SHORT_SV = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
WEEKDAYS_SV = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
WEEKDAYS_SHORT_SV = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]

_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def of(cls, day: dt.date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        """'2026-W47' (or '2026W47'); raises ValueError for anything else."""
        m = _WEEK.match(text.strip())
        if not m:
            raise ValueError(f"'{text}' är ingen vecka i formen 2026-W47")
        week = cls(int(m.group(1)), int(m.group(2)))
        week.monday()  # validates the week number
        return week

    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.week, 1)

    def sunday(self) -> dt.date:
        return self.monday() + dt.timedelta(days=6)

    def end_exclusive(self) -> dt.date:
        return self.monday() + dt.timedelta(days=7)

    def shift(self, weeks: int) -> IsoWeek:
        return IsoWeek.of(self.monday() + dt.timedelta(weeks=weeks))

    def same_week_last_year(self) -> IsoWeek:
        """Week 53 has no twin; its previous year is compared through week 52."""
        return IsoWeek(self.year - 1, min(self.week, 52))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def label(self) -> str:
        """'v. 47' – with the year when it is needed to tell weeks apart."""
        return f"v. {self.week}"

    @property
    def long_label(self) -> str:
        return f"v. {self.week} {self.year} ({self.monday():%Y-%m-%d} – {self.sunday():%Y-%m-%d})"


def latest_complete_week(today: dt.date) -> IsoWeek:
    """The last ISO week that has ended (on Sunday the running week is not complete yet)."""
    return IsoWeek.of(today - dt.timedelta(days=today.isoweekday()))


@dataclass(frozen=True)
class Window:
    """A half-open date range [start, end)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def last_year(self) -> Window:
        return Window(_minus_year(self.start), _minus_year(self.end))

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end - dt.timedelta(days=1):%Y-%m-%d}"


def _minus_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def week_window(week: IsoWeek) -> Window:
    return Window(week.monday(), week.end_exclusive())


def last_28_days(week: IsoWeek) -> Window:
    """The four ISO weeks ending with the chosen one."""
    return Window(week.monday() - dt.timedelta(days=21), week.end_exclusive())


def year_to_date(week: IsoWeek) -> Window:
    end = week.end_exclusive()
    return Window(dt.date(week.sunday().year, 1, 1), end)


def previous_weeks(week: IsoWeek, n: int = 4) -> Window:
    return Window(week.monday() - dt.timedelta(weeks=n), week.monday())


def tertial(day: dt.date) -> int:
    return (day.month - 1) // 4 + 1


def tertial_label(year: int, number: int) -> str:
    return f"T{number} {year}"


def tertial_window(year: int, number: int) -> Window:
    start = dt.date(year, 4 * (number - 1) + 1, 1)
    end = dt.date(year + 1, 1, 1) if number == 3 else dt.date(year, 4 * number + 1, 1)
    return Window(start, end)


def month_label(day: dt.date) -> str:
    return f"{MONTHS_SHORT_SV[day.month - 1]} {day.year}"


def date_label(day: dt.date) -> str:
    return f"{day:%Y-%m-%d}"
