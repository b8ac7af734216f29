"""Answers reused from the response store: how many, stored when, by which runs.

A rerun that asks the model nothing is cheap, and that is the point of the store; but a report
built on reused answers describes the model *as it was when they were stored*. So every report
says how many answers it reused and from when, and a baseline comparison whose answers all come
from the run that made the baseline says loudly that it compares the model with itself (the
model string and version did not change, so the store handed back the same answers).

Each pytest session has a run id (:func:`new_run_id`), recorded with every answer it stores. An
answer another process of the *same* run stored (an xdist worker waiting for another's request)
is not "reused": it was asked for in this run.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

from .records import ScoreRecord

__all__ = ["new_run_id", "Reuse", "utc_text", "self_comparison", "answer_runs", "fingerprints"]


def new_run_id(now: float | None = None) -> str:
    """A run id people can read and sort: UTC start time plus six random hex digits."""
    stamp = datetime.fromtimestamp(time.time() if now is None else now, tz=timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{secrets.token_hex(3)}"


def utc_text(timestamp: float | None, seconds: bool = True) -> str | None:
    """``2024-06-01T10:15:02Z`` (or without seconds for display), None for None."""
    if timestamp is None:
        return None
    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if seconds else "%Y-%m-%d %H:%M")


def _reused(record: ScoreRecord, run_id: str | None) -> bool:
    return record.cached and record.error is None and (record.answer_run is None or record.answer_run != run_id)


@dataclass(frozen=True)
class Reuse:
    """The answers of a run that came from the store, stored by earlier runs.

    ``runs`` lists the ids of the runs that stored them (most answers first); answers stored
    before runs had ids count in ``unknown_run``.
    """

    answers: int = 0
    total: int = 0
    first_stored: float | None = None
    last_stored: float | None = None
    runs: tuple[str, ...] = ()
    unknown_run: int = 0

    @classmethod
    def from_records(cls, records: Iterable[ScoreRecord], run_id: str | None) -> "Reuse":
        total = 0
        reused: list[ScoreRecord] = []
        for record in records:
            if record.error is None:
                total += 1
                if _reused(record, run_id):
                    reused.append(record)
        times = [r.stored_at for r in reused if r.stored_at is not None]
        counts: dict[str, int] = {}
        for record in reused:
            if record.answer_run is not None:
                counts[record.answer_run] = counts.get(record.answer_run, 0) + 1
        runs = tuple(sorted(counts, key=lambda run: (-counts[run], run)))
        return cls(len(reused), total, min(times) if times else None, max(times) if times else None, runs,
                   sum(1 for r in reused if r.answer_run is None))

    @property
    def everything(self) -> bool:
        """Every scored answer was reused (nothing was asked in this run)."""
        return self.total > 0 and self.answers == self.total

    def line(self) -> str | None:
        """``reused: 20 of 20 answers from the store, stored 2024-06-01 10:15 – 10:17 UTC by run …``."""
        if not self.answers:
            return None
        first, last = utc_text(self.first_stored, seconds=False), utc_text(self.last_stored, seconds=False)
        when = "" if first is None else (f", stored {first} UTC" if first == last else f", stored {first} – {last} UTC")
        names = list(self.runs[:3]) + ([f"{len(self.runs) - 3} more"] if len(self.runs) > 3 else [])
        if self.unknown_run:
            names.append(f"{self.unknown_run} answer(s) from before runs were recorded")
        by = ""
        if names:
            by = f" by run {names[0]}" if len(names) == 1 and self.runs else f" by runs {', '.join(names)}"
        return f"reused: {self.answers} of {self.total} answers from the store{when}{by}"

    def to_json(self) -> dict[str, Any]:
        return {
            "answers": self.answers,
            "of": self.total,
            "first_stored": utc_text(self.first_stored),
            "last_stored": utc_text(self.last_stored),
            "runs": list(self.runs),
            "unknown_run": self.unknown_run,
        }


def answer_runs(records: Iterable[ScoreRecord]) -> list[str]:
    """The runs that produced the answers behind ``records`` (for a baseline to remember)."""
    return sorted({r.answer_run for r in records if r.error is None and r.answer_run})


def fingerprints(records: Iterable[ScoreRecord]) -> list[str]:
    """The server fingerprints (``system_fingerprint``) seen on the answers behind ``records``."""
    return sorted({r.fingerprint for r in records if r.error is None and r.fingerprint})


def self_comparison(records: Sequence[ScoreRecord], run_id: str | None, baseline_runs: Sequence[str]) -> str | None:
    """A warning when every answer was reused from the run(s) whose answers made the baseline.

    Such a comparison measures nothing: the same answers, scored the same way. It happens when a
    changed model keeps its model string and version, so the store cannot tell it changed.
    """
    scored = [r for r in records if r.error is None]
    if not scored or not baseline_runs:
        return None
    made = set(baseline_runs)
    if all(_reused(r, run_id) and r.answer_run in made for r in scored):
        runs = ", ".join(sorted({r.answer_run for r in scored if r.answer_run}))
        return (
            f"every answer was reused from the run that made the baseline ({runs}): this run compares the model "
            "with itself. If the model changed, give it a new --mmtrust-model-version (or run with another store)"
        )
    return None
