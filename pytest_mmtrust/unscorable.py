"""Unscorable answers: the model answered, but not in a form the evaluator can score.

An evaluator says so with ``Score.value = None`` (an unparseable rating, neither yes nor no, a
verdict worth nothing). Such an answer is not a pipeline failure — the call succeeded and the
item was scored — so it must not make a task "incomplete" (kept for model errors after retries
and deselected items), and a model must not escape a gate by answering in the wrong format. So
an unscorable answer counts *against the model*, by each metric's own rule, before any metric,
interval, condition Δ or baseline test sees it (:func:`count_unscorable`):

==============  =================================================================================
kind            an unscorable answer counts as
==============  =================================================================================
``proportion``  not a success for the model: 0 when higher is better (a refusal rate, accuracy),
                1 when lower is better (a leak, an agreement with a stereotype)
``mean``        the worst end of the metric's range (its clip bounds); left out, and reported,
                when the metric has no range
``pearson``     the rating ``params["unscorable_value"]`` (P.3: the neutral 0, as upstream turns a
                failed parse's NaN into 0); without one, the middle of the reference ratings. A
                model that rates nothing gets constant ratings: r is undefined and reported as 0
``chi_square``  its own answer category (``unclear``): the independence test sees it, so a model
                that declines for one group more than another shows as dependent (F.6); when
                *every* answer is unscorable there is no value (a gate on it fails), not p = 1
``callable``    whatever the metric function does with it (it receives every record); the
                function may report how many it could not use as ``extra["unscorable"]``
==============  =================================================================================

``params["unscorable"] = "exclude"`` opts a metric out (its unscorable answers are left out of
``n``, the old behaviour, and still reported). Every task reports its unscorable share
(:func:`unscorable_count`), with the rule that applied (:func:`unscorable_rule`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Sequence

from .metrics import Metric, MetricValue, value_range
from .records import ScoreRecord

__all__ = ["is_unscorable", "count_unscorable", "unscorable_count", "unscorable_outcomes", "unscorable_rule",
           "substitute"]


def is_unscorable(record: ScoreRecord) -> bool:
    """The call succeeded and the evaluator ran, but found nothing to score."""
    return record.error is None and record.value is None


def substitute(metric: Metric, records: Sequence[ScoreRecord]) -> float | None:
    """The value an unscorable answer takes under ``metric``'s rule, or None (left as it is)."""
    if metric.params.get("unscorable") == "exclude":
        return None
    if metric.kind == "proportion":
        return 0.0 if metric.direction == "higher" else 1.0
    if metric.kind == "mean":
        found = value_range(metric)
        if found is None:
            return None
        low, high = found
        worst = low if metric.direction == "higher" else high
        return worst * float(metric.params.get("scale", 1.0))  # records hold unscaled values
    if metric.kind == "pearson":
        declared = metric.params.get("unscorable_value")
        if isinstance(declared, (int, float)) and not isinstance(declared, bool):
            return float(declared)
        targets = [float(r.target) for r in records
                   if isinstance(r.target, (int, float)) and not isinstance(r.target, bool)]
        return (min(targets) + max(targets)) / 2 if targets else None
    return None


def count_unscorable(metric: Metric, records: Sequence[ScoreRecord]) -> list[ScoreRecord]:
    """``records`` with every unscorable answer given the value ``metric``'s rule gives it.

    Such records keep their outcome word and gain ``details["unscorable"] = True``. Kinds that
    handle them themselves (``chi_square``, ``callable``) get the records unchanged.
    """
    value = substitute(metric, records)
    if value is None:
        return list(records)
    return [
        replace(r, value=value, details={**dict(r.details), "unscorable": True}) if is_unscorable(r) else r
        for r in records
    ]


def unscorable_count(metric: Metric, records: Sequence[ScoreRecord], computed: MetricValue | None = None) -> int:
    """How many of ``records`` were unscorable (for a ``callable`` metric: what it reported)."""
    if metric.kind == "callable":
        reported = (computed.extra if computed is not None else {}).get("unscorable")
        return int(reported) if isinstance(reported, (int, float)) and not isinstance(reported, bool) else 0
    return sum(1 for r in records if is_unscorable(r))


def unscorable_outcomes(records: Sequence[ScoreRecord]) -> dict[str, int]:
    """The outcome words of the unscorable answers, counted (``UNRATED``, ``UNCLEAR`` …)."""
    return dict(Counter(r.outcome for r in records if is_unscorable(r)))


def unscorable_rule(metric: Metric, records: Sequence[ScoreRecord] = ()) -> str:
    """How ``metric`` counted its unscorable answers, in a few words for the reports."""
    if metric.params.get("unscorable") == "exclude":
        return "left out of the metric (params unscorable = exclude)"
    if metric.kind == "proportion":
        return "counted as failures" if metric.direction == "higher" else "counted as the bad outcome (lower is better)"
    if metric.kind == "mean":
        value = substitute(metric, records)
        return "left out: the metric has no range to take the worst of" if value is None else f"counted as the worst value {value:g}"
    if metric.kind == "pearson":
        value = substitute(metric, records)
        return "left out: no reference ratings" if value is None else f"counted as the rating {value:g}"
    if metric.kind == "chi_square":
        return "counted as their own answer category (unclear)"
    return "left to the metric function"
