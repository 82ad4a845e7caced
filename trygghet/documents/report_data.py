"""Everything one lägesbild report says, gathered for a period and a set of districts as it stood at
the period's end: the events against the year before (with rates per 1 000 invånare), their places
and times, the priority areas judged against their goals, the interventions that ran (status as of
the last day, from the change history), the survey, the context data, the analysis per problem,
the åtgärdsplan with the council's decision, the follow-up of the previous plan, the commitments
and the sources.

Nothing dated after the period's last day is read, so a report on an old period stays the same
when the records change later. No Streamlit here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from trygghet.analysis import action_plan as plans
from trygghet.analysis import data_start, goals, period_snapshot, population, priority_areas, queries
from trygghet.analysis import interventions as ivs
from trygghet.analysis.survey import sorted_periods
from trygghet.core import clock
from trygghet.core.periods import Window
from trygghet.documents import report_queries as q
from trygghet.documents.report_period import ReportPeriod, analysis_key, districts_key
from trygghet.store.db import get_meta
from trygghet.store.schema import table_names
from trygghet.store.sql import in_list


@dataclass(frozen=True)
class FollowedMeasure:
    """A measure of the previous plan and what became of it."""

    measure: plans.Measure
    status: str  # the follow-up's status, 'Ej uppföljd' without one
    note: str | None
    effect: str  # the linked intervention's measured effect, or the goal judged on the events


@dataclass(frozen=True)
class ReportData:
    period: ReportPeriod
    districts: tuple[str, ...]
    window: Window  # the period, cut at the last day with data
    previous: Window  # the same dates a year earlier
    complete: bool  # the period has ended and the data reaches its last day
    data_until: dt.date | None
    as_of: dt.date  # the day the report's statuses are taken on: the period's last day, or today
    by_district: pd.DataFrame  # name, count, previous, flag, population, rate, rate_previous
    by_category: pd.DataFrame  # name, count, previous, flag
    monthly: pd.DataFrame  # label, count, previous
    places: pd.DataFrame  # place, district, count, previous, category
    times: pd.DataFrame  # weekday and one column per time band
    times_unknown: int
    areas: pd.DataFrame  # priority_area_status as of the period's end, with baseline and attainment
    interventions: pd.DataFrame  # those that ran during the period, as of its end, with their effect
    open_decisions: pd.DataFrame  # decisions still open at the period's end
    survey: pd.DataFrame  # indicator, district, period, value, respondents
    survey_groups: pd.DataFrame  # period, indicator, grouping, group_name, value, respondents
    reference: pd.DataFrame  # reference statistics up to the period's year
    context: pd.DataFrame  # context indicators up to the period's year
    population_total: int | None
    population_years: tuple[int | None, int | None]
    sources: pd.DataFrame
    analyses: list[plans.ProblemAnalysis]
    analysis: str
    decision: plans.PlanDecision
    measures: list[plans.Measure]
    measure_status: dict[int, plans.FollowUp]
    previous_plan: str | None  # the key of the plan followed up, if any
    followed: list[FollowedMeasure]
    commitments: list[plans.Commitment]
    commitment_status: dict[int, plans.FollowUp]
    kommun: str
    demo: bool
    notes: list[str] = field(default_factory=list)
    # The districts whose analysis and plan the report shows: its own, or the whole municipality's
    # ('alla') when the chosen districts have none of their own.
    plan_scope: str = "alla"
    first_day: dt.date | None = None  # the data's first day: comparisons before it are not made
    finished: bool = True  # False: the period had not ended when the report was made (a draft)

    @property
    def comparable(self) -> bool:
        return data_start.comparable(self.previous, self.first_day)

    @property
    def no_comparison(self) -> str:
        """'ingen jämförelse – data från och med 2026-10-06' (only when not comparable)."""
        return data_start.no_comparison_text(self.first_day) if self.first_day else ""


def _report_text(con: duckdb.DuckDBPyConnection, key: str) -> str:
    if "report_texts" not in table_names(con):
        return ""
    row = con.execute("SELECT text FROM report_texts WHERE key = ?", [key]).fetchone()
    return (row[0] or "") if row else ""


def _effect_text(con: duckdb.DuckDBPyConnection, row: dict[str, object], as_of: dt.date,
                 data_range: tuple[dt.date | None, dt.date | None]) -> str:
    """The effect of an intervention as it stood at the period's end (`row` from period_snapshot)."""
    if row["status"] == "Planerad":
        return "Ej påbörjad."
    data = ivs.effect_data(con, str(row["id"]), 8, 8, today=as_of, data_range=data_range, as_of=row)
    if data is None:
        return "Effekt kan inte bedömas: insatsen har ingen stadsdel."
    if data.weeks[ivs.PERIOD_DURING] == 0:
        return "För tidigt att bedöma: inga hela veckor med data under insatsen."
    if data.weeks[ivs.PERIOD_BEFORE] == 0:
        return "Inget före att jämföra med: data börjar efter starten."
    effect = ivs.effect_summary(data.frame, ivs.PERIOD_DURING)
    return effect.text if effect is not None else "Effekt kan inte bedömas."


def _interventions(con: duckdb.DuckDBPyConnection, snapshot: pd.DataFrame, window: Window,
                   districts: tuple[str, ...], as_of: dt.date) -> pd.DataFrame:
    frame = period_snapshot.active_in(snapshot, window, districts)
    data_range = (queries.event_date_range(con)[0], as_of)
    effects = [_effect_text(con, row, as_of, data_range) for row in frame.to_dict("records")]
    return frame.assign(effect=effects)


def _areas(con: duckdb.DuckDBPyConnection, window: Window, districts: tuple[str, ...], as_of: dt.date,
           snapshot: pd.DataFrame, complete: bool, period_end: dt.date, first: dt.date | None) -> pd.DataFrame:
    frame = priority_areas.priority_area_status(con, districts, window, as_of, first_day=first)
    frame = priority_areas.with_baselines(con, frame, window, districts)
    # One rule for the whole report (report_queries.NO_FLAG_TEXT): no period change is flagged.
    frame = frame.assign(flag=[""] * len(frame))
    if frame.empty:
        return frame.assign(attainment=pd.Series(dtype=object), verdict=pd.Series(dtype=object))
    # The intervention counts as they stood at the period's end, not as they stand today.
    in_area = snapshot if not districts else snapshot[[not isinstance(d, str) or d in districts
                                                      for d in snapshot["district"]]]
    running, planned, overdue = [], [], []
    for name in frame["name"]:
        mine = in_area[in_area["priority_area"] == name]
        running.append(int((mine["status"] == "Pågående").sum()))
        planned.append(int((mine["status"] == "Planerad").sum()))
        overdue.append(int(sum(1 for s, e in zip(mine["status"], mine["end_date"], strict=True)
                               if s in ("Pågående", "Planerad") and e is not None and not pd.isna(e) and e < as_of)))
    frame = frame.assign(running=running, planned=planned, overdue=overdue)
    texts, verdicts = [], []
    for row in frame.itertuples(index=False):
        text = row.goal if isinstance(row.goal, str) else None
        goal = goals.parse_goal(text)
        points = goals.parse_points_goal(text) if goal is None else None
        if points is not None:
            result = _survey_goal(con, points, districts, period_end)
        else:
            year = goal.baseline_year if goal and goal.baseline_year else window.start.year - 1
            baseline = _baseline(con, row.indicators, window, year, districts)
            valid_to = con.execute("SELECT valid_to FROM priority_areas WHERE name = ?", [row.name]).fetchone()
            result = goals.judge(goal, int(row.count), baseline, year, period_end, complete,
                                 valid_to[0] if valid_to else None)
        texts.append(result.text)
        verdicts.append(result.verdict)
    return frame.assign(attainment=texts, verdict=verdicts)


def _survey_goal(con: duckdb.DuckDBPyConnection, goal: goals.PointsGoal, districts: tuple[str, ...],
                 period_end: dt.date) -> goals.Attainment:
    """A goal in survey shares, judged on the latest survey before the period's end."""
    indicator = goals.survey_indicator(goal.text, q.survey_indicators(con))
    if indicator is None:
        return goals.Attainment(goals.UNKNOWN, "Målet gäller en fråga som inte finns i trygghetsmätningen.")
    means = q.survey_means(con, indicator, districts, period_end)
    latest = sorted_periods(list(means))[-1] if means else None
    base = means.get(str(goal.baseline_year)) if goal.baseline_year else None
    return goals.judge_points(goal, indicator, means.get(latest) if latest else None, latest, base, period_end)


def _baseline(con: duckdb.DuckDBPyConnection, indicators: tuple[str, ...], window: Window, year: int,
              districts: tuple[str, ...]) -> int | None:
    """The indicator events on the window's dates in `year`; None when the data does not reach back."""
    if not indicators:
        return None
    shift = window.start.year - year
    try:
        base = Window(window.start.replace(year=window.start.year - shift),
                      window.end.replace(year=window.end.year - shift))
    except ValueError:  # 29 February
        base = Window(window.start.replace(year=window.start.year - shift, day=28),
                      window.end.replace(year=window.end.year - shift, day=28))
    first = con.execute("SELECT min(day) FROM event_counts").fetchone()[0]
    if first is None or first > base.start:
        return None
    where, params = q.district_sql(districts)
    return int(con.execute(
        f"""SELECT coalesce(sum(n), 0)::BIGINT FROM event_counts WHERE day >= ? AND day < ?
            AND category IN {in_list(indicators)} AND {where}""",
        [base.start, base.end, *indicators, *params],
    ).fetchone()[0])


def _followed(con: duckdb.DuckDBPyConnection, period: ReportPeriod, key: str, snapshot: pd.DataFrame,
              window: Window, districts: tuple[str, ...], as_of: dt.date, complete: bool
              ) -> tuple[str | None, list[FollowedMeasure]]:
    found = plans.previous_plan(con, key, period.window.start)
    if found is None:
        return None, []
    previous_key, _ = found
    status = plans.followups(con, plans.MEASURE, period.last_day, key)
    known = set(snapshot["id"]) if len(snapshot) else set()
    data_range = (queries.event_date_range(con)[0], as_of)
    areas = dict(con.execute("SELECT name, indicator_categories FROM priority_areas").fetchall())
    categories = [r[0] for r in con.execute("SELECT DISTINCT category FROM event_counts ORDER BY 1").fetchall()]
    plan_window = ReportPeriod.parse(previous_key).window
    result = []
    for m in plans.measures(con, previous_key, key):
        follow = status.get(m.id or -1)
        if m.intervention_id and m.intervention_id in known:
            row = snapshot[snapshot["id"] == m.intervention_id].iloc[0].to_dict()
            effect = f"Insats {m.intervention_id}: " + _effect_text(con, row, as_of, data_range)
        else:
            goal = goals.parse_goal(m.goal)
            indicators = measure_categories(m, categories) or tuple(areas.get(m.problem) or ())
            if goal is None or not indicators:
                effect = "Ingen mätbar effekt: åtgärden är inte kopplad till en insats eller ett mätbart mål."
            else:
                # The measure over its own plan's period, against the same dates of the baseline year.
                year = goal.baseline_year or plan_window.start.year - 1
                count = _baseline(con, indicators, plan_window, plan_window.start.year, districts) or 0
                effect = (f"{', '.join(indicators)}: " + goals.judge(
                    goal, count, _baseline(con, indicators, plan_window, year, districts), year,
                    plan_window.end - dt.timedelta(days=1), True).text)
        result.append(FollowedMeasure(m, follow.status if follow else "Ej uppföljd", follow.note if follow else None,
                                      effect))
    return previous_key, result


def measure_categories(measure: plans.Measure, categories: list[str]) -> tuple[str, ...]:
    """The event categories a measure names in its goal or its text ('Färre klotter vid Hamnplan'):
    the measure is judged on those, not on its whole priority area."""
    text = f"{measure.goal or ''} {measure.measure or ''}".casefold()
    return tuple(c for c in categories if len(c) >= 4 and c.casefold() in text)


def _in_order(con: duckdb.DuckDBPyConnection, districts: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen districts in the municipality's own order: the same choice is the same report
    whichever order it was made in."""
    order = [r[0] for r in con.execute("SELECT name FROM districts ORDER BY sort_order, name").fetchall()]
    return tuple([d for d in order if d in districts] + sorted(d for d in set(districts) if d not in order))


def _scope(con: duckdb.DuckDBPyConnection, period: ReportPeriod, key: str) -> str:
    """The chosen districts' own analysis and plan when they have any, else the municipality's: a
    municipal plan covers every district."""
    if key == "alla":
        return key
    own = (plans.analyses(con, period.key, key) or plans.measures(con, period.key, key)
           or plans.previous_plan(con, key, period.window.start) is not None)
    return key if own else "alla"


def _decision(con: duckdb.DuckDBPyConnection, period: ReportPeriod, key: str) -> plans.PlanDecision:
    """The council's decision on the period's plan as it stood at the period's end: one taken later
    belongs to a later report."""
    decision = plans.plan_decision(con, period.key, key)
    if decision.decided_on is not None and decision.decided_on > period.last_day:
        return plans.PlanDecision(decision.decided_by)
    return decision


def report_data(con: duckdb.DuckDBPyConnection, period: ReportPeriod, districts: tuple[str, ...] = (),
                today: dt.date | None = None) -> ReportData:
    today = today or clock.today()
    districts = _in_order(con, districts)
    last = con.execute("SELECT max(day)::DATE FROM event_counts WHERE day < ?", [period.window.end]).fetchone()[0]
    window = period.window
    finished = today > period.last_day
    complete = last is not None and last >= period.last_day and finished
    if last is not None and not complete and last >= window.start:
        window = Window(window.start, min(last, today) + dt.timedelta(days=1))
    previous = window.last_year()
    as_of = min(today, period.last_day)
    moment = period_snapshot.end_of(as_of)
    snapshot = period_snapshot.interventions_as_of(con, moment)
    key = _scope(con, period, districts_key(districts))
    year = period.last_day.year
    first = data_start.first_day(con)

    by_district = q.compare(con, "district", window, previous, districts, first)
    by_district = population.with_rates(by_district, population.population(con, window.start.year),
                                         population.population(con, previous.start.year))
    if not data_start.comparable(previous, first):
        by_district["rate_previous"] = pd.Series([None] * len(by_district), dtype=object)
    pop = population.population(con, window.start.year, districts)
    survey = q.survey(con, districts, period.last_day)
    survey_periods = sorted(set(survey["period"])) if len(survey) else []
    previous_key, followed = _followed(con, period, key, snapshot, window, districts, as_of, complete)
    items = plans.commitments(con, period.window.start, period.last_day)
    kommun = get_meta(con, "municipality") or "Kommunen"
    return ReportData(
        period=period,
        districts=districts,
        window=window,
        previous=previous,
        complete=complete,
        data_until=last,
        as_of=as_of,
        by_district=by_district,
        by_category=q.compare(con, "category", window, previous, districts, first),
        monthly=q.monthly(con, window, previous, districts, first),
        places=q.top_places(con, window, previous, districts, first=first),
        times=(times := q.week_times(con, window, districts))[0],
        times_unknown=times[1],
        areas=_areas(con, window, districts, as_of, snapshot, complete, period.last_day, first),
        interventions=_interventions(con, snapshot, window, districts, as_of),
        open_decisions=(lambda d: d[d["open_at_end"]].reset_index(drop=True))(
            period_snapshot.decisions_as_of(con, as_of, districts, snapshot)),
        survey=survey,
        survey_groups=population.survey_groups(con, survey_periods, districts),
        reference=population.reference_statistics(con, year),
        context=population.context_indicators(con, year, districts),
        population_total=sum(pop.values()) if pop else None,
        population_years=population.population_years(con, window.start.year),
        sources=q.sources(con, window, districts, previous),
        analyses=plans.analyses(con, period.key, key),
        analysis=_report_text(con, analysis_key(period, districts)),
        decision=_decision(con, period, key),
        measures=plans.measures(con, period.key, key),
        measure_status=plans.followups(con, plans.MEASURE, period.last_day, key),
        previous_plan=previous_key,
        followed=followed,
        commitments=items,
        commitment_status=plans.followups(con, plans.COMMITMENT, period.last_day),
        kommun=kommun,
        demo=get_meta(con, "is_demo") == "1",
        plan_scope=key,
        first_day=first,
        finished=finished,
    )
