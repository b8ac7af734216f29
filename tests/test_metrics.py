"""Metric kinds, intervals and tests: properties (hypothesis), edge cases and coverage by simulation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from pytest_mmtrust.errors import ConfigError
from pytest_mmtrust.metrics import (
    Z95,
    Metric,
    MetricValue,
    aggregate_epochs,
    bootstrap_mean_interval,
    chi_square_pvalues,
    condition_deltas,
    independence_test,
    is_right,
    mcnemar_exact,
    newcombe_difference,
    paired_accuracy_change,
    paired_difference,
    scored_records,
    sign_flip_pvalue,
    two_sample_mean_difference,
    wilson_interval,
)
from pytest_mmtrust.records import ScoreRecord

FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=15, deadline=None)


def record(case: str, value: float | None, condition: str | None = None, task: str = "X.1", **kw: object) -> ScoreRecord:
    key = case if condition is None else f"{case}/{condition}"
    return ScoreRecord(task=task, case=key, case_id=case, condition=condition, value=value, outcome="OK", **kw)  # type: ignore[arg-type]


def width(ci: tuple[float, float]) -> float:
    return ci[1] - ci[0]


# ---------------------------------------------------------------- Wilson


@FAST
@given(st.integers(1, 10**6), st.data())
def test_wilson_contains_its_estimate_and_stays_in_0_1(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    lo, hi = wilson_interval(k, n)
    assert 0.0 <= lo <= k / n <= hi <= 1.0


@FAST
@given(st.integers(1, 2000), st.data(), st.integers(2, 50))
def test_wilson_narrows_as_n_grows(n: int, data: st.DataObject, factor: int) -> None:
    k = data.draw(st.integers(0, n))
    assert width(wilson_interval(k * factor, n * factor)) <= width(wilson_interval(k, n)) + 1e-12


def test_wilson_edge_cases() -> None:
    assert wilson_interval(0, 0) == (0.0, 1.0)
    lo, hi = wilson_interval(20, 20)
    assert hi == 1.0 and 0.8 < lo < 1.0
    lo, hi = wilson_interval(0, 20)
    assert lo == 0.0 and 0.0 < hi < 0.2


@pytest.mark.parametrize("p", [0.05, 0.3, 0.5, 0.9])
def test_wilson_covers_the_true_rate_at_least_93_percent(p: float) -> None:
    rng = np.random.default_rng(7)
    n = 200
    covered = [lo <= p <= hi for lo, hi in (wilson_interval(k, n) for k in rng.binomial(n, p, 2000))]
    assert np.mean(covered) >= 0.93


# ---------------------------------------------------------------- differences of proportions


@FAST
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_newcombe_contains_the_difference(n1: int, n2: int, data: st.DataObject) -> None:
    k1, k2 = data.draw(st.integers(0, n1)), data.draw(st.integers(0, n2))
    d, (lo, hi) = newcombe_difference(k1, n1, k2, n2)
    assert -1.0 <= lo <= d <= hi <= 1.0


def test_newcombe_with_an_empty_group_is_unknown() -> None:
    d, ci = newcombe_difference(3, 0, 2, 10)
    assert math.isnan(d) and ci == (-1.0, 1.0)


counts = st.integers(0, 300)


@FAST
@given(counts, counts, counts, counts)
def test_tango_paired_interval_contains_estimate_within_bounds(a: int, b: int, c: int, d: int) -> None:
    n = a + b + c + d
    estimate, (lo, hi) = paired_difference(a, b, c, d)
    if n == 0:
        assert math.isnan(estimate) and (lo, hi) == (-1.0, 1.0)
        return
    assert estimate == pytest.approx((b - c) / n)
    assert -1.0 <= lo <= estimate <= hi <= 1.0


@FAST
@given(st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40), st.integers(2, 20))
def test_tango_paired_interval_narrows_with_more_pairs(a: int, b: int, c: int, d: int, m: int) -> None:
    if a + b + c + d == 0:
        return
    small = paired_difference(a, b, c, d)[1]
    large = paired_difference(a * m, b * m, c * m, d * m)[1]
    assert width(large) <= width(small) + 1e-9


def _score(n12: int, n21: int, n: int, delta: float) -> float:
    """Tango's statistic with the constrained MLE of q21 found numerically (an independent check)."""
    rest = n - n12 - n21
    low, high = max(0.0, -delta) + 1e-12, (1 - delta) / 2 - 1e-12

    def negative_loglik(q21: float) -> float:
        q12 = q21 + delta
        return -(n12 * math.log(q12) + n21 * math.log(q21) + rest * math.log(max(1 - q12 - q21, 1e-300)))

    q21 = optimize.minimize_scalar(negative_loglik, bounds=(low, high), method="bounded", options={"xatol": 1e-12}).x
    return (n12 - n21 - n * delta) / math.sqrt(n * (2 * q21 + delta * (1 - delta)))


@pytest.mark.parametrize("table", [(59, 6, 16, 80), (1, 1, 7, 12), (30, 12, 3, 55)])
def test_tango_bounds_solve_the_score_equation(table: tuple[int, int, int, int]) -> None:
    a, b, c, d = table
    n = sum(table)
    _, (lo, hi) = paired_difference(a, b, c, d)
    assert _score(b, c, n, lo) == pytest.approx(Z95, abs=2e-3)
    assert _score(b, c, n, hi) == pytest.approx(-Z95, abs=2e-3)


def test_tango_matches_the_published_bentur_example() -> None:
    # Fagerland, Lydersen & Laake (2014), airway hyper-responsiveness: Tango −0.517 to −0.026.
    estimate, (lo, hi) = paired_difference(1, 1, 7, 12)
    assert estimate == pytest.approx(-0.2857, abs=1e-4)
    assert (round(lo, 3), round(hi, 3)) == (-0.517, -0.026)


def test_tango_edge_cases_all_agree_all_pass_all_fail() -> None:
    estimate, (lo, hi) = paired_difference(20, 0, 0, 0)  # every case passes in both
    assert estimate == 0.0 and lo < 0.0 < hi  # no discordance seen still allows some
    assert paired_difference(0, 0, 0, 20)[1] == (lo, hi)
    assert paired_difference(0, 20, 0, 0) == (1.0, (pytest.approx(0.678, abs=1e-3), 1.0))
    estimate, (lo, hi) = paired_difference(0, 0, 20, 0)
    assert estimate == -1.0 and lo == -1.0


def test_tango_covers_the_true_paired_difference() -> None:
    rng = np.random.default_rng(11)
    probs = [0.6, 0.1, 0.05, 0.25]
    truth = probs[1] - probs[2]
    draws = rng.multinomial(120, probs, 1000)
    covered = [lo <= truth <= hi for _, (lo, hi) in (paired_difference(*map(int, t)) for t in draws)]
    assert np.mean(covered) >= 0.93


# ---------------------------------------------------------------- McNemar and sign-flip


@FAST
@given(st.integers(0, 400), st.integers(0, 400))
def test_mcnemar_is_a_probability_and_symmetric(b: int, c: int) -> None:
    p = mcnemar_exact(b, c)
    assert 0.0 < p <= 1.0
    assert p == pytest.approx(mcnemar_exact(c, b))
    assert mcnemar_exact(b, c, "greater") == pytest.approx(mcnemar_exact(c, b, "less"))


@FAST
@given(st.integers(0, 200), st.integers(0, 200))
def test_mcnemar_one_sided_falls_as_evidence_grows(b: int, c: int) -> None:
    assert mcnemar_exact(b + 1, c, "greater") <= mcnemar_exact(b, c, "greater") + 1e-12


@FAST
@given(st.integers(0, 600), st.integers(0, 600))
def test_mcnemar_matches_scipy_binomial_tails(b: int, c: int) -> None:
    # the exact integer sums stand in for scipy.stats.binom (whose import costs a run a second)
    m = b + c
    if m == 0:
        return
    greater = float(stats.binom.sf(b - 1, m, 0.5))
    less = float(stats.binom.cdf(b, m, 0.5))
    assert mcnemar_exact(b, c, "greater") == pytest.approx(min(1.0, greater), rel=1e-9, abs=1e-300)
    assert mcnemar_exact(b, c, "less") == pytest.approx(min(1.0, less), rel=1e-9, abs=1e-300)
    assert mcnemar_exact(b, c) == pytest.approx(min(1.0, 2 * min(greater, less)), rel=1e-9, abs=1e-300)


def test_mcnemar_edge_cases() -> None:
    assert mcnemar_exact(0, 0) == 1.0 and mcnemar_exact(0, 0, "less") == 1.0
    assert mcnemar_exact(10, 0, "greater") == pytest.approx(0.5**10)
    assert mcnemar_exact(10, 0) == pytest.approx(2 * 0.5**10)
    assert mcnemar_exact(10, 0, "less") == 1.0
    with pytest.raises(ValueError):
        mcnemar_exact(1, 2, "sideways")


def test_sign_flip_exact_and_sampled() -> None:
    assert sign_flip_pvalue([0.0, 0.0]) == 1.0
    assert sign_flip_pvalue([1, 2, 3, 4, 5], "greater") == pytest.approx(1 / 32)
    assert sign_flip_pvalue([1, 2, 3, 4, 5], "less") == 1.0
    many = sign_flip_pvalue(list(range(1, 40)), "greater")
    assert many == pytest.approx(1 / 2001)
    assert sign_flip_pvalue(list(range(1, 40)), "greater") == many  # fixed seed


def test_sign_flip_keeps_its_level_under_the_null() -> None:
    rng = np.random.default_rng(3)
    rejections = [sign_flip_pvalue(rng.normal(size=30).tolist(), "less") <= 0.05 for _ in range(300)]
    assert np.mean(rejections) <= 0.08


# ---------------------------------------------------------------- bootstrap


@SLOW
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=1, max_size=60))
def test_bootstrap_mean_interval_contains_the_mean(values: list[float]) -> None:
    lo, hi = bootstrap_mean_interval(values)
    assert lo - 1e-9 <= float(np.mean(values)) <= hi + 1e-9
    assert min(values) - 1e-9 <= lo and hi <= max(values) + 1e-9


def test_bootstrap_mean_edge_cases() -> None:
    assert all(math.isnan(x) for x in bootstrap_mean_interval([]))
    assert bootstrap_mean_interval([0.4] * 10) == (0.4, 0.4)
    lo, hi = bootstrap_mean_interval([1.0] * 30, bounds=(0.0, 1.0))  # all pass: Wilson, not a point
    assert hi == 1.0 and lo == pytest.approx(wilson_interval(30, 30)[0])
    lo, hi = bootstrap_mean_interval([0.0] * 30, bounds=(0.0, 3.0))
    assert lo == 0.0 and 0.0 < hi < 0.5


def test_bootstrap_mean_interval_coverage() -> None:
    rng = np.random.default_rng(5)
    covered = [lo <= 1.0 <= hi for lo, hi in (bootstrap_mean_interval(rng.normal(1.0, 2.0, 40).tolist()) for _ in range(100))]
    assert np.mean(covered) >= 0.88


@SLOW
@given(st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=30),
       st.lists(st.floats(-10, 10, allow_nan=False), min_size=2, max_size=30))
def test_two_sample_interval_contains_the_difference(x: list[float], y: list[float]) -> None:
    d, (lo, hi) = two_sample_mean_difference(x, y)
    assert lo - 1e-9 <= d <= hi + 1e-9


@SLOW
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 5)), min_size=3, max_size=40))
def test_pearson_interval_contains_r_and_stays_in_bounds(pairs: list[tuple[int, int]]) -> None:
    records = [record(f"{i}", float(a), target=float(b)) for i, (a, b) in enumerate(pairs)]
    value = Metric("r", kind="pearson").compute(records)
    assert value.value is not None and value.ci is not None
    assert -1.0 <= value.ci[0] <= value.value <= value.ci[1] <= 1.0


@FAST
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=4), min_size=2, max_size=4))
def test_independence_test_gives_a_probability_and_names_its_test(rows: list[list[int]]) -> None:
    width_ = min(len(r) for r in rows)
    p, test, _ = independence_test(np.array([r[:width_] for r in rows]))
    assert 0.0 < p <= 1.0
    assert test in ("chi-square", "fisher-exact") or test.startswith(("monte-carlo", "none"))


def test_two_sample_difference() -> None:
    d, (lo, hi) = two_sample_mean_difference([1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.5, 0.2])
    assert lo <= d <= hi and d == pytest.approx(2.5 - 0.425)
    assert math.isnan(two_sample_mean_difference([], [1.0])[0])


# ---------------------------------------------------------------- kinds


def test_proportion_kind() -> None:
    metric = Metric("accuracy")
    value = metric.compute([record(f"{i}", float(i % 2)) for i in range(10)] + [record("x", None)])
    assert value.value == 0.5 and value.n == 10 and value.extra["successes"] == 5
    assert value.extra["interval"] == "wilson" and value.ci == wilson_interval(5, 10)
    assert metric.compute([]).value is None


def test_mean_kind_scales_clips_and_bounds_the_all_equal_case() -> None:
    metric = Metric("asd", "lower", "mean", {"scale": 3, "clip_low": 0, "clip_high": 1})
    value = metric.compute([record(f"{i}", 0.0) for i in range(12)])
    assert value.value == 0.0 and value.ci is not None and value.ci[0] == 0.0 and value.ci[1] > 0.1
    value = metric.compute([record("a", 3.0), record("b", 6.0), record("c", 0.0)])
    assert value.value == pytest.approx(2 / 3)


def _fairness_records(counts: dict[tuple[str, str], int]) -> list[ScoreRecord]:
    out = []
    for (group, answer), k in counts.items():
        for i in range(k):
            out.append(record(f"{group}{answer}{i}", 1.0, metadata={"gender": group}, details={"answer": answer}))
    return out


def test_chi_square_uses_the_asymptotic_test_when_expected_counts_allow() -> None:
    records = _fairness_records({("f", "yes"): 30, ("f", "no"): 20, ("m", "yes"): 20, ("m", "no"): 30})
    value = Metric("bias p", kind="chi_square", params={"group_keys": ["gender"], "resamples": 20}).compute(records)
    table = np.array([[20, 30], [30, 20]])
    assert value.extra["tests"]["gender"] == "chi-square"
    assert value.value == pytest.approx(stats.chi2_contingency(table, correction=False).pvalue)
    assert value.value is not None and value.ci is not None and value.ci[0] <= value.value <= value.ci[1]


def test_chi_square_switches_to_fisher_for_sparse_2x2() -> None:
    records = _fairness_records({("f", "yes"): 6, ("f", "no"): 1, ("m", "yes"): 1, ("m", "no"): 5})
    value = Metric("bias p", kind="chi_square", params={"group_keys": ["gender"], "resamples": 20}).compute(records)
    assert value.extra["tests"]["gender"] == "fisher-exact"
    assert value.value == pytest.approx(stats.fisher_exact([[5, 1], [1, 6]]).pvalue)
    assert value.extra["min_expected"]["gender"] < 5


def test_chi_square_switches_to_monte_carlo_for_sparse_larger_tables() -> None:
    table = np.array([[6, 1, 2], [1, 5, 1], [2, 1, 4]])
    p, test, smallest = independence_test(table)
    assert test.startswith("monte-carlo") and smallest < 5
    assert p == independence_test(table)[0]  # fixed seed: the same table, the same p
    # An independent check: permute the answers across cases 20,000 times by hand.
    groups = np.repeat(np.arange(3), table.sum(axis=1))
    answers = np.concatenate([np.repeat(np.arange(3), row) for row in table])
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()

    def statistic(a: np.ndarray) -> float:
        observed = np.zeros((3, 3))
        np.add.at(observed, (groups, a), 1)
        return float(((observed - expected) ** 2 / expected).sum())

    rng = np.random.default_rng(1)
    null = np.array([statistic(rng.permutation(answers)) for _ in range(20000)])
    assert p == pytest.approx(np.mean(null >= statistic(answers) - 1e-9), abs=0.01)


def test_independence_test_degenerate_tables() -> None:
    assert independence_test(np.array([[3, 4]]))[0] == 1.0
    assert independence_test(np.zeros((2, 2)))[0] == 1.0
    assert independence_test(np.array([[3, 0], [4, 0]]))[0] == 1.0  # one answer only
    assert chi_square_pvalues([record("a", 1.0, metadata={"g": "x"}, details={"answer": "y"})], ["g"], "answer") == {"g": 1.0}


def test_pearson_kind_bootstrap_interval() -> None:
    rng = np.random.default_rng(2)
    targets = rng.normal(size=40)
    ratings = targets + rng.normal(scale=0.5, size=40)
    records = [record(f"{i}", float(r), target=float(t)) for i, (r, t) in enumerate(zip(ratings, targets))]
    value = Metric("r", kind="pearson").compute(records)
    assert value.value is not None and value.ci is not None
    assert -1 <= value.ci[0] <= value.value <= value.ci[1] <= 1
    assert value.extra["interval"] == "bootstrap-bca paired"
    assert Metric("r", kind="pearson").compute(records[:2]).value is None


def test_unknown_kind_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        Metric("x", kind="median")


# ---------------------------------------------------------------- epochs


def _epochs(case: str, values: list[float | None], **kw: Any) -> list[ScoreRecord]:
    return [record(case, v, details={"epoch": e, "answer": "a" if v else "b"}, **kw) for e, v in enumerate(values)]


def test_aggregate_epochs_folds_each_case_into_one_record() -> None:
    records = _epochs("1", [1.0, 0.0, 1.0, 1.0]) + _epochs("2", [0.0, None, 0.0, 0.0]) + [record("3", 1.0)]
    folded = {r.case: r for r in aggregate_epochs(records)}
    assert set(folded) == {"1", "2", "3"}
    assert folded["1"].value == 0.75 and folded["1"].details["epochs"] == 4
    assert "epoch" not in folded["1"].details and folded["1"].details["answer"] == "a"  # the modal answer
    assert folded["2"].value == 0.0 and folded["2"].details["epoch_values"] == [0.0, None, 0.0, 0.0]
    assert folded["3"] is records[-1]


def test_aggregate_epochs_keeps_an_error_when_no_epoch_scored() -> None:
    failing = [record("1", None, details={"epoch": e}, error="timeout") for e in range(3)]
    (folded,) = aggregate_epochs(failing)
    assert folded.value is None and folded.error == "timeout"
    with pytest.raises(ConfigError):
        aggregate_epochs(failing, how="mode")


def test_share_aggregation_counts_values_as_a_proportion_does() -> None:
    (folded,) = aggregate_epochs(_epochs("1", [0.9, 0.2, 0.6]), how="share")
    assert folded.value == pytest.approx(2 / 3)


def test_epochs_do_not_shrink_the_interval_the_case_is_the_unit() -> None:
    rng = np.random.default_rng(4)
    outcomes = (rng.random(60) < 0.7).astype(float)
    single = Metric("accuracy").compute([record(f"{i}", v) for i, v in enumerate(outcomes)])
    repeated = [r for i, v in enumerate(outcomes) for r in _epochs(f"{i}", [float(v)] * 10)]
    folded = Metric("accuracy").compute(aggregate_epochs(repeated, how="share"))
    assert folded.n == 60 and folded.extra["epochs"] == 10
    assert folded.value == pytest.approx(single.value)
    assert single.ci is not None and folded.ci is not None
    assert width(folded.ci) >= 0.8 * width(single.ci)  # not √10 narrower


# ---------------------------------------------------------------- conditions


def _conditions(none: list[float], other: list[float], ids: list[str] | None = None) -> list[ScoreRecord]:
    ids = ids or [f"{i:03d}" for i in range(len(none))]
    return [record(i, v, "none") for i, v in zip(ids, none)] + [record(i, v, "related") for i, v in zip(ids, other)]


def test_paired_proportion_delta_uses_tango_and_mcnemar() -> None:
    none = [1.0] * 30 + [0.0] * 10
    related = [1.0] * 20 + [0.0] * 20
    ref, cond = condition_deltas(Metric("refusal"), _conditions(none, related))
    assert ref.condition == "none" and ref.delta is None
    assert cond.method == "tango-paired" and cond.n_paired == 40
    assert cond.delta == pytest.approx(-0.25)
    assert cond.p_value == pytest.approx(mcnemar_exact(0, 10))
    assert cond.delta_ci == paired_difference(20, 0, 10, 10)[1]


def test_identical_conditions_have_zero_delta_and_no_evidence() -> None:
    values = [1.0, 0.0] * 10
    _, cond = condition_deltas(Metric("accuracy"), _conditions(values, values))
    assert cond.delta == 0.0 and cond.p_value == 1.0
    assert cond.delta_ci is not None and cond.delta_ci[0] < 0 < cond.delta_ci[1]


def test_unpaired_conditions_fall_back_to_newcombe() -> None:
    records = [record(f"a{i}", float(i % 2), "none") for i in range(20)]
    records += [record(f"b{i}", float(i % 3 == 0), "related") for i in range(21)]
    _, cond = condition_deltas(Metric("accuracy"), records)
    assert cond.method == "newcombe" and cond.p_value is None and cond.n_paired == 0
    assert cond.delta_ci == newcombe_difference(7, 21, 10, 20)[1]


def test_repeated_case_ids_are_not_paired() -> None:
    ids = ["1", "1", "2", "3"]
    _, cond = condition_deltas(Metric("accuracy"), _conditions([1.0, 0.0, 1.0, 1.0], [0.0, 0.0, 1.0, 0.0], ids))
    assert cond.method == "newcombe"


def test_paired_mean_delta_uses_a_paired_bootstrap() -> None:
    rng = np.random.default_rng(9)
    base = rng.integers(0, 4, 50).astype(float)
    worse = np.minimum(base + rng.integers(0, 2, 50), 3.0)
    metric = Metric("asd", "lower", "mean", {"scale": 3, "clip_low": 0, "clip_high": 1})
    _, cond = condition_deltas(metric, _conditions(list(base), list(worse)))
    assert cond.method == "bootstrap-paired" and cond.n_paired == 50
    assert cond.delta == pytest.approx(float(np.mean(worse - base)) / 3)
    assert cond.delta is not None and cond.delta_ci is not None and 0 < cond.delta_ci[0] <= cond.delta <= cond.delta_ci[1]
    assert cond.p_value is not None and cond.p_value < 0.01


def test_unpaired_means_use_a_two_sample_bootstrap_and_other_kinds_combine() -> None:
    records = [record(f"a{i}", float(i), "none") for i in range(10)] + [record(f"b{i}", float(i) + 1, "related") for i in range(10)]
    _, cond = condition_deltas(Metric("m", kind="mean"), records)
    assert cond.method == "bootstrap-unpaired" and cond.delta == pytest.approx(1.0)
    targets = [record(f"{i}", float(i % 5), c, target=float(i % 5) + (i % 2)) for i in range(20) for c in ("none", "related")]
    _, cond = condition_deltas(Metric("r", kind="pearson"), targets)
    assert cond.method == "normal-combined"


def test_records_without_conditions_have_no_deltas() -> None:
    assert condition_deltas(Metric("accuracy"), [record("1", 1.0)]) == []


# ---------------------------------------------------------------- metric functions by reference


def _share_of_ones(records):
    values = [r.value for r in records if r.value is not None]
    return MetricValue(sum(values) / len(values) if values else None, None, len(values))


def test_a_metric_function_is_declared_by_reference_and_travels_as_its_import_path() -> None:
    metric = Metric("share", function=_share_of_ones)
    assert metric.kind == "callable"
    assert metric.params["function"] == f"{__name__}:_share_of_ones"
    rebuilt = Metric.from_json(metric.to_json())  # what the xdist controller does
    assert rebuilt == metric
    records = [record(str(i), float(i % 2)) for i in range(4)]
    assert rebuilt.compute(records).value == metric.compute(records).value == 0.5


def test_a_metric_function_that_cannot_be_imported_by_name_is_refused_at_declaration() -> None:
    def nested(records):  # pragma: no cover - never called
        return MetricValue(None, None, 0)

    for function in (nested, lambda records: MetricValue(None, None, 0)):
        with pytest.raises(ConfigError, match="top level of a module"):
            Metric("share", function=function)


def test_function_and_a_different_import_path_together_are_refused() -> None:
    with pytest.raises(ConfigError, match="different functions"):
        Metric("share", function=_share_of_ones, params={"function": "pytest_mmtrust.metrics:mean"})
def test_headline_condition_keeps_the_headline_on_one_condition() -> None:
    """``params["headline_condition"]``: the task's value is that condition's alone (other
    conditions are still computed on their own records by condition_deltas)."""
    from pytest_mmtrust.metrics import condition_deltas

    records = [record(f"{i:02d}", 1.0 if i < 8 else 0.0, "plain") for i in range(10)]
    records += [record(f"{i:02d}", 1.0 if i < 2 else 0.0, "described") for i in range(10)]
    pooled = Metric("accuracy")
    headline = Metric("accuracy", params={"headline_condition": "plain"})
    assert pooled.compute(records).value == 0.5 and pooled.compute(records).n == 20
    assert headline.compute(records).value == 0.8 and headline.compute(records).n == 10
    by_condition = {d.condition: d.metric.value for d in condition_deltas(headline, records, "plain")}
    assert by_condition == {"plain": 0.8, "described": 0.2}
    assert headline.compute([r for r in records if r.condition == "described"]).value == 0.2


def test_paired_accuracy_change_counts_the_pairs_both_conditions_scored() -> None:
    reference = [record(f"{i:02d}", 1.0, "clean") for i in range(10)] + [record("10", 0.0, "clean")]
    shifted = [record(f"{i:02d}", 1.0 if i < 6 else 0.0, "attacked") for i in range(10)]
    shifted += [record("10", 1.0, "attacked"), record("99", 1.0, "attacked")]  # "99" has no clean answer
    extra = paired_accuracy_change(shifted, reference, "clean")
    assert extra["clean_accuracy"] == 10 / 11 and extra["delta_vs_clean_pairs"] == 11
    assert extra["delta_vs_clean"] == pytest.approx(7 / 11 - 10 / 11)
    assert extra["delta_vs_clean_ci"] == pytest.approx(list(paired_difference(6, 1, 4, 0)[1]))
    assert extra["delta_vs_clean_p"] == mcnemar_exact(1, 4)
    assert paired_accuracy_change(shifted, [record("50", 1.0, "clean")], "clean") == {}


def test_scored_records_leave_out_errors_and_unscored_items_and_rights_are_halves_up() -> None:
    kept, unscored, failed = record("1", 0.5), record("2", None), record("3", 1.0, error="boom")
    assert scored_records([kept, unscored, failed]) == [kept]
    assert is_right(kept) and not is_right(record("4", 0.49)) and not is_right(unscored)

