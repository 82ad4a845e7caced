"""The meeting's statistics against numbers worked out by hand, computed independently here, or
published by R (binom.test, poisson.test).

The binomial and beta-binomial tails are checked against sums in exact fractions: with integer
exposures e and b, each binomial outcome's probability times (e + b)^n is the integer
C(n, k)·e^k·b^(n-k), and a beta-binomial with integer shapes is a ratio of factorials, so no
logarithm or floating-point tie enters the reference.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from trygghet.analysis.stats import (
    ALPHA_DOWN,
    ALPHA_UP,
    Change,
    compare,
    compare_many,
    poisson_interval,
    poisson_rate_test,
    rate_tails,
    rolling_mean,
    weekly_baseline,
    zscore,
)

Z95 = 1.959963984540054  # standard normal 97.5 % quantile


def binomial_weights(n: int, exposure: int, base_exposure: int) -> list[int]:
    # Built up term by term: C(n, k+1) = C(n, k)·(n-k)/(k+1), which keeps n > 2000 fast.
    weights, binom = [], 1
    for k in range(n + 1):
        weights.append(binom * exposure**k * base_exposure ** (n - k))
        binom = binom * (n - k) // (k + 1)
    return weights


def exact_p(count: int, exposure: int, base_count: int, base_exposure: int) -> float:
    """Two-sided: every outcome no more likely than the observed one."""
    n = count + base_count
    weights = binomial_weights(n, exposure, base_exposure)
    observed = weights[count]
    return float(Fraction(sum(w for w in weights if w <= observed), (exposure + base_exposure) ** n))


def exact_upper(count: int, exposure: int, base_count: int, base_exposure: int) -> float:
    n = count + base_count
    return float(Fraction(sum(binomial_weights(n, exposure, base_exposure)[count:]), (exposure + base_exposure) ** n))


def exact_lower(count: int, exposure: int, base_count: int, base_exposure: int) -> float:
    n = count + base_count
    weights = binomial_weights(n, exposure, base_exposure)
    return float(Fraction(sum(weights[:count + 1]), (exposure + base_exposure) ** n))


def beta_binomial_pmf(n: int, a: int, b: int) -> list[Fraction]:
    """P(X = k) = C(n, k)·B(k + a, n - k + b) / B(a, b), with B(x, y) = (x-1)!(y-1)!/(x+y-1)! for integers."""
    f = math.factorial

    def beta(x: int, y: int) -> Fraction:
        return Fraction(f(x - 1) * f(y - 1), f(x + y - 1))

    return [math.comb(n, k) * beta(k + a, n - k + b) / beta(a, b) for k in range(n + 1)]


# --- poisson_rate_test: R's published results -----------------------------------------------------


def test_r_binom_test_682_of_925() -> None:
    # R: binom.test(682, 925, p = 0.75) gives p-value = 0.3825, 95 % CI 0.7076683–0.7654066. The same
    # test as comparing 682 events over 3 units with 243 over 1 (p0 = 3/4).
    assert poisson_rate_test(682, 3, 243, 1) == pytest.approx(0.3825, abs=5e-5)
    ci = sps.binomtest(682, 925, 0.75).proportion_ci()
    assert (ci.low, ci.high) == pytest.approx((0.7076683, 0.7654066), abs=1e-7)


def test_r_poisson_test_comparing_two_rates() -> None:
    # R's ?poisson.test: poisson.test(c(11, 6 + 8 + 7), c(800, 1083 + 1050 + 878)) gives
    # p-value = 0.07967, rate ratio 1.971488, 95 % CI 0.8584264–4.2772659.
    assert poisson_rate_test(11, 800, 21, 3011) == pytest.approx(0.07967, abs=5e-6)
    assert poisson_rate_test(11, 800, 21, 3011) == pytest.approx(exact_p(11, 800, 21, 3011), rel=1e-9)


def test_r_poisson_test_interval_of_137_events() -> None:
    # R: poisson.test(137, 24.19893) gives the rate's 95 % CI 4.753125–6.692709 (and p < 2.2e-16 against 1).
    low, high = poisson_interval(137)
    assert (low / 24.19893, high / 24.19893) == pytest.approx((4.753125, 6.692709), abs=1e-6)


def test_fourteen_against_twenty_four_over_four_weeks() -> None:
    # n = 38, p0 = 1/5: P(X = 14) and everything less likely, on both sides of the mean 7.6.
    assert poisson_rate_test(14, 1, 24, 4) == pytest.approx(0.0142144114, rel=1e-8)
    assert poisson_rate_test(14, 1, 24, 4) == pytest.approx(exact_p(14, 1, 24, 4), rel=1e-12)


def test_no_events_at_all_gives_p_one() -> None:
    assert poisson_rate_test(0, 1, 0, 4) == 1.0
    assert poisson_rate_test(0, 28, 0, 28) == 1.0


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


def test_exact_also_above_two_thousand_events() -> None:
    # The hand-written test switched to a normal approximation here, up to ~10 % off in the p-value.
    assert poisson_rate_test(1041, 1, 960, 1) == pytest.approx(exact_p(1041, 1, 960, 1), rel=1e-9)
    assert poisson_rate_test(450, 1, 2000, 4) == pytest.approx(exact_p(450, 1, 2000, 4), rel=1e-9)


def test_symmetric_in_the_two_periods() -> None:
    for a, b in [(12, 4), (3, 9), (0, 7), (20, 30)]:
        assert poisson_rate_test(a, 1, b, 1) == pytest.approx(poisson_rate_test(b, 1, a, 1), rel=1e-12)
    # Only the ratio of the exposures matters: a week against four weeks, or 7 days against 28.
    assert poisson_rate_test(14, 7, 24, 28) == pytest.approx(poisson_rate_test(14, 1, 24, 4), rel=1e-12)


def test_rejects_negative_counts_and_empty_exposures() -> None:
    with pytest.raises(ValueError):
        poisson_rate_test(-1, 1, 4, 4)
    with pytest.raises(ValueError):
        poisson_rate_test(1, 0, 4, 4)
    with pytest.raises(ValueError):
        poisson_rate_test(1, 1, 4, 0)


# --- rate_tails: binomial without dispersion, beta-binomial with it ----------------------------------


@pytest.mark.parametrize(("count", "base_count", "base_exposure"), [(3, 4, 4), (14, 24, 4), (0, 24, 4), (9, 300, 52)])
def test_without_dispersion_the_tails_are_exact_binomial_sums(count: int, base_count: int, base_exposure: int) -> None:
    upper, lower = rate_tails(count, base_count, 1, base_exposure)
    assert float(upper) == pytest.approx(exact_upper(count, 1, base_count, base_exposure), rel=1e-9)
    assert float(lower) == pytest.approx(exact_lower(count, 1, base_count, base_exposure), rel=1e-9)


def test_beta_binomial_tails_against_factorials() -> None:
    # Shape 1 per week: a week against 4 weeks is BetaBinomial(n, 1, 4); shape 2: BetaBinomial(n, 2, 8).
    for shape, count, base in [(1.0, 6, 10), (2.0, 9, 20), (3.0, 12, 30), (1.0, 0, 12)]:
        pmf = beta_binomial_pmf(count + base, int(shape), int(4 * shape))
        upper, lower = rate_tails(count, base, 1, 4, shape)
        assert float(upper) == pytest.approx(float(sum(pmf[count:])), rel=1e-9)
        assert float(lower) == pytest.approx(float(sum(pmf[:count + 1])), rel=1e-9)
    # Shape 1 against one week of shape 1 is uniform on 0..n: P(X >= 2 | n = 2) = 1/3.
    assert float(rate_tails(2, 0, 1, 1, 1.0)[0]) == pytest.approx(1 / 3)


def _shape_grid(sizes: list[int], shapes: list[tuple[float, float]]) -> list[tuple[int, int, float, float]]:
    """(count, n, a, b): at 0 and 1, the mean, four standard deviations above it, the middle and the top."""
    cases = []
    for n, (a, b) in itertools.product(sizes, shapes):
        mean = n * a / (a + b)
        for count in sorted({0, 1, round(mean), round(mean + 4 * math.sqrt(mean + 1)), n // 2, n - 1, n}):
            if 0 <= count <= n:
                cases.append((count, n, a, b))
    return cases


def test_beta_binomial_tails_in_one_call_against_exact_fractions() -> None:
    # Every cell in one call: short and long sides, counts summed from below and from above, together.
    cases = _shape_grid([0, 1, 7, 60, 400], [(1, 1), (1, 52), (4, 4), (3, 156), (1, 4), (52, 1), (400, 2000)])
    count, n, a, b = (np.array(v) for v in zip(*cases, strict=True))
    upper, lower = rate_tails(count, n - count, a, b, 1.0)
    for i, (c, total, x, y) in enumerate(cases):
        pmf = beta_binomial_pmf(total, int(x), int(y))
        exact_up, exact_low = float(sum(pmf[c:])), float(sum(pmf[:c + 1]))
        assert upper[i] == pytest.approx(exact_up, rel=1e-11, abs=1e-11), cases[i]
        assert lower[i] == pytest.approx(exact_low, rel=1e-11, abs=1e-11), cases[i]
        # The tail on the count's shorter side is a sum, exact however small (the other is 1 minus it).
        short, exact_short = (lower[i], exact_low) if c <= total - c else (upper[i], exact_up)
        assert short == pytest.approx(exact_short, rel=1e-11, abs=0), cases[i]


def test_beta_binomial_tails_against_scipy_up_to_twenty_thousand() -> None:
    # Shapes that are no integers, from wild (0.05) to calm (50 a week against 52 weeks), and totals up
    # to the sum's limit; scipy's own terms add up to 1 only to about 1e-11 at such totals.
    cases = _shape_grid([5, 60, 600, 5000, 19_000],
                        [(0.05, 0.05), (0.05, 2.6), (1.0, 52.0), (7.5, 7.5), (2.5, 10.0), (50.0, 2600.0)])
    cases += [(5, 200_005, 3.0, 156.0), (0, 500_000, 0.5, 26.0), (19_990, 20_000, 1.0, 1.0)]
    count, n, a, b = (np.array(v) for v in zip(*cases, strict=True))
    upper, lower = rate_tails(count, n - count, a, b, 1.0)
    assert upper == pytest.approx(sps.betabinom.sf(count - 1, n, a, b), rel=1e-9, abs=1e-10)
    assert lower == pytest.approx(sps.betabinom.cdf(count, n, a, b), rel=1e-9, abs=1e-10)


def test_nearly_poisson_beta_binomial_tails_against_exact_fractions() -> None:
    # Shape 30 000 a week against 52 weeks: just below POISSON_SHAPE. The log-beta functions of such
    # shapes (scipy's, which the sums start from) keep about five digits, which is why larger shapes are
    # tested as binomial; the reference is exact: P(X = k) = C(n, k)·a^(k)·b^(n-k) / (a+b)^(n), rising powers.
    def rising(x: int, m: int) -> int:
        return math.prod(range(x, x + m))

    a, b = 30_000, 1_560_000
    for count, n in [(0, 5), (1, 5), (2, 5), (7, 60), (25, 600), (5, 600)]:
        pmf = [Fraction(math.comb(n, k) * rising(a, k) * rising(b, n - k), rising(a + b, n)) for k in range(n + 1)]
        upper, lower = rate_tails(count, n - count, a, b, 1.0)
        assert float(upper) == pytest.approx(float(sum(pmf[count:])), rel=1e-5), (count, n)
        assert float(lower) == pytest.approx(float(sum(pmf[:count + 1])), rel=1e-5), (count, n)


def test_beta_binomial_is_the_negative_binomial_given_the_total() -> None:
    # Why the conditional test holds: X ~ NB(shape·1, p), Y ~ NB(shape·4, p) independent; X given X + Y = n.
    shape, n, p = 3.0, 40, 0.3
    x = np.arange(n + 1)
    joint = sps.nbinom.pmf(x, shape, p) * sps.nbinom.pmf(n - x, 4 * shape, p)
    conditional = joint / joint.sum()
    upper, _ = rate_tails(np.arange(n + 1), n - np.arange(n + 1), 1, 4, shape)
    assert upper == pytest.approx(np.cumsum(conditional[::-1])[::-1], rel=1e-9)


def test_more_dispersion_means_larger_p_values() -> None:
    shapes = [math.inf, 100.0, 10.0, 3.0, 1.0]
    upper = [float(rate_tails(15, 24 * 13, 1, 52, s)[0]) for s in shapes]
    assert all(a < b for a, b in itertools.pairwise(upper))
    # A shape above a million is the binomial (scipy's beta-binomial is imprecise that far out).
    assert float(rate_tails(15, 300, 1, 52, 2e6)[0]) == pytest.approx(exact_upper(15, 1, 300, 52), rel=1e-9)


# --- compare: one decision everywhere --------------------------------------------------------------


def test_three_against_a_mean_of_one_does_not_shout() -> None:
    # Binomial(7, 0.2): P(X >= 3) = 1 - (.2097152 + .3670016 + .2752512) = .148032.
    change = compare(3, 4, exposure=1, base_exposure=4)
    assert change == Change(count=3, expected=1.0, diff=2.0, pct=200.0, p_value=pytest.approx(0.148032), direction=None)
    assert not change.significant


def test_fourteen_against_a_mean_of_six_is_not_yet_sure_but_fifteen_is() -> None:
    fourteen = compare(14, 24, exposure=1, base_exposure=4)
    assert (fourteen.expected, fourteen.diff) == (6.0, 8.0)
    assert fourteen.p_value == pytest.approx(exact_upper(14, 1, 24, 4), rel=1e-9)  # 0.0120
    assert fourteen.p_value > ALPHA_UP and fourteen.direction is None
    fifteen = compare(15, 24, exposure=1, base_exposure=4)
    assert fifteen.p_value == pytest.approx(exact_upper(15, 1, 24, 4), rel=1e-9)  # 0.0060
    assert fifteen.direction == "upp" and fifteen.significant


def test_a_fall_needs_the_stricter_level() -> None:
    # 0 against a mean of 6: P(X = 0) = 0.8^24 = 0.0047, sure enough for a rise but not for a fall –
    # an empty week is more often a partner who did not report.
    change = compare(0, 24, exposure=1, base_exposure=4)
    assert change.p_value == pytest.approx(0.8**24, rel=1e-9)
    assert change.pct == -100.0
    assert ALPHA_DOWN < change.p_value < ALPHA_UP
    assert change.direction is None
    assert compare(0, 52 * 8, exposure=1, base_exposure=52).direction == "ned"  # 0 against a mean of 8


def test_a_tiny_p_value_with_a_small_difference_is_not_flagged() -> None:
    # Two events in a week that had none the whole previous year: p = (1/53)^2, but only +2.
    change = compare(2, 0, exposure=1, base_exposure=52)
    assert change.p_value == pytest.approx((1 / 53) ** 2, rel=1e-9)
    assert change.expected == 0.0
    assert change.pct is None
    assert change.direction is None


def test_rise_from_nothing_has_no_percentage() -> None:
    change = compare(5, 0, exposure=1, base_exposure=4)
    assert change.p_value == pytest.approx(0.2**5)
    assert change.pct is None
    assert change.direction == "upp"


def test_twenty_eight_days_against_the_same_days_last_year() -> None:
    # 40 against 20 in Binomial(60, 1/2): P(X >= 40) = 0.0067, a sure rise (39 gives 0.0092, not yet).
    # The mirror, 20 against 42, has P(X <= 20 | 62) = 0.0036: not below the level for falls.
    assert compare(39, 20, exposure=4, base_exposure=4).direction is None
    change = compare(40, 20, exposure=4, base_exposure=4)
    assert (change.expected, change.pct) == (20.0, 100.0)
    assert change.p_value == pytest.approx(exact_upper(40, 1, 20, 1), rel=1e-9)
    assert change.direction == "upp"
    fewer = compare(20, 42, exposure=4, base_exposure=4)
    assert fewer.p_value == pytest.approx(exact_lower(20, 1, 42, 1), rel=1e-9)
    assert fewer.direction is None


def test_the_weeks_own_variation_can_make_a_jump_noise() -> None:
    # 20 in a week against 6 a week for a year: sure as Poisson, but not for a series whose weekly
    # rate varies by a gamma factor of shape 1.5 – and sure again at shape 10.
    base = 6 * 52
    assert compare(20, base, 1, 52).direction == "upp"
    assert compare(20, base, 1, 52, shape=1.5).direction is None
    assert compare(20, base, 1, 52, shape=10.0).direction == "upp"


def test_min_diff_can_be_raised() -> None:
    assert compare(15, 24, exposure=1, base_exposure=4, min_diff=10).direction is None


def test_compare_many_is_compare_per_cell() -> None:
    counts, bases = np.array([3, 15, 0, 20, 2]), np.array([4, 24, 24, 312, 0])
    shapes = np.array([math.inf, math.inf, 2.0, 1.5, math.inf])
    many = compare_many(counts, bases, 1.0, 4.0, shapes)
    for i, row in many.iterrows():
        one = compare(int(counts[i]), int(bases[i]), 1.0, 4.0, float(shapes[i]))
        assert (row["expected"], row["diff"]) == (one.expected, one.diff)
        assert row["p_value"] == pytest.approx(one.p_value)
        assert (row["direction"] or None) == one.direction


def test_compare_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        compare(-1, 4, 1, 4)
    with pytest.raises(ValueError):
        compare(1, 4, 1, 0)


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


@pytest.mark.parametrize(("count", "total", "a", "b"), [
    (30_000, 50_000, 30.0, 30.0), (19_000, 50_000, 30.0, 30.0), (60_000, 1_000_000, 3.0, 156.0),
    (22_000, 40_000, 144.0, 144.0), (21_000, 40_000, 1440.0, 1440.0),
])
def test_above_twenty_thousand_events_the_tails_are_the_beta_average_of_binomial_tails(
    count: int, total: int, a: float, b: float,
) -> None:
    # scipy's own sum over every term, which the fast way replaces for large totals.
    upper, lower = rate_tails(count, total - count, a, b, 1.0)
    assert float(upper) == pytest.approx(sps.betabinom.sf(count - 1, total, a, b), rel=1e-4)
    assert float(lower) == pytest.approx(sps.betabinom.cdf(count, total, a, b), rel=1e-4)
