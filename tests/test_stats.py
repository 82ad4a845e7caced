"""The meeting's statistics against numbers worked out by hand or computed independently here.

The exact test is checked against a binomial sum in whole numbers: with integer exposures
e and b, each outcome's probability times (e + b)^n is the integer C(n, k)·e^k·b^(n-k), so
"no more likely than the observed outcome" is an exact comparison – no logarithms, no
floating-point ties.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pandas as pd
import pytest

from trygghet.analysis.stats import (
    Change,
    compare,
    did_effect,
    poisson_interval,
    poisson_rate_test,
    rolling_mean,
    weekly_baseline,
    zscore,
)

NB = "\u00a0"
Z95 = 1.959963984540054  # standard normal 97.5 % quantile


def exact_p(count: int, exposure: int, base_count: int, base_exposure: int) -> float:
    n = count + base_count
    # Built up term by term: C(n, k+1) = C(n, k)·(n-k)/(k+1), which keeps n > 2000 fast.
    weights, binom = [], 1
    for k in range(n + 1):
        weights.append(binom * exposure**k * base_exposure ** (n - k))
        binom = binom * (n - k) // (k + 1)
    observed = weights[count]
    return float(Fraction(sum(w for w in weights if w <= observed), (exposure + base_exposure) ** n))


# --- poisson_rate_test -------------------------------------------------------------------------


def test_fourteen_against_twenty_four_over_four_weeks() -> None:
    # n = 38, p0 = 1/5: P(X = 14) and everything less likely, on both sides of the mean 7.6.
    assert poisson_rate_test(14, 1, 24, 4) == pytest.approx(0.0142144114, rel=1e-8)
    assert poisson_rate_test(14, 1, 24, 4) == pytest.approx(exact_p(14, 1, 24, 4), rel=1e-12)


def test_three_against_four_over_four_weeks() -> None:
    # Binomial(7, 0.2): P(0..7) = .2097152 .3670016 .2752512 .114688 .028672 .0043008 .0003584 .0000128;
    # the outcomes no more likely than P(3) = .114688 are 3..7, which sum to .148032.
    assert poisson_rate_test(3, 1, 4, 4) == pytest.approx(0.148032, rel=1e-12)


def test_no_events_at_all_gives_p_one() -> None:
    assert poisson_rate_test(0, 1, 0, 4) == 1.0
    assert poisson_rate_test(0, 28, 0, 28) == 1.0


def test_observed_equal_to_expected_gives_p_one() -> None:
    # 6 of 30 with p0 = 1/5 is the most likely outcome, so every outcome counts.
    assert poisson_rate_test(6, 1, 24, 4) == pytest.approx(1.0)


def test_ties_on_the_mirror_side_are_included() -> None:
    # Binomial(16, 1/2), observed 12: P(X >= 12) + P(X <= 4) = 2 * (1 + 16 + 120 + 560 + 1820) / 2^16.
    assert poisson_rate_test(12, 1, 4, 1) == pytest.approx(5034 / 65536, rel=1e-12)
    assert poisson_rate_test(10, 1, 0, 1) == pytest.approx(2 / 2**10, rel=1e-12)


@pytest.mark.parametrize(
    ("count", "exposure", "base_count", "base_exposure"),
    [(14, 1, 24, 4), (15, 1, 24, 4), (0, 1, 24, 4), (2, 1, 48, 4), (5, 1, 0, 4), (6, 1, 12, 4),
     (40, 28, 20, 28), (2, 1, 0, 52), (9, 2, 31, 3)],
)
def test_matches_an_independent_binomial_sum(count: int, exposure: int, base_count: int, base_exposure: int) -> None:
    expected = exact_p(count, exposure, base_count, base_exposure)
    assert poisson_rate_test(count, exposure, base_count, base_exposure) == pytest.approx(expected, rel=1e-9)


def test_symmetric_in_the_two_periods() -> None:
    for a, b in [(12, 4), (3, 9), (0, 7), (20, 30)]:
        assert poisson_rate_test(a, 1, b, 1) == pytest.approx(poisson_rate_test(b, 1, a, 1), rel=1e-12)
    assert poisson_rate_test(14, 1, 24, 4) == pytest.approx(poisson_rate_test(24, 4, 14, 1), rel=1e-12)
    # Only the ratio of the exposures matters: a week against four weeks, or 7 days against 28.
    assert poisson_rate_test(14, 7, 24, 28) == pytest.approx(poisson_rate_test(14, 1, 24, 4), rel=1e-12)


def test_more_extreme_counts_give_smaller_p_values() -> None:
    upward = [poisson_rate_test(c, 1, 24, 4) for c in range(7, 25)]
    assert all(a > b for a, b in itertools.pairwise(upward))
    downward = [poisson_rate_test(c, 1, 24, 4) for c in range(5, -1, -1)]
    assert all(a > b for a, b in itertools.pairwise(downward))


def test_normal_approximation_above_two_thousand_events() -> None:
    # n = 2000 is still summed exactly; n = 2001 switches to the approximation.
    assert poisson_rate_test(1040, 1, 960, 1) == pytest.approx(exact_p(1040, 1, 960, 1), rel=1e-9)
    assert poisson_rate_test(1041, 1, 960, 1) == pytest.approx(exact_p(1041, 1, 960, 1), rel=0.002)
    # A skewed split (p0 = 1/5) is approximated less well, but well enough to decide on.
    assert poisson_rate_test(450, 1, 2000, 4) == pytest.approx(exact_p(450, 1, 2000, 4), abs=0.005)


def test_rejects_negative_counts_and_empty_exposures() -> None:
    with pytest.raises(ValueError):
        poisson_rate_test(-1, 1, 4, 4)
    with pytest.raises(ValueError):
        poisson_rate_test(1, 0, 4, 4)
    with pytest.raises(ValueError):
        poisson_rate_test(1, 1, 4, 0)


# --- compare ----------------------------------------------------------------------------------


def test_three_against_a_mean_of_one_does_not_shout() -> None:
    change = compare(3, 4, exposure=1, base_exposure=4)
    assert change == Change(count=3, expected=1.0, diff=2.0, pct=200.0, p_value=pytest.approx(0.148032), direction=None)
    assert not change.significant


def test_fourteen_against_a_mean_of_six_is_borderline() -> None:
    # The exact conditional test gives p = 0.0142: above the default alpha 0.01, below 0.05.
    change = compare(14, 24, exposure=1, base_exposure=4)
    assert change.expected == 6.0
    assert change.diff == 8.0
    assert change.pct == pytest.approx(800 / 6)
    assert change.p_value == pytest.approx(0.0142144114, rel=1e-8)
    assert change.direction is None
    assert compare(14, 24, exposure=1, base_exposure=4, alpha=0.05).direction == "upp"


def test_fifteen_against_a_mean_of_six_is_flagged_up() -> None:
    change = compare(15, 24, exposure=1, base_exposure=4)
    assert change.p_value == pytest.approx(exact_p(15, 1, 24, 4))
    assert change.p_value < 0.01
    assert change.direction == "upp"
    assert change.significant


def test_an_empty_week_against_a_mean_of_six_is_flagged_down() -> None:
    change = compare(0, 24, exposure=1, base_exposure=4)
    # P(X = 0) = 0.8^24 = 0.0047 in Binomial(24, 0.2), plus the as unlikely outcomes above the mean.
    assert change.p_value == pytest.approx(exact_p(0, 1, 24, 4), rel=1e-9)
    assert change.p_value == pytest.approx(0.0085107446, rel=1e-8)
    assert change.pct == -100.0
    assert change.direction == "ned"


def test_a_tiny_p_value_with_a_small_difference_is_not_flagged() -> None:
    # Two events in a week that had none the whole previous year: p = (1/53)^2, but only +2.
    change = compare(2, 0, exposure=1, base_exposure=52)
    assert change.p_value == pytest.approx((1 / 53) ** 2, rel=1e-9)
    assert change.expected == 0.0
    assert change.pct is None
    assert change.direction is None


def test_a_large_enough_difference_that_is_not_unlikely_is_not_flagged() -> None:
    change = compare(6, 12, exposure=1, base_exposure=4)
    assert change.diff == 3.0
    assert change.p_value > 0.2
    assert change.direction is None


def test_rise_from_nothing_has_no_percentage() -> None:
    change = compare(5, 0, exposure=1, base_exposure=4)
    assert change.p_value == pytest.approx(0.2**5)
    assert change.pct is None
    assert change.direction == "upp"


def test_twenty_eight_days_against_the_same_days_last_year() -> None:
    # A doubling from 20 to 40 gives p = 0.0135 in Binomial(60, 1/2): not enough at alpha 0.01.
    change = compare(40, 20, exposure=28, base_exposure=28)
    assert change.expected == 20.0
    assert change.pct == 100.0
    assert change.p_value == pytest.approx(exact_p(40, 1, 20, 1))
    assert change.p_value == pytest.approx(0.0134892937, rel=1e-8)
    assert change.direction is None
    more = compare(42, 20, exposure=28, base_exposure=28)
    assert more.p_value == pytest.approx(exact_p(42, 1, 20, 1))
    assert more.p_value < 0.01
    assert more.direction == "upp"
    fewer = compare(20, 42, exposure=28, base_exposure=28)
    assert fewer.p_value == pytest.approx(more.p_value)
    assert fewer.direction == "ned"


def test_min_diff_can_be_raised() -> None:
    assert compare(15, 24, exposure=1, base_exposure=4, min_diff=10).direction is None


# --- rolling_mean, zscore, weekly_baseline ------------------------------------------------------


def test_rolling_mean_is_trailing_and_waits_for_a_full_window() -> None:
    assert rolling_mean([1, 2, 3, 4, 5, 6]) == [None, None, None, 2.5, 3.5, 4.5]
    assert rolling_mean([4, 8, 6], window=2) == [None, 6.0, 7.0]
    assert rolling_mean([3, 5], window=1) == [3.0, 5.0]
    assert rolling_mean([1, 2], window=4) == [None, None]
    assert rolling_mean([]) == []


def test_rolling_mean_takes_a_series_and_keeps_gaps() -> None:
    series = pd.Series([1.0, 2.0, float("nan"), 4.0, 5.0, 6.0, 7.0])
    assert rolling_mean(series, window=2) == [None, 1.5, None, None, 4.5, 5.5, 6.5]
    assert rolling_mean([1, None, 3, 5], window=2) == [None, None, None, 4.0]


def test_rolling_mean_rejects_an_empty_window() -> None:
    with pytest.raises(ValueError):
        rolling_mean([1, 2, 3], window=0)


def test_zscore() -> None:
    # Mean 4, sample standard deviation sqrt(((2-4)^2 + 0 + (6-4)^2) / 2) = 2.
    assert zscore(10, [2, 4, 6]) == pytest.approx(3.0)
    assert zscore(1, [2, 4, 6]) == pytest.approx(-1.5)
    assert zscore(10, [2, None, 4, float("nan"), 6]) == pytest.approx(3.0)


def test_zscore_needs_three_points_and_some_spread() -> None:
    assert zscore(10, [2, 4]) is None
    assert zscore(10, [2, 4, None]) is None
    assert zscore(10, [5, 5, 5, 5]) is None
    assert zscore(0.1, [0.1, 0.1, 0.1]) is None


def test_weekly_baseline() -> None:
    assert weekly_baseline([5, 7, 6, 8]) == 6.5
    assert weekly_baseline([0, 0, 1]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError):
        weekly_baseline([])


# --- poisson_interval ---------------------------------------------------------------------------


def poisson_cdf(k: int, mu: float) -> float:
    return math.fsum(math.exp(-mu) * mu**j / math.factorial(j) for j in range(k + 1))


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (2, 0.2422, 7.225), (5, 1.6235, 11.668), (10, 4.795, 18.390),
     (100, 81.364, 121.627)],
)
def test_poisson_interval_known_values(count: int, low: float, high: float) -> None:
    got_low, got_high = poisson_interval(count)
    assert got_low == pytest.approx(low, abs=1e-3)
    assert got_high == pytest.approx(high, abs=1e-3)


@pytest.mark.parametrize(("count", "level"), [(1, 0.95), (3, 0.95), (10, 0.90), (10, 0.99), (40, 0.95)])
def test_poisson_interval_limits_cut_off_the_stated_tails(count: int, level: float) -> None:
    low, high = poisson_interval(count, level)
    tail = (1 - level) / 2
    assert 1 - poisson_cdf(count - 1, low) == pytest.approx(tail, rel=1e-7)  # P(X >= count | low)
    assert poisson_cdf(count, high) == pytest.approx(tail, rel=1e-7)  # P(X <= count | high)


def test_poisson_interval_other_levels_and_large_counts() -> None:
    assert poisson_interval(10, 0.90) == pytest.approx((5.4254, 16.9622), abs=1e-3)
    assert poisson_interval(0, 0.90) == (0.0, pytest.approx(math.log(20)))
    # For large counts Byar's approximation is accurate to well below one event.
    k = 10_000
    byar_low = k * (1 - 1 / (9 * k) - Z95 / (3 * math.sqrt(k))) ** 3
    byar_high = (k + 1) * (1 - 1 / (9 * (k + 1)) + Z95 / (3 * math.sqrt(k + 1))) ** 3
    assert poisson_interval(k) == pytest.approx((byar_low, byar_high), abs=0.05)
    with pytest.raises(ValueError):
        poisson_interval(5, 1.0)
    with pytest.raises(ValueError):
        poisson_interval(-1)


# --- did_effect ---------------------------------------------------------------------------------


def test_did_on_a_hand_computed_table() -> None:
    effect = did_effect(40, 20, 400, 380, weeks_before=8, weeks_during=8)
    ratio = (20 / 40) / (380 / 400)  # = 10/19
    se = math.sqrt(1 / 40 + 1 / 20 + 1 / 400 + 1 / 380)
    assert effect.ratio == pytest.approx(0.5263157895)
    assert effect.ratio == pytest.approx(ratio)
    assert se == pytest.approx(0.283075, abs=1e-6)
    assert effect.ci_low == pytest.approx(ratio * math.exp(-Z95 * se))
    assert effect.ci_high == pytest.approx(ratio * math.exp(Z95 * se))
    assert (effect.ci_low, effect.ci_high) == pytest.approx((0.30220, 0.91664), abs=1e-5)
    assert effect.pct == pytest.approx(-47.368421, abs=1e-6)
    assert (effect.treated_before, effect.treated_during, effect.control_before, effect.control_during) == (40, 20, 400, 380)
    assert effect.text == (
        f"Under insatsen: 47{NB}% färre händelser än väntat utifrån utvecklingen i övriga stadsdelar "
        f"(95{NB}% konfidensintervall: 8–70{NB}% färre)."
    )
    assert not effect.corrected


def test_did_increase() -> None:
    effect = did_effect(40, 60, 400, 380, weeks_before=8, weeks_during=8)
    assert effect.ratio == pytest.approx((60 / 40) / (380 / 400))  # 1.5789
    assert effect.text == (
        f"Under insatsen: 58{NB}% fler händelser än väntat utifrån utvecklingen i övriga stadsdelar "
        f"(95{NB}% konfidensintervall: 3–141{NB}% fler)."
    )


def test_did_interval_spanning_one_is_no_certain_effect() -> None:
    # Same ratio as above, but a comparison group a tenth the size: se = sqrt(1/40+1/20+1/40+1/38).
    effect = did_effect(40, 20, 40, 38, weeks_before=8, weeks_during=8)
    se = math.sqrt(1 / 40 + 1 / 20 + 1 / 40 + 1 / 38)
    assert effect.ci_low == pytest.approx(10 / 19 * math.exp(-Z95 * se))  # 0.2623
    assert effect.ci_high == pytest.approx(10 / 19 * math.exp(Z95 * se))  # 1.0563
    assert effect.text == f"Under insatsen: ingen säker effekt – mellan 74{NB}% färre och 6{NB}% fler händelser än väntat."


def test_did_with_too_few_events() -> None:
    effect = did_effect(5, 4, 400, 380, weeks_before=8, weeks_during=8)
    assert effect.text == "Under insatsen: för få händelser för att bedöma effekten."
    assert effect.ratio is effect.ci_low is effect.ci_high is effect.pct is None
    assert did_effect(6, 4, 400, 380, 8, 8).ratio is not None  # ten events are enough


def test_did_zero_cell_gets_half_added_to_every_cell() -> None:
    effect = did_effect(12, 0, 400, 380, weeks_before=8, weeks_during=8)
    ratio = (0.5 / 12.5) / (380.5 / 400.5)
    se = math.sqrt(1 / 12.5 + 1 / 0.5 + 1 / 400.5 + 1 / 380.5)
    assert effect.ratio == pytest.approx(ratio)  # 0.0421
    assert effect.ci_low == pytest.approx(ratio * math.exp(-Z95 * se))  # 0.0025
    assert effect.ci_high == pytest.approx(ratio * math.exp(Z95 * se))  # 0.7136
    assert effect.corrected
    # 99.75 % fewer is shown as 99 %: a positive ratio never means that the events stopped.
    assert effect.text == (
        f"Under insatsen: 96{NB}% färre händelser än väntat utifrån utvecklingen i övriga stadsdelar "
        f"(95{NB}% konfidensintervall: 29–99{NB}% färre). "
        "Ett av antalen är noll, så 0,5 har lagts till vart och ett av de fyra antalen för att kunna räkna; "
        "skattningen är därför extra osäker."
    )


def test_did_week_counts_cancel() -> None:
    same = did_effect(40, 20, 400, 380, weeks_before=8, weeks_during=8)
    shorter = did_effect(40, 20, 400, 380, weeks_before=8, weeks_during=4)
    assert shorter.ratio == pytest.approx(same.ratio)
    assert (shorter.weeks_before, shorter.weeks_during) == (8, 4)


def test_did_other_level() -> None:
    effect = did_effect(40, 20, 400, 380, weeks_before=8, weeks_during=8, level=0.90)
    assert effect.text.endswith(f"(90{NB}% konfidensintervall: 16–67{NB}% färre).")


def test_did_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        did_effect(-1, 20, 400, 380, 8, 8)
    with pytest.raises(ValueError):
        did_effect(40, 20, 400, 380, 0, 8)
