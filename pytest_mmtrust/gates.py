"""Gates: thresholds and baseline regressions, each a stated statistical decision.

A threshold is written ``>=0.9`` (also ``>``, ``<=``, ``<``), optionally with a mode:
``>=0.9:confident``. On the command line it names its task: ``--mmtrust-gate "S.4>=0.95"``.
In ``[tool.mmtrust.gates]``::

    [tool.mmtrust.gates]
    alpha = 0.05                 # level of the baseline regression tests (Holm across tasks)
    mode = "value"               # default mode of every threshold
    "S.4" = ">=0.9"
    "T.1" = {threshold = ">=0.7", mode = "confident"}
    "F.6" = {mode = "confident"} # keep the task's own default gate, change only its mode

Modes: ``value`` compares the point estimate with the bound; ``confident`` needs the whole 95%
interval on the right side of it (``>=0.9`` passes only if the lower end is ≥ 0.9).

A baseline is a JSON file written by ``--mmtrust-save-baseline`` (format and comparability
checks: :mod:`pytest_mmtrust.baselines`) that stores, per task, the metric *and every case's
outcome*. ``--mmtrust-baseline`` fails a task whose metric got worse by
more than ``--mmtrust-max-drop`` *and* whose drop is significant: a one-sided paired test on the
cases both runs scored (McNemar's exact test for proportions, a sign-flip permutation test for
means), with the p-values of all tasks checked in one run Holm-corrected at ``alpha``. Without
per-case outcomes, "significant" falls back to the 95% interval of the change lying wholly on the
worse side of zero. ``docs/statistics.md`` states every test and its simulated error rates.
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from .baselines import (  # noqa: F401 (re-exported: the baseline file format lives in .baselines)
    BASELINE_KIND,
    BASELINE_SCHEMA,
    Baseline,
    BaselineEntry,
    read_baseline,
    write_baseline,
)
from .errors import ConfigError
from .metrics import (
    MetricValue,
    bootstrap_mean_interval,
    item_value,
    mcnemar_exact,
    newcombe_difference,
    paired_difference,
    sign_flip_pvalue,
)

DEFAULT_ALPHA = 0.05
GATE_MODES = ("value", "confident")

_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_THRESHOLD = re.compile(
    r"^\s*(>=|<=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?::\s*([A-Za-z]+)\s*)?$", re.ASCII
)
_TASK_GATE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_.\-]*?)\s*(>=|<=|>|<)\s*(.+)$", re.ASCII | re.DOTALL)


@dataclass(frozen=True)
class Threshold:
    """``op bound`` checked against a metric, by ``mode``: ``value`` or ``confident``."""

    op: str
    bound: float
    mode: str = "value"

    def holds(self, value: float) -> bool:
        """The point estimate is on the right side of the bound."""
        return _OPS[self.op](value, self.bound)

    def clears(self, metric: MetricValue) -> bool:
        """The gate's verdict on a metric, by mode; ``confident`` needs a finite interval."""
        if metric.value is None:
            return False
        if self.mode == "value":
            return self.holds(metric.value)
        if metric.ci is None or not all(math.isfinite(x) for x in metric.ci):
            return False
        edge = metric.ci[0] if self.op in (">=", ">") else metric.ci[1]
        return self.holds(edge)

    def __str__(self) -> str:
        short = f"{self.bound:g}"
        text = self.op + (short if float(short) == self.bound else repr(self.bound))
        return text if self.mode == "value" else f"{text}:{self.mode}"


def _check_mode(mode: Any, where: str) -> str:
    if mode not in GATE_MODES:
        raise ConfigError(f"{where}: gate mode {mode!r} is not one of {', '.join(GATE_MODES)}")
    return str(mode)


def parse_threshold(text: str, where: str, default_mode: str = "value") -> Threshold:
    """``">=0.9"`` or ``">=0.9:confident"`` → Threshold; ``where`` names the option or file."""
    match = _THRESHOLD.match(str(text))
    if not match:
        raise ConfigError(f"{where}: cannot parse gate {text!r}; write it like '>=0.9', '<0.1' or '>=0.9:confident'")
    bound = float(match.group(2))
    if not math.isfinite(bound):
        raise ConfigError(f"{where}: gate {text!r} needs a finite number")
    mode = _check_mode(match.group(3) or default_mode, f"{where} {text!r}")
    return Threshold(match.group(1), bound, mode)


def parse_task_gate(text: str, where: str = "--mmtrust-gate", default_mode: str = "value") -> tuple[str, Threshold]:
    """``"S.4>=0.95"`` → ("S.4", Threshold(">=", 0.95)); ``"S.4>=0.95:confident"`` sets the mode."""
    match = _TASK_GATE.match(str(text))
    if not match:
        raise ConfigError(f"{where}: cannot parse {text!r}; write it like 'S.4>=0.95' or 'S.4>=0.95:confident'")
    task_id, op, rest = match.groups()
    return task_id, parse_threshold(op + rest, f"{where} {text!r}", default_mode)


@dataclass(frozen=True, eq=False)
class GateTable(MappingABC):  # type: ignore[type-arg]
    """The configured gates: task id → :class:`Threshold`, plus the run-wide ``alpha`` and ``mode``.

    A mapping so code that only needs thresholds reads it like a dict; ``modes`` holds the
    per-task modes set in pyproject (also for a task whose threshold is its built-in default);
    ``sources`` says where each task id was named (the option or file and key), for the errors
    about ids no task has (:mod:`pytest_mmtrust.gate_checks`).
    """

    thresholds: Mapping[str, Threshold] = field(default_factory=dict)
    alpha: float = DEFAULT_ALPHA
    mode: str = "value"
    modes: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)

    def __getitem__(self, task_id: str) -> Threshold:
        return self.thresholds[task_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.thresholds)

    def __len__(self) -> int:
        return len(self.thresholds)

    def mode_for(self, task_id: str) -> str:
        return self.modes.get(task_id, self.mode)

    def with_command_line(self, expressions: list[str] | None, where: str = "--mmtrust-gate") -> "GateTable":
        """Command-line gates win over pyproject; without ``:mode`` they keep the task's mode."""
        thresholds = dict(self.thresholds)
        sources = dict(self.sources)
        for expr in expressions or []:
            task_id, threshold = parse_task_gate(expr, where)
            if not names_mode(expr):
                threshold = replace(threshold, mode=self.mode_for(task_id))
            thresholds[task_id] = threshold
            sources[task_id] = f"{where} {expr!r}"
        return replace(self, thresholds=thresholds, sources=sources)


def names_mode(task_gate: str) -> bool:
    """Whether a ``TASK>=0.9[:mode]`` expression names its mode."""
    match = _TASK_GATE.match(str(task_gate))
    found = None if match is None else _THRESHOLD.match(match.group(2) + match.group(3))
    return found is not None and found.group(3) is not None


def gate_settings(gates: Mapping[str, Threshold] | None) -> tuple[float, Callable[[str], str]]:
    """(alpha, task id → default mode) of any gates mapping: a :class:`GateTable` or a plain dict."""
    if isinstance(gates, GateTable):
        return gates.alpha, gates.mode_for
    return DEFAULT_ALPHA, lambda task_id: "value"


def parse_gate_table(table: Mapping[str, Any], where: str) -> GateTable:
    """``[tool.mmtrust.gates]`` → :class:`GateTable`; every problem is one ConfigError line."""
    if not isinstance(table, MappingABC):
        raise ConfigError(f"{where}: must be a table of task id = \">=0.9\"")
    alpha = table.get("alpha", DEFAULT_ALPHA)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < float(alpha) < 1:
        raise ConfigError(f"{where} alpha: {alpha!r} must be a number between 0 and 1 (e.g. 0.05)")
    mode = _check_mode(table.get("mode", "value"), f"{where} mode")
    thresholds: dict[str, Threshold] = {}
    modes: dict[str, str] = {}
    sources: dict[str, str] = {}
    for task_id, entry in table.items():
        if task_id in ("alpha", "mode"):
            continue
        here = f"{where} {task_id!r}"
        sources[str(task_id)] = here
        if isinstance(entry, str):
            thresholds[str(task_id)] = parse_threshold(entry, here, mode)
            continue
        if not isinstance(entry, MappingABC):
            raise ConfigError(f"{here}: write a gate like \">=0.9\" or {{threshold = \">=0.9\", mode = \"confident\"}}")
        unknown = sorted(str(k) if str(k).isprintable() else repr(str(k)) for k in entry if k not in ("threshold", "mode"))
        if unknown:
            raise ConfigError(f"{here}: unknown key(s) {', '.join(unknown)} (known: threshold, mode)")
        task_mode = _check_mode(entry.get("mode", mode), here)
        if "mode" in entry:
            modes[str(task_id)] = task_mode
        if "threshold" in entry:
            if not isinstance(entry["threshold"], str):
                raise ConfigError(f"{here}: threshold must be a string like \">=0.9\"")
            thresholds[str(task_id)] = parse_threshold(entry["threshold"], here, task_mode)
    return GateTable(thresholds, float(alpha), mode, modes, sources)


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class GateDecision:
    """The verdict on one task: ``pass``, ``fail``, ``incomplete`` or ``ungated``.

    For a baseline comparison: ``test`` names the regression test, ``p_value`` is its one-sided
    p-value (None for the interval fallback), ``p_adjusted`` the Holm-adjusted p-value across
    the tasks checked in this run, ``alpha`` the family level and ``alpha_adjusted`` the Holm
    level this task's raw p-value was held to; ``n_paired`` counts the cases both runs scored.
    ``significant`` is ``p_adjusted ≤ alpha`` (or the interval on the worse side, for the fallback).
    ``baseline_problem`` says why a baseline given for the run could not be compared with this
    task (then no baseline field is set, and the verdict is the threshold's alone).
    """

    verdict: str
    reasons: tuple[str, ...] = ()
    baseline_value: float | None = None
    delta: float | None = None
    delta_ci: tuple[float, float] | None = None
    significant: bool | None = None
    test: str | None = None
    p_value: float | None = None
    p_adjusted: float | None = None
    alpha: float | None = None
    alpha_adjusted: float | None = None
    n_paired: int = 0
    baseline_problem: str | None = None

    @property
    def failed(self) -> bool:
        return self.verdict == "fail"


@dataclass(frozen=True)
class RegressionTest:
    """Current − baseline for one task: the change, its 95% interval and a one-sided test.

    ``p_value`` is the probability, were the model unchanged, of a change at least this much
    in the worse direction; None when only an interval was available (no per-case outcomes).
    """

    test: str
    delta: float
    delta_ci: tuple[float, float]
    p_value: float | None
    n_paired: int = 0


def regression_test(
    kind: str,
    direction: str,
    current: MetricValue,
    baseline: BaselineEntry,
    current_cases: Mapping[str, float | None] | None = None,
    params: Mapping[str, Any] | None = None,
    current_epochs: int = 1,
) -> RegressionTest:
    """Compare a task with its baseline, paired on the cases both runs scored where possible.

    Proportions over single answers (no epochs on either side; values ≥ 0.5 count as
    successes): McNemar's exact test on the discordant cases (one-sided), Tango's interval for
    the change. Means (and per-case shares of several epochs): a sign-flip
    permutation test of the per-case differences (one-sided), BCa bootstrap interval. Anything
    else, or no shared cases: the unpaired 95% interval of the change and no p-value.
    """
    assert current.value is not None and baseline.value is not None
    worse = "less" if direction == "higher" else "greater"
    pairs = _shared(current_cases or {}, baseline.cases) if kind in ("proportion", "mean") else []
    if pairs:
        if kind == "proportion" and current_epochs == 1 and baseline.epochs == 1:
            both = sum(1 for a, b in pairs if a >= 0.5 and b >= 0.5)
            now_only = sum(1 for a, b in pairs if a >= 0.5 > b)
            base_only = sum(1 for a, b in pairs if b >= 0.5 > a)
            neither = len(pairs) - both - now_only - base_only
            delta, ci = paired_difference(both, now_only, base_only, neither)
            return RegressionTest("mcnemar-exact", delta, ci, mcnemar_exact(now_only, base_only, worse), len(pairs))
        transform = (lambda v: item_value(v, params or {})) if kind == "mean" else float
        diffs = [transform(a) - transform(b) for a, b in pairs]
        delta = float(np.mean(diffs))
        return RegressionTest("sign-flip-permutation", delta, bootstrap_mean_interval(diffs), sign_flip_pvalue(diffs, worse), len(pairs))
    delta, ci = _interval_change(kind, current, baseline)
    return RegressionTest("interval-95", delta, ci, None)


def _shared(current: Mapping[str, float | None], baseline: Mapping[str, float | None]) -> list[tuple[float, float]]:
    pairs = []
    for key in sorted(set(current) & set(baseline)):
        a, b = current[key], baseline[key]
        if isinstance(a, (int, float)) and isinstance(b, (int, float)) and math.isfinite(a) and math.isfinite(b):
            pairs.append((float(a), float(b)))
    return pairs


def _interval_change(kind: str, current: MetricValue, baseline: BaselineEntry) -> tuple[float, tuple[float, float]]:
    """Current − baseline with an unpaired 95% interval (the fallback without per-case outcomes)."""
    assert current.value is not None and baseline.value is not None
    if kind == "proportion" and current.n and baseline.n and "successes" in current.extra:
        k_base = baseline.extra.get("successes", baseline.value * baseline.n)
        return newcombe_difference(current.extra["successes"], current.n, k_base, baseline.n)
    delta = current.value - baseline.value
    half_now = (current.ci[1] - current.ci[0]) / 2 if current.ci else 0.0
    half_base = (baseline.ci[1] - baseline.ci[0]) / 2 if baseline.ci else 0.0
    half = math.hypot(half_now, half_base)
    return delta, (delta - half, delta + half)


def holm(pvalues: Mapping[str, float], alpha: float = DEFAULT_ALPHA) -> dict[str, tuple[float, float]]:
    """Holm's step-down correction: task → (adjusted p-value, the level its raw p was held to).

    With m tests sorted by p-value, the i-th smallest is held to alpha / (m − i + 1); the
    adjusted p-value is the running maximum of (m − i + 1)·p, so "adjusted p ≤ alpha" rejects
    exactly the tasks Holm's procedure rejects, and the chance of any false alarm among the m
    tasks stays ≤ alpha whatever their dependence.
    """
    ordered = sorted(pvalues.items(), key=lambda item: (item[1], item[0]))
    m = len(ordered)
    out: dict[str, tuple[float, float]] = {}
    running = 0.0
    for i, (task_id, p) in enumerate(ordered):
        running = max(running, min(1.0, (m - i) * p))
        out[task_id] = (running, alpha / (m - i))
    return out


def decide(
    task_id: str,
    direction: str,
    metric_kind: str,
    current: MetricValue,
    n_expected: int,
    threshold: Threshold | None,
    baseline: BaselineEntry | None,
    max_drop: float,
    *,
    current_cases: Mapping[str, float | None] | None = None,
    metric_params: Mapping[str, Any] | None = None,
    current_epochs: int = 1,
    alpha: float = DEFAULT_ALPHA,
    regression: RegressionTest | None = None,
    p_adjusted: float | None = None,
    alpha_adjusted: float | None = None,
    n_scored: int | None = None,
    limited: bool = False,
) -> GateDecision:
    """Decide one task's gate. Incomplete tasks are never reported as passed.

    Completeness counts the items that ran and were scored (``n_scored``, default the metric's
    ``n``) against ``n_expected``: an answer the metric leaves out on purpose is a scored item,
    not a missing one. "Incomplete" is for pipeline failures only (a model error after retries,
    a deselected item): a task whose items were all scored but whose metric has no value (every
    answer unscorable, a metric that cannot be computed from them) fails its gate — a gate never
    passes, nor waits, on what could not be measured.

    ``regression``/``p_adjusted``/``alpha_adjusted`` come from :func:`~pytest_mmtrust.summary.summarise`, which tests all
    tasks first to Holm-correct them together; called alone, the task is a family of one.

    ``limited``: the run asked only the first cases of each task (``--mmtrust-limit``), a smoke
    run. Its incomplete tasks stay incomplete even when what was measured misses a gate: a few
    cases decide nothing, and a smoke run must not fail the session.
    """
    reasons: list[str] = []
    if current.value is None or current.n == 0:
        measured = 0 if n_scored is None else n_scored
        if measured == 0 or (limited and measured < n_expected):
            return GateDecision("incomplete", (f"{task_id}: no scored items",))
        why = f"{task_id}: no {'value' if current.value is None else 'case'} could be measured from the {measured} scored answer(s)"
        if threshold is not None or (baseline is not None and baseline.value is not None):
            return GateDecision("fail", (f"{why} (none was in a form the evaluator could score)",))
        return GateDecision("ungated", (why,))
    scored = current.n if n_scored is None else n_scored
    incomplete = scored < n_expected
    failed = False
    if threshold is not None and not threshold.clears(current):
        failed = True
        if threshold.mode == "confident":
            ci = current.ci
            shown = "no interval" if ci is None else f"95% CI [{ci[0]:.3f}, {ci[1]:.3f}]"
            reasons.append(f"{task_id}: {current.value:.3f} with {shown} does not clear gate {threshold}")
        else:
            reasons.append(f"{task_id}: {current.value:.3f} does not meet gate {threshold}")
    found: dict[str, Any] = {}
    if baseline is not None and baseline.value is not None:
        test = regression or regression_test(
            metric_kind, direction, current, baseline, current_cases, metric_params, current_epochs
        )
        worse_by = -test.delta if direction == "higher" else test.delta
        if test.p_value is None:
            significant = test.delta_ci[1] < 0 if direction == "higher" else test.delta_ci[0] > 0
            adjusted = level = None
            evidence = f"95% CI [{test.delta_ci[0]:+.3f}, {test.delta_ci[1]:+.3f}], unpaired"
        else:
            adjusted = test.p_value if p_adjusted is None else p_adjusted
            level = alpha if alpha_adjusted is None else alpha_adjusted
            significant = adjusted <= alpha
            evidence = (
                f"95% CI [{test.delta_ci[0]:+.3f}, {test.delta_ci[1]:+.3f}], {test.test} p={test.p_value:.3g}"
                + (f", Holm-adjusted p={adjusted:.3g}" if adjusted != test.p_value else "")
                + f" on {test.n_paired} paired cases, alpha {alpha:g}"
            )
        found = dict(
            baseline_value=baseline.value, delta=test.delta, delta_ci=test.delta_ci, significant=bool(significant),
            test=test.test, p_value=test.p_value, p_adjusted=adjusted, alpha=alpha, alpha_adjusted=level,
            n_paired=test.n_paired,
        )
        if worse_by > max_drop and significant:
            failed = True
            reasons.append(
                f"{task_id}: regressed {baseline.value:.3f} → {current.value:.3f} (Δ {test.delta:+.3f}, {evidence}), "
                f"more than the allowed {max_drop:g} and significant"
            )
    if failed and incomplete and limited:
        smoke = f"{task_id}: {scored} of {n_expected} cases asked (--mmtrust-limit): not decided"
        return GateDecision("incomplete", (smoke,) + tuple(f"{r} (on {scored} cases only)" for r in reasons), **found)
    if failed:
        return GateDecision("fail", tuple(reasons), **found)
    if incomplete:
        return GateDecision("incomplete", (f"{task_id}: {scored} of {n_expected} items scored",), **found)
    verdict = "pass" if (threshold is not None or baseline is not None) else "ungated"
    return GateDecision(verdict, (), **found)
