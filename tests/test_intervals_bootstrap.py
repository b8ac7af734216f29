"""The bootstrap in :mod:`pytest_mmtrust.intervals` against ``scipy.stats.bootstrap`` itself.

The plugin computes BCa and percentile intervals without importing scipy.stats (a second of a
cached rerun); these tests hold it to scipy's numbers for the three statistics it is used with:
a mean, a difference of two independent means, and a paired Pearson r.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_mmtrust import intervals
from pytest_mmtrust.intervals import BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED, _bootstrap, _mean_axis
from pytest_mmtrust.metrics import _pearson_statistic

stats = pytest.importorskip("scipy.stats")


def scipy_bootstrap(samples, statistic, estimate, paired=False):
    """What ``_bootstrap`` did with scipy: BCa, then percentile, None when both degenerate."""
    for method in ("BCa", "percentile"):
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                result = stats.bootstrap(samples, statistic, paired=paired, vectorized=True, confidence_level=0.95,
                                         n_resamples=BOOTSTRAP_RESAMPLES, method=method,
                                         rng=np.random.default_rng(BOOTSTRAP_SEED))
            except ValueError:
                continue
        lo, hi = float(result.confidence_interval.low), float(result.confidence_interval.high)
        if math.isfinite(lo) and math.isfinite(hi):
            return (min(lo, estimate), max(hi, estimate))
    return None


def difference(u, v, axis=-1):
    return np.mean(u, axis=axis) - np.mean(v, axis=axis)


def assert_same(ours, theirs):
    if theirs is None:
        assert ours is None
        return
    assert ours is not None
    assert ours == pytest.approx(theirs, abs=1e-9, rel=1e-9)


values = st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]) | st.floats(-5, 5, allow_nan=False), min_size=0, max_size=40)
shares = st.lists(st.sampled_from([0.0, 1.0]), min_size=0, max_size=60)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(values | shares)
def test_mean_interval_is_scipys(data):
    sample = np.asarray(data, dtype=float)
    estimate = float(sample.mean()) if sample.size else 0.0
    assert_same(_bootstrap((sample,), _mean_axis, estimate), scipy_bootstrap((sample,), _mean_axis, estimate))


@SETTINGS
@given(values | shares, values | shares)
def test_difference_interval_is_scipys(x, y):
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    estimate = float(a.mean() - b.mean()) if a.size and b.size else 0.0
    assert_same(_bootstrap((a, b), difference, estimate), scipy_bootstrap((a, b), difference, estimate))


@SETTINGS
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=0, max_size=40))
def test_paired_pearson_interval_is_scipys(pairs):
    x = np.asarray([p[0] for p in pairs], dtype=float)
    y = np.asarray([p[1] for p in pairs], dtype=float)
    with np.errstate(all="ignore"):
        r = float(_pearson_statistic(x, y)) if len(pairs) >= 2 else 0.0
    estimate = r if math.isfinite(r) else 0.0
    ours = _bootstrap((x, y), _pearson_statistic, estimate, paired=True)
    assert_same(ours, scipy_bootstrap((x, y), _pearson_statistic, estimate, paired=True))


def test_known_skewed_sample_gets_a_bca_interval_unlike_the_percentile_one():
    """A skewed sample where BCa and percentile differ: ours is BCa (scipy's), not percentile."""
    sample = np.asarray([0.0] * 30 + [1.0] * 3 + [5.0, 9.0], dtype=float)
    estimate = float(sample.mean())
    bca = scipy_bootstrap((sample,), _mean_axis, estimate)
    percentile = stats.bootstrap((sample,), _mean_axis, vectorized=True, n_resamples=BOOTSTRAP_RESAMPLES,
                                 method="percentile", rng=np.random.default_rng(BOOTSTRAP_SEED)).confidence_interval
    assert abs(bca[1] - percentile.high) > 1e-3  # the two methods do differ here
    assert _bootstrap((sample,), _mean_axis, estimate) == pytest.approx(bca, abs=1e-12)


def test_the_bootstrap_does_not_import_scipy_stats():
    """The reason it exists: a run whose metrics need only bootstrap intervals loads no scipy.stats."""
    import subprocess
    import sys

    code = ("import sys, numpy as np\n"
            "from pytest_mmtrust.intervals import bootstrap_mean_interval, two_sample_mean_difference\n"
            "bootstrap_mean_interval([0.0, 1.0, 1.0, 0.5])\n"
            "two_sample_mean_difference([0.0, 1.0, 1.0], [1.0, 1.0, 0.5])\n"
            "print('scipy.stats' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_standard_normal_it_uses_gives_the_projects_z95() -> None:
    assert intervals._STANDARD_NORMAL.inv_cdf(0.975) == pytest.approx(intervals.Z95, abs=1e-12)
    assert intervals._normal_quantile(0.0) == -math.inf and intervals._normal_quantile(1.0) == math.inf
