"""Intervals and tests on plain numbers: the statistics every metric and gate is built from.

No records, no metrics: pure functions of counts and values, property-tested one by one.
Every resampling method uses the fixed seed :data:`BOOTSTRAP_SEED`, so the same data always
gives the same interval and a gate never flips between two runs of identical data.
See ``docs/statistics.md`` for when each is used and why.
"""

from __future__ import annotations

import itertools
import math
from statistics import NormalDist
from typing import Any, Callable, Sequence

import numpy as np

Z95 = 1.959963984540054
BOOTSTRAP_SEED = 20240607
BOOTSTRAP_RESAMPLES = 2000
PERMUTATIONS = 2000
MIN_EXPECTED_COUNT = 5.0
_STANDARD_NORMAL = NormalDist()

def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when n is 0.

    Chosen over the normal (Wald) interval because it stays inside [0, 1] and keeps its
    coverage near 0 and 1, where safety metrics live (refusal rates of 0.98 …).
    """
    if n <= 0:
        return (0.0, 1.0)
    p = min(max(successes / n, 0.0), 1.0)
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(max(p * (1 - p) / n + z * z / (4 * n * n), 0.0)) / denom
    # min/max with p: rounding must never leave the estimate outside its own interval.
    return (max(0.0, min(centre - half, p)), min(1.0, max(centre + half, p)))


def newcombe_difference(k1: float, n1: int, k2: float, n2: int, z: float = Z95) -> tuple[float, tuple[float, float]]:
    """Difference p1 − p2 of two *independent* proportions with Newcombe's hybrid score interval.

    With an empty group the difference is unknown: (nan, (−1, 1)).
    """
    if n1 <= 0 or n2 <= 0:
        return math.nan, (-1.0, 1.0)
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson_interval(k1, n1, z)
    l2, u2 = wilson_interval(k2, n2, z)
    d = p1 - p2
    lo = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    hi = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, (max(-1.0, min(lo, d)), min(1.0, max(hi, d)))


def paired_difference(
    both: int, first_only: int, second_only: int, neither: int, z: float = Z95
) -> tuple[float, tuple[float, float]]:
    """Difference p1 − p2 of two proportions measured on the *same* cases: Tango's score interval.

    The four counts are the paired 2×2 table (success in both, in the first only, in the second
    only, in neither). Only the discordant counts move the difference. Unlike the Wald interval
    (and Newcombe's paired method on some tables) Tango's stays sensible when no pair is
    discordant: 20 agreeing pairs give [−0.16, 0.16], not a point. With no pairs: (nan, (−1, 1)).
    """
    n = both + first_only + second_only + neither
    if n <= 0:
        return math.nan, (-1.0, 1.0)
    b, c = float(first_only), float(second_only)
    estimate = (b - c) / n

    def score(delta: float) -> float:
        # Tango (1998): score statistic with q21 at its maximum likelihood under Δ = delta.
        a_ = 2.0 * n
        b_ = -b - c + (2.0 * n - b + c) * delta
        c_ = -c * delta * (1.0 - delta)
        q21 = (math.sqrt(max(b_ * b_ - 4.0 * a_ * c_, 0.0)) - b_) / (2.0 * a_)
        numerator = b - c - n * delta
        variance = n * (2.0 * q21 + delta * (1.0 - delta))
        if variance <= 1e-15:
            return 0.0 if abs(numerator) < 1e-12 else math.copysign(math.inf, numerator)
        return numerator / math.sqrt(variance)

    edge = 1.0 - 1e-12
    lo = -1.0 if estimate <= -edge or score(-edge) < z else _bisect(lambda d: score(d) - z, -edge, estimate)
    hi = 1.0 if estimate >= edge or score(edge) > -z else _bisect(lambda d: score(d) + z, estimate, edge)
    return estimate, (max(-1.0, min(lo, estimate)), min(1.0, max(hi, estimate)))


def mcnemar_exact(first_only: int, second_only: int, alternative: str = "two-sided") -> float:
    """McNemar's exact (conditional binomial) test on the discordant pairs of a paired 2×2 table.

    ``alternative``: ``"two-sided"``, ``"greater"`` (the first proportion is higher, i.e. more
    first-only successes) or ``"less"``. With no discordant pairs there is no evidence: 1.0.
    """
    m = int(first_only) + int(second_only)
    if m == 0:
        return 1.0
    k = int(first_only)
    less = _half_binomial_cdf(k, m)  # P(X ≤ first_only)
    greater = _half_binomial_cdf(m - k, m)  # P(X ≥ first_only) = P(m − X ≤ m − first_only), by symmetry
    if alternative == "greater":
        return min(1.0, greater)
    if alternative == "less":
        return min(1.0, less)
    if alternative == "two-sided":
        return min(1.0, 2.0 * min(greater, less))
    raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', not {alternative!r}")


def _bisect(function: Callable[[float], float], low: float, high: float, tolerance: float = 1e-12) -> float:
    """A root of a continuous ``function`` that changes sign on [low, high], by bisection.

    Used instead of :func:`scipy.optimize.brentq` for the score intervals: the score is
    monotone, sixty halvings reach 1e-12, and importing scipy.optimize costs more (about half a
    second) than every interval of a run computes.
    """
    f_low = function(low)
    for _ in range(200):
        if high - low <= tolerance:
            break
        middle = (low + high) / 2.0
        f_middle = function(middle)
        if f_middle == 0.0:
            return middle
        if (f_middle > 0.0) == (f_low > 0.0):
            low, f_low = middle, f_middle
        else:
            high = middle
    return (low + high) / 2.0


def _half_binomial_cdf(k: int, m: int) -> float:
    """P(X ≤ k) for X ~ Binomial(m, ½), exactly: Σ C(m, i) for i ≤ k over 2**m, in integers.

    Exact where a float sum of terms would underflow or lose its last digits, and it spares
    the import of scipy.stats (about a second) that ``binom.cdf`` would cost a run.
    """
    if k < 0:
        return 0.0
    if k >= m:
        return 1.0
    total, term = 0, 1
    for i in range(k + 1):
        total += term
        term = term * (m - i) // (i + 1)
    return total / (1 << m)


def sign_flip_pvalue(differences: Sequence[float], alternative: str = "two-sided", resamples: int = PERMUTATIONS) -> float:
    """Paired permutation test of a zero mean difference: flip each case's sign at random.

    Exact (every sign pattern) up to 2**11 patterns, else ``resamples`` random patterns with the
    fixed seed; the p-value counts the observed pattern too, so it is never 0 and the test keeps
    its level. ``alternative="less"`` asks whether the mean difference is below zero.
    """
    d = np.asarray([x for x in differences if x != 0], dtype=float)
    if d.size == 0:
        return 1.0
    observed = float(d.sum())
    if d.size <= 11:
        signs = np.array(list(itertools.product((-1.0, 1.0), repeat=d.size)))
        null = signs @ d
        count_extra = 0
    else:
        rng = np.random.default_rng(BOOTSTRAP_SEED)
        signs = rng.integers(0, 2, size=(resamples, d.size), dtype=np.int8) * 2 - 1
        null = signs @ d
        count_extra = 1
    tolerance = 1e-9 * max(1.0, float(np.abs(d).sum()))
    total = null.size + count_extra
    less = (float(np.sum(null <= observed + tolerance)) + count_extra) / total
    greater = (float(np.sum(null >= observed - tolerance)) + count_extra) / total
    if alternative == "less":
        return min(1.0, less)
    if alternative == "greater":
        return min(1.0, greater)
    if alternative == "two-sided":
        return min(1.0, 2.0 * min(less, greater))
    raise ValueError(f"alternative must be 'two-sided', 'greater' or 'less', not {alternative!r}")


def _bootstrap(
    samples: tuple[np.ndarray, ...], statistic: Callable[..., Any], estimate: float, paired: bool = False
) -> tuple[float, float] | None:
    """The bootstrap interval, BCa first and percentile when BCa degenerates; None if both do.

    The same numbers as ``scipy.stats.bootstrap(samples, statistic, vectorized=True,
    paired=paired, n_resamples=BOOTSTRAP_RESAMPLES, rng=default_rng(BOOTSTRAP_SEED))`` (scipy
    1.15–1.17, checked to 1e-9 by ``tests/test_intervals_bootstrap.py``), computed here because
    importing scipy.stats costs about a second: a fully cached rerun of every built-in task
    spent an eighth of its time on that import, for the bootstrap alone.

    The interval is widened to include the point estimate in the rare skewed case where BCa
    would leave it outside: an interval that excludes its own estimate only confuses a reader.
    """
    plan = _resampling_plan(samples, statistic, paired)
    if plan is None:
        return None
    data, resampled_statistic = plan
    alpha = (1 - 0.95) / 2
    with np.errstate(all="ignore"):
        distribution = _bootstrap_distribution(data, resampled_statistic)
        bca = _bca_levels(data, resampled_statistic, distribution, alpha)
        for levels in (bca, (alpha, 1 - alpha)):  # the percentile interval when BCa degenerates
            if levels is None:
                continue
            low, high = (float(v) for v in np.quantile(distribution, levels))
            if math.isfinite(low) and math.isfinite(high):
                return (min(low, estimate), max(high, estimate))
    return None


def _resampling_plan(
    samples: tuple[np.ndarray, ...], statistic: Callable[..., Any], paired: bool
) -> tuple[list[np.ndarray], Callable[..., Any]] | None:
    """The samples to resample and the statistic over them; None where scipy raises (a sample of
    fewer than two values, paired samples of different lengths).

    Paired samples are resampled through their indices, as scipy does: one index draw per
    resample keeps each pair together.
    """
    data = [np.asarray(sample, dtype=float) for sample in samples]
    if not data or any(sample.ndim != 1 or sample.shape[-1] < 2 for sample in data):
        return None
    if not paired:
        return data, statistic
    n = data[0].shape[-1]
    if any(sample.shape[-1] != n for sample in data[1:]):
        return None

    def by_index(index: np.ndarray, axis: int = -1) -> Any:
        return statistic(*(sample[..., index] for sample in data), axis=axis)

    return [np.arange(n)], by_index


def _bootstrap_distribution(data: list[np.ndarray], statistic: Callable[..., Any]) -> np.ndarray:
    """The statistic over BOOTSTRAP_RESAMPLES resamples of every sample, drawn with the fixed
    seed in scipy's order (one (resamples × n) index draw per sample, in turn); BCa and the
    percentile interval both read their quantiles from it (Efron & Tibshirani 1993, 14.3)."""
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    resampled = [sample[..., rng.integers(0, sample.shape[-1], (BOOTSTRAP_RESAMPLES, sample.shape[-1]))]
                 for sample in data]
    return np.asarray(statistic(*resampled, axis=-1), dtype=float)


def _bca_levels(
    data: list[np.ndarray], statistic: Callable[..., Any], distribution: np.ndarray, alpha: float
) -> tuple[float, float] | None:
    """BCa's adjusted quantile levels (Efron & Tibshirani 1993, eq. 14.15): bias correction z0
    from where the estimate falls in the bootstrap distribution (ties counted half),
    acceleration from the jackknife of every sample; None where they degenerate."""
    theta = float(statistic(*data, axis=-1))
    below = int(np.count_nonzero(distribution < theta)) + int(np.count_nonzero(distribution <= theta))
    z0 = _normal_quantile(below / (2 * distribution.size))
    numerator = denominator = 0.0
    for j, sample in enumerate(data):
        n = sample.shape[-1]
        keep = ~np.eye(n, dtype=bool)
        left_out = np.broadcast_to(np.arange(n), (n, n))[keep].reshape(n, n - 1)
        arguments = [np.broadcast_to(other[np.newaxis, :], (n, other.shape[-1])) for other in data]
        arguments[j] = sample[..., left_out]
        jackknife = np.asarray(statistic(*arguments, axis=-1), dtype=float)
        u = (n - 1.0) * (jackknife.mean() - jackknife)
        numerator += float(np.sum(u ** 3)) / float(n) ** 3
        denominator += float(np.sum(u ** 2)) / float(n) ** 2
    acceleration = numerator / denominator ** 1.5 / 6 if denominator > 0 else math.nan
    levels = []
    for z in (_normal_quantile(alpha), -_normal_quantile(alpha)):
        shifted = z0 + z
        level = _normal_cdf(z0 + shifted / (1 - acceleration * shifted))
        if not 0.0 <= level <= 1.0:  # nan: a degenerate distribution (scipy warns and gives nan)
            return None
        levels.append(level)
    return levels[0], levels[1]


def _normal_quantile(p: float) -> float:
    """The standard normal quantile, ±inf at 0 and 1 (as scipy's ``ndtri``), nan outside."""
    if p <= 0.0:
        return -math.inf if p == 0.0 else math.nan
    if p >= 1.0:
        return math.inf if p == 1.0 else math.nan
    return _STANDARD_NORMAL.inv_cdf(p)


def _normal_cdf(z: float) -> float:
    if math.isnan(z):
        return math.nan
    return _STANDARD_NORMAL.cdf(z)


def _mean_axis(x: np.ndarray, axis: int = -1) -> np.ndarray:
    return np.mean(x, axis=axis)


def bootstrap_mean_interval(values: Sequence[float], bounds: tuple[float, float] | None = None) -> tuple[float, float]:
    """BCa bootstrap interval of the mean with a fixed seed (percentile when BCa degenerates).

    When every value is the same the bootstrap has nothing to resample and returns a point;
    if the values are known to lie in ``bounds`` (e.g. [0, 1] for a clipped ASD or a per-case
    share), the Wilson interval of the rescaled mean is used instead: a bounded variable with
    mean m has variance at most m(1 − m), so this is the honest width for n cases.
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (math.nan, math.nan)
    estimate = float(data.mean())
    if data.size == 1 or np.all(data == data[0]):
        if bounds is not None and bounds[1] > bounds[0]:
            low, high = bounds
            share = min(max((estimate - low) / (high - low), 0.0), 1.0)
            lo, hi = wilson_interval(share * data.size, int(data.size))
            return (low + lo * (high - low), low + hi * (high - low))
        return (estimate, estimate)
    found = _bootstrap((data,), _mean_axis, estimate)
    return found if found is not None else (float(data.min()), float(data.max()))


def two_sample_mean_difference(x: Sequence[float], y: Sequence[float]) -> tuple[float, tuple[float, float]]:
    """mean(x) − mean(y) of two *independent* samples, bootstrap interval resampling each."""
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.size == 0 or b.size == 0:
        return math.nan, (-math.inf, math.inf)
    estimate = float(a.mean() - b.mean())
    if a.size < 2 or b.size < 2:
        return estimate, (-math.inf, math.inf)
    found = _bootstrap((a, b), lambda u, v, axis=-1: np.mean(u, axis=axis) - np.mean(v, axis=axis), estimate)
    return estimate, found if found is not None else (estimate, estimate)
