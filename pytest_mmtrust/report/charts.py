"""Inline SVG charts for the HTML report, drawn by our own small code.

Why not a charting library: the report must open offline (no CDN, no network), stay one file,
and render the same in every browser and in a CI artifact viewer. A radar, some bars and
whiskers are a few dozen SVG elements each; writing them here costs less than bundling a
JavaScript library inline. Every chart is an ``<svg class="chart">`` with an ``id``, a
``<title>`` for screen readers, and a ``<title>`` per mark for hover tooltips.
"""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

from ..metrics import ConditionDelta
from .figures import NEUTRAL_COLOUR, AspectScore, DeltaBar, TaskBar, value_axis
from .format import number, signed

FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, sans-serif' font-size='12'"
GRID = "#d0d7de"
INK = "#24292f"
MUTED = "#57606a"


def _svg(chart_id: str, width: float, height: float, title: str, body: list[str]) -> str:
    return (
        f"<svg class='chart' id='{escape(chart_id)}' xmlns='http://www.w3.org/2000/svg' role='img' "
        f"width='{width:.0f}' height='{height:.0f}' viewBox='0 0 {width:.0f} {height:.0f}' {FONT}>"
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = INK, extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}' {extra}>"
            f"{escape(text)}</text>")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# ---------------------------------------------------------------- aspects


def aspect_chart(scores: Sequence[AspectScore]) -> str:
    """A radar when there are three aspects or more (a radar of two is a line), else bars."""
    if len(scores) >= 3:
        return radar_chart(scores)
    return aspect_bar_chart(scores)


def radar_chart(scores: Sequence[AspectScore], size: int = 380) -> str:
    width = size + 180  # room for the labels left and right of the circle
    cx, cy = width / 2, size / 2
    radius = size / 2 - 70
    n = len(scores)
    angles = [-math.pi / 2 + 2 * math.pi * i / n for i in range(n)]

    def point(angle: float, share: float) -> tuple[float, float]:
        return cx + radius * share * math.cos(angle), cy + radius * share * math.sin(angle)

    body = []
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(a, ring) for a in angles))
        body.append(f"<polygon class='grid' points='{pts}' fill='none' stroke='{GRID}'/>")
        x, y = point(angles[0], ring)
        body.append(_text(x + 4, y + 4, f"{ring:g}", fill=MUTED, extra="font-size='10'"))
    for angle, score in zip(angles, scores):
        x, y = point(angle, 1.0)
        body.append(f"<line x1='{cx:.1f}' y1='{cy:.1f}' x2='{x:.1f}' y2='{y:.1f}' stroke='{GRID}'/>")
        lx, ly = point(angle, 1.0 + 30 / radius)
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if math.cos(angle) > 0 else "end")
        value = "n/a" if score.score is None else f"{score.score:.2f}"
        body.append(_text(lx, ly, score.title, anchor, extra="font-weight='600'"))
        body.append(_text(lx, ly + 14, value, anchor, fill=MUTED))
    shape = [point(a, s.score or 0.0) for a, s in zip(angles, scores)]
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in shape)
    body.append(f"<polygon class='data' points='{pts}' fill='{NEUTRAL_COLOUR}' fill-opacity='0.25' "
                f"stroke='{NEUTRAL_COLOUR}' stroke-width='2'/>")
    for (x, y), score in zip(shape, scores):
        colour = "#c62828" if score.failed else NEUTRAL_COLOUR
        tip = f"{score.title}: {number(score.score, 2)} over {len(score.tasks)} task(s)"
        if score.failed:
            tip += f"; failed: {', '.join(score.failed)}"
        body.append(f"<circle class='mark' cx='{x:.1f}' cy='{y:.1f}' r='4' fill='{colour}'><title>{escape(tip)}</title></circle>")
    return _svg("aspect-radar", width, size, "Score per aspect (1 is best)", body)


def aspect_bar_chart(scores: Sequence[AspectScore], width: int = 520) -> str:
    row, left, right = 28, 130, 60
    height = row * len(scores) + 30
    span = width - left - right
    body = []
    for i, score in enumerate(scores):
        y = 10 + i * row
        share = score.score or 0.0
        colour = "#c62828" if score.failed else NEUTRAL_COLOUR
        body.append(_text(left - 8, y + 15, score.title, "end"))
        body.append(f"<rect class='mark' x='{left}' y='{y + 3}' width='{span * share:.1f}' height='{row - 10}' "
                    f"fill='{colour}'><title>{escape(score.title)}: {number(score.score, 2)}</title></rect>")
        body.append(_text(left + span * share + 6, y + 15, number(score.score, 2), fill=MUTED))
    body.append(f"<line x1='{left}' y1='{height - 18}' x2='{left + span}' y2='{height - 18}' stroke='{GRID}'/>")
    for tick in (0, 0.5, 1):
        body.append(_text(left + span * tick, height - 4, f"{tick:g}", "middle", MUTED))
    return _svg("aspect-bars", width, height, "Score per aspect (1 is best)", body)


# ---------------------------------------------------------------- tasks


def task_chart(bars: Sequence[TaskBar], width: int = 900) -> str:
    """One row per task: bar to the value, whisker for the 95% interval, gate tick, baseline ◆."""
    row, left, right, top = 24, 300, 150, 8
    low, high = value_axis(list(bars))
    span = width - left - right
    height = top + row * len(bars) + 34

    def x(value: float) -> float:
        return left + (value - low) / (high - low) * span

    body = []
    for tick in _ticks(low, high):
        body.append(f"<line x1='{x(tick):.1f}' y1='{top}' x2='{x(tick):.1f}' y2='{height - 26}' stroke='{GRID}' "
                    f"stroke-dasharray='2,3'/>")
        body.append(_text(x(tick), height - 10, f"{tick:g}", "middle", MUTED))
    zero = x(max(low, 0.0))
    for i, bar in enumerate(bars):
        y = top + i * row
        mid = y + row / 2
        arrow = "↑" if bar.direction == "higher" else "↓"
        body.append(_text(left - 8, mid + 4, _clip(f"{bar.label} ({bar.metric} {arrow})", 44), "end"))
        if bar.value is None:
            body.append(_text(zero + 4, mid + 4, "no scored items", fill=MUTED))
            continue
        start, end = sorted((zero, x(bar.value)))
        tip = f"{bar.label}: {bar.metric} {bar.value:.3f}"
        if bar.ci:
            tip += f" [{bar.ci[0]:.3f}, {bar.ci[1]:.3f}]"
        tip += f" — {bar.verdict}"
        body.append(f"<rect class='mark bar' x='{start:.1f}' y='{y + 5}' width='{max(end - start, 1):.1f}' "
                    f"height='{row - 10}' fill='{bar.colour}' fill-opacity='0.8'><title>{escape(tip)}</title></rect>")
        if bar.ci:
            body.append(_whisker(x(bar.ci[0]), x(bar.ci[1]), mid))
        if bar.gate is not None:
            gx = x(bar.gate)
            body.append(f"<line class='gate' x1='{gx:.1f}' y1='{y + 1}' x2='{gx:.1f}' y2='{y + row - 1}' stroke='{INK}' "
                        f"stroke-width='2'><title>gate {escape(bar.gate_op or '')}{bar.gate:g}</title></line>")
        if bar.baseline is not None:
            bx = x(bar.baseline)
            body.append(f"<polygon class='baseline' points='{bx:.1f},{mid - 5:.1f} {bx + 5:.1f},{mid:.1f} "
                        f"{bx:.1f},{mid + 5:.1f} {bx - 5:.1f},{mid:.1f}' fill='white' stroke='{INK}'>"
                        f"<title>baseline {bar.baseline:.3f}</title></polygon>")
        text = number(bar.value)
        if bar.ci:
            text += f" [{bar.ci[0]:.2f}, {bar.ci[1]:.2f}]"
        body.append(_text(left + span + 8, mid + 4, text, fill=MUTED))
    return _svg("task-bars", width, height, "Metric per task with 95% interval, gate (|) and baseline (◆)", body)


def delta_chart(bars: Sequence[DeltaBar], width: int = 900) -> str:
    """Current − baseline per task, centred on zero; red when worse for that metric's direction."""
    row, left, right, top = 24, 300, 170, 8
    reach = max([0.05] + [abs(b.delta) for b in bars] + [abs(v) for b in bars for v in (b.ci or ())])
    span = width - left - right
    height = top + row * len(bars) + 34

    def x(value: float) -> float:
        return left + (value + reach) / (2 * reach) * span

    body = [f"<line x1='{x(0):.1f}' y1='{top}' x2='{x(0):.1f}' y2='{height - 26}' stroke='{INK}'/>"]
    for tick in _ticks(-reach, reach):
        body.append(_text(x(tick), height - 10, "0" if tick == 0 else f"{tick:+g}", "middle", MUTED))
    for i, bar in enumerate(bars):
        y = top + i * row
        mid = y + row / 2
        body.append(_text(left - 8, mid + 4, _clip(bar.label, 44), "end"))
        start, end = sorted((x(0), x(bar.delta)))
        tip = f"{bar.label}: Δ {bar.delta:+.3f}" + (f" [{bar.ci[0]:+.3f}, {bar.ci[1]:+.3f}]" if bar.ci else "")
        tip += " (regressed)" if bar.significant else ""
        body.append(f"<rect class='mark delta' x='{start:.1f}' y='{y + 5}' width='{max(end - start, 1):.1f}' "
                    f"height='{row - 10}' fill='{bar.colour}' fill-opacity='0.8'><title>{escape(tip)}</title></rect>")
        if bar.ci:
            body.append(_whisker(x(bar.ci[0]), x(bar.ci[1]), mid))
        label = signed(bar.delta) + (" regressed" if bar.significant else "")
        body.append(_text(left + span + 8, mid + 4, label, fill="#c62828" if bar.worse and bar.significant else MUTED))
    return _svg("baseline-deltas", width, height, "Change against the baseline with 95% interval", body)


def condition_chart(task_id: str, name: str, metric: str, conditions: Sequence[ConditionDelta]) -> str:
    """Vertical bars per image condition with intervals; Δ to the reference under each label."""
    column, left, top, plot_h = 96, 56, 28, 150
    width = left + column * len(conditions) + 20
    height = top + plot_h + 56
    values = [v for c in conditions for v in (c.metric.value, *(c.metric.ci or ())) if v is not None]
    low, high = min([0.0] + values), max([1.0] + values)

    def y(value: float) -> float:
        return top + plot_h - (value - low) / (high - low) * plot_h

    body = [_text(8, 14, _clip(f"{task_id} {name}", int(width / 7)), extra="font-weight='600'")]
    body.append(_text(12, top + plot_h / 2, metric, "middle", MUTED,
                      f"transform='rotate(-90 12 {top + plot_h / 2:.1f})'"))
    for tick in _ticks(low, high):
        body.append(f"<line x1='{left}' y1='{y(tick):.1f}' x2='{width - 20}' y2='{y(tick):.1f}' stroke='{GRID}' "
                    f"stroke-dasharray='2,3'/>")
        body.append(_text(left - 6, y(tick) + 4, f"{tick:g}", "end", MUTED))
    base = y(max(low, 0.0))
    for i, cond in enumerate(conditions):
        cx = left + column * i + column / 2
        value = cond.metric.value
        if value is not None:
            top_y, bottom_y = sorted((y(value), base))
            tip = f"{cond.condition}: {value:.3f} n={cond.metric.n}"
            if cond.delta is not None:
                tip += f", Δ {cond.delta:+.3f}"
            body.append(f"<rect class='mark condition' x='{cx - 26:.1f}' y='{top_y:.1f}' width='52' "
                        f"height='{max(bottom_y - top_y, 1):.1f}' fill='{NEUTRAL_COLOUR}' fill-opacity='0.75'>"
                        f"<title>{escape(tip)}</title></rect>")
            if cond.metric.ci:
                lo_y, hi_y = y(cond.metric.ci[0]), y(cond.metric.ci[1])
                body.append(f"<g stroke='{INK}'><line x1='{cx:.1f}' y1='{lo_y:.1f}' x2='{cx:.1f}' y2='{hi_y:.1f}'/>"
                            f"<line x1='{cx - 6:.1f}' y1='{lo_y:.1f}' x2='{cx + 6:.1f}' y2='{lo_y:.1f}'/>"
                            f"<line x1='{cx - 6:.1f}' y1='{hi_y:.1f}' x2='{cx + 6:.1f}' y2='{hi_y:.1f}'/></g>")
        body.append(_text(cx, top + plot_h + 16, cond.condition, "middle"))
        body.append(_text(cx, top + plot_h + 30, number(value), "middle", MUTED))
        if cond.delta is not None:
            body.append(_text(cx, top + plot_h + 44, f"Δ {cond.delta:+.3f}", "middle", MUTED))
    slug = "".join(ch if ch.isalnum() else "-" for ch in task_id)
    return _svg(f"conditions-{slug}", width, height, f"{task_id} {metric} per image condition", body)


# ---------------------------------------------------------------- helpers


def _whisker(x1: float, x2: float, mid: float) -> str:
    return (f"<g class='ci' stroke='{INK}'><line x1='{x1:.1f}' y1='{mid:.1f}' x2='{x2:.1f}' y2='{mid:.1f}'/>"
            f"<line x1='{x1:.1f}' y1='{mid - 5:.1f}' x2='{x1:.1f}' y2='{mid + 5:.1f}'/>"
            f"<line x1='{x2:.1f}' y1='{mid - 5:.1f}' x2='{x2:.1f}' y2='{mid + 5:.1f}'/></g>")


def _ticks(low: float, high: float) -> list[float]:
    """Round tick values between low and high (about five)."""
    raw = (high - low) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = min((m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw), default=raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks
