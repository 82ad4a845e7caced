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


def test_before_the_deadline_on_track_or_not_after_it_met_or_not() -> None:
    goal = goals.parse_goal("Ska minska med 20 % jämfört med 2024 till 2027")
    # Before the deadline both ways: met so far is 'på väg', not met so far 'inte på väg'.
    assert goals.judge(goal, 75, 100, 2024, END).verdict == goals.ON_TRACK  # −25 %, the goal runs to 2027
    assert goals.judge(goal, 90, 100, 2024, END).verdict == goals.OFF_TRACK  # −10 %
    assert goals.judge(goal, 75, 100, 2024, dt.date(2027, 12, 31)).verdict == goals.MET
    assert "målet gäller till 2027" in goals.judge(goal, 90, 100, 2024, END).text
    past = goals.judge(goal, 90, 100, 2024, dt.date(2027, 12, 31))
    assert past.verdict == goals.NOT_MET
    assert goals.judge(goal, 90, 100, 2024, END, complete=True, valid_to=None).verdict == goals.OFF_TRACK
    plain = goals.parse_goal("Färre skadegörelsehändelser än året före")
    assert goals.judge(plain, 99, 100, 2025, END).verdict == goals.MET
    assert goals.judge(plain, 100, 100, 2025, END).verdict == goals.NOT_MET
    assert goals.judge(plain, 100, 100, 2025, END, complete=False).verdict == goals.OFF_TRACK
    assert goals.judge(plain, 99, 100, 2025, END, complete=False).verdict == goals.ON_TRACK
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
    assert met.verdict == goals.ON_TRACK and "+5,2 procentenheter" in met.text
    early = goals.judge_points(goal, questions[0], 68.0, "2025", 66.0, END)
    assert early.verdict == goals.OFF_TRACK and "Inte på väg (målet gäller till 2027)" in early.text
    assert goals.judge_points(goal, questions[0], 71.0, "2025", 66.0, END).verdict == goals.ON_TRACK
    late = goals.judge_points(goal, questions[0], 68.0, "2027", 66.0, dt.date(2027, 12, 31))
    assert late.verdict == goals.NOT_MET
    assert goals.judge_points(goal, questions[0], None, None, 66.0, END).verdict == goals.UNKNOWN


def test_a_verdict_follows_the_rounded_figure_the_text_shows() -> None:
    goal = goals.parse_goal("−10 % mot 2024")
    # 9 012 against 10 000 is −9,88 %, shown as −10 %: the goal of −10 % reads as met, and is.
    result = goals.judge(goal, 9012, 10000, 2024, END)
    assert "(−10\u00a0%)" in result.text and result.verdict == goals.MET
    assert goals.judge(goal, 9060, 10000, 2024, END).verdict == goals.NOT_MET  # −9,4 % shown as −9 %
    # Survey shares: 70,96 and 65,94 are shown 71,0 and 65,9, a difference of 5,1 – not 5,02.
    points = goals.parse_points_goal("Andelen trygga ska öka med 5,1 procentenheter jämfört med 2024")
    assert points is not None
    shares = goals.judge_points(points, "Andelen trygga", 70.96, "2026", 65.94, END)
    assert "+5,1 procentenheter" in shares.text and shares.verdict == goals.MET
    assert goals.shown_number("−1\u00a0234,5\u00a0%") == -1234.5
