"""The controller's side of a run: what items and workers report, turned into a verdict at the end.

Under pytest-xdist only the controller process decides; the workers run items and send what
they measured. pytest-xdist keeps that side in an object of its own (its ``DSession``), and so do
we: :class:`RunController` gathers the tasks' descriptions (from this process's collection, or
from each worker as it goes down) and the score records (from each item's report), and at the
end of the session computes every metric and gate (:func:`~pytest_mmtrust.summary.summarise`),
writes the reports and the baseline, and says whether the session failed. It knows nothing of
pytest; ``plugin.py`` feeds it from the hooks and shows what it returns. Without xdist the one
process is both worker and controller.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from .config import Settings
from .gates import read_baseline, write_baseline
from .metrics import register_source
from .records import ScoreRecord
from .report.html import write_html
from .report.json_report import write_json
from .report.markdown import write_markdown
from .report.terminal import summary_lines
from .summary import RunSummary, baseline_entries, baseline_facts, summarise


@dataclass
class RunController:
    """Everything the controller learns during a run, and the end of the run (see the module docstring)."""

    settings: Settings
    started: float = field(default_factory=time.time)
    task_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    records: list[ScoreRecord] = field(default_factory=list)
    summary: RunSummary | None = None
    written: list[tuple[str, Path]] = field(default_factory=list)

    # ------------------------------------------------------------ during the run

    def add_tasks(self, meta: Mapping[str, Mapping[str, Any]], expected: Mapping[str, int]) -> None:
        """Tasks collected here or on a worker: their descriptions and how many cases each has."""
        self.task_meta.update({task_id: dict(value) for task_id, value in meta.items()})
        self.expected.update(expected)
        for value in meta.values():
            function, source = value.get("metric", {}).get("params", {}).get("function"), value.get("metric_source")
            if isinstance(function, str) and isinstance(source, str):
                register_source(function.partition(":")[0], source)

    def add_records(self, records: Iterable[ScoreRecord]) -> None:
        """The score records one item's report carried."""
        self.records.extend(records)

    @property
    def has_tasks(self) -> bool:
        return bool(self.task_meta)

    # ------------------------------------------------------------ the end

    def finish(self, *, identity: str | None = None, run_id: str | None = None, notes: Sequence[str] = ()) -> RunSummary:
        """Metrics, gates, and every report the settings ask for.

        ``identity`` is the model identity answers were filed under, ``run_id`` this run's id
        (both name the run in reports and baselines), ``notes`` warnings found before the run
        (gates on the metric's better side). Raises
        :class:`~pytest_mmtrust.errors.MMTrustError` for a baseline that cannot be read or a
        report that cannot be written; what was computed before stays in :attr:`summary`, and
        :attr:`written` lists the files written so far.
        """
        settings = self.settings
        baseline = read_baseline(settings.baseline) if settings.baseline else None
        self.summary = summarise(
            settings.model, self.task_meta, self.expected, self.records, settings.gates, baseline, settings.max_drop,
            model_version=settings.model_version, identity=identity, run_id=run_id, scoring=settings.scoring,
            limited=settings.limit is not None, notes=notes,
        )
        timing = {"started": self.started, "duration_s": round(time.time() - self.started, 3), "run_id": run_id}
        if settings.json:
            write_json(settings.json, self.summary, timing)
            self.written.append(("JSON report", Path(settings.json)))
        if settings.md:
            write_markdown(settings.md, self.summary)
            self.written.append(("Markdown summary", Path(settings.md)))
        if settings.html:
            write_html(settings.html, self.summary)
            self.written.append(("HTML report", Path(settings.html)))
        if settings.plots:
            from .report.plots import write_plots

            write_plots(settings.plots, self.summary)
            self.written.append(("PNG plots", Path(settings.plots)))
        return self.summary

    def save_baseline(self) -> Path | None:
        """Write ``--mmtrust-save-baseline`` from the finished run; the file written, if any."""
        if self.summary is None or not self.settings.save_baseline:
            return None
        path = Path(self.settings.save_baseline)
        write_baseline(path, self.settings.model, baseline_entries(self.summary), **baseline_facts(self.summary))
        self.written.append(("baseline", path))
        return path

    @property
    def failed(self) -> bool:
        """True when a gate failed and the run is not report-only: the session must fail."""
        return bool(self.summary and self.summary.failed_gates and not self.settings.report_only)

    def terminal_lines(self) -> list[tuple[str, bool]]:
        """The summary for the terminal: ``(line, loud)`` pairs — failures and warnings are loud —
        then the count of failed gates and the files written."""
        lines: list[tuple[str, bool]] = []
        if self.summary is not None:
            lines = [(line, line.startswith(("FAIL", "WARNING"))) for line in summary_lines(self.summary)]
            failed = self.summary.failed_gates  # tasks', then the MultiTrust aggregate's
            if failed:
                note = " (reported only: --mmtrust-report-only)" if self.settings.report_only else ""
                lines.append((f"mmtrust: {len(failed)} gate(s) failed{note}", not self.settings.report_only))
        lines += [(f"mmtrust: wrote the {what} to {path}", False) for what, path in self.written]
        return lines
