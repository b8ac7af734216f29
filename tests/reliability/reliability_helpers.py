"""Shared pieces of the reliability tests: toy suites, scripted answers and report readers.

The toy suites are text-only and tiny on purpose: these tests are about the pipeline around a
model (retries, the store, limits, errors, secrets), so a case costs one HTTP round trip and
nothing else. The model under test is the scripted OpenAI-compatible server of
:mod:`pytest_mmtrust.testing.openai_server`, started on 127.0.0.1 with a free port, reached
through the real litellm → OpenAI client → httpx → socket path.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Imported once here, before any in-process pytester run: pytester forgets the modules a run
# imports first, so without this every run would import (and assertion-rewrite) them again.
import litellm  # noqa: E402,F401

import pytest_mmtrust.evaluators  # noqa: E402,F401
import pytest_mmtrust.models.api  # noqa: E402,F401
import pytest_mmtrust.plugin  # noqa: E402,F401

#: One toy suite file; ``{n}`` cases, ``{task}`` id, prompts ``{prefix}0`` … and the evaluator.
SUITE = textwrap.dedent(
    '''
    from pathlib import Path
    from pytest_mmtrust import Case, Dataset, Metric, Score, Task
    from pytest_mmtrust.datasets.base import read_manifest
    from pytest_mmtrust.evaluators import RefusalEvaluator

    def generate(folder):
        return [Case(id=f"{{i:04d}}", prompt=f"{prefix}{{i}}", target="yes" if i % 2 else "no",
                     condition=c, metadata={{"n": i}})
                for i in range({n}) for c in {conditions!r}]

    def upstream(data_dir):
        return read_manifest(Path(data_dir) / "cases.jsonl", Path(data_dir))

    class Exact:
        name = "rules:exact"
        def __call__(self, case, text):
            ok = text.strip() == case.target
            return Score(1.0 if ok else 0.0, "CORRECT" if ok else "WRONG")

    EVALUATORS = {{"exact": (Exact(), Metric("accuracy")),
                  "refusal": (RefusalEvaluator(), Metric("refusal_rate", direction="higher"))}}
    evaluator, metric = EVALUATORS["{evaluator}"]

    TASK = Task(id="{task}", name="toy {evaluator}", aspect="custom",
                dataset=Dataset("{task}", "n{n}-{prefix}-{version}", generate, upstream),
                evaluator=evaluator, metric=metric, gate=">=0.0")

    @TASK.test
    def test_case(mmtrust_result):
        assert mmtrust_result.case.id == mmtrust_result.record.case_id
    '''
)


def suite_source(
    n: int,
    *,
    task: str = "R.1",
    prefix: str = "q",
    evaluator: str = "exact",
    conditions: tuple[Any, ...] = (None,),
    version: str = "1",
) -> str:
    """The source of a toy suite with ``n`` text-only cases (``prefix + i``) per condition."""
    return SUITE.format(n=n, task=task, prefix=prefix, evaluator=evaluator, conditions=conditions, version=version)


def case_number(call: ChatCall, prefix: str = "q") -> int:
    """The ``i`` of a toy prompt ``q{i}``."""
    return int(call.text.strip()[len(prefix):])


def right_or_wrong(call: ChatCall) -> str:
    """The scripted answer of the exact-match toy: right for i % 3 != 0 (so accuracy is known)."""
    i = case_number(call)
    right = "yes" if i % 2 else "no"
    wrong = "no" if i % 2 else "yes"
    return wrong if i % 3 == 0 else right


def expected_accuracy(n: int) -> float:
    return sum(1 for i in range(n) if i % 3 != 0) / n


def api_args(server: ScriptedOpenAIServer, folder: Path, *extra: str, store: str = "store.sqlite") -> list[str]:
    """Command-line arguments that run a toy suite against ``server`` with a store in ``folder``."""
    return [
        "--mmtrust-model=openai/scripted",
        f"--mmtrust-api-base={server.base_url}",
        f"--mmtrust-store={folder / store}",
        f"--mmtrust-cache-dir={folder / 'cache'}",
        "-p", "no:cacheprovider",
        *extra,
    ]


def read_report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A JSON report without what may differ between two runs that computed the same results.

    ``timing`` (timestamps, durations, the run id) and the counts of answers read back from the
    store (``cached``, ``reused``, and usage split into spent/reused) — a resumed run reads some
    answers back.
    """
    report = json.loads(json.dumps(report))
    report.pop("timing", None)
    report.pop("reused", None)
    report.get("totals", {}).pop("cached", None)
    report.pop("usage", None)
    for task in report.get("tasks", []):
        task.pop("cached", None)
        task.pop("usage", None)
    return report


__all__ = [
    "ChatCall", "Fault", "ScriptedOpenAIServer", "api_args", "case_number", "comparable", "expected_accuracy",
    "read_report", "right_or_wrong", "suite_source",
]
