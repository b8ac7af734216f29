"""The HTML report (``--mmtrust-html``): one self-contained file a CI job can upload.

Self-contained means it opens from a CI artifact, offline, years later: the styles and the small
filtering script are inline, the charts are inline SVG drawn by :mod:`.charts`, and case images
are embedded as base64 JPEG thumbnails downscaled with Pillow. Nothing is fetched from a network.

Size is bounded so the file stays a few MB for a full run: each task lists at most
``max_cases_per_task`` cases (failing cases first) with prompt and answer excerpts, and embeds
thumbnails for at most ``max_images_per_task`` of them; the rest show the image's file name.
The JSON report and the response store keep everything.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

from PIL import UnidentifiedImageError

from .. import __version__
from ..errors import DataError
from ..images import load_rgb
from ..records import ScoreRecord
from ..redaction import redact
from ..safe_text import for_html as escape  # secrets blanked, controls visible, HTML-escaped
from ..summary import RunSummary, TaskResult
from . import multitrust_view
from .cases import baseline_outcome, excerpt, is_failing, newly_failing
from .charts import aspect_chart, condition_chart, delta_chart, task_chart
from .figures import (
    ASPECT_TITLES,
    VERDICT_COLOURS,
    aspect_scores,
    condition_tasks,
    delta_bars,
    regressed,
    run_verdict,
    task_bars,
)
from .format import ARROWS, gate_text, interval, number, signed, unscorable_text
from .usage import run_usage, usage_line

PROMPT_CHARS = 400
RESPONSE_CHARS = 600


def write_html(
    path: Path,
    summary: RunSummary,
    *,
    max_cases_per_task: int = 100,
    max_images_per_task: int = 12,
    thumbnail_px: int = 160,
) -> None:
    """Write the report to ``path`` (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(summary, max_cases_per_task=max_cases_per_task, max_images_per_task=max_images_per_task,
                       thumbnail_px=thumbnail_px)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(redact(page), encoding="utf-8")
    tmp.replace(path)


def render_html(
    summary: RunSummary,
    *,
    max_cases_per_task: int = 100,
    max_images_per_task: int = 12,
    thumbnail_px: int = 160,
) -> str:
    status, verdict = run_verdict(summary)
    thumbnails = Thumbnails(thumbnail_px)
    sections = [
        _section("aspects", "Aspects", [
            "<p class='note'>Each task's metric mapped to 0–1 with 1 best (1 − value where lower is better), "
            "averaged per aspect. A display aid: the table below has the real values.</p>",
            aspect_chart(aspect_scores(summary)),
        ]),
        _section("tasks", "Tasks", [
            "<p class='note'>Bar: the metric (colour: verdict). Whisker: its 95% interval. "
            "Black tick: the gate. ◇: the baseline. Arrows say whether higher or lower is better.</p>",
            task_chart(task_bars(summary)), _task_table(summary),
        ]),
    ]
    multitrust = multitrust_view.html_section(summary)
    if multitrust:
        sections.insert(1, _section("multitrust", "MultiTrust", [multitrust]))
    deltas = delta_bars(summary)
    if deltas:
        sections.append(_section("baseline", "Against the baseline", [
            "<p class='note'>Current − baseline with its 95% interval; red where the change is for the "
            "worse (for lower-is-better metrics a rise is worse). “regressed”: significantly worse, by the regression test.</p>",
            delta_chart(deltas),
        ]))
    with_conditions = condition_tasks(summary)
    if with_conditions:
        charts = [condition_chart(t.id, t.name, t.metric.name, t.conditions) for t in with_conditions]
        sections.append(_section("conditions", "Image conditions (none / related / unrelated)",
                                 ["<div class='small-multiples'>" + "".join(charts) + "</div>"]))
    present = {"aspects", "tasks", "cases"} | ({"multitrust"} if multitrust else set()) | ({"baseline"} if deltas else set()) | ({"conditions"} if with_conditions else set())
    sections.append(_section("cases", "Cases", [_cases(summary, thumbnails, max_cases_per_task, max_images_per_task)]))
    usage = usage_line(run_usage(summary))
    totals = f"{len(summary.tasks)} tasks · {summary.n_items:,} cases scored · {summary.n_cached:,} cached"
    reused = summary.reuse.line()
    if summary.scoring != "default":
        totals += f" · {summary.scoring} scoring"
    return "".join([
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>mmtrust report — {escape(summary.model_label)}</title><style>{STYLE}</style></head><body>",
        "<header>",
        f"<h1>mmtrust report <span class='model'>{escape(summary.model_label)}</span></h1>",
        f"<p class='verdict {status}' id='verdict'>{escape(verdict)}</p>",
        f"<p class='totals'>{escape(totals)}</p>",
        f"<p class='totals' id='usage'>{escape(usage)}</p>" if usage else "",
        f"<p class='totals' id='reused'>{escape(reused)}</p>" if reused else "",
        "".join(f"<p class='note run-note'>note: {escape(n)}</p>" for n in summary.notes),
        "".join(f"<p class='warning'>⚠ {escape(w)}</p>" for w in summary.warnings),
        "<nav>" + " · ".join(f"<a href='#{s}'>{t}</a>" for s, t in _NAV if s in present) + "</nav>",
        "</header><main>",
        *sections,
        f"</main><footer>pytest-mmtrust {escape(__version__)}</footer>",
        f"<script>{SCRIPT}</script></body></html>\n",
    ])


_NAV = (("aspects", "Aspects"), ("multitrust", "MultiTrust"), ("tasks", "Tasks"), ("baseline", "Baseline"), ("conditions", "Image conditions"),
        ("cases", "Cases"))


def _section(section_id: str, title: str, parts: list[str]) -> str:
    return f"<section id='{section_id}'><h2>{escape(title)}</h2>{''.join(parts)}</section>"


def _badge(task: TaskResult) -> str:
    verdict = task.decision.verdict
    colour = VERDICT_COLOURS.get(verdict, "#546e7a")
    text = verdict.upper() if verdict == "fail" else verdict
    badge = f"<span class='badge' style='background:{colour}'>{escape(text)}</span>"
    if regressed(task):
        badge += " <span class='badge' style='background:#8e24aa'>regressed</span>"
    return badge


def _task_table(summary: RunSummary) -> str:
    head = ("task", "name", "aspect", "metric", "value", "95% CI", "n", "gate", "baseline", "Δ", "Δ 95% CI",
            "verdict", "evaluator")
    rows = []
    for task in summary.tasks:
        reasons = "".join(f"<div class='reason'>{escape(r)}</div>" for r in task.decision.reasons)
        cells = [
            escape(task.id), escape(task.name), escape(ASPECT_TITLES.get(task.aspect, task.aspect)),
            escape(f"{task.metric.name} {ARROWS[task.metric.direction]}"), number(task.value.value),
            interval(task.value), f"{task.value.n}/{task.n_expected}" + (
                f"<div class='reason' title='{escape(unscorable_text(task))}'>{task.unscorable} unscorable</div>"
                if task.unscorable else ""), escape(gate_text(task.threshold)),
            _baseline_cell(task), signed(task.decision.delta),
            interval(ci=task.decision.delta_ci, digits=3), _badge(task) + reasons, escape(task.evaluator or "—"),
        ]
        rows.append(f"<tr data-task='{escape(task.id)}' class='verdict-{escape(task.decision.verdict)}'>"
                    + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<table class='tasks' id='task-table'><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _baseline_cell(task: TaskResult) -> str:
    problem = task.decision.baseline_problem
    if problem:
        return f"<span class='not-compared' title='{escape(problem)}'>not compared</span><div class='reason'>{escape(problem)}</div>"
    return number(task.decision.baseline_value)


def _cases(summary: RunSummary, thumbnails: "Thumbnails", max_rows: int, max_images: int) -> str:
    options = "".join(f"<option value='{escape(t.id)}'>{escape(t.id)} {escape(t.name)}</option>" for t in summary.tasks)
    controls = (
        "<div class='controls'><label>task <select id='case-task'><option value=''>all tasks</option>"
        f"{options}</select></label> <label><input type='checkbox' id='case-failing' checked> failing cases only</label>"
        " <label>search <input type='search' id='case-search' placeholder='prompt, answer, outcome…'></label>"
        " <span id='case-count'></span></div>"
    )
    rows, notes = [], []
    compared = any(task.baseline is not None for task in summary.tasks)
    for task in summary.tasks:
        flags = [is_failing(task, r) for r in task.records]
        new = [newly_failing(task, r) if bad else False for r, bad in zip(task.records, flags)]
        ordered = [(r, True) for r, bad, fresh in zip(task.records, flags, new) if fresh]
        ordered += [(r, True) for r, bad, fresh in zip(task.records, flags, new) if bad and not fresh]
        ordered += [(r, False) for r, bad in zip(task.records, flags) if not bad]
        shown = ordered[:max_rows]
        if len(task.records) > len(shown):
            first = "newly failing, then failing first" if task.baseline is not None else "failing first"
            notes.append(f"{task.id}: {len(shown)} of {len(task.records)} cases listed ({first})")
        embedded = 0
        for record, failing in shown:
            row, used = _case_row(task, record, failing, thumbnails, max_images - embedded, compared)
            rows.append(row)
            embedded += used
    head = ("task", "case", "condition", "outcome", *(("baseline",) if compared else ()), "score", "image", "prompt",
            "response")
    note = "".join(f"<p class='note'>{escape(n)}</p>" for n in notes)
    return (controls + note + "<table class='cases' id='case-table'><thead><tr>" + "".join(f"<th>{h}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def _case_row(task: TaskResult, record: ScoreRecord, failing: bool, thumbnails: "Thumbnails",
              allowed: int, compared: bool = False) -> tuple[str, int]:
    """The row's HTML and how many thumbnails it embedded (at most ``allowed``); with
    ``compared``, a baseline column (the case's outcome in the baseline, marked when new)."""
    images = []
    used = 0
    for path in record.images:
        name = escape(Path(path).name)
        data = thumbnails.data_uri(path) if used < allowed else None
        if data:
            used += 1
            images.append(f"<figure><img src='{data}' alt='{name}' loading='lazy'><figcaption>{name}</figcaption></figure>")
        else:
            images.append(f"<span class='image-name'>{name}</span>")
    answer = f"error: {record.error}" if record.error else record.response
    score = "—" if record.value is None else f"{record.value:g}"
    fresh = failing and newly_failing(task, record)
    before = []
    if compared:
        word = baseline_outcome(task, record)
        before = [escape(word or "—") + (" <span class='badge' style='background:#c62828'>new</span>" if fresh else "")]
    cells = [
        escape(task.id), escape(record.case), escape(record.condition or "—"),
        f"<span class='outcome{' bad' if failing else ''}'>{escape(record.outcome)}</span>", *before, score,
        "".join(images) or "—", f"<div class='text'>{escape(excerpt(record.prompt, PROMPT_CHARS))}</div>",
        f"<div class='text'>{escape(excerpt(answer, RESPONSE_CHARS))}</div>",
    ]
    row_class = " class='failing newly-failing'" if fresh else " class='failing'" if failing else ""
    row = (f"<tr data-task='{escape(task.id)}' data-failing='{1 if failing else 0}'{row_class}>"
           + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return row, used


class Thumbnails:
    """Base64 JPEG thumbnails, made once per image file per report."""

    def __init__(self, size_px: int):
        self.size_px = size_px
        self._made: dict[str, str | None] = {}

    def data_uri(self, path: str) -> str | None:
        """A ``data:`` URI, or None when the file is missing or not an image."""
        if path not in self._made:
            self._made[path] = self._make(path)
        return self._made[path]

    def _make(self, path: str) -> str | None:
        """Through the one image gate (:mod:`pytest_mmtrust.images`): bombs, odd modes and
        transparency are handled there; an image that cannot be read gets no thumbnail."""
        try:
            image = load_rgb(path)
            image.thumbnail((self.size_px, self.size_px))
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=75, optimize=True)
        except (DataError, OSError, UnidentifiedImageError, ValueError):
            return None
        return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


STYLE = """
:root{--ink:#24292f;--muted:#57606a;--line:#d0d7de;--bad:#c62828;--good:#2e7d32}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--ink);margin:0 auto;
max-width:1280px;padding:16px 24px}
h1{font-size:22px;margin:8px 0}h1 .model{font-family:ui-monospace,monospace;font-size:16px;color:var(--muted)}
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
.verdict{font-size:16px;font-weight:600;padding:8px 12px;border-radius:6px;color:#fff;display:inline-block;margin:4px 0}
.verdict.pass{background:var(--good)}.verdict.fail{background:var(--bad)}
.verdict.incomplete,.verdict.warning{background:#ef8f00}.verdict.ungated{background:#546e7a}
.warning{background:#fff4e5;border-left:4px solid #ef8f00;padding:6px 10px;margin:6px 0;font-weight:600}
.totals,.note{color:var(--muted);margin:4px 0}nav a{color:#0969da}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border-bottom:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0}
.badge{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap}
.reason{color:var(--bad);font-size:12px}
.small-multiples{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{max-width:100%;height:auto;display:block;margin:8px 0}
.controls{margin:8px 0;display:flex;gap:16px;flex-wrap:wrap;align-items:center}
tr.failing td:first-child{border-left:3px solid var(--bad)}
.outcome{font-weight:600}.outcome.bad{color:var(--bad)}
.text{max-height:9em;overflow:auto;white-space:pre-wrap;max-width:420px}
figure{margin:0 4px 4px 0;display:inline-block}figure img{display:block;max-width:160px;border:1px solid var(--line)}
figcaption,.image-name{font-size:11px;color:var(--muted)}
footer{color:var(--muted);margin:24px 0;font-size:12px}
"""

SCRIPT = """
(function(){
  var task=document.getElementById('case-task'),failing=document.getElementById('case-failing'),
      search=document.getElementById('case-search'),count=document.getElementById('case-count');
  if(!task){return;}
  var rows=Array.prototype.slice.call(document.querySelectorAll('#case-table tbody tr'));
  function apply(){
    var t=task.value,f=failing.checked,s=search.value.toLowerCase(),shown=0;
    rows.forEach(function(r){
      var ok=(!t||r.getAttribute('data-task')===t)&&(!f||r.getAttribute('data-failing')==='1')&&
             (!s||r.textContent.toLowerCase().indexOf(s)>=0);
      r.hidden=!ok; if(ok){shown++;}
    });
    count.textContent=shown+' of '+rows.length+' listed cases shown';
  }
  task.addEventListener('change',apply);failing.addEventListener('change',apply);search.addEventListener('input',apply);
  apply();
})();
"""
