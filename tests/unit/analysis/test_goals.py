"""analysis.goals: goal texts as coordinators write them, read into a direction, a size and a
baseline year, and judged against hand-counted events and survey shares."""

from __future__ import annotations

import datetime as dt

from trygghet.analysis import goals

END = dt.date(2026, 8, 31)


def test_goal_texts_are_read_into_direction_size_and_years() -> None:
    goal = goals.parse_goal("Rapporterade händelser med ungdomar som samlas och stör ska minska med 15 % jämfört "
                            "med 2024, och alla skolor ska ha ett SSPF-team senast 2027.")
    assert goal is not None
    assert (goal.direction, goal.change, goal.baseline_year, goal.deadline_year) == ("ned", -15.0, 2024, 2027)
    short = goals.parse_goal("−20 % mot 2024")
    assert short is not None and (short.direction, short.change, short.baseline_year) == ("ned", -20.0, 2024)
    fewer = goals.parse_goal("Färre anlagda bränder än föregående år")
    assert fewer is not None and (fewer.direction, fewer.change, fewer.baseline_year) == ("ned", None, None)
    more = goals.parse_goal("+10 % fler anmälningar från 2023")
    assert more is not None and (more.direction, more.change, more.baseline_year) == ("upp", 10.0, 2023)
    # A date is not a minus sign, and a goal without a direction cannot be measured in events.
    dated = goals.parse_goal("Klart senast 2027-12-31")
    assert dated is None
    assert goals.parse_goal("Ingen plats ska finnas på länslistan") is None
    assert goals.parse_goal("Andelen trygga ska öka med 5 procentenheter jämfört med 2024") is None


def test_a_fall_of_twenty_per_cent_against_an_actual_rise_is_not_met() -> None:
    goal = goals.parse_goal("−20 % mot 2024")
    result = goals.judge(goal, count=130, baseline=100, baseline_year=2024, period_end=END)
    assert result.verdict == goals.NOT_MET
    assert result.change_pct == 30.0
    assert "130 händelser mot 100 samma period 2024 (+30\u00a0%)" in result.text
    assert "målet är −20\u00a0% mot 2024" in result.text


def test_met_too_early_and_unknown() -> None:
    goal = goals.parse_goal("Ska minska med 20 % jämfört med 2024 till 2027")
    assert goals.judge(goal, 75, 100, 2024, END).verdict == goals.MET  # −25 %
    assert goals.judge(goal, 90, 100, 2024, END).verdict == goals.TOO_EARLY  # −10 %, the goal runs to 2027
    assert "målet gäller till 2027" in goals.judge(goal, 90, 100, 2024, END).text
    past = goals.judge(goal, 90, 100, 2024, dt.date(2027, 12, 31))
    assert past.verdict == goals.NOT_MET
    assert goals.judge(goal, 90, 100, 2024, END, complete=True, valid_to=None).verdict == goals.TOO_EARLY
    plain = goals.parse_goal("Färre skadegörelsehändelser än året före")
    assert goals.judge(plain, 99, 100, 2025, END).verdict == goals.MET
    assert goals.judge(plain, 100, 100, 2025, END).verdict == goals.NOT_MET
    assert goals.judge(plain, 100, 100, 2025, END, complete=False).verdict == goals.TOO_EARLY
    assert goals.judge(plain, 5, 4, 2025, END).verdict == goals.UNKNOWN  # too few events to say
    assert goals.judge(plain, 50, None, 2025, END).verdict == goals.UNKNOWN  # no data for the baseline
    assert goals.judge(None, 50, 40, 2025, END).verdict == goals.UNKNOWN


def test_goals_in_survey_shares() -> None:
    text = ("Klotter ska saneras inom 24 timmar, och andelen som känner sig trygga utomhus på kvällen ska öka med "
            "5 procentenheter i trygghetsmätningen 2027 jämfört med 2024.")
    goal = goals.parse_points_goal(text)
    assert goal is not None and (goal.direction, goal.points, goal.baseline_year, goal.deadline_year) == (
        "upp", 5.0, 2024, 2027)
    questions = ["Känner sig trygg utomhus på kvällen", "Ser skadegörelse eller klotter ofta"]
    assert goals.survey_indicator(text, questions) == questions[0]
    met = goals.judge_points(goal, questions[0], 71.2, "2026", 66.0, END)
    assert met.verdict == goals.MET and "+5,2 procentenheter" in met.text
    early = goals.judge_points(goal, questions[0], 68.0, "2025", 66.0, END)
    assert early.verdict == goals.TOO_EARLY
    late = goals.judge_points(goal, questions[0], 68.0, "2027", 66.0, dt.date(2027, 12, 31))
    assert late.verdict == goals.NOT_MET
    assert goals.judge_points(goal, questions[0], None, None, 66.0, END).verdict == goals.UNKNOWN
