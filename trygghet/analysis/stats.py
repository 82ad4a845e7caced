"""The statistics behind the arrows: is this count really different from its base?

Plain functions on counts – no database, no Streamlit – so every number the meeting sees can
be checked by hand. The distributions come from scipy.stats; nothing here sums a distribution
or inverts a quantile by hand.

A weekly count is modelled as negative binomial: Poisson around a weekly rate that itself
varies from week to week by a gamma factor of `shape` (the dispersion, estimated per series
from its own weeks in trygghet.analysis.dispersion). A count over `exposure` weeks then has
a gamma factor of shape `shape · exposure`. The question "is 14 this week more than the usual
6?" is answered conditionally, as the exact Poisson rate test does: given the total
n = count + base_count, the count is BetaBinomial(n, shape·exposure, shape·base_exposure) when
nothing has changed. This needs no estimate of the mean, accounts for the base being only so
many weeks of data, and with shape = ∞ (no variation beyond Poisson) it is exactly the binomial
test of R's poisson.test.

One decision everywhere a change is called "säker": a rise when the upper tail is below
ALPHA_UP, a fall when the lower tail is below ALPHA_DOWN, and in both cases a difference of at
least MIN_DIFF events. Falls get the stricter level because a quiet week is more often a
partner who did not report than a real fall.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats as sps

# 150 stadsdel × kategori cells tested every week: at 0.01 a well-calibrated test alone gives
# 1.5 false rises a week. Measured over 40 generated data sets (tests/test_flags_generated.py):
# 0.0075 lists 1.0 items a week on no-change data and finds 87 % of cells at four times their mean;
# 0.005 lists 0.7 but finds only 81 %, too close to the 80 % a meeting must be able to rely on.
ALPHA_UP = 0.0075
ALPHA_DOWN = 0.001
MIN_DIFF = 3


def level_text(alpha: float, percent: bool = False) -> str:
    """A significance level as the documents write it: '0,005', or '0,5 %' with percent."""
    value = alpha * 100 if percent else alpha
    return f"{value:g}".replace(".", ",") + (" %" if percent else "")


# Beyond this shape the beta-binomial is the binomial to many digits, and scipy's beta-binomial
# loses precision in the far tail of such shapes (1e-9 where the binomial gives 1e-13).
POISSON_SHAPE = 1e6
# scipy's beta-binomial tail sums every term from 0: 1 ms at 10 000 events, 130 ms at a million, which a
# year to date at ten million events reaches. Above this total the tail is computed as what it is, the
# binomial tail averaged over the beta: P(X >= k) = ∫ Beta(p; a, b) · P(Binomial(n, p) >= k) dp, by
# Gauss–Legendre on pieces cut where either factor changes fast (about 1 ms, within 1e-4 of scipy's sum).
EXACT_TOTAL = 20_000
_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)

# For a caption or a document: what "statistiskt säker" means, in brackets after the words.
FLAG_RULE_SHORT = (
    f"osannolik även med seriens egen variation mellan veckor: ökning vid p < {level_text(ALPHA_UP)}, "
    f"minskning vid p < {level_text(ALPHA_DOWN)}, minst {MIN_DIFF} händelser i skillnad"
)



def _check_counts(**counts: int | float) -> None:
    for name, value in counts.items():
        if value < 0:
            raise ValueError(f"{name} får inte vara negativt ({value}).")


def _check_exposures(**exposures: float) -> None:
    for name, value in exposures.items():
        if not value > 0:
            raise ValueError(f"{name} måste vara större än noll ({value}).")


def poisson_rate_test(count: int, exposure: float, base_count: int, base_exposure: float) -> float:
    """Two-sided exact p-value that count/exposure differs from base_count/base_exposure.

    R's poisson.test(c(count, base_count), c(exposure, base_exposure)): the conditional
    binomial test, two-sided by summing every outcome no more likely than the observed one.
    """
    _check_counts(count=count, base_count=base_count)
    _check_exposures(exposure=exposure, base_exposure=base_exposure)
    n = count + base_count
    if n == 0:
        return 1.0
    return float(sps.binomtest(int(count), int(n), exposure / (exposure + base_exposure)).pvalue)


def rate_tails(
    count: np.ndarray | int,
    base_count: np.ndarray | int,
    exposure: np.ndarray | float = 1.0,
    base_exposure: np.ndarray | float = 1.0,
    shape: np.ndarray | float = math.inf,
) -> tuple[np.ndarray, np.ndarray]:
    """P(X >= count) and P(X <= count) for X the count given the total, if nothing has changed.

    Vectorised over cells. `shape` is the negative binomial shape per week (math.inf: Poisson);
    exposures are in weeks.
    """
    count, base = np.asarray(count, dtype=np.int64), np.asarray(base_count, dtype=np.int64)
    exposure, base_exposure = np.asarray(exposure, dtype=float), np.asarray(base_exposure, dtype=float)
    shape = np.asarray(shape, dtype=float)
    count, base, exposure, base_exposure, shape = np.broadcast_arrays(count, base, exposure, base_exposure, shape)
    n = count + base
    poisson = ~(shape < POISSON_SHAPE)
    upper, lower = np.ones(count.shape), np.ones(count.shape)
    if poisson.any():
        p = exposure[poisson] / (exposure[poisson] + base_exposure[poisson])
        upper[poisson] = sps.binom.sf(count[poisson] - 1, n[poisson], p)
        lower[poisson] = sps.binom.cdf(count[poisson], n[poisson], p)
    mixed = ~poisson & (n <= EXACT_TOTAL)
    if mixed.any():
        a, b = shape[mixed] * exposure[mixed], shape[mixed] * base_exposure[mixed]
        upper[mixed] = sps.betabinom.sf(count[mixed] - 1, n[mixed], a, b)
        lower[mixed] = sps.betabinom.cdf(count[mixed], n[mixed], a, b)
    for i in np.flatnonzero(~poisson & (n > EXACT_TOTAL)):
        upper.flat[i], lower.flat[i] = _mixture_tails(
            int(count.flat[i]), int(n.flat[i]), shape.flat[i] * exposure.flat[i], shape.flat[i] * base_exposure.flat[i])
    return np.clip(upper, 0.0, 1.0), np.clip(lower, 0.0, 1.0)


def _mixture_tails(count: int, n: int, a: float, b: float) -> tuple[float, float]:
    """Both beta-binomial tails at `count` as the beta average of the binomial tails (see EXACT_TOTAL)."""
    mean, sd = a / (a + b), math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    centre = count / n
    width = math.sqrt(max(centre * (1 - centre), 1 / n) / n)  # where the binomial tail steps from 0 to 1
    low, high = float(sps.beta.ppf(1e-16, a, b)), float(sps.beta.isf(1e-16, a, b))
    inside = (centre - 8 * width, centre, centre + 8 * width, mean - 6 * sd, mean, mean + 6 * sd)
    cuts = np.array(sorted({low, high, *(min(max(x, low), high) for x in inside)}))
    half, middle = (cuts[1:] - cuts[:-1]) / 2, (cuts[1:] + cuts[:-1]) / 2
    p = (middle[:, None] + half[:, None] * _NODES[None, :]).ravel()
    weight = (half[:, None] * _WEIGHTS[None, :]).ravel() * sps.beta.pdf(p, a, b)
    return (float(np.sum(weight * sps.binom.sf(count - 1, n, p))),
            float(np.sum(weight * sps.binom.cdf(count, n, p))))


@dataclass(frozen=True)
class Change:
    """One count compared with its base, and whether the difference is worth pointing at."""

    count: int
    expected: float  # the base rate scaled to the count's exposure
    diff: float
    pct: float | None  # None when nothing was expected: any rise would be "infinitely" large
    p_value: float  # the tail in the direction of the difference: how unlikely a count this far out is
    direction: str | None  # "upp", "ned" or None when the change is not sure

    @property
    def significant(self) -> bool:
        return self.direction is not None


def compare_many(
    count: np.ndarray,
    base_count: np.ndarray,
    exposure: np.ndarray | float = 1.0,
    base_exposure: np.ndarray | float = 1.0,
    shape: np.ndarray | float = math.inf,
    min_diff: float = MIN_DIFF,
) -> pd.DataFrame:
    """compare for many cells at once: columns expected, diff, p_value and direction ('upp', 'ned', '')."""
    count, base = np.asarray(count, dtype=np.int64), np.asarray(base_count, dtype=np.int64)
    if (count < 0).any() or (base < 0).any():
        raise ValueError("Antal får inte vara negativa.")
    if not (np.asarray(exposure) > 0).all() or not (np.asarray(base_exposure) > 0).all():
        raise ValueError("Perioderna måste vara längre än noll.")
    upper, lower = rate_tails(count, base, exposure, base_exposure, shape)
    expected = np.broadcast_to(base * np.asarray(exposure, dtype=float) / np.asarray(base_exposure, dtype=float),
                               upper.shape)
    diff = count - expected
    p_value = np.where(diff > 0, upper, np.where(diff < 0, lower, 1.0))
    up = (diff >= min_diff) & (upper < ALPHA_UP)
    down = (-diff >= min_diff) & (lower < ALPHA_DOWN)
    return pd.DataFrame({
        "expected": expected, "diff": diff, "p_value": p_value,
        "direction": np.where(up, "upp", np.where(down, "ned", "")),
    })


def compare(
    count: int,
    base_count: int,
    exposure: float = 1.0,
    base_exposure: float = 1.0,
    shape: float = math.inf,
    min_diff: float = MIN_DIFF,
) -> Change:
    """This period's count against a base period, e.g. one week against the 52 before it.

    Flagged ('upp'/'ned') only when the count is unlikely given the base (see ALPHA_UP and
    ALPHA_DOWN) and at least min_diff events from what was expected: with small counts a tiny
    p-value can still be a difference of one or two events, and those must not light up the screen.
    """
    _check_counts(count=count, base_count=base_count)
    _check_exposures(exposure=exposure, base_exposure=base_exposure)
    row = compare_many(np.array([count]), np.array([base_count]), exposure, base_exposure, shape, min_diff).iloc[0]
    expected = float(row["expected"])
    diff = float(row["diff"])
    pct = diff / expected * 100 if expected > 0 else None
    return Change(int(count), expected, diff, pct, float(row["p_value"]), row["direction"] or None)


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


def poisson_interval(count: int, level: float = 0.95) -> tuple[float, float]:
    """Exact (Garwood) confidence interval for a Poisson mean, given one observed count.

    The limits are the gamma (chi-square) quantiles R's poisson.test uses: the means at which
    the Poisson tails equal (1 - level) / 2.
    """
    _check_counts(count=count)
    if not 0 < level < 1:
        raise ValueError(f"Konfidensnivån måste ligga mellan 0 och 1 ({level}).")
    tail = (1 - level) / 2
    low = 0.0 if count == 0 else float(sps.gamma.ppf(tail, count))
    return low, float(sps.gamma.ppf(1 - tail, count + 1))
