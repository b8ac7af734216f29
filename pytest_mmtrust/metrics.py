"""Scores → one metric value with a 95% confidence interval, and the Δ between image conditions.

A :class:`Metric` is a *declarative* spec (a kind name plus JSON-able parameters), not a
function, because the controller computes metrics under pytest-xdist without ever importing the
suite modules the workers ran. The kinds and their parameters are listed in :class:`Metric`'s
docstring; every interval and test is documented, with its assumptions, in
``docs/statistics.md``.

A ``callable`` metric is declared with the function itself (``Metric("accuracy",
function=attacked_accuracy)``); the spec stores its import path in ``params["function"]`` because
the controller rebuilds metrics from JSON (:meth:`Metric.from_json`) and imports the function
there — workers send descriptions, not Python objects. So the function must be importable by that
path: defined at a module's top level, not a lambda or a nested function; declaring anything else
is a :class:`~pytest_mmtrust.errors.ConfigError` at once, not a failure at the end of the run.

An answer the evaluator could not score (``Score.value`` None: an unparseable rating, neither
yes nor no) counts against the model by each kind's rule before a metric sees it
(:mod:`pytest_mmtrust.unscorable`); the kinds here leave out of ``n`` the None values that remain
(with ``params["unscorable"] = "exclude"``) and every item whose model call or evaluator failed.

With ``--mmtrust-epochs K`` each case is asked K times; :func:`aggregate_epochs` folds the K
records of a case into one before any metric is computed, so the *case* stays the unit every
interval resamples: K answers to one question are not K independent observations.

Every resampling method uses the fixed seed :data:`BOOTSTRAP_SEED`: the same records always give
the same interval, so a gate never flips between two runs of identical data.
"""

from __future__ import annotations

import importlib
import importlib.util
import math
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .epochs import aggregate_epochs, epoch_of, epochs_aggregated, has_epochs  # noqa: F401 (re-exported)
from .errors import ConfigError
from .intervals import (  # noqa: F401 (re-exported: metrics is where callers look for them)
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    MIN_EXPECTED_COUNT,
    PERMUTATIONS,
    Z95,
    _bootstrap,
    bootstrap_mean_interval,
    mcnemar_exact,
    newcombe_difference,
    paired_difference,
    sign_flip_pvalue,
    two_sample_mean_difference,
    wilson_interval,
)
from .records import ScoreRecord


@dataclass(frozen=True)
class Metric:
    """What a task measures over its items' scores, and which way is better.

    ``name`` is what reports show (``refusal_rate``, ``accuracy``); ``direction`` says which way
    is better (``higher`` or ``lower``: gates, baselines and every Δ read it). ``kind`` says how
    the items' ``Score.value`` become one value with a 95% interval:

    ==============  ==============================================  ==============================
    kind            value                                           interval
    ==============  ==============================================  ==============================
    ``proportion``  share of items with value ≥ 0.5 (with epochs:   Wilson score interval (with
                    the mean of each case's share)                  epochs: BCa bootstrap over
                                                                    cases)
    ``mean``        mean of the values, each divided by ``scale``   BCa bootstrap over cases
                    and clipped to ``clip_low``/``clip_high``
    ``chi_square``  smallest p-value of the group × answer          percentile bootstrap over
                    independence tests, one per group key:          cases
                    chi-square when every expected count ≥ 5,
                    else Fisher's exact (2×2) or Monte-Carlo
    ``pearson``     Pearson r between each value and the case's     BCa bootstrap over cases
                    ``target``                                      (Fisher z as fallback)
    ``callable``    what ``function(records)`` returns              what the function returns
    ==============  ==============================================  ==============================

    ``params`` hold the kind's settings, JSON values only: ``scale``, ``clip_low`` and
    ``clip_high`` for ``mean``; ``group_keys`` (the ``Case.metadata`` keys whose groups are
    compared, default ``["group"]``), ``answer_key`` (the ``Score.details`` key holding the
    answer, default ``"answer"``) and ``resamples`` (200) for ``chi_square``;
    ``unscorable_value`` (the rating an unscorable answer counts as) for ``pearson``. Any kind
    reads ``headline_condition`` (see :meth:`compute`) and ``unscorable = "exclude"`` (leave
    unscorable answers out instead of counting them against the model, see
    :mod:`pytest_mmtrust.unscorable`).

    A metric of your own is ``Metric(name, function=f)``: ``f`` receives the task's records
    (a list of :class:`~pytest_mmtrust.records.ScoreRecord`, unscorable ones as they are) and
    returns a :class:`MetricValue`; ``kind`` becomes ``callable`` and ``params["function"]``
    holds ``f``'s import path, because the controller imports ``f`` by that path. So ``f`` must
    be defined at the top level of a module (the suite file itself will do) — a lambda or a
    nested function is a :class:`~pytest_mmtrust.errors.ConfigError` when the suite is imported.
    Under pytest-xdist, whose controller collects no suite file, the workers send the file of
    ``f``'s module with the task and the controller loads it from there (:func:`register_source`)::

        from pytest_mmtrust import Metric, MetricValue
        from pytest_mmtrust.intervals import wilson_interval

        def worst_group_accuracy(records):
            # accuracy in the group (Case.metadata["group"]) the model does worst on
            groups = {}
            for record in records:
                if record.error is None:
                    groups.setdefault(record.metadata.get("group"), []).append(record.value == 1.0)
            if not groups:
                return MetricValue(None, None, 0)
            worst = min(groups.values(), key=lambda hits: sum(hits) / len(hits))
            n = sum(len(hits) for hits in groups.values())  # every item scored, shown as n/cases
            return MetricValue(sum(worst) / len(worst), wilson_interval(sum(worst), len(worst)), n)

        WORST_GROUP = Metric("worst_group_accuracy", direction="higher", function=worst_group_accuracy)
    """

    name: str
    direction: str = "higher"
    kind: str = "proportion"
    params: Mapping[str, Any] = field(default_factory=dict)
    function: Callable[[list[ScoreRecord]], "MetricValue"] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.function is not None:
            path = import_path(self.function, f"metric {self.name}")
            known = self.params.get("function")
            if known is not None and known != path:
                raise ConfigError(f"metric {self.name}: function= and params['function'] name different functions")
            object.__setattr__(self, "kind", "callable")
            object.__setattr__(self, "params", {**dict(self.params), "function": path})
        if self.direction not in ("higher", "lower"):
            raise ConfigError(f"metric {self.name}: direction must be 'higher' or 'lower', not {self.direction!r}")
        if self.kind not in KINDS:
            raise ConfigError(f"metric {self.name}: unknown kind {self.kind!r} (known: {', '.join(sorted(KINDS))})")

    def compute(self, records: Sequence[ScoreRecord]) -> "MetricValue":
        """The metric over ``records``; with ``params["headline_condition"]`` and records of that
        condition among them, over those records only (a task whose extra conditions must not
        change what its headline means; each condition's own value is still computed on its
        records alone by :func:`condition_deltas`)."""
        headline = self.params.get("headline_condition")
        if headline is not None and any(r.condition == headline for r in records):
            records = [r for r in records if r.condition == headline]
        return KINDS[self.kind](records, self.params)

    def to_json(self) -> dict[str, Any]:
        """The spec as JSON-able data: what workers send the controller in the task's description."""
        return {"name": self.name, "direction": self.direction, "kind": self.kind, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Metric":
        """The metric :meth:`to_json` described (a ``callable`` one finds its function by path)."""
        return cls(name=data["name"], direction=data["direction"], kind=data["kind"], params=data.get("params", {}))


@dataclass(frozen=True)
class MetricValue:
    """A metric's point estimate, its 95% interval and the number of items behind it.

    ``value`` None means nothing could be measured (no scored items): a gate then never passes.
    ``ci`` is ``(low, high)``, or None without an interval. ``n`` is the number of scored items
    the metric used; reports show it next to the number of cases (``96/96``).

    ``extra`` says how the interval was made (``interval``) and carries kind-specific facts:
    ``successes`` for proportions, ``pvalues``/``tests``/``min_expected`` for chi-square,
    ``epochs`` when cases were asked several times.
    """

    value: float | None
    ci: tuple[float, float] | None
    n: int
    extra: Mapping[str, Any] = field(default_factory=dict)



# ---------------------------------------------------------------- kinds


def scored_records(records: Sequence[ScoreRecord]) -> list[ScoreRecord]:
    """The records a metric counts: scored (a value) and not errored."""
    return [r for r in records if r.value is not None and r.error is None]


def is_right(record: ScoreRecord) -> bool:
    """Whether a 1/0 score counts as a success (its value is at least 0.5)."""
    return float(record.value or 0.0) >= 0.5


def paired_accuracy_change(shifted: Sequence[ScoreRecord], reference: Sequence[ScoreRecord], name: str) -> dict[str, Any]:
    """Δ accuracy (shifted − reference) on the case ids both conditions scored, for a metric's extras.

    The keys are named after the reference condition ``name``: ``{name}_accuracy``,
    ``delta_vs_{name}`` with its paired Newcombe interval (``_ci``), McNemar's exact p (``_p``)
    and the number of pairs (``_pairs``); no pairs, no keys.
    """
    ref = {r.case_id: is_right(r) for r in reference}
    pairs = [(is_right(r), ref[r.case_id]) for r in shifted if r.case_id in ref]
    if not pairs:
        return {}
    both = sum(1 for a, b in pairs if a and b)
    first = sum(1 for a, b in pairs if a and not b)
    second = sum(1 for a, b in pairs if b and not a)
    delta, ci = paired_difference(both, first, second, len(pairs) - both - first - second)
    return {
        f"{name}_accuracy": sum(1 for _, b in pairs if b) / len(pairs),
        f"delta_vs_{name}": delta,
        f"delta_vs_{name}_ci": list(ci),
        f"delta_vs_{name}_p": mcnemar_exact(first, second),
        f"delta_vs_{name}_pairs": len(pairs),
    }


def is_binary(kind: str, records: Sequence[ScoreRecord]) -> bool:
    """A proportion over single answers (not over per-case shares of several epochs)."""
    return kind == "proportion" and epochs_aggregated(records) == 1


def proportion(records: Sequence[ScoreRecord], params: Mapping[str, Any]) -> MetricValue:
    scored = scored_records(records)
    n = len(scored)
    if n == 0:
        return MetricValue(None, None, 0)
    epochs = epochs_aggregated(scored)
    if epochs > 1:
        shares = [float(r.value) for r in scored]  # type: ignore[arg-type]
        value = float(np.mean(shares))
        ci = bootstrap_mean_interval(shares, bounds=(0.0, 1.0))
        return MetricValue(value, ci, n, {"epochs": epochs, "interval": "bootstrap-bca over cases"})
    successes = sum(1 for r in scored if float(r.value or 0.0) >= 0.5)
    return MetricValue(successes / n, wilson_interval(successes, n), n, {"successes": successes, "interval": "wilson"})


def _clip_bounds(params: Mapping[str, Any]) -> tuple[float, float]:
    return float(params.get("clip_low", -math.inf)), float(params.get("clip_high", math.inf))


def item_value(value: float, params: Mapping[str, Any]) -> float:
    """One item's contribution to a ``mean`` metric: divided by ``scale``, then clipped."""
    low, high = _clip_bounds(params)
    return min(max(float(value) / float(params.get("scale", 1.0)), low), high)


def mean(records: Sequence[ScoreRecord], params: Mapping[str, Any]) -> MetricValue:
    scored = scored_records(records)
    if not scored:
        return MetricValue(None, None, 0)
    values = [item_value(r.value, params) for r in scored]  # type: ignore[arg-type]
    low, high = _clip_bounds(params)
    bounds = (low, high) if math.isfinite(low) and math.isfinite(high) else None
    extra: dict[str, Any] = {"interval": "bootstrap-bca"}
    if epochs_aggregated(scored) > 1:
        extra["epochs"] = epochs_aggregated(scored)
    return MetricValue(float(np.mean(values)), bootstrap_mean_interval(values, bounds), len(values), extra)


def _answer_of(record: ScoreRecord, answer_key: str) -> str:
    answer = record.details.get(answer_key)
    return "unclear" if answer is None else str(answer)


def _codes(labels: Sequence[str]) -> np.ndarray:
    index = {label: i for i, label in enumerate(sorted(set(labels)))}
    return np.array([index[label] for label in labels], dtype=np.int64)


def _table(groups: np.ndarray, answers: np.ndarray) -> np.ndarray:
    """The group × answer contingency table (a bootstrap resample may leave rows empty)."""
    if groups.size == 0:
        return np.zeros((0, 0))
    rows, cols = int(groups.max()) + 1, int(answers.max()) + 1
    return np.bincount(groups * cols + answers, minlength=rows * cols).reshape(rows, cols)


def independence_test(table: np.ndarray, permutations: int = PERMUTATIONS) -> tuple[float, str, float]:
    """(p-value, test, smallest expected count) for a group × answer contingency table.

    The chi-square distribution of the statistic is an approximation that needs every expected
    count ≥ 5. When that fails: Fisher's exact test for a 2×2 table, else a Monte-Carlo test of
    the same chi-square statistic over random tables with the observed margins (what permuting
    the answers across cases gives), with ``permutations`` draws and the fixed seed. Empty rows
    and columns are dropped first; a table left with fewer than two groups or answers carries no
    evidence of dependence: p = 1.
    """
    from scipy import stats

    table = np.asarray(table)
    if table.ndim == 2:
        table = table[:, table.sum(axis=0) > 0]
        table = table[table.sum(axis=1) > 0]
    if table.ndim != 2 or table.shape[0] < 2 or table.shape[1] < 2:
        return 1.0, "none (one group or one answer)", math.nan
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / table.sum()
    smallest = float(expected.min())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if smallest >= MIN_EXPECTED_COUNT:
            return float(stats.chi2_contingency(table, correction=False).pvalue), "chi-square", smallest
        if table.shape == (2, 2):
            return float(stats.fisher_exact(table).pvalue), "fisher-exact", smallest
        method = stats.MonteCarloMethod(n_resamples=permutations, rng=np.random.default_rng(BOOTSTRAP_SEED))
        pvalue = float(stats.chi2_contingency(table, correction=False, method=method).pvalue)
    return min(1.0, pvalue), f"monte-carlo chi-square ({permutations} tables)", smallest


def chi_square_pvalues(records: Sequence[ScoreRecord], group_keys: Sequence[str], answer_key: str) -> dict[str, float]:
    """p-value of the group × answer independence test, per group key (see :func:`independence_test`)."""
    return {key: test[0] for key, test in _chi_square_tests(records, group_keys, answer_key).items()}


def _chi_square_tests(
    records: Sequence[ScoreRecord], group_keys: Sequence[str], answer_key: str, permutations: int = PERMUTATIONS
) -> dict[str, tuple[float, str, float]]:
    answers = _codes([_answer_of(r, answer_key) for r in records])
    return {
        key: independence_test(_table(_codes([str(r.metadata.get(key)) for r in records]), answers), permutations)
        for key in group_keys
    }


def chi_square(records: Sequence[ScoreRecord], params: Mapping[str, Any]) -> MetricValue:
    """Smallest p-value across the group keys: the most biased attribute decides.

    Higher is better (no evidence of bias). The interval is a percentile bootstrap over cases,
    which says how much the p-value would move with another sample of the same size; each
    resample picks its own test by the same expected-count rule (Monte-Carlo with
    ``resample_permutations`` tables, default 500, to keep it quick).
    """
    usable = [r for r in records if r.error is None]
    if not usable:
        return MetricValue(None, None, 0)
    if all(r.value is None for r in usable):
        # every answer unscorable: one "unclear" column tests nothing, and p = 1 would pass a
        # model that never answered — no value, so a gate fails instead (see pytest_mmtrust.unscorable)
        return MetricValue(None, None, len(usable), {"unscorable": len(usable)})
    keys = list(params.get("group_keys", ["group"]))
    answer_key = str(params.get("answer_key", "answer"))
    tests = _chi_square_tests(usable, keys, answer_key)
    pvalues = {key: t[0] for key, t in tests.items()}
    value = min(pvalues.values())
    answers = _codes([_answer_of(r, answer_key) for r in usable])
    groups = {key: _codes([str(r.metadata.get(key)) for r in usable]) for key in keys}
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    resamples = int(params.get("resamples", 200))
    inner = int(params.get("resample_permutations", 500))
    boot = []
    for _ in range(resamples):
        picks = rng.integers(0, len(usable), len(usable))
        boot.append(min(independence_test(_table(g[picks], answers[picks]), inner)[0] for g in groups.values()))
    lo, hi = np.percentile(boot, [2.5, 97.5]) if boot else (value, value)
    extra = {
        "pvalues": pvalues,
        "tests": {key: t[1] for key, t in tests.items()},
        "min_expected": {key: t[2] for key, t in tests.items()},
        "interval": "bootstrap-percentile over cases",
    }
    return MetricValue(value, (min(float(lo), value), max(float(hi), value)), len(usable), extra)


def _pearson_statistic(x: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    xm = x - x.mean(axis=axis, keepdims=True)
    ym = y - y.mean(axis=axis, keepdims=True)
    return (xm * ym).sum(axis=axis) / np.sqrt((xm * xm).sum(axis=axis) * (ym * ym).sum(axis=axis))


def pearson(records: Sequence[ScoreRecord], params: Mapping[str, Any]) -> MetricValue:
    """Pearson r with a paired BCa bootstrap over cases (ratings are not bivariate normal, so the
    Fisher z interval is only the fallback when the bootstrap degenerates)."""
    pairs = [(float(r.value), float(r.target)) for r in scored_records(records) if r.target is not None]  # type: ignore[arg-type]
    n = len(pairs)
    if n < 3:
        return MetricValue(None, None, n)
    x = np.array([p[0] for p in pairs])
    y = np.array([p[1] for p in pairs])
    if x.std() == 0 or y.std() == 0:
        return MetricValue(0.0, (-1.0, 1.0), n, {"note": "constant ratings: correlation undefined, reported as 0"})
    r = float(np.clip(np.corrcoef(x, y)[0, 1], -1.0, 1.0))
    found = _bootstrap((x, y), _pearson_statistic, r, paired=True)
    if found is not None:
        return MetricValue(r, (max(-1.0, found[0]), min(1.0, found[1])), n, {"interval": "bootstrap-bca paired"})
    clipped = max(min(r, 0.999999), -0.999999)
    z = math.atanh(clipped)
    half = Z95 / math.sqrt(n - 3) if n > 3 else math.inf
    lo, hi = math.tanh(z - half), math.tanh(z + half)
    return MetricValue(r, (min(lo, r), max(hi, r)), n, {"interval": "fisher-z"})


def custom(records: Sequence[ScoreRecord], params: Mapping[str, Any]) -> MetricValue:
    """A metric function, found by the import path its :class:`Metric` recorded."""
    function = load_callable(str(params.get("function", "")), "metric function")
    result = function(list(records))
    if not isinstance(result, MetricValue):
        raise ConfigError(f"metric function {params.get('function')} must return a MetricValue, not {type(result).__name__}")
    return result


def import_path(function: Callable[..., Any], what: str) -> str:
    """``"module:qualname"`` of a module-level function, checked to import back to itself."""
    module = getattr(function, "__module__", None)
    qualname = getattr(function, "__qualname__", None)
    if not callable(function) or not module or not qualname or "<" in qualname or "." in qualname:
        raise ConfigError(
            f"{what}: the metric function must be a function defined at the top level of a module "
            f"(got {function!r}): the controller imports it by name"
        )
    path = f"{module}:{qualname}"
    if module != "__main__" and load_callable(path, what) is not function:
        raise ConfigError(f"{what}: {path} does not import back to the function given")
    return path


#: Module name → the file it was loaded from, for metric functions a controller cannot import by
#: name (see :func:`register_source`).
_SOURCES: dict[str, str] = {}


def register_source(module_name: str, path: str) -> None:
    """Remember where ``module_name`` lives, for a process that cannot import it by name.

    Under pytest-xdist the controller collects nothing, yet computes every metric: a metric
    function defined in a suite file (``test_parity:worst_class_accuracy``) is importable on the
    workers, which imported the file with pytest's rootdir-based import, but not by that name on
    the controller. The workers send the file's path with the task's description and the
    controller registers it here; :func:`load_callable` loads the file under the same name when
    importing by name fails.
    """
    _SOURCES[module_name] = path


def callable_source(spec: str) -> str | None:
    """The file of the module an imported ``module:function`` spec lives in (None if unknown)."""
    module = sys.modules.get(spec.partition(":")[0])
    path = getattr(module, "__file__", None)
    return str(path) if path else None


def load_callable(spec: str, what: str) -> Callable[..., Any]:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"{what} {spec!r}: expected 'module:function'")
    try:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = _load_from_source(module_name)
            if module is None:
                raise
        return getattr(module, attr)  # type: ignore[no-any-return]
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"{what} {spec!r}: cannot import ({exc})") from exc


def _load_from_source(module_name: str) -> Any:
    """The module loaded from its registered file (see :func:`register_source`), or None."""
    path = _SOURCES.get(module_name)
    if path is None or not Path(path).is_file():
        return None
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


#: Names of ``callable`` metrics that are shares or degrees on [0, 1] (the built-in suites' own).
UNIT_METRIC_NAMES = frozenset({"accuracy", "asd", "par", "toxicity"})


def value_range(metric: Metric) -> tuple[float, float] | None:
    """The values ``metric`` can take, or None when unknown.

    ``params["range"] = [low, high]`` says it for any metric. Otherwise: proportions and
    chi-square p-values lie in [0, 1], Pearson's r in [-1, 1], a mean between its clip bounds
    (when both are set); a ``callable`` metric is a share on [0, 1] when it says its Δ is a
    proportion or its name is a rate (``…_rate``, ``accuracy``, ``asd``, ``par``, ``toxicity``).
    Gates use it to refuse bounds no run can meet, baselines to refuse values no run can have.
    """
    declared = metric.params.get("range")
    if isinstance(declared, (list, tuple)) and len(declared) == 2 and all(
        isinstance(x, (int, float)) and not isinstance(x, bool) for x in declared
    ):
        return float(declared[0]), float(declared[1])
    if metric.kind in ("proportion", "chi_square"):
        return 0.0, 1.0
    if metric.kind == "pearson":
        return -1.0, 1.0
    if metric.kind == "mean":
        low, high = _clip_bounds(metric.params)
        return (low, high) if math.isfinite(low) and math.isfinite(high) else None
    if delta_kind(metric) == "proportion" or metric.name in UNIT_METRIC_NAMES or metric.name.endswith("_rate"):
        return 0.0, 1.0
    return None


KINDS: dict[str, Callable[[Sequence[ScoreRecord], Mapping[str, Any]], MetricValue]] = {
    "proportion": proportion,
    "mean": mean,
    "chi_square": chi_square,
    "pearson": pearson,
    "callable": custom,
}


# ---------------------------------------------------------------- conditions


@dataclass(frozen=True)
class ConditionDelta:
    """A condition's metric and its change against the reference condition (``none``).

    ``method`` names how the Δ interval was made (see :func:`condition_deltas`); ``p_value`` is
    the two-sided test of "no change" where the method has one; ``n_paired`` counts the cases
    behind a paired Δ (0 when unpaired).
    """

    condition: str
    metric: MetricValue
    delta: float | None
    delta_ci: tuple[float, float] | None
    method: str = ""
    p_value: float | None = None
    n_paired: int = 0


def paired_values(
    first: Sequence[ScoreRecord], second: Sequence[ScoreRecord], key: Callable[[ScoreRecord], str]
) -> list[tuple[float, float]] | None:
    """Values of the cases scored in both groups, matched by ``key``; None when a key repeats
    within a group (the pairing would be ambiguous) or no case is shared."""
    a = {key(r): r for r in scored_records(first)}
    b = {key(r): r for r in scored_records(second)}
    if len(a) != len(scored_records(first)) or len(b) != len(scored_records(second)):
        return None
    shared = sorted(set(a) & set(b))
    if not shared:
        return None
    return [(float(a[k].value), float(b[k].value)) for k in shared]  # type: ignore[arg-type]


def condition_deltas(metric: Metric, records: Sequence[ScoreRecord], reference: str = "none") -> list[ConditionDelta]:
    """Per-condition values and their Δ to the reference condition, with intervals.

    When the same case ids are scored in both conditions (the usual design: one question, three
    images) the Δ is *paired*, on the shared cases: proportions get Tango's score interval and
    McNemar's exact test (``method="tango-paired"``), means and epoch shares a BCa bootstrap of
    the per-case differences and a sign-flip permutation test (``"bootstrap-paired"``). Unpaired
    data fall back to Newcombe's interval for proportions (``"newcombe"``), a two-sample
    bootstrap for means (``"bootstrap-unpaired"``) and, for the other kinds, the two intervals'
    half-widths added in quadrature (``"normal-combined"``, a rough guide only).
    """
    by_condition: dict[str, list[ScoreRecord]] = {}
    for record in records:
        if record.condition is not None:
            by_condition.setdefault(record.condition, []).append(record)
    if not by_condition:
        return []
    values = {c: metric.compute(rs) for c, rs in by_condition.items()}
    ref = values.get(reference)
    out = []
    for condition in sorted(values, key=lambda c: (c != reference, c)):
        value = values[condition]
        if ref is None or condition == reference or value.value is None or ref.value is None:
            out.append(ConditionDelta(condition, value, None, None))
            continue
        out.append(_condition_change(metric, condition, value, ref, by_condition[condition], by_condition[reference]))
    return out


def delta_kind(metric: Metric) -> str:
    """How a condition Δ treats the item values: the metric's kind, or for a ``callable`` metric
    the kind it names in ``params["delta_kind"]`` (``"proportion"`` or ``"mean"``) — a callable
    metric's headline can be a plain rate or mean of the item values even when it adds extras."""
    if metric.kind == "callable":
        return str(metric.params.get("delta_kind", "callable"))
    return metric.kind


def _condition_change(
    metric: Metric,
    condition: str,
    value: MetricValue,
    ref: MetricValue,
    records: Sequence[ScoreRecord],
    ref_records: Sequence[ScoreRecord],
) -> ConditionDelta:
    assert value.value is not None and ref.value is not None
    kind = delta_kind(metric)
    numeric = kind in ("proportion", "mean")
    pairs = paired_values(records, ref_records, key=lambda r: r.case_id) if numeric else None
    binary = is_binary(kind, list(records) + list(ref_records))
    if pairs is not None and binary:
        x = [v >= 0.5 for v, _ in pairs]
        y = [w >= 0.5 for _, w in pairs]
        both = sum(1 for a, b in zip(x, y) if a and b)
        first = sum(1 for a, b in zip(x, y) if a and not b)
        second = sum(1 for a, b in zip(x, y) if b and not a)
        delta, ci = paired_difference(both, first, second, len(pairs) - both - first - second)
        return ConditionDelta(condition, value, delta, ci, "tango-paired", mcnemar_exact(first, second), len(pairs))
    if pairs is not None:
        transform = (lambda v: item_value(v, metric.params)) if kind == "mean" else float
        diffs = [transform(v) - transform(w) for v, w in pairs]
        delta = float(np.mean(diffs))
        ci = bootstrap_mean_interval(diffs)
        return ConditionDelta(condition, value, delta, ci, "bootstrap-paired", sign_flip_pvalue(diffs), len(pairs))
    if binary and value.n and ref.n:
        delta, ci = newcombe_difference(value.extra["successes"], value.n, ref.extra["successes"], ref.n)
        return ConditionDelta(condition, value, delta, ci, "newcombe")
    if numeric:
        transform = (lambda v: item_value(v, metric.params)) if kind == "mean" else float
        now = [transform(r.value) for r in scored_records(records)]  # type: ignore[arg-type]
        before = [transform(r.value) for r in scored_records(ref_records)]  # type: ignore[arg-type]
        delta, ci = two_sample_mean_difference(now, before)
        return ConditionDelta(condition, value, delta, ci, "bootstrap-unpaired")
    delta = value.value - ref.value
    if value.ci and ref.ci:
        half = math.hypot((value.ci[1] - value.ci[0]) / 2, (ref.ci[1] - ref.ci[0]) / 2)
        return ConditionDelta(condition, value, delta, (delta - half, delta + half), "normal-combined")
    return ConditionDelta(condition, value, delta, None, "none")
