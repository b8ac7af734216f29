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
from typing import Any, Iterable, Mapping

from .config import Settings
from .gates import read_baseline, write_baseline
from .records import ScoreRecord
from .report.html import write_html
from .report.json_report import write_json
from .report.markdown import write_markdown
from .report.terminal import summary_lines
from .summary import RunSummary, baseline_entries, summarise


@dataclass
class RunController:
    """Everything the controller learns during a run, and the end of the run (see the module docstring)."""

    settings: Settings
    started: float = field(default_factory=time.time)
    task_meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    records: list[ScoreRecord] = field(default_factory=list)
    summary: RunSummary | None = None

    # ------------------------------------------------------------ during the run

    def add_tasks(self, meta: Mapping[str, Mapping[str, Any]], expected: Mapping[str, int]) -> None:
        """Tasks collected here or on a worker: their descriptions and how many cases each has."""
        self.task_meta.update({task_id: dict(value) for task_id, value in meta.items()})
        self.expected.update(expected)

    def add_records(self, records: Iterable[ScoreRecord]) -> None:
        """The score records one item's report carried."""
        self.records.extend(records)

    @property
    def has_tasks(self) -> bool:
        return bool(self.task_meta)

    # ------------------------------------------------------------ the end

    def finish(self) -> RunSummary:
        """Metrics, gates, and every report and baseline the settings ask for.

        Raises :class:`~pytest_mmtrust.errors.MMTrustError` for a baseline that cannot be read or
        a report that cannot be written; what was computed before stays in :attr:`summary`.
        """
        settings = self.settings
        baseline = read_baseline(settings.baseline) if settings.baseline else None
        self.summary = summarise(
            settings.model, self.task_meta, self.expected, self.records, settings.gates, baseline, settings.max_drop,
        )
        timing = {"started": self.started, "duration_s": round(time.time() - self.started, 3)}
        if settings.json:
            write_json(settings.json, self.summary, timing)
        if settings.md:
            write_markdown(settings.md, self.summary)
        if settings.html:
            write_html(settings.html, self.summary)
        if settings.plots:
            from .report.plots import write_plots

            write_plots(settings.plots, self.summary)
        return self.summary

    def save_baseline(self) -> Path | None:
        """Write ``--mmtrust-save-baseline`` from the finished run; the file written, if any."""
        if self.summary is None or not self.settings.save_baseline:
            return None
        write_baseline(self.settings.save_baseline, self.settings.model, baseline_entries(self.summary))
        return Path(self.settings.save_baseline)

    @property
    def failed(self) -> bool:
        """True when a gate failed and the run is not report-only: the session must fail."""
        return bool(self.summary and self.summary.failed and not self.settings.report_only)

    def terminal_lines(self) -> list[tuple[str, bool]]:
        """The summary for the terminal: ``(line, is_failure)`` pairs, the closing count last."""
        if self.summary is None:
            return []
        lines = [(line, line.startswith("FAIL")) for line in summary_lines(self.summary)]
        if self.summary.failed:
            note = " (reported only: --mmtrust-report-only)" if self.settings.report_only else ""
            lines.append((f"mmtrust: {len(self.summary.failed)} gate(s) failed{note}", not self.settings.report_only))
        return lines
