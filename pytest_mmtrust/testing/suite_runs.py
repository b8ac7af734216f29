"""Run suite files end to end inside a test, on a scripted model or on any model string.

A suite is tested the way CI runs it: its files in a pytest subprocess
(``pytester.runpytest_subprocess``), the JSON report (``--mmtrust-json``) read back and its
tasks checked. Every task family's end-to-end tests do the same few steps, written once here:

* :class:`AnswerScript` — a scripted model: each case's answer decided up front, found again
  by what reaches the server (the prompt text and the pictures, compared by their pixels, so a
  file sent as its own bytes and one re-encoded on the way match alike). A call the script has
  no answer for is answered ``"?"`` and collected in ``unknown``; two cases the model could not
  tell apart are refused when the script is built.
* :func:`run_suites` — runs suite files with the shared dataset cache and ``--mmtrust-json``:
  against a :class:`~pytest_mmtrust.testing.openai_server.ScriptedOpenAIServer` on 127.0.0.1
  answering from a script (``--mmtrust-model=openai/scripted``; afterwards it fails the test if
  any call was unknown), or on any model string — the built-in ``tiny`` by default, a
  ``py:module:function``, with ``data`` for a folder in the upstream layout. The
  :class:`SuiteRun` it returns holds the pytest result, the report, its tasks by id and how
  many calls the scripted server answered.

The same helpers test a suite of your own (``pytester`` is pytest's plugin for running pytest
in a test; enable it with ``pytest_plugins = ["pytester"]`` in your ``conftest.py``)::

    from pytest_mmtrust.testing import AnswerScript, run_suites

    def test_my_suite(pytester, tmp_path):
        cache = tmp_path / "cache"
        cases = {"X.1": my_dataset.load(None, cache / "datasets")}
        script = AnswerScript.for_cases(cases, lambda task, case: case.target)
        run = run_suites(pytester, [SUITE_FILE], cache=cache, script=script, args=["-q"])
        run.result.assert_outcomes(passed=len(script))
        assert run.tasks["X.1"]["value"] == 1.0

Failures of the harness itself (an unknown call, cases that look alike, a run that wrote no
report) are ``AssertionError``\\ s, as pytester's own ``assert_outcomes`` raises: they fail the
test that used them, with the reason.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence, Tuple, Union

import pytest
from PIL import Image

from ..values import Case
from .openai_server import ChatCall, ScriptedOpenAIServer

__all__ = ["AnswerScript", "ScriptedAnswer", "SuiteRun", "picture_digest", "run_suites"]

#: What the scripted model recognises a request by: its text and the digests of its pictures.
RequestKey = Tuple[str, Tuple[str, ...]]
#: A script's answer to one case: the text, or (the text, the outcome it must get).
Scripted = Union[str, Tuple[str, str]]
#: The model string of a run against the scripted server.
SCRIPTED_MODEL = "openai/scripted"
#: How much of an unknown call's text is kept to name it.
UNKNOWN_EXCERPT = 60


def picture_digest(image: Image.Image) -> str:
    """What identifies a picture: a hash of its size and RGB pixels, whatever file format held it."""
    rgb = image.convert("RGB")
    return hashlib.sha256(f"{rgb.size}".encode() + rgb.tobytes()).hexdigest()


def case_key(case: Case) -> RequestKey:
    """How a request for ``case`` looks to the server: its prompt and the digest of each picture."""
    digests = []
    for path in case.images:
        with Image.open(path) as image:
            digests.append(picture_digest(image))
    return case.prompt, tuple(digests)


def call_key(call: ChatCall) -> RequestKey:
    """How the server sees one chat call: its user text and the digest of each picture."""
    return call.text, tuple(picture_digest(image) for image in call.images)


@dataclass(frozen=True)
class ScriptedAnswer:
    """One case of a script: its task, the case, the answer given and the outcome it must get.

    ``outcome`` is None when the test does not fix the outcome per case (its expected values are
    worked out another way).
    """

    task: str
    case: Case
    answer: str
    outcome: str | None = None


class AnswerScript:
    """A scripted model: an answer per case, looked up by the request that reaches the server.

    Call it with a :class:`~pytest_mmtrust.testing.openai_server.ChatCall` (it is the server's
    answer function). ``check(call, entry)``, when given, is called for every known call before
    it is answered — to assert something about the request itself; an exception there makes the
    server answer HTTP 500, so the item fails. Iterating gives the :class:`ScriptedAnswer` entries
    in the order they were added.
    """

    def __init__(self, check: Callable[[ChatCall, ScriptedAnswer], None] | None = None) -> None:
        self._entries: dict[RequestKey, ScriptedAnswer] = {}
        self._check = check
        self._lock = threading.Lock()  # the server answers each call on a thread of its own
        self.unknown: list[str] = []

    @classmethod
    def for_cases(
        cls,
        cases: Mapping[str, Iterable[Case]],
        answer: Callable[[str, Case], Scripted],
        *,
        check: Callable[[ChatCall, ScriptedAnswer], None] | None = None,
    ) -> AnswerScript:
        """A script over ``cases`` (task id → its cases): ``answer(task, case)`` gives the text,
        or (text, the outcome it must get)."""
        script = cls(check)
        for task, task_cases in cases.items():
            for case in task_cases:
                given = answer(task, case)
                text, outcome = (given, None) if isinstance(given, str) else given
                script.add(task, case, text, outcome)
        return script

    def add(self, task: str, case: Case, answer: str, outcome: str | None = None) -> ScriptedAnswer:
        """Script one more case; refused when an earlier case would reach the server looking the same."""
        key = case_key(case)
        earlier = self._entries.get(key)
        if earlier is not None:
            raise AssertionError(
                f"two cases look alike to the scripted model: {task} {case.key} and {earlier.task} {earlier.case.key}"
            )
        entry = ScriptedAnswer(task, case, answer, outcome)
        self._entries[key] = entry
        return entry

    def lookup(self, call: ChatCall) -> ScriptedAnswer | None:
        """The scripted case this call asks about, or None."""
        return self._entries.get(call_key(call))

    def __call__(self, call: ChatCall) -> str:
        entry = self.lookup(call)
        if entry is None:
            with self._lock:
                self.unknown.append(call.text[:UNKNOWN_EXCERPT])
            return "?"
        if self._check is not None:
            self._check(call, entry)
        return entry.answer

    def __iter__(self) -> Iterator[ScriptedAnswer]:
        return iter(list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)


@dataclass(frozen=True)
class SuiteRun:
    """What one run of suite files left: the pytest result and the JSON report.

    ``tasks`` is the report's task list by task id; ``calls`` is how many chat calls the scripted
    server answered (None for a run without one).
    """

    result: pytest.RunResult
    report: dict[str, Any]
    tasks: dict[str, dict[str, Any]]
    calls: int | None = None


def run_suites(
    pytester: pytest.Pytester,
    suites: Iterable[str | Path],
    *,
    cache: Path,
    script: AnswerScript | None = None,
    model: str = "tiny",
    data: Path | None = None,
    store: Path | None = None,
    report_only: bool = True,
    args: Sequence[str] = (),
) -> SuiteRun:
    """Run ``suites`` (files or folders) in a pytest subprocess and read its JSON report.

    With ``script`` the model is a :class:`ScriptedOpenAIServer` answering from it (``model`` is
    then ignored) and every call it did not know fails the test; otherwise ``model`` is any
    ``--mmtrust-model`` value. ``cache`` is ``--mmtrust-cache-dir`` (share one per test session:
    generating datasets is the slow part), ``data`` is ``--mmtrust-data``, ``store`` a response
    store file (default ``--mmtrust-no-store``: every answer asked anew). ``report_only`` adds
    ``--mmtrust-report-only``, so a gate the run does not meet does not fail it. ``args`` go on the
    command line after these (``-q``, ``-v``, ``-k 0001``, ``--mmtrust-limit 2`` …).
    """
    report = pytester.path / "mmtrust-report.json"
    if report.exists():
        report.unlink()  # a report left by an earlier run in this test must not be read as this one's
    command = [str(path) for path in suites]
    command += ["--mmtrust-cache-dir", str(cache), "--mmtrust-json", str(report), "-p", "no:cacheprovider"]
    command += ["--mmtrust-store", str(store)] if store is not None else ["--mmtrust-no-store"]
    if data is not None:
        command += ["--mmtrust-data", str(data)]
    if report_only:
        command.append("--mmtrust-report-only")
    calls: int | None = None
    if script is None:
        result = pytester.runpytest_subprocess(f"--mmtrust-model={model}", *command, *args)
    else:
        with ScriptedOpenAIServer(answer=script) as server:
            result = pytester.runpytest_subprocess(
                f"--mmtrust-model={SCRIPTED_MODEL}", "--mmtrust-api-base", server.base_url, *command, *args
            )
            calls = server.call_count
        if script.unknown:
            shown = "; ".join(repr(text) for text in script.unknown[:5])
            raise AssertionError(f"the scripted model was asked {len(script.unknown)} call(s) it has no answer for: {shown}")
    if not report.is_file():
        tail = "\n".join(result.outlines[-40:] + result.errlines[-20:])
        raise AssertionError(f"the run wrote no JSON report (exit code {result.ret}); its output ends:\n{tail}")
    parsed = json.loads(report.read_text(encoding="utf-8"))
    return SuiteRun(result=result, report=parsed, tasks={task["id"]: task for task in parsed["tasks"]}, calls=calls)
