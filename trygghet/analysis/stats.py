"""The statistics behind the arrows: is this week really different, and did the intervention work?

Plain functions on counts – no database, no Streamlit – so every number the meeting
sees can be checked by hand. Only the standard library and numpy are used (no scipy).

Counts of events are treated as Poisson. The weekly question "is 14 this week more
than the usual 6?" is answered with the exact conditional test: given the total
n = count + base_count, the week's share is Binomial(n, exposure / total exposure)
if nothing has changed. Unlike comparing with the base mean as if it were known,
this also accounts for the base being only a few weeks of data – so it is more
cautious, which is what a room that reacts to every arrow needs.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from trygghet.core.formatting import NBSP, fmt_pct

# Beyond this total the exact sum costs O(n) lgamma calls per cell (a year's total for the
# whole municipality runs into the tens of thousands, on pages with hundreds of cells). The
# normal approximation with continuity correction used instead ignores the skew of a 1:4 split,
# so where decisions are made (p from 0.001 to 0.05) it can be off by up to about 10 % of the
# p-value (measured against exact sums): a flag can only change for a count at the threshold.
EXACT_LIMIT = 2000
# R's binom.test treats probabilities this close to the observed one as ties, so that
# floating-point noise does not drop the mirror outcome of a symmetric distribution.
_TIE_TOLERANCE = math.log1p(1e-7)
# Below this many events, the treated area's counts say too little for an effect estimate.
MIN_EFFECT_EVENTS = 10


# log(k!) for every k the exact test can meet, each from lgamma itself (no accumulated rounding).
_LOG_FACTORIAL = np.array([math.lgamma(k + 1) for k in range(EXACT_LIMIT + 1)])


def _check_counts(**counts: int | float) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} får inte vara negativt ({value}).")


def _check_exposures(**exposures: float) -> None:
    for name, value in exposures.items():
        if not value > 0:
            raise ValueError(f"{name} måste vara större än noll ({value}).")


def poisson_rate_test(count: int, exposure: float, base_count: int, base_exposure: float) -> float:
    """Two-sided p-value that count/exposure differs from base_count/base_exposure.

    Exact conditional binomial test; the two-sided p-value sums the probabilities of all
    outcomes no more likely than the observed one (the "minlike" method of R's binom.test).
    For n > EXACT_LIMIT a normal approximation with continuity correction is used instead.
    """
    _check_counts(count=count, base_count=base_count)
    _check_exposures(exposure=exposure, base_exposure=base_exposure)
    n = count + base_count
    if n == 0:
        return 1.0
    p0 = exposure / (exposure + base_exposure)
    if n > EXACT_LIMIT:
        sd = math.sqrt(n * p0 * (1 - p0))
        z = max(0.0, abs(count - n * p0) - 0.5) / sd
        return min(1.0, math.erfc(z / math.sqrt(2)))
    log_p, log_q = math.log(p0), math.log1p(-p0)
    # The whole distribution at once from the table of log-factorials: a page tests hundreds of
    # cells, and a Python loop of lgamma calls per outcome was most of the meeting agenda's time.
    k = np.arange(n + 1)
    log_pmf = _LOG_FACTORIAL[n] - _LOG_FACTORIAL[k] - _LOG_FACTORIAL[n - k] + k * log_p + (n - k) * log_q
    limit = log_pmf[count] + _TIE_TOLERANCE
    p_value = math.fsum(np.exp(log_pmf[log_pmf <= limit]).tolist())
    return min(1.0, p_value)


@dataclass(frozen=True)
class Change:
    """One count compared with its base, and whether the difference is worth pointing at."""

    count: int
    expected: float  # the base rate scaled to the count's exposure
    diff: float
    pct: float | None  # None when nothing was expected: any rise would be "infinitely" large
    p_value: float
    direction: str | None  # "upp", "ned" or None when the change is not significant

    @property
    def significant(self) -> bool:
        return self.direction is not None


def compare(
    count: int,
    base_count: int,
    exposure: float = 1.0,
    base_exposure: float = 1.0,
    alpha: float = 0.01,
    min_diff: float = 3,
) -> Change:
    """This period's count against a base period, e.g. one week against the four before it.

    A change is flagged only when it is both unlikely by chance (p < alpha) and at least
    min_diff events: with small counts a tiny p-value can still be a difference of one or
    two events, and those must not light up the screen.
    """
    p_value = poisson_rate_test(count, exposure, base_count, base_exposure)
    expected = base_count * exposure / base_exposure
    diff = count - expected
    pct = diff / expected * 100 if expected > 0 else None
    direction = None
    if p_value < alpha and abs(diff) >= min_diff:
        direction = "upp" if diff > 0 else "ned"
    return Change(count, expected, diff, pct, p_value, direction)


def weekly_baseline(counts: Sequence[int]) -> float:
    """The usual level: the mean of the previous weeks' counts (the current week not included)."""
    if len(counts) == 0:
        raise ValueError("Det finns inga tidigare veckor att jämföra med.")
    return math.fsum(counts) / len(counts)


def _is_missing(value: float | None) -> bool:
    return value is None or bool(pd.isna(value))


def rolling_mean(values: Sequence[float] | pd.Series, window: int = 4) -> list[float | None]:
    """Trailing mean that includes the current value, like pandas' rolling(window).mean().

    None until the window is full, and for every window that contains a missing value –
    a gap in the data must show as a gap, not as a dip.
    For "this week against the weeks before" use weekly_baseline on the previous weeks.
    """
    if window < 1:
        raise ValueError(f"Fönstret måste vara minst 1 ({window}).")
    items = values.tolist() if isinstance(values, pd.Series) else list(values)
    means: list[float | None] = []
    for end in range(1, len(items) + 1):
        chunk = items[max(0, end - window):end]
        if len(chunk) < window or any(_is_missing(v) for v in chunk):
            means.append(None)
        else:
            means.append(math.fsum(chunk) / window)
    return means


def zscore(value: float, history: Sequence[float]) -> float | None:
    """How many (sample) standard deviations value lies from the mean of history.

    Missing history points are skipped. None with fewer than 3 points (a standard deviation
    of two numbers is mostly noise) or when history never varies (the score would be infinite).
    """
    points = [float(v) for v in history if not _is_missing(v)]
    if len(points) < 3:
        return None
    # statistics works in exact fractions, so identical values give exactly zero spread.
    sd = statistics.stdev(points)
    if sd == 0:
        return None
    return (value - statistics.fmean(points)) / sd


def _normal_quantile(level: float) -> float:
    """z such that a two-sided interval of the standard normal covers `level`."""
    if not 0 < level < 1:
        raise ValueError(f"Konfidensnivån måste ligga mellan 0 och 1 ({level}).")
    return statistics.NormalDist().inv_cdf(0.5 + level / 2)


def _poisson_term(k: int, mu: float) -> float:
    return math.exp(k * math.log(mu) - mu - math.lgamma(k + 1))


def _poisson_lower_tail(k: int, mu: float) -> tuple[float, float]:
    """(P(X <= k), its derivative in mu with the sign dropped) for X ~ Poisson(mu), mu >= k.

    Summed outwards from k, the largest term when mu >= k, so only the terms that matter
    are computed and an underflow can only mean that the whole tail is negligible.
    """
    term = _poisson_term(k, mu)
    total, current = term, term
    for j in range(k, 0, -1):
        current *= j / mu
        total += current
        if current <= total * 1e-17:
            break
    # d/dmu P(X <= k) = -P(X = k)
    return total, term


def _poisson_upper_tail(k: int, mu: float) -> tuple[float, float]:
    """(P(X >= k), its derivative in mu) for X ~ Poisson(mu), 0 < mu <= k, k >= 1."""
    term = _poisson_term(k, mu)
    total, current = term, term
    j = k
    while True:
        j += 1
        current *= mu / j
        total += current
        if current <= total * 1e-17:
            # d/dmu P(X >= k) = P(X = k - 1)
            return total, term * k / mu


def _solve(
    tail: Callable[[float], tuple[float, float]],
    target: float,
    lo: float,
    hi: float,
    guess: float,
    increasing: bool,
) -> float:
    """The mean in [lo, hi] where a monotone Poisson tail probability equals target.

    Newton's method on log(tail) – the derivative of a Poisson tail in mu is a point
    probability – kept inside a bisection bracket so that a bad step cannot escape.
    """
    mu = guess if lo < guess < hi else (lo + hi) / 2
    for _ in range(200):
        prob, slope = tail(mu)
        if (prob < target) == increasing:
            lo = mu
        else:
            hi = mu
        step = math.inf
        if prob > 0 and slope > 0:
            step = (math.log(prob) - math.log(target)) * prob / (slope if increasing else -slope)
        if lo < mu - step < hi:
            mu -= step
            if abs(step) <= 1e-13 * mu:
                break
        else:
            mu = (lo + hi) / 2
            if hi - lo <= 1e-13 * hi:
                break
    return mu


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson mean, given one observed count.

    The Garwood limits are usually written as chi-square quantiles, but they are by
    definition the means at which the Poisson tails equal (1 - level) / 2. Those tails
    are computed directly and the equations solved numerically, which gives the exact
    interval without scipy. (Byar's approximation would be off by 50 % at count = 1,
    the counts this meeting looks at most; it is only the starting guess here.)
    """
    _check_counts(count=count)
    z = _normal_quantile(level)
    tail_target = (1 - level) / 2
    if count == 0:
        # P(X = 0) = exp(-mu), so the upper limit has a closed form.
        return 0.0, -math.log(tail_target)
    k = count
    byar_low = k * (1 - 1 / (9 * k) - z / (3 * math.sqrt(k))) ** 3
    byar_high = (k + 1) * (1 - 1 / (9 * (k + 1)) + z / (3 * math.sqrt(k + 1))) ** 3
    # The median of a Poisson with integer mean k is k, so both tails at mu = k are at least
    # one half: the lower limit lies below k and the upper one above it.
    low = _solve(lambda mu: _poisson_upper_tail(k, mu), tail_target, 0.0, float(k), byar_low, increasing=True)
    hi = 2.0 * k + 2
    while _poisson_lower_tail(k, hi)[0] > tail_target:
        hi *= 2
    high = _solve(lambda mu: _poisson_lower_tail(k, mu), tail_target, float(k), hi, byar_high, increasing=False)
    return low, high


@dataclass(frozen=True)
class Effect:
    """Difference-in-differences estimate of an intervention's effect on event counts."""

    treated_before: int
    treated_during: int
    control_before: int
    control_during: int
    weeks_before: float
    weeks_during: float
    ratio: float | None  # (treated during/before) / (control during/before); < 1 means fewer events
    ci_low: float | None
    ci_high: float | None
    pct: float | None  # (ratio - 1) * 100
    text: str

    @property
    def corrected(self) -> bool:
        """Whether 0.5 was added to every cell because one of them was zero."""
        counts = (self.treated_before, self.treated_during, self.control_before, self.control_during)
        return self.ratio is not None and 0 in counts


def _change_words(ratio: float) -> tuple[str, str]:
    """('38 %', 'färre') for a ratio of 0.62."""
    pct = (ratio - 1) * 100
    if pct < 0:
        # A positive ratio is never "100 % fewer"; rounding must not suggest the events stopped.
        return fmt_pct(min(-pct, 99.0)), "färre"
    return fmt_pct(pct), "fler"


def did_effect(
    treated_before: int,
    treated_during: int,
    control_before: int,
    control_during: int,
    weeks_before: float,
    weeks_during: float,
    level: float = 0.95,
    period: str = "Under insatsen",
) -> Effect:
    """How the treated area changed relative to how the comparison areas changed.

    Every sentence opens with `period` ('Under insatsen', 'Efter insatsen'), so that two
    effects shown one above the other cannot be mixed up.

    The ratio of rate ratios: both groups share the same weeks, so the week counts
    cancel and are kept for the labels and for checking. The standard error of the log
    ratio treats the four counts as independent Poisson: sqrt(1/a + 1/b + 1/c + 1/d).
    A zero count would make that infinite, so 0.5 is then added to all four cells
    (the Haldane–Anscombe correction) and the text says so.
    """
    _check_counts(
        treated_before=treated_before, treated_during=treated_during,
        control_before=control_before, control_during=control_during,
    )
    _check_exposures(weeks_before=weeks_before, weeks_during=weeks_during)
    z = _normal_quantile(level)
    counts = (treated_before, treated_during, control_before, control_during)

    # The comparison areas get the same floor: without events there, there is no trend to compare with.
    if treated_before + treated_during < MIN_EFFECT_EVENTS or control_before + control_during < MIN_EFFECT_EVENTS:
        return Effect(*counts, weeks_before, weeks_during, None, None, None, None,
                      f"{period}: för få händelser för att bedöma effekten.")

    corrected = 0 in counts
    a, b, c, d = (x + 0.5 for x in counts) if corrected else (float(x) for x in counts)
    ratio = (b / a) / (d / c)
    se = math.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    ci_low = math.exp(math.log(ratio) - z * se)
    ci_high = math.exp(math.log(ratio) + z * se)
    pct = (ratio - 1) * 100

    level_text = fmt_pct(level * 100, 0 if round(level * 100, 6).is_integer() else 1)
    if ci_high < 1 or ci_low > 1:
        amount, word = _change_words(ratio)
        # The interval limit nearest to 1 is the smaller change, so it is named first.
        near, far = (ci_high, ci_low) if ci_high < 1 else (ci_low, ci_high)
        near_amount = _change_words(near)[0].removesuffix(f"{NBSP}%")
        far_amount = _change_words(far)[0]
        text = (
            f"{period}: {amount} {word} händelser än väntat utifrån utvecklingen i övriga stadsdelar "
            f"({level_text} konfidensintervall: {near_amount}–{far_amount} {word})."
        )
    else:
        low_amount, _ = _change_words(ci_low)
        high_amount, _ = _change_words(ci_high)
        text = f"{period}: ingen säker effekt – mellan {low_amount} färre och {high_amount} fler händelser än väntat."
    if corrected:
        text += " Ett av antalen är noll, så 0,5 har lagts till vart och ett av de fyra antalen för att kunna räkna; skattningen är därför extra osäker."
    return Effect(*counts, weeks_before, weeks_during, ratio, ci_low, ci_high, pct, text)
