"""Baseline files: what ``--mmtrust-save-baseline`` writes and ``--mmtrust-baseline`` reads.

A baseline is plain JSON with a schema version (the habit of pytest-benchmark's saved runs).

Schema 2 (written now) — top level: ``schema``, ``kind`` (``pytest-mmtrust-baseline``),
``model`` (the model string), ``model_version``, ``model_identity`` (what the store keyed the
answers by), ``run`` (the id of the run that wrote it), ``answer_runs`` (the runs whose answers
it scored: its own, and earlier ones whose stored answers it reused), ``fingerprints`` (server
fingerprints seen on those answers), ``scoring`` (the scoring profile), ``created`` (UTC) and
``tasks``. Per task: ``metric``, ``direction``, ``kind``, ``params``, ``evaluator``, ``value``,
``ci``, ``n``, ``extra``, ``epochs``, ``cases`` (case key → value, null when it had no
outcome) and ``outcomes`` (case key → outcome word).

Schema 1 files (the same without the run, model and scoring facts and without ``params``,
``evaluator`` and ``outcomes``) are still read; what they lack is simply unknown.

A baseline that cannot be compared with a run is not an error: :func:`comparability` says, per
task, why (another metric, another evaluator or scoring profile, a task it does not have,
values no metric can take) and :func:`baseline_notes` what changed for the whole run (another
model, model version or server fingerprint). The summary names them in every report and never
reports such a task as "no regression". Only a file that is not a baseline, or is malformed, is
a :class:`~pytest_mmtrust.errors.ConfigError` — at start-up, before any model call.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, Sequence

from .errors import ConfigError
from .metrics import Metric, value_range
from .redaction import redact

BASELINE_SCHEMA = 2
READABLE_SCHEMAS = (1, 2)
BASELINE_KIND = "pytest-mmtrust-baseline"
DEFAULT_SCORING = "default"


@dataclass(frozen=True)
class BaselineEntry:
    """One task as a baseline recorded it."""

    value: float | None
    ci: tuple[float, float] | None
    n: int
    metric: str
    extra: Mapping[str, Any] = field(default_factory=dict)
    cases: Mapping[str, float | None] = field(default_factory=dict)
    epochs: int = 1
    direction: str | None = None
    kind: str | None = None
    params: Mapping[str, Any] | None = None
    evaluator: str | None = None
    outcomes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class Baseline(MappingABC):  # type: ignore[type-arg]
    """A baseline file: task id → :class:`BaselineEntry`, plus what it says about its run."""

    entries: Mapping[str, BaselineEntry] = field(default_factory=dict)
    path: Path | None = None
    schema: int = BASELINE_SCHEMA
    model: str | None = None
    model_version: str | None = None
    model_identity: str | None = None
    run: str | None = None
    answer_runs: tuple[str, ...] = ()
    fingerprints: tuple[str, ...] = ()
    scoring: str | None = None
    created: str | None = None

    def __getitem__(self, task_id: str) -> BaselineEntry:
        return self.entries[task_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


def write_baseline(
    path: Path,
    model: str,
    tasks: Mapping[str, Mapping[str, Any]],
    *,
    model_version: str | None = None,
    model_identity: str | None = None,
    run: str | None = None,
    answer_runs: Sequence[str] = (),
    fingerprints: Sequence[str] = (),
    scoring: str = DEFAULT_SCORING,
) -> None:
    """Write a baseline (schema 2): per task the metric, value, interval, n and per-case outcomes."""
    data = {
        "schema": BASELINE_SCHEMA,
        "kind": BASELINE_KIND,
        "model": model,
        "model_version": model_version,
        "model_identity": model_identity,
        "run": run,
        "answer_runs": sorted(answer_runs),
        "fingerprints": sorted(fingerprints),
        "scoring": scoring,
        "created": datetime.now(tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tasks": dict(tasks),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # redacted: a baseline is committed and shared, and must not carry a secret an answer echoed
    tmp.write_text(redact(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False)) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_baseline(path: Path) -> Baseline:
    """Read and check a baseline file; every problem with its shape is one ConfigError line."""
    where = f"--mmtrust-baseline {path}"
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{where}: file not found") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{where}: not a readable JSON baseline ({exc})") from exc
    if not isinstance(data, dict) or data.get("kind") != BASELINE_KIND:
        raise ConfigError(f"{where}: not a pytest-mmtrust baseline (write one with --mmtrust-save-baseline)")
    schema = data.get("schema")
    if isinstance(schema, bool) or schema not in READABLE_SCHEMAS:
        newer = isinstance(schema, int) and schema > BASELINE_SCHEMA
        raise ConfigError(
            f"{where}: baseline schema {schema!r}, this version reads schema {BASELINE_SCHEMA} and older"
            + ("; a newer pytest-mmtrust wrote it: upgrade, or save the baseline again with this version" if newer else "")
        )
    tasks = data.get("tasks") or {}
    if not isinstance(tasks, dict):
        raise ConfigError(f"{where}: 'tasks' must be an object of task id to entry, not {type(tasks).__name__}")
    entries = {}
    for task_id, entry in tasks.items():
        try:
            entries[str(task_id)] = _entry(entry)
        except (TypeError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise ConfigError(f"{where}: task {task_id!r} entry is malformed ({exc})") from exc
    return Baseline(
        entries=entries,
        path=Path(path),
        schema=int(schema),
        model=_optional_text(data, "model", where),
        model_version=_optional_text(data, "model_version", where),
        model_identity=_optional_text(data, "model_identity", where),
        run=_optional_text(data, "run", where),
        answer_runs=_texts(data, "answer_runs", where),
        fingerprints=_texts(data, "fingerprints", where),
        scoring=_optional_text(data, "scoring", where),
        created=_optional_text(data, "created", where),
    )


def _entry(entry: Any) -> BaselineEntry:
    ci = entry.get("ci")
    cases = entry.get("cases") or {}
    outcomes = entry.get("outcomes") or {}
    params = entry.get("params")
    if params is not None and not isinstance(params, dict):
        raise TypeError(f"'params' must be an object, not {type(params).__name__}")
    return BaselineEntry(
        value=None if entry.get("value") is None else float(entry["value"]),
        ci=None if ci is None else (float(ci[0]), float(ci[1])),
        n=int(entry.get("n", 0)),
        metric=str(entry.get("metric", "")),
        extra=entry.get("extra") or {},
        cases={str(k): None if v is None else float(v) for k, v in cases.items()},
        epochs=int(entry.get("epochs", 1)),
        direction=None if entry.get("direction") is None else str(entry["direction"]),
        kind=None if entry.get("kind") is None else str(entry["kind"]),
        params=params,
        evaluator=None if entry.get("evaluator") is None else str(entry["evaluator"]),
        outcomes={str(k): str(v) for k, v in outcomes.items()},
    )


def _optional_text(data: Mapping[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a string, not {type(value).__name__}")
    return value


def _texts(data: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


# ---------------------------------------------------------------- comparability


def comparability(task_id: str, metric: Metric, evaluator: str, entry: BaselineEntry | None) -> str | None:
    """Why ``entry`` cannot be compared with this run's task, or None when it can.

    Checked in order: the baseline has no such task; it measured another metric (name, kind,
    direction or parameters); another evaluator scored it; it holds values the metric cannot
    take (a rate of 5.0, an interval that is not an interval, a negative count).
    """
    if entry is None:
        return "not in the baseline"
    if entry.value is None:
        return "the baseline has no value for it (nothing was scored)"
    if entry.metric and entry.metric != metric.name:
        return f"the baseline measured {entry.metric}, this run {metric.name}"
    if entry.kind is not None and entry.kind != metric.kind:
        return f"the baseline computed {metric.name} as {entry.kind}, this run as {metric.kind}"
    if entry.direction is not None and entry.direction != metric.direction:
        return f"the baseline's {metric.name} was {entry.direction}-is-better, this run's {metric.direction}-is-better"
    if entry.params is not None and params_json(entry.params) != params_json(metric.params):
        return f"the baseline computed {metric.name} with other parameters"
    if entry.evaluator is not None and evaluator and entry.evaluator != evaluator:
        return f"scored by another evaluator (baseline {entry.evaluator}, this run {evaluator})"
    return impossible_values(metric, entry)


def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """Metric parameters as a baseline keeps them: JSON, a callable by its ``module:name``."""
    return json.loads(json.dumps(dict(params), sort_keys=True, default=_callable_name))  # type: ignore[no-any-return]


def _callable_name(value: Any) -> str:
    module, name = getattr(value, "__module__", None), getattr(value, "__qualname__", None)
    return f"{module}:{name}" if module and name else str(value)


def impossible_values(metric: Metric, entry: BaselineEntry) -> str | None:
    """What in ``entry`` no run of ``metric`` can produce, or None."""
    low, high = value_range(metric) or (-math.inf, math.inf)
    checks: list[tuple[str, float]] = []
    if entry.value is not None:
        checks.append(("value", entry.value))
    if entry.ci is not None:
        checks += [("interval", entry.ci[0]), ("interval", entry.ci[1])]
    for what, number in checks:
        if not math.isfinite(number):
            return f"the baseline's {what} is {number}, not a number a metric can take"
        if not low - 1e-9 <= number <= high + 1e-9:
            return f"the baseline's {what} {number:g} is outside {metric.name}'s range [{low:g}, {high:g}]"
    if entry.ci is not None and entry.ci[0] > entry.ci[1]:
        return f"the baseline's interval [{entry.ci[0]:g}, {entry.ci[1]:g}] is upside down"
    if entry.n < 0 or entry.epochs < 1:
        return f"the baseline counts n={entry.n}, epochs={entry.epochs}"
    if metric.kind == "proportion" and entry.epochs == 1 and entry.value is not None and entry.n == 0:
        return "the baseline has a value but no cases behind it (n=0)"
    for case, value in entry.cases.items():
        if value is not None and not math.isfinite(value):
            return f"the baseline's case {case} has the value {value}"
        if value is not None and metric.kind == "proportion" and not 0.0 <= value <= 1.0:
            return f"the baseline's case {case} has the value {value:g}, outside a proportion's [0, 1]"
    return None


def baseline_notes(
    baseline: Baseline, model: str, model_version: str | None, identity: str | None, fingerprints: Sequence[str],
    scoring: str = DEFAULT_SCORING,
) -> tuple[list[str], str | None]:
    """(notes for the report header, a reason no task can be compared or None).

    A model change between baseline and run is allowed — that is what a comparison is for —
    but it is named. A scoring profile change makes every task incomparable.
    """
    notes: list[str] = []
    where = f"baseline {baseline.path.name}" if baseline.path else "baseline"
    if baseline.schema < BASELINE_SCHEMA:
        notes.append(f"{where} is of schema {baseline.schema}: it does not say which model version, scoring or "
                     "answers made it; save it again to compare with all checks")
    if baseline.model is not None and baseline.model != model:
        notes.append(f"model changed since the baseline: {baseline.model} → {model}")
    elif baseline.model_version != model_version and baseline.schema >= 2:
        notes.append(f"model version changed since the baseline: {baseline.model_version or 'none'} → {model_version or 'none'}")
    elif baseline.model_identity and identity and baseline.model_identity != identity:
        notes.append("model changed since the baseline (same model string and version; its source, weights or "
                     "server changed)")
    if baseline.fingerprints and fingerprints and not set(baseline.fingerprints) & set(fingerprints):
        notes.append(f"the server's model fingerprint changed since the baseline: {', '.join(baseline.fingerprints)} → "
                     f"{', '.join(fingerprints)}")
    blocking = None
    if baseline.scoring is not None and baseline.scoring != scoring:
        blocking = f"the baseline was scored with the {baseline.scoring!r} profile, this run with {scoring!r}"
    return notes, blocking
