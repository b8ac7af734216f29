"""The README's "Write your own suite": it links the API page, and its example runs as written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"

MODELS = textwrap.dedent(
    '''
    def right(request):
        number = int(request.text.split()[1].rstrip("?"))
        return "Yes." if number % 2 == 0 else "No."

    def always_yes(request):
        return "yes"
    '''
)


def section() -> str:
    return README.read_text(encoding="utf-8").split("## Write your own suite", 1)[1].split("\n## ", 1)[0]


def readme_suite() -> str:
    found = re.search(r"```python\n(.*?)```", section(), re.DOTALL)
    assert found, "the README's Write your own suite section shows a suite"
    return found.group(1)


@pytest.fixture
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_parity=readme_suite(), parity_models=MODELS)
    pytester.syspathinsert()
    return pytester


def test_the_example_passes_its_gate_with_a_model_that_knows_parity(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--mmtrust-model=py:parity_models:right")
    result.assert_outcomes(passed=100)
    result.stdout.fnmatch_lines(["X.1*parity*worst_class_accuracy ↑*1.000*100/100*≥ 0.9*pass"])
    assert result.ret == pytest.ExitCode.OK


def test_its_custom_metric_fails_a_model_that_always_says_yes(suite: pytest.Pytester) -> None:
    result = suite.runpytest("--mmtrust-model=py:parity_models:always_yes")
    result.assert_outcomes(passed=100)  # bad answers are scores, not failed items
    result.stdout.fnmatch_lines(["X.1*parity*worst_class_accuracy ↑*0.000*100/100*≥ 0.9*FAIL",
                                 "FAIL: X.1: 0.000 does not meet gate >=0.9"])
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_the_section_links_the_api_reference() -> None:
    assert "(docs/api.md)" in section()
    assert (README.parent / "docs" / "api.md").is_file()
