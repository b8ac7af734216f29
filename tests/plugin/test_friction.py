"""Traps a new user fell into, each closed: a ``py:`` model next to pyproject.toml, an edited
dataset generator, ``--mmtrust-limit``, one word for a regression, where reports were written,
and an exception inside a ``py:`` model."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import TOY_SUITE

YES = "--mmtrust-model=py:toymodels:always_yes"
RIGHT = "--mmtrust-model=py:toymodels:right_answers"


def calls(pytester: pytest.Pytester) -> list[str]:
    """Every request text the toy models were asked, in order."""
    path = pytester.path / "calls.log"
    return path.read_text().split() if path.exists() else []


def console_pytest() -> str:
    """The ``pytest`` console script of this environment: unlike ``python -m pytest`` it does not
    put the current folder on the import path."""
    script = Path(sys.executable).parent / "pytest"
    if not script.exists():
        found = shutil.which("pytest")
        if found is None:
            pytest.skip("no pytest console script")
        script = Path(found)
    return str(script)


def plain_pytest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``pytest ARGS`` in ``folder`` as a user types it (pytester's own runs put the folder on
    PYTHONPATH, which is exactly what a user's shell does not)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    return subprocess.run([console_pytest(), "-p", "no:cacheprovider", *args], cwd=folder, env=env,
                          capture_output=True, text=True, timeout=300, check=False)


def test_a_py_model_next_to_pyproject_works_under_plain_pytest(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", pyproject='[tool.mmtrust]\nmodel = "py:mymodel:answer"\nno_store = true\n')
    pytester.makepyfile(mymodel="def answer(request):\n    return 'yes'\n")
    tests = pytester.mkdir("tests")
    (tests / "test_toy.py").write_text(TOY_SUITE.replace('_log(request.text)', ''), encoding="utf-8")
    result = plain_pytest(pytester.path, "tests")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "20 passed" in result.stdout


def test_a_py_model_that_cannot_be_imported_stops_once_with_the_fix(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", pyproject='[tool.mmtrust]\nmodel = "py:nowhere.mymodel:answer"\n')
    tests = pytester.mkdir("tests")
    (tests / "test_toy.py").write_text(TOY_SUITE, encoding="utf-8")
    result = plain_pytest(pytester.path, "tests")
    assert result.returncode == pytest.ExitCode.USAGE_ERROR, result.stdout + result.stderr
    err = result.stderr
    assert err.count("cannot import 'nowhere.mymodel'") == 1
    assert str(pytester.path) in err and "pythonpath" in err  # says where it looked and how to add a folder


def test_a_factory_that_fails_stops_the_run_once(toy: pytest.Pytester) -> None:
    toy.makepyfile(brokenfactory="def make():\n    raise RuntimeError('weights not found at /models/x')\n")
    result = toy.runpytest("--mmtrust-model=py:brokenfactory:make")
    assert result.ret != 0
    text = result.stdout.str()
    assert text.count("weights not found at /models/x") <= 3  # the item, its summary line, the stop reason
    assert "During handling of the above exception" not in text
    result.assert_outcomes(errors=1)


USER_MODEL = textwrap.dedent(
    """
    def lookup(table, key):
        return table[key]

    def answer(request):
        return lookup({}, "missing-key")
    """
)


def test_an_exception_in_a_py_model_is_shown_once_with_the_users_traceback(toy: pytest.Pytester) -> None:
    toy.makepyfile(usermodel=USER_MODEL)
    result = toy.runpytest("--mmtrust-model=py:usermodel:answer")
    # the first calls all failing alike stop the run (issue 18): with the user's traceback, once
    assert result.ret == pytest.ExitCode.INTERRUPTED
    text = result.stdout.str()
    assert "the first 5 calls all failed the same way" in text
    assert "During handling of the above exception" not in text
    assert text.count("return table[key]") == 1  # the user's own line, in the traceback, once
    assert text.count('lookup({}, "missing-key")') == 1
    assert "py:usermodel:answer raised KeyError: 'missing-key'" in text
    assert "test_toy.py" not in text.split("Traceback")[1].split("KeyError")[0]  # the user's frames, not ours


def test_the_limit_never_fails_the_session(toy: pytest.Pytester) -> None:
    toy.runpytest(RIGHT, "--mmtrust-save-baseline", "base.json").assert_outcomes(passed=20)
    result = toy.runpytest(YES, "--mmtrust-limit", "4", "--mmtrust-gate", "X.1>=0.9", "--mmtrust-baseline", "base.json",
                           "--mmtrust-json", "r.json")
    result.assert_outcomes(passed=8)
    assert result.ret == pytest.ExitCode.OK
    (task,) = json.loads((toy.path / "r.json").read_text())["tasks"]
    assert task["verdict"] == "incomplete" and "--mmtrust-limit" in task["reasons"][0]
    result.stdout.fnmatch_lines(["INCOMPLETE: X.1: 8 of 20 cases asked (--mmtrust-limit): not decided"])


def test_a_regression_is_called_regressed_everywhere(toy: pytest.Pytester) -> None:
    toy.runpytest(RIGHT, "--mmtrust-save-baseline", "base.json").assert_outcomes(passed=20)
    result = toy.runpytest(YES, "--mmtrust-baseline", "base.json", "--mmtrust-gate", "X.1>=0", "--mmtrust-md", "r.md",
                           "--mmtrust-html", "r.html")
    result.stdout.fnmatch_lines(["X.1 *FAIL (regressed)"])
    assert "significant)" not in result.stdout.str()
    assert "FAIL (regressed)" in (toy.path / "r.md").read_text()
    assert ">regressed</span>" in (toy.path / "r.html").read_text()


def test_every_file_written_is_named(toy: pytest.Pytester) -> None:
    result = toy.runpytest(YES, "--mmtrust-json", "out/r.json", "--mmtrust-md", "out/r.md", "--mmtrust-html", "out/r.html",
                           "--mmtrust-save-baseline", "out/base.json")
    result.assert_outcomes(passed=20)
    out = toy.path / "out"
    result.stdout.fnmatch_lines([
        f"mmtrust: wrote the JSON report to {out / 'r.json'}",
        f"mmtrust: wrote the Markdown summary to {out / 'r.md'}",
        f"mmtrust: wrote the HTML report to {out / 'r.html'}",
        f"mmtrust: wrote the baseline to {out / 'base.json'}",
    ])


def test_an_edited_dataset_generator_is_not_answered_from_its_stale_cache(toy: pytest.Pytester) -> None:
    toy.runpytest(YES).assert_outcomes(passed=20)
    assert "q100" not in calls(toy)
    toy.makepyfile(test_toy=TOY_SUITE.replace('prompt=f"q{i}"', 'prompt=f"q{i + 100}"'))  # Dataset version still "1"
    toy.runpytest(YES).assert_outcomes(passed=20)
    assert "q100" in calls(toy)

