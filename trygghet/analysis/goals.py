"""Goal attainment: a priority area's or a measure's goal, as people write it ("ska minska med 15 %
jämfört med 2024", "−20 % mot 2024", "färre än föregående år"), read into a direction, a size and
a baseline year, and judged against the indicator events: uppnått, ej uppnått or för tidigt,
always with the numbers. A goal the events cannot measure (a survey share, a list of places) says
so instead of guessing. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from trygghet.core.formatting import fmt_change_pct, fmt_dec, fmt_int, fmt_pct

MET, NOT_MET, UNKNOWN = "Uppnått", "Ej uppnått", "Kan inte bedömas"
# Before a goal's deadline, both ways: a goal not yet met may be on its way, and one met so far may slip.
ON_TRACK, OFF_TRACK = "På väg", "Inte på väg"
MIN_EVENTS = 10  # fewer events than this in the baseline make a percentage say more about chance than change

_SIGNED_PCT = r"\s*\d+(?:[,.]\d+)?\s*%"
_DOWN = re.compile(r"\b(minska\w*|färre|lägre|sänk\w*|halver\w*|reducera\w*)\b|(?<!\d)[−–-]" + _SIGNED_PCT,
                   re.IGNORECASE)
_UP = re.compile(r"\b(öka\w*|fler|högre|höj\w*)\b|\+" + _SIGNED_PCT, re.IGNORECASE)
_PCT = re.compile(r"([−–+-]?\s*\d+(?:[,.]\d+)?)\s*(%|procent\b)(?!\s*enheter)", re.IGNORECASE)
_POINTS = re.compile(r"procentenhet", re.IGNORECASE)
_BASE = re.compile(r"(?:jämfört med|jfr(?:\.| med)?|mot|från|sedan|i förhållande till)\s+(?:år\s+)?(\d{4})",
                   re.IGNORECASE)
_DEADLINE = re.compile(r"(?:senast|till|vid utgången av|under|år)\s+(?:år\s+)?(\d{4})", re.IGNORECASE)


@dataclass(frozen=True)
class Goal:
    """A goal read from its text. `change` is the wanted change in per cent (−20 for a 20 % fall);
    None means any change in `direction` meets it ("färre än föregående år")."""

    text: str
    direction: str  # 'ned' | 'upp'
    change: float | None
    baseline_year: int | None  # None: the year before the period
    deadline_year: int | None


@dataclass(frozen=True)
class Attainment:
    verdict: str  # MET | NOT_MET | ON_TRACK | OFF_TRACK | UNKNOWN
    text: str  # one Swedish sentence with the numbers
    count: int | None = None
    baseline: int | None = None
    baseline_year: int | None = None
    change_pct: float | None = None


def parse_goal(text: str | None) -> Goal | None:
    """The measurable part of a goal text; None when it names no direction to measure in events or
    speaks of survey shares (procentenheter)."""
    if not text or not text.strip() or _POINTS.search(text):
        return None
    # A goal with several parts ("… ska minska med 15 % jämfört med 2024, och alla skolor …") is
    # judged on the first part that names a direction.
    for part in re.split(r"[;.]|\boch\b(?=[^%]*$)", text):
        down, up = _DOWN.search(part), _UP.search(part)
        if not down and not up:
            continue
        direction = "ned" if down and (not up or down.start() < up.start()) else "upp"
        pct = _PCT.search(part)
        change = None
        if pct:
            value = float(pct.group(1).replace("−", "-").replace("–", "-").replace(",", ".").replace(" ", ""))
            change = -abs(value) if direction == "ned" else abs(value)
        base = _BASE.search(part)
        baseline = int(base.group(1)) if base else None  # None: against the year before, as people mean it
        deadline = None
        for m in _DEADLINE.finditer(text):
            year = int(m.group(1))
            if year != baseline:
                deadline = year
        return Goal(text.strip(), direction, change, baseline, deadline)
    return None


def shown_number(text: str) -> float:
    """The number a formatted figure shows ('−10 %', '+5,2' -> -10.0, 5.2): a verdict is judged on
    what the reader sees, so −9,88 % shown as −10 % meets a goal of −10 %."""
    cleaned = text.replace("\u00a0", "").replace(" ", "").replace("%", "").replace("−", "-").replace("±", "")
    return float(cleaned.replace(",", "."))


def _decimals(value: float) -> int:
    return 0 if float(value).is_integer() else 1


def verdict_for(met: bool, deadline: dt.date | None, period_end: dt.date, complete: bool = True) -> tuple[str, str]:
    """(verdict, lead): 'På väg'/'Inte på väg' while the deadline (or the period) is not over,
    'Uppnått'/'Ej uppnått' after it."""
    if not complete or (deadline is not None and deadline > period_end):
        until = f" (målet gäller till {deadline.year})" if deadline is not None and deadline > period_end else ""
        verdict = ON_TRACK if met else OFF_TRACK
        return verdict, f"{verdict}{until}"
    return (MET, "Uppnått") if met else (NOT_MET, "Ej uppnått")


def judge(goal: Goal | None, count: int, baseline: int | None, baseline_year: int | None, period_end: dt.date,
          complete: bool = True, valid_to: dt.date | None = None) -> Attainment:
    """Judges a goal on the indicator events of the period (`count`) against the same dates of the
    baseline year (`baseline`; None when there is no data for it).

    While its deadline (the year in its text, else the area's last valid day) lies after the period,
    or while the period is not over, a goal is 'på väg' or 'inte på väg'; after it, 'uppnått' or 'ej
    uppnått'. The percentage is judged as the text shows it (rounded)."""
    if goal is None:
        return Attainment(UNKNOWN, "Målet anger ingen förändring som går att mäta i händelserna; bedöm det i "
                                   "analysen.")
    year_text = str(baseline_year) if baseline_year else "året före"
    if baseline is None:
        return Attainment(UNKNOWN, f"Det finns ingen data för {year_text} att jämföra med.", count, None,
                          baseline_year)
    if baseline < MIN_EVENTS and count < MIN_EVENTS:
        return Attainment(UNKNOWN, f"För få händelser för att bedöma: {fmt_int(count)} mot {fmt_int(baseline)} "
                                   f"samma period {year_text}.", count, baseline, baseline_year)
    pct = (count - baseline) / baseline * 100 if baseline else None
    if goal.change is None:
        met = count < baseline if goal.direction == "ned" else count > baseline
        wanted = "färre" if goal.direction == "ned" else "fler"
        target = f"målet är {wanted} händelser än {year_text}"
    decimals = _decimals(goal.change) if goal.change is not None else 0
    shown = fmt_change_pct(pct, decimals) if pct is not None else None
    if goal.change is not None:
        value = shown_number(shown) if shown is not None else None
        met = value is not None and (value <= goal.change if goal.direction == "ned" else value >= goal.change)
        target = f"målet är {fmt_change_pct(goal.change, decimals)} mot {year_text}"
    actual = (f"{fmt_int(count)} händelser mot {fmt_int(baseline)} samma period {year_text}"
              + (f" ({shown})" if shown is not None else ""))
    deadline = dt.date(goal.deadline_year, 12, 31) if goal.deadline_year else valid_to
    verdict, lead = verdict_for(met, deadline, period_end, complete)
    return Attainment(verdict, f"{lead}: {actual}; {target}.", count, baseline, baseline_year, pct)


def share_text(value: float | None) -> str:
    return fmt_pct(value, 1)


# ---------------------------------------------------------------- goals in survey shares

_POINTS_VALUE = re.compile(r"(\d+(?:[,.]\d+)?)\s*procentenheter", re.IGNORECASE)
_WORD = re.compile(r"[a-zåäöé]{4,}", re.IGNORECASE)


@dataclass(frozen=True)
class PointsGoal:
    """A goal in a survey share: 'andelen som känner sig trygga … ska öka med 5 procentenheter i
    trygghetsmätningen 2027 jämfört med 2024'."""

    text: str
    direction: str  # 'upp' | 'ned'
    points: float
    baseline_year: int | None
    deadline_year: int | None


def parse_points_goal(text: str | None) -> PointsGoal | None:
    if not text:
        return None
    for part in re.split(r"[;.]|,\s*och\b", text):
        value = _POINTS_VALUE.search(part)
        if not value:
            continue
        down, up = _DOWN.search(part), _UP.search(part)
        if not down and not up:
            continue
        direction = "ned" if down and (not up or down.start() < up.start()) else "upp"
        base = _BASE.search(part)
        baseline = int(base.group(1)) if base else None
        deadline = next((int(y) for y in re.findall(r"\b(20\d\d)\b", part) if int(y) != baseline), None)
        return PointsGoal(text.strip(), direction, float(value.group(1).replace(",", ".")), baseline, deadline)
    return None


def survey_indicator(goal_text: str, indicators: list[str]) -> str | None:
    """The survey question a goal speaks of: the one sharing most words (of four letters or more,
    at least two) with the goal's text."""
    words = {w.casefold()[:6] for w in _WORD.findall(goal_text)}
    best, score = None, 1
    for indicator in indicators:
        shared = len(words & {w.casefold()[:6] for w in _WORD.findall(indicator)})
        if shared > score:
            best, score = indicator, shared
    return best


def judge_points(goal: PointsGoal, indicator: str, value: float | None, latest: str | None, baseline: float | None,
                 period_end: dt.date) -> Attainment:
    """A survey goal judged on the latest survey before the period's end against the baseline year's."""
    year_text = str(goal.baseline_year) if goal.baseline_year else "utgångsåret"
    if value is None or baseline is None:
        return Attainment(UNKNOWN, f"Trygghetsmätningen saknar '{indicator}' för {latest or 'perioden'} eller "
                                   f"{year_text} att jämföra med.")
    # The difference of the two shares as shown (one decimal each), so the text adds up.
    diff = round(shown_number(fmt_dec(value, 1)) - shown_number(fmt_dec(baseline, 1)), 1)
    met = diff >= goal.points if goal.direction == "upp" else -diff >= goal.points
    wanted = f"{'+' if goal.direction == 'upp' else '−'}{fmt_dec(goal.points, 1)} procentenheter"
    actual = (f"'{indicator}' {fmt_pct(value, 1)} i mätningen {latest} mot {fmt_pct(baseline, 1)} {year_text} "
              f"({'+' if diff >= 0 else '−'}{fmt_dec(abs(diff), 1)} procentenheter)")
    deadline = dt.date(goal.deadline_year, 12, 31) if goal.deadline_year else None
    verdict, lead = verdict_for(met, deadline, period_end)
    return Attainment(verdict, f"{lead}: {actual}; målet är {wanted}.", change_pct=diff)
