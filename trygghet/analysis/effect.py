"""Did the intervention work? The district's change against the other districts' change, with
an interval as wide as the weeks' own variation makes it, and a look at a buffer area.

The estimate is the ratio of rate ratios (difference-in-differences on counts): the district's
events during (or after) the intervention over before, divided by the same for the comparison
districts. It is fitted as a quasi-binomial regression of the district's share of each week's
events on the period (statsmodels' GLM): the comparison districts absorb what every district
shares (season, holidays, a change in reporting), and the share's odds are exactly the ratio of
the two rates, so exp(coefficient) is the ratio of rate ratios. Treating the four period sums as
Poisson would take the interval's width from the counts alone; here the spread of the weekly
shares around their period's share sets it (Pearson χ² over its degrees of freedom, never taken
below 1, that is never narrower than Poisson), and the interval uses Student's t on those degrees
of freedom, so that a handful of weeks gives the wide interval it deserves.

Displacement: with a buffer (neighbouring districts the user names), the buffer is compared
with the comparison districts in the same way. A sure rise there means events may have moved;
a sure fall, that the benefit may have spread. Buffer districts are then not comparison districts.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats as sps

from trygghet.core.formatting import NBSP, fmt_pct

PERIOD_BEFORE, PERIOD_DURING, PERIOD_AFTER = "före", "under", "efter"
# Below this many events, the district's (or the comparison's) counts say too little.
MIN_EFFECT_EVENTS = 10
# Below this many whole weeks in either period, the weeks' own variation cannot be estimated.
MIN_EFFECT_WEEKS = 4
# Half an event added to each period's two sums when one of the four is zero (Haldane–Anscombe).
HALF = 0.5


@dataclass(frozen=True)
class Effect:
    """The ratio of rate ratios of one group (the district, or the buffer) against the comparison."""

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
    dispersion: float | None = None  # 1: the weeks vary as Poisson would; 2: twice that variance
    displacement: Effect | None = None  # the buffer against the comparison, when a buffer was named

    @property
    def corrected(self) -> bool:
        """Whether half an event was added to every sum because one of them was zero."""
        counts = (self.treated_before, self.treated_during, self.control_before, self.control_during)
        return self.ratio is not None and 0 in counts

    @property
    def sure(self) -> str | None:
        """'färre' or 'fler' when the interval lies wholly on one side of no change; else None."""
        if self.ci_high is not None and self.ci_high < 1:
            return "färre"
        if self.ci_low is not None and self.ci_low > 1:
            return "fler"
        return None


@dataclass(frozen=True)
class Fit:
    log_ratio: float
    se: float  # with the dispersion
    dispersion: float
    df: int


def fit_share(treated: np.ndarray, control: np.ndarray, later: np.ndarray) -> Fit:
    """Quasi-binomial GLM of the treated share of each week's events on the period (0 before, 1 later).

    Weeks without any event carry no share and are left out. When a period's sums include a zero,
    one pseudo-week of half an event on each side is added to each period, which is the
    Haldane–Anscombe correction of the four sums; the pseudo-weeks take no part in the dispersion.
    """
    # statsmodels takes a second to import; only the effect needs it.
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    treated, control = np.asarray(treated, dtype=float), np.asarray(control, dtype=float)
    later = np.asarray(later, dtype=float)
    keep = treated + control > 0
    treated, control, later = treated[keep], control[keep], later[keep]
    weeks = len(treated)
    sums = [treated[later == p].sum() for p in (0, 1)] + [control[later == p].sum() for p in (0, 1)]
    if 0 in sums:
        treated = np.append(treated, [HALF, HALF])
        control = np.append(control, [HALF, HALF])
        later = np.append(later, [0.0, 1.0])
    exog = np.column_stack([np.ones_like(later), later])
    with warnings.catch_warnings():
        # Weeks whose shares all equal their period's share are "perfectly predicted"; the estimate is
        # still the ratio of the sums, and the warning would only fill the server's log.
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        result = GLM(np.column_stack([treated, control]), exog, family=families.Binomial()).fit()
    df = weeks - 2
    pearson = float(np.sum(np.asarray(result.resid_pearson)[:weeks] ** 2))
    dispersion = max(1.0, pearson / df) if df > 0 else math.inf
    return Fit(float(result.params[1]), float(result.bse[1]) * math.sqrt(dispersion), dispersion, df)


def _change_words(ratio: float) -> tuple[str, str]:
    """('38 %', 'färre') for a ratio of 0.62."""
    pct = (ratio - 1) * 100
    if pct < 0:
        # A positive ratio is never "100 % fewer"; rounding must not suggest the events stopped.
        return fmt_pct(min(-pct, 99.0)), "färre"
    return fmt_pct(pct), "fler"


def _sums(frame: pd.DataFrame, group: str, compare: str) -> tuple[int, int, int, int, int, int]:
    before = frame[frame["period"] == PERIOD_BEFORE]
    other = frame[frame["period"] == compare]
    return (int(before[group].sum()), int(other[group].sum()), int(before["control"].sum()),
            int(other["control"].sum()), len(before), len(other))


def period_effect(frame: pd.DataFrame, compare: str = PERIOD_DURING, level: float = 0.95,
                  group: str = "treated", period: str = "Under insatsen") -> Effect | None:
    """The weeks before against the weeks `compare` ('under' or 'efter') for `group` ('treated'
    or 'buffer') against 'control'. `frame` has one row per whole week: week, period and the
    weekly counts. None when either period has no weeks.

    Every sentence opens with `period` ('Under insatsen', 'Efter insatsen', 'Buffertområdet'), so
    that two effects shown one above the other cannot be mixed up.
    """
    if compare not in (PERIOD_DURING, PERIOD_AFTER):
        raise ValueError(compare)
    if not 0 < level < 1:
        raise ValueError(f"Konfidensnivån måste ligga mellan 0 och 1 ({level}).")
    tb, td, cb, cd, weeks_before, weeks_during = _sums(frame, group, compare)
    if weeks_before == 0 or weeks_during == 0:
        return None
    counts = (tb, td, cb, cd)
    blank = (None, None, None, None)
    if tb + td < MIN_EFFECT_EVENTS or cb + cd < MIN_EFFECT_EVENTS:
        return Effect(*counts, weeks_before, weeks_during, *blank,
                      f"{period}: för få händelser för att bedöma effekten.")
    if weeks_before < MIN_EFFECT_WEEKS or weeks_during < MIN_EFFECT_WEEKS:
        return Effect(*counts, weeks_before, weeks_during, *blank,
                      f"{period}: för kort tid för att bedöma effekten – det behövs minst "
                      f"{MIN_EFFECT_WEEKS} hela veckor både före och {compare}.")
    rows = frame[frame["period"].isin([PERIOD_BEFORE, compare])]
    fit = fit_share(rows[group].to_numpy(), rows["control"].to_numpy(), (rows["period"] == compare).to_numpy())
    if not math.isfinite(fit.dispersion):
        return Effect(*counts, weeks_before, weeks_during, *blank,
                      f"{period}: för få veckor med händelser för att bedöma effekten.")
    quantile = float(sps.t.ppf(0.5 + level / 2, fit.df))
    ratio = math.exp(fit.log_ratio)
    ci_low, ci_high = math.exp(fit.log_ratio - quantile * fit.se), math.exp(fit.log_ratio + quantile * fit.se)
    level_text = fmt_pct(level * 100, 0 if round(level * 100, 6).is_integer() else 1)
    if ci_high < 1 or ci_low > 1:
        amount, word = _change_words(ratio)
        # The interval limit nearest to 1 is the smaller change, so it is named first.
        near, far = (ci_high, ci_low) if ci_high < 1 else (ci_low, ci_high)
        near_amount = _change_words(near)[0].removesuffix(f"{NBSP}%")
        far_amount = _change_words(far)[0]
        text = (f"{period}: {amount} {word} händelser än väntat utifrån utvecklingen i övriga stadsdelar "
                f"({level_text} konfidensintervall: {near_amount}–{far_amount} {word}).")
    else:
        low_amount, _ = _change_words(ci_low)
        high_amount, _ = _change_words(ci_high)
        text = (f"{period}: ingen säker effekt – mellan {low_amount} färre och {high_amount} fler "
                "händelser än väntat.")
    if 0 in counts:
        text += (" Ett av antalen är noll, så ett halvt har lagts till för att kunna räkna; skattningen är "
                 "därför extra osäker.")
    return Effect(*counts, weeks_before, weeks_during, ratio, ci_low, ci_high, (ratio - 1) * 100, text,
                  dispersion=fit.dispersion)


def displacement_text(effect: Effect, buffer: tuple[str, ...]) -> str:
    """One sentence on the buffer: did events move there, or did the benefit spread?"""
    names = ", ".join(buffer)
    if effect.ratio is None:
        return f"Buffertområdet ({names}): för få händelser för att se om händelser har flyttat dit."
    if effect.sure == "fler":
        return (f"Buffertområdet ({names}): {_change_words(effect.ratio)[0]} fler händelser än väntat – "
                "händelserna kan ha flyttat dit.")
    if effect.sure == "färre":
        return (f"Buffertområdet ({names}): {_change_words(effect.ratio)[0]} färre händelser än väntat – "
                "insatsens nytta kan ha spridit sig dit.")
    return (f"Buffertområdet ({names}): ingen säker förändring mot övriga stadsdelar, alltså inget tecken på "
            "att händelser har flyttat dit.")


def summary(frame: pd.DataFrame, compare: str = PERIOD_DURING, level: float = 0.95,
            buffer: tuple[str, ...] = ()) -> Effect | None:
    """The district's effect, with the buffer's change as its displacement when the frame has one."""
    period = "Under insatsen" if compare == PERIOD_DURING else "Efter insatsen"
    effect = period_effect(frame, compare, level, period=period)
    if effect is None or not buffer or "buffer" not in frame.columns:
        return effect
    moved = period_effect(frame, compare, level, group="buffer", period="Buffertområdet")
    if moved is None:
        return effect
    return replace(effect, displacement=replace(moved, text=displacement_text(moved, buffer)))
