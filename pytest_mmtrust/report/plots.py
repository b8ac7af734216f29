"""The report's charts as PNG files (``--mmtrust-plots DIR``), for people who paste images.

Why matplotlib (the optional extra ``pytest-mmtrust[plots]``): it is the long-maintained
standard for static plots in Python (NumFOCUS-sponsored, regular releases, wheels for every
platform CI runs on), it writes PNG headlessly through its Agg renderer with no display, browser
or JavaScript runtime — unlike plotly, whose PNG export needs kaleido and a Chromium — and its
BSD-style licence suits any user. It is an *optional* extra because the rest of the reports need
nothing beyond Pillow; it is imported only when ``--mmtrust-plots`` is given.

We draw on ``matplotlib.figure.Figure`` objects directly instead of ``pyplot``: no global state,
no backend selection, safe next to a user's own matplotlib use in the same process.

Files written (each only when it has something to show): ``aspects.png`` (radar, or bars for
fewer than three aspects), ``tasks.png`` (metric per task with 95% interval, gate and baseline),
``baseline-deltas.png`` (change against the baseline) and ``conditions.png`` (per image
condition). The numbers come from :mod:`.figures`, the same ones the HTML report draws. Every
text drawn (titles, tick labels) has the run's secrets blanked (:func:`scrub_labels`).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..redaction import redact
from ..summary import RunSummary
from .figures import NEUTRAL_COLOUR, aspect_scores, condition_tasks, delta_bars, task_bars, value_axis

MISSING = "--mmtrust-plots needs matplotlib: pip install 'pytest-mmtrust[plots]'"
DPI = 120


def _figure_class() -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError(MISSING) from None
    return Figure


def check_available() -> None:
    """Raise :class:`ConfigError` now when matplotlib is missing, not after an hour-long run."""
    _figure_class()


def write_plots(folder: Path, summary: RunSummary) -> list[Path]:
    """Write the PNG plots into ``folder`` (created if needed) and return their paths."""
    Figure = _figure_class()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in (
        ("aspects.png", _aspects),
        ("tasks.png", _tasks),
        ("baseline-deltas.png", _deltas),
        ("conditions.png", _conditions),
    ):
        figure = draw(Figure, summary)
        if figure is None:
            continue
        scrub_labels(figure)
        path = folder / name
        figure.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
        written.append(path)
    return written


def scrub_labels(figure: Any) -> None:
    """Blank known secrets in every text artist of ``figure`` (titles, tick and axis labels)."""
    from matplotlib.text import Text

    for text in figure.findobj(Text):
        shown = text.get_text()
        if shown:
            text.set_text(redact(shown))


def _aspects(Figure: Any, summary: RunSummary) -> Any:
    scores = aspect_scores(summary)
    if not scores:
        return None
    values = [s.score or 0.0 for s in scores]
    labels = [f"{s.title}\n{'n/a' if s.score is None else f'{s.score:.2f}'}" for s in scores]
    if len(scores) >= 3:
        figure = Figure(figsize=(5.5, 5.5))
        ax = figure.add_subplot(projection="polar")
        angles = [2 * math.pi * i / len(scores) for i in range(len(scores))]
        ax.set_theta_offset(math.pi / 2)
        ax.set_theta_direction(-1)
        ax.plot(angles + angles[:1], values + values[:1], color=NEUTRAL_COLOUR, linewidth=2)
        ax.fill(angles + angles[:1], values + values[:1], color=NEUTRAL_COLOUR, alpha=0.25)
        ax.set_xticks(angles)
        ax.set_xticklabels(labels)
        ax.set_ylim(0, 1)
        ax.set_yticks([0.25, 0.5, 0.75, 1.0])
    else:
        figure = Figure(figsize=(6, 1 + 0.5 * len(scores)))
        ax = figure.add_subplot()
        ax.barh(labels, values, color=NEUTRAL_COLOUR)
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
    ax.set_title("Score per aspect (1 is best)")
    return figure


def _tasks(Figure: Any, summary: RunSummary) -> Any:
    bars = task_bars(summary)
    if not bars:
        return None
    figure = Figure(figsize=(9, 1.2 + 0.38 * len(bars)))
    ax = figure.add_subplot()
    low, high = value_axis(bars)
    positions = list(range(len(bars)))
    values = [b.value if b.value is not None else 0.0 for b in bars]
    ax.barh(positions, values, color=[b.colour for b in bars], alpha=0.8)
    for y, bar in zip(positions, bars):
        if bar.value is not None and bar.ci:
            ax.errorbar(bar.value, y, xerr=[[bar.value - bar.ci[0]], [bar.ci[1] - bar.value]], color="black",
                        capsize=3, linewidth=1)
        if bar.gate is not None:
            ax.plot([bar.gate, bar.gate], [y - 0.4, y + 0.4], color="black", linewidth=2)
        if bar.baseline is not None:
            ax.plot(bar.baseline, y, marker="D", markerfacecolor="white", markeredgecolor="black", markersize=6)
    ax.set_yticks(positions)
    ax.set_yticklabels([f"{b.label} ({b.metric} {'↑' if b.direction == 'higher' else '↓'})" for b in bars])
    ax.invert_yaxis()
    ax.set_xlim(low, high)
    ax.grid(axis="x", linestyle=":", alpha=0.6)
    ax.set_title("Metric per task: 95% interval, gate (|), baseline (◇)")
    return figure


def _deltas(Figure: Any, summary: RunSummary) -> Any:
    bars = delta_bars(summary)
    if not bars:
        return None
    figure = Figure(figsize=(9, 1.2 + 0.38 * len(bars)))
    ax = figure.add_subplot()
    positions = list(range(len(bars)))
    ax.barh(positions, [b.delta for b in bars], color=[b.colour for b in bars], alpha=0.8)
    for y, bar in zip(positions, bars):
        if bar.ci:
            ax.errorbar(bar.delta, y, xerr=[[bar.delta - bar.ci[0]], [bar.ci[1] - bar.delta]], color="black",
                        capsize=3, linewidth=1)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_yticks(positions)
    ax.set_yticklabels([b.label + (" *" if b.significant else "") for b in bars])  # * = regressed
    ax.invert_yaxis()
    ax.grid(axis="x", linestyle=":", alpha=0.6)
    ax.set_title("Change against the baseline (95% interval; * regressed)")
    return figure


def _conditions(Figure: Any, summary: RunSummary) -> Any:
    tasks = condition_tasks(summary)
    if not tasks:
        return None
    columns = min(3, len(tasks))
    rows = math.ceil(len(tasks) / columns)
    figure = Figure(figsize=(3.6 * columns, 3.2 * rows))
    for index, task in enumerate(tasks, start=1):
        ax = figure.add_subplot(rows, columns, index)
        names = [c.condition if c.delta is None else f"{c.condition}\nΔ {c.delta:+.2f}" for c in task.conditions]
        values = [c.metric.value if c.metric.value is not None else 0.0 for c in task.conditions]
        errors = [
            [v - c.metric.ci[0] if c.metric.ci else 0.0 for v, c in zip(values, task.conditions)],
            [c.metric.ci[1] - v if c.metric.ci else 0.0 for v, c in zip(values, task.conditions)],
        ]
        ax.bar(names, values, yerr=errors, capsize=4, color=NEUTRAL_COLOUR, alpha=0.75)
        low = min([0.0] + [c.metric.ci[0] for c in task.conditions if c.metric.ci])
        high = max([1.0] + [c.metric.ci[1] for c in task.conditions if c.metric.ci])
        ax.set_ylim(low, high)
        ax.set_title(f"{task.id} {task.metric.name}", fontsize=10)
    figure.suptitle("Metric per image condition (95% interval; Δ to the reference)")
    figure.tight_layout()
    return figure
