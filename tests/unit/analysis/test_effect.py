"""The intervention effect: the quasi-binomial ratio of rate ratios against a hand computation of its
definition, the honest answers for thin data, and the buffer's displacement sentence."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as sps

from trygghet.analysis import effect

NB = "\u00a0"


def weekly(treated_before: list[int], control_before: list[int], treated_later: list[int],
           control_later: list[int], later: str = "under", buffer: list[int] | None = None) -> pd.DataFrame:
    before, after = len(treated_before), len(treated_later)
    frame = pd.DataFrame({
        "week": pd.date_range("2026-01-05", periods=before + after, freq="7D"),
        "period": ["före"] * before + [later] * after,
        "treated": treated_before + treated_later,
        "control": control_before + control_later,
    })
    if buffer is not None:
        frame["buffer"] = buffer
    return frame


def by_hand(frame: pd.DataFrame, later: str, level: float = 0.95) -> tuple[float, float, float, float]:
    """ratio, ci_low, ci_high and the dispersion straight from the definitions."""
    rows = frame[frame["period"].isin(["före", later])]
    y, n = rows["treated"].to_numpy(float), (rows["treated"] + rows["control"]).to_numpy(float)
    is_later = (rows["period"] == later).to_numpy()
    tb, td = y[~is_later].sum(), y[is_later].sum()
    cb, cd = n[~is_later].sum() - tb, n[is_later].sum() - td
    share = np.where(is_later, td / (td + cd), tb / (tb + cb))
    pearson = np.sum((y - n * share) ** 2 / (n * share * (1 - share)))
    dispersion = max(1.0, pearson / (len(y) - 2))
    ratio = (td / tb) / (cd / cb)
    se = math.sqrt(dispersion * (1 / tb + 1 / cb + 1 / td + 1 / cd))
    t = sps.t.ppf(0.5 + level / 2, len(y) - 2)
    return ratio, ratio * math.exp(-t * se), ratio * math.exp(t * se), dispersion


def test_swinging_weeks_widen_the_interval_by_their_pearson_dispersion() -> None:
    # The district's weekly share swings far more than Poisson allows before the start.
    frame = weekly([10, 2, 12, 4, 9, 3], [40, 40, 40, 40, 40, 40], [3, 1, 4, 0, 2, 2], [40, 38, 42, 40, 41, 39])
    got = effect.period_effect(frame)
    ratio, low, high, dispersion = by_hand(frame, "under")
    assert dispersion > 1.5
    assert got.ratio == pytest.approx(ratio, rel=1e-6)  # (12 / 40) / (240 / 240) = 0.3
    assert got.ratio == pytest.approx(0.3, rel=1e-6)
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=1e-6)
    assert got.dispersion == pytest.approx(dispersion, rel=1e-6)
    # Poisson alone would have given an interval sqrt(dispersion) times narrower on the log scale, and
    # with the normal quantile instead of Student's t on 10 degrees of freedom.
    poisson_se = math.sqrt(1 / 40 + 1 / 240 + 1 / 12 + 1 / 240)
    half_width = math.log(got.ci_high / got.ratio)
    assert half_width == pytest.approx(sps.t.ppf(0.975, 10) * math.sqrt(dispersion) * poisson_se, rel=1e-6)
    assert half_width > 1.3 * sps.norm.ppf(0.975) * poisson_se
    assert (got.treated_before, got.treated_during, got.control_before, got.control_during) == (40, 12, 240, 240)
    assert got.text.startswith(f"Under insatsen: 70{NB}% färre händelser än väntat utifrån utvecklingen i övriga "
                               f"stadsdelar (95{NB}% konfidensintervall: ")


def test_steady_weeks_are_never_narrower_than_poisson() -> None:
    # Weekly shares closer to their mean than Poisson: the dispersion is floored at 1.
    frame = weekly([5, 5, 5, 5], [20, 20, 20, 20], [2, 2, 2, 2], [20, 20, 20, 20])
    got = effect.period_effect(frame, level=0.90)
    ratio, low, high, dispersion = by_hand(frame, "under", level=0.90)
    assert dispersion == 1.0 and got.dispersion == 1.0
    assert got.ratio == pytest.approx(ratio) == pytest.approx(0.4)
    assert (got.ci_low, got.ci_high) == pytest.approx((low, high), rel=1e-6)
    assert got.text.endswith(f"(90{NB}% konfidensintervall: {round((1 - high) * 100)}–{round((1 - low) * 100)}"
                             f"{NB}% färre).")


def test_a_zero_sum_gets_half_an_event_on_each_side() -> None:
    frame = weekly([3, 4, 3, 2], [50, 50, 50, 50], [0, 0, 0, 0], [50, 50, 50, 50], later="efter")
    got = effect.period_effect(frame, "efter", period="Efter insatsen")
    assert got.ratio == pytest.approx((0.5 / 12.5) / (200.5 / 200.5), rel=1e-6)
    assert got.corrected
    assert got.text.startswith("Efter insatsen:")
    assert got.text.endswith("Ett av antalen är noll, så ett halvt har lagts till för att kunna räkna; "
                             "skattningen är därför extra osäker.")


def test_too_few_events_or_too_few_weeks_give_no_estimate() -> None:
    few = effect.period_effect(weekly([1, 2, 1, 1], [30] * 4, [1, 1, 1, 1], [30] * 4))
    assert few.ratio is None and few.text == "Under insatsen: för få händelser för att bedöma effekten."
    short = effect.period_effect(weekly([10, 12, 9], [30] * 3, [5, 6, 4, 5], [30] * 4))
    assert short.ratio is None
    assert short.text == ("Under insatsen: för kort tid för att bedöma effekten – det behövs minst 4 hela veckor "
                          "både före och under.")
    assert effect.period_effect(weekly([10, 12, 9, 8], [30] * 4, [], [])) is None
    with pytest.raises(ValueError):
        effect.period_effect(weekly([10, 12, 9, 8], [30] * 4, [5, 6, 4, 5], [30] * 4), "före")


def test_an_interval_across_one_is_no_sure_effect() -> None:
    got = effect.period_effect(weekly([10, 2, 12, 4], [40] * 4, [8, 3, 12, 2], [40] * 4))
    assert got.ci_low < 1 < got.ci_high and got.sure is None
    assert got.text.startswith("Under insatsen: ingen säker effekt – mellan ")


def test_the_buffer_shows_displacement_and_is_left_out_of_the_comparison() -> None:
    buffer = [10, 11, 9, 10, 25, 27, 24, 26]  # the neighbours more than doubled when the district fell
    frame = weekly([20, 22, 19, 21], [100, 98, 102, 100], [8, 9, 7, 8], [100, 101, 99, 100], buffer=buffer)
    got = effect.summary(frame, buffer=("Hamnen",))
    assert got.sure == "färre"
    moved = got.displacement
    assert moved is not None and moved.sure == "fler"
    assert moved.ratio == pytest.approx((102 / 40) / (400 / 400), rel=1e-6)
    assert moved.text == (f"Buffertområdet (Hamnen): {round((moved.ratio - 1) * 100)}{NB}% fler händelser än "
                          "väntat – händelserna kan ha flyttat dit.")
    calm = effect.summary(frame.assign(buffer=[10, 11, 9, 10, 10, 9, 11, 10]), buffer=("Hamnen",))
    assert calm.displacement.text.startswith("Buffertområdet (Hamnen): ingen säker förändring")
    assert effect.summary(frame).displacement is None  # no buffer named
