"""The statistics behind the arrows: is this count really different from its base?

Plain functions on counts – no database, no Streamlit – so every number the meeting sees can
be checked by hand. The distributions come from scipy.stats, except the beta-binomial tails of
rate_tails, which sum scipy's own log-pmf formula over many cells at once (scipy's betabinom sums
it cell by cell in Python, a quarter of a click's time); tests/test_stats.py holds them to scipy.

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
from scipy import special
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
# The beta-binomial tails are sums of terms, as many as the shorter side of the count: 1 ms for every
# 10 000 terms of all cells together, 130 ms for a year to date at ten million events. A cell whose
# shorter side has more terms than this is computed as what its tail is, the binomial tail averaged over
# the beta: P(X >= k) = ∫ Beta(p; a, b) · P(Binomial(n, p) >= k) dp, by Gauss–Legendre on pieces cut
# where either factor changes fast (about 1 ms a cell, within 1e-4 of the sum).
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
    short_side = np.minimum(count, n - count)
    mixed = ~poisson & (short_side < EXACT_TOTAL)
    if mixed.any():
        upper[mixed], lower[mixed] = _beta_binomial_tails(
            count[mixed], n[mixed], shape[mixed] * exposure[mixed], shape[mixed] * base_exposure[mixed])
    for i in np.flatnonzero(~poisson & ~mixed):
        upper.flat[i], lower.flat[i] = _mixture_tails(
            int(count.flat[i]), int(n.flat[i]), shape.flat[i] * exposure.flat[i], shape.flat[i] * base_exposure.flat[i])
    return np.clip(upper, 0.0, 1.0), np.clip(lower, 0.0, 1.0)


def _beta_binomial_logpmf(k: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # scipy.stats.betabinom's own log-pmf, so that every sum starts from scipy's term.
    combiln = -np.log(n + 1.0) - special.betaln(n - k + 1.0, k + 1.0)
    return combiln + special.betaln(k + a, n - k + b) - special.betaln(a, b)


# Terms chained by their ratio drift from scipy's by a rounding error a step: every this many terms the
# chain starts again from scipy's own term.
_CHAIN = 64


def _length_groups(lengths: np.ndarray) -> list[slice]:
    """Runs of sorted lengths that pad to a rectangle at most twice their size (4 chains at least)."""
    groups, start = [], 0
    while start < len(lengths):
        end = int(np.searchsorted(lengths, max(2 * lengths[start], 4 * _CHAIN), side="right"))
        groups.append(slice(start, end))
        start = end
    return groups


def _beta_binomial_tails(count: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray,
                         ) -> tuple[np.ndarray, np.ndarray]:
    """P(X >= count) and P(X <= count) for X ~ BetaBinomial(n, a, b), per cell (1-d arrays).

    Sums the terms on the shorter side of each count, the other tail being the rest, as scipy does
    from 0. A term comes from its neighbour by their ratio, a few multiplications instead of scipy's
    three log-beta functions, in chains of _CHAIN terms that each start from scipy's own log-pmf; all
    cells at once, in rows of similar length. In the comparisons made here (the count's exposure never
    longer than its base's) the shorter side is the tail that can be tiny, so that tail is a sum and
    not a difference.
    """
    from_below = count <= n - count  # sum the terms count, count - 1, ..., 0; else count, ..., n
    length = np.where(from_below, count, n - count) + 1
    summed = np.zeros(len(count))
    for below in (True, False):
        side = np.flatnonzero(from_below == below)
        side = side[np.argsort(length[side], kind="stable")]
        for group in _length_groups(length[side]):
            cell = side[group]
            summed[cell] = _chained_sums(count[cell], n[cell], a[cell], b[cell], length[cell], below)
    at_count = np.exp(_beta_binomial_logpmf(count, n, a, b))
    rest = 1.0 - summed + at_count
    return np.where(from_below, rest, summed), np.where(from_below, summed, rest)


def _chained_sums(count: np.ndarray, n: np.ndarray, a: np.ndarray, b: np.ndarray, length: np.ndarray,
                  below: bool) -> np.ndarray:
    """Per cell the sum of `length` terms from the count down (below) or up, in a cells × chains × _CHAIN block."""
    chains = -(-int(length.max()) // _CHAIN)
    step = np.arange(chains * _CHAIN, dtype=float).reshape(1, chains, _CHAIN)
    c, m, x, y, size = (np.asarray(v, dtype=float)[:, None, None] for v in (count, n, a, b, length))
    valid = step < size
    # The term at each step; past the end of a cell's side, its last one again (masked out below).
    k = c - np.minimum(step, size - 1) if below else c + np.minimum(step, size - 1)
    head = _beta_binomial_logpmf(k[:, :, :1], m, x, y)  # scipy's term where each chain starts
    prev = k[:, :, :-1]  # each step's ratio reaches its term from the one before
    with np.errstate(divide="ignore", invalid="ignore"):  # the repeated last term's ratio, masked out
        if below:  # pmf(k-1)/pmf(k) = k(n-k+b) / ((n-k+1)(k-1+a))
            ratio = prev * (m - prev + y) / ((m - prev + 1) * (prev - 1 + x))
        else:  # pmf(k+1)/pmf(k) = (n-k)(k+a) / ((k+1)(n-k-1+b))
            ratio = (m - prev) * (prev + x) / ((prev + 1) * (m - prev - 1 + y))
        chained = np.cumsum(np.log(np.where(valid[:, :, 1:], ratio, 1.0)), axis=2)
    logpmf = np.concatenate([head, head + chained], axis=2)
    return np.sum(np.exp(logpmf), axis=(1, 2), where=valid)


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
    return pd.DataFrame(compare_arrays(count, base_count, exposure, base_exposure, shape, min_diff))


def compare_arrays(
    count: np.ndarray,
    base_count: np.ndarray,
    exposure: np.ndarray | float = 1.0,
    base_exposure: np.ndarray | float = 1.0,
    shape: np.ndarray | float = math.inf,
    min_diff: float = MIN_DIFF,
) -> dict[str, np.ndarray]:
    """compare_many's columns as arrays, for callers that read them cell by cell (no frame to build)."""
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
    return {"expected": expected, "diff": diff, "p_value": p_value,
            "direction": np.where(up, "upp", np.where(down, "ned", ""))}


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
