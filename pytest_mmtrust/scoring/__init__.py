"""Scoring profiles: the project's corrected scoring (``default``) or the benchmarks' own (``upstream``).

``--mmtrust-scoring`` (``scoring`` in ``[tool.mmtrust]``) picks one for the whole run:

``default``
    The project's scoring: robust answer extraction (a non-answer is unanswered, not "No"),
    English and Chinese refusal detection, paired intervals, the corrected statistics of
    ``docs/statistics.md``.
``upstream``
    MultiTrust's and MLLMGuard's own rules, so a number can be put next to the papers': the
    upstream yes/no reader and refusal templates, the per-part and best-of-three headlines,
    F.6's chi-square with Yates' correction, leaks over non-refused answers, MLLMGuard's
    hallucination ÷ 3. Where upstream asked GPT-4 or an external classifier, the upstream
    profile asks ``--mmtrust-judge`` with upstream's own prompts (:mod:`.upstream_prompts`); a
    task that would need one and has none is reported as not comparable.

Both profiles keep upstream's *defects* fixed (``docs/scoring.md`` lists them). The parts:

=============================  ===============================================================
:mod:`.upstream_rules`         upstream's rule-based readers (yes/no, refusal templates, label
                               containment, rating and score parsing), rewritten from its code
:mod:`.upstream_prompts`       upstream's judge prompts, as data, each with its source file
:mod:`.profiled`               :func:`~.profiled.profiled`, the wrapper a suite puts around its
                               default evaluator, and the upstream evaluator it binds to
:mod:`.upstream_evaluators`    how the upstream profile scores each task
:mod:`.upstream_metrics`       the upstream headline of each task (controller side)
:mod:`.parts`                  per-part breakdowns (T.1 per part, T.6 per kind …), both profiles
=============================  ===============================================================

The aggregate over MultiTrust's ten sub-aspects is :mod:`pytest_mmtrust.multitrust`.
"""

from __future__ import annotations

from typing import Any

DEFAULT = "default"
UPSTREAM = "upstream"
PROFILES = (DEFAULT, UPSTREAM)


def check_profile(value: Any) -> str:
    """The profile name ``value`` spells (case and spaces ignored); ValueError otherwise."""
    name = str(value).strip().lower() if isinstance(value, str) else None
    if name not in PROFILES:
        raise ValueError(f"must be one of {', '.join(PROFILES)}")
    return name


def profile_of(context: Any) -> str:
    """The scoring profile a run context asks for (``context.scoring``), ``default`` when unset."""
    scoring = getattr(context, "scoring", None)
    return check_profile(scoring) if scoring is not None else DEFAULT
