"""Small formatting helpers shared by every report."""

from __future__ import annotations

from ..metrics import MetricValue

ARROWS = {"higher": "↑", "lower": "↓"}


def number(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def interval(value: MetricValue | None = None, ci: tuple[float, float] | None = None, digits: int = 2) -> str:
    bounds = ci if ci is not None else (value.ci if value is not None else None)
    if bounds is None:
        return "—"
    return f"[{bounds[0]:.{digits}f}, {bounds[1]:.{digits}f}]"


def signed(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:+.{digits}f}"


def unscorable_text(task: object) -> str:
    """``unscorable: 12 of 180 answers (7%: UNRATED 12), counted as the rating 0``."""
    count = getattr(task, "unscorable", 0)
    total = len(getattr(task, "records", ())) or count
    words = ", ".join(f"{word} {n}" for word, n in sorted(getattr(task, "unscorable_outcomes", {}).items()))
    share = f"{count / total:.0%}" if total else "—"
    rule = getattr(task, "unscorable_rule", "")
    return f"unscorable: {count} of {total} answers ({share}{': ' + words if words else ''})" + (f", {rule}" if rule else "")


def gate_text(threshold: object | None) -> str:
    if threshold is None:
        return "—"
    text, _, mode = str(threshold).partition(":")
    shown = text.replace(">=", "≥ ").replace("<=", "≤ ").replace(">", "> ").replace("<", "< ") if text else "—"
    return f"{shown} ({mode})" if mode else shown
