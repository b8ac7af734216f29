"""The end-to-end harness of pytest_mmtrust.testing.suite_runs: a scripted model that knows each
case by its text and pixels, and suite runs read back from their JSON report — including the
ways it fails a test (an unknown call, look-alike cases, a run without a report)."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest
from PIL import Image

from pytest_mmtrust.testing import AnswerScript, ChatCall, run_suites
from pytest_mmtrust.testing.suite_runs import picture_digest
from pytest_mmtrust.values import Case

#: Four cases that share their question and differ only in the picture.
COLOURS = textwrap.dedent(
    '''
    from pathlib import Path
    from PIL import Image
    from pytest_mmtrust import Case, Dataset

    SHADES = {"dark": (40, 0, 0), "mid": (120, 0, 0), "light": (200, 0, 0), "pale": (250, 200, 200)}

    def generate(folder):
        cases = []
        for number, (name, rgb) in enumerate(SHADES.items(), start=1):
            Image.new("RGB", (8, 8), rgb).save(Path(folder) / f"{name}.png")
            cases.append(Case(id=f"{number:04d}", prompt="Which shade of red is this?", images=(f"{name}.png",),
                              target=name))
        return cases

    COLOURS = Dataset("X.1", "1", generate)
    '''
)

SUITE = textwrap.dedent(
    '''
    from colours import COLOURS
    from pytest_mmtrust import Metric, Score, Task

    def exact(case, text):
        right = text.strip() == case.target
        return Score(1.0 if right else 0.0, "CORRECT" if right else "WRONG")
    exact.name = "rules:exact"

    TASK = Task(id="X.1", name="shades", aspect="custom", dataset=COLOURS, evaluator=exact,
                metric=Metric("accuracy"), gate=">=0.9")

    @TASK.test
    def test_shade(mmtrust_result):
        pass
    '''
)


@pytest.fixture
def colours(pytester: pytest.Pytester) -> Iterator[ModuleType]:
    """The toy dataset module, importable here and in the pytest subprocess; the suite beside it."""
    pytester.makepyfile(colours=COLOURS, test_shades=SUITE)
    pytester.syspathinsert()
    importlib.invalidate_caches()
    module = importlib.import_module("colours")
    yield module
    sys.modules.pop("colours", None)


def chat_call(text: str, *images: Image.Image) -> ChatCall:
    return ChatCall(model="scripted", messages=[], text=text, system=None, images=list(images), image_urls=[], params={})


def test_a_scripted_run_reads_every_task_back_from_the_report(
    pytester: pytest.Pytester, colours: ModuleType, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cases = {"X.1": colours.COLOURS.load(None, cache / "datasets")}
    script = AnswerScript.for_cases(cases, lambda task, case: "dark" if case.target != "pale" else "light")
    assert [entry.answer for entry in script] == ["dark", "dark", "dark", "light"]
    run = run_suites(pytester, ["test_shades.py"], cache=cache, script=script, args=["-q"])
    run.result.assert_outcomes(passed=4)
    assert run.calls == 4 and script.unknown == []
    task = run.tasks["X.1"]
    assert (task["value"], task["n"], task["outcomes"]) == (0.25, 4, {"CORRECT": 1, "WRONG": 3})
    assert run.report["model"] == "openai/scripted" and run.report["tasks"] == [task]
    assert task["verdict"] == "fail"  # below the gate, but report-only: the run itself passed
    assert run.result.ret == pytest.ExitCode.OK


def test_without_report_only_a_missed_gate_fails_the_run(pytester: pytest.Pytester, colours: ModuleType,
                                                         tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    script = AnswerScript.for_cases({"X.1": colours.COLOURS.load(None, cache / "datasets")}, lambda task, case: "?")
    run = run_suites(pytester, ["test_shades.py"], cache=cache, script=script, report_only=False)
    assert run.result.ret == pytest.ExitCode.TESTS_FAILED and run.tasks["X.1"]["value"] == 0.0


def test_a_call_the_script_does_not_know_fails_the_test(pytester: pytest.Pytester, colours: ModuleType,
                                                        tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    script = AnswerScript()
    for case in colours.COLOURS.load(None, cache / "datasets")[:3]:  # the pale picture is left out
        script.add("X.1", case, case.target)
    with pytest.raises(AssertionError, match=r"asked 1 call\(s\) it has no answer for: 'Which shade of red is this\?'"):
        run_suites(pytester, ["test_shades.py"], cache=cache, script=script)
    assert script.unknown == ["Which shade of red is this?"]


def test_a_model_string_runs_without_a_server(pytester: pytest.Pytester, colours: ModuleType, tmp_path: Path) -> None:
    pytester.makepyfile(shademodel="def answer(request):\n    return 'mid'\n")
    run = run_suites(pytester, ["test_shades.py"], cache=tmp_path / "cache", model="py:shademodel:answer",
                     store=tmp_path / "answers.sqlite", args=["-v"])
    run.result.assert_outcomes(passed=4)
    run.result.stdout.fnmatch_lines(["*test_shade?X.1/0003? WRONG*"])
    assert run.calls is None and run.tasks["X.1"]["value"] == 0.25
    assert (tmp_path / "answers.sqlite").is_file()


def test_a_run_that_writes_no_report_is_named(pytester: pytest.Pytester, tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"the run wrote no JSON report \(exit code 4\)"):
        run_suites(pytester, ["no_such_suite.py"], cache=tmp_path / "cache", model="py:nowhere:answer")


def test_pictures_are_known_by_their_pixels_not_their_file(tmp_path: Path) -> None:
    picture = Image.new("RGB", (6, 4), (10, 200, 30))
    picture.putpixel((5, 3), (0, 0, 0))
    picture.save(tmp_path / "a.png")
    picture.save(tmp_path / "a.bmp")
    case = Case(id="0001", prompt="What is this?", images=(str(tmp_path / "a.png"),), target="grass")
    seen: list[str] = []
    script = AnswerScript(check=lambda call, entry: seen.append(entry.case.id))
    script.add("X.1", case, "Grass.", "CORRECT")
    with Image.open(tmp_path / "a.bmp") as same, Image.open(tmp_path / "a.png") as png:
        assert picture_digest(same) == picture_digest(png)
        assert script(chat_call("What is this?", same)) == "Grass." and seen == ["0001"]
        assert script(chat_call("What is this?", same, png)) == "?"  # two pictures: another request
    other = picture.copy()
    other.putpixel((0, 0), (10, 200, 31))
    assert script(chat_call("What is this?", other)) == "?"
    assert script(chat_call("What is that?", picture)) == "?"
    assert script(chat_call("What is this?")) == "?"
    assert len(script.unknown) == 4 and seen == ["0001"]
    assert [(e.task, e.case, e.answer, e.outcome) for e in script] == [("X.1", case, "Grass.", "CORRECT")]


def test_cases_that_would_reach_the_server_alike_are_refused(tmp_path: Path) -> None:
    for name in ("one.png", "two.png"):
        Image.new("RGB", (4, 4), (9, 9, 9)).save(tmp_path / name)
    first = Case(id="0001", prompt="Colour?", images=(str(tmp_path / "one.png"),))
    second = Case(id="0002", prompt="Colour?", images=(str(tmp_path / "two.png"),), condition="related")
    script = AnswerScript()
    script.add("X.1", first, "grey")
    with pytest.raises(AssertionError, match="two cases look alike to the scripted model: X.2 0002/related and X.1 0001"):
        script.add("X.2", second, "grey")
    script.add("X.2", Case(id="0002", prompt="Colour?"), "none")  # no picture: a different request
    assert len(script) == 2
