"""Issue 18, items 4 and 13: what a server or model wrote reaches no output raw, and a case error
is printed once.

The toy suite runs against a scripted OpenAI-compatible server on 127.0.0.1 whose answers and
error bodies carry terminal control sequences (set the window title, clear the screen), BEL, NUL,
a one-byte CSI, table pipes, ``</details>`` and ``<script>``. What the run prints and the
Markdown, HTML and JUnit reports it writes show them as text, never as effects or structure
(see :mod:`pytest_mmtrust.safe_text`), and the one failing case's reason appears once.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

import pytest
from reliability_helpers import api_args, case_number, suite_source

from pytest_mmtrust.testing.openai_server import ChatCall, Fault, ScriptedOpenAIServer

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

#: What a hostile server writes: set the window title, clear the screen, ring, NUL, colour.
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x00\x9b6n"
RAW_CONTROLS = ("\x1b", "\x07", "\x00", "\x9b")


def hostile_answers(call: ChatCall) -> str:
    i = case_number(call)
    if i == 1:
        return f"yes {HOSTILE} | a | b | </details> <script>alert(1)</script>"
    return "yes" if i % 2 else "no"


def hostile_errors(index: int, call: ChatCall) -> Fault | None:
    if case_number(call) == 2:
        return Fault(status=400, body={"error": {"message": f"bad request {HOSTILE} ERROR-MARK-4242"}})
    return None


# ---------------------------------------------------------------------------------------------
# item 4: every text a server wrote is safe for where it is written


def test_control_codes_from_a_server_reach_no_output_raw(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(hostile_answers, fault=hostile_errors)
    pytester.makepyfile(test_toy=suite_source(4))
    out = tmp_path / "out"
    result = pytester.runpytest(*api_args(
        server, tmp_path, "--mmtrust-retries", "0", "-v", "-rA",
        "--mmtrust-md", str(out / "r.md"), "--mmtrust-html", str(out / "r.html"),
        "--junitxml", str(out / "junit.xml"),
    ))
    result.assert_outcomes(passed=3, errors=1)
    printed = "\n".join(result.outlines + result.errlines)
    for control in RAW_CONTROLS:
        assert control not in printed, repr(control)
    assert "ERROR-MARK-4242" in printed and "\\x1b]0;pwned\\x07" in printed  # shown, as visible escapes

    markdown = (out / "r.md").read_text(encoding="utf-8")
    html = (out / "r.html").read_text(encoding="utf-8")
    for control in RAW_CONTROLS:
        assert control not in markdown and control not in html, repr(control)
    assert "<script>" not in markdown and "</details> <" not in markdown
    example_rows = [line for line in markdown.splitlines() if line.startswith("| 0001 ")]
    assert len(example_rows) == 1 and example_rows[0].count(" | ") == 4  # five cells: the table holds
    assert "<script>alert" not in html

    tree = ET.parse(out / "junit.xml")  # XML 1.0 cannot hold ESC or NUL: the file must still parse
    assert tree.getroot() is not None
    junit = (out / "junit.xml").read_text(encoding="utf-8")
    assert "ERROR-MARK-4242" in junit


# ---------------------------------------------------------------------------------------------
# item 13: a case error is printed once


@pytest.mark.parametrize("extra", [[], ["-rA", "-v"], ["--tb=no"], ["--tb=short", "-rE"]],
                         ids=["default", "verbose", "tb-no", "tb-short"])
def test_a_case_error_is_printed_once(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path, extra: list[str]
) -> None:
    server = servers(hostile_answers, fault=hostile_errors)
    pytester.makepyfile(test_toy=suite_source(4))
    result = pytester.runpytest(*api_args(server, tmp_path, "--mmtrust-retries", "0", *extra))
    result.assert_outcomes(passed=3, errors=1)
    printed = "\n".join(result.outlines + result.errlines)
    # --tb=no prints no ERRORS section: the reason is on the summary line, cut to the terminal's width
    mark = "R.1/0002: model call failed" if "--tb=no" in extra else "ERROR-MARK-4242"
    assert printed.count(mark) == 1, printed
    assert "During handling of the above exception" not in printed
    assert printed.count("test_case[R.1/0002]") >= 1  # the item is still named where it failed


def test_a_case_error_is_printed_once_with_xdist(
    pytester: pytest.Pytester, servers: Callable[..., ScriptedOpenAIServer], tmp_path: Path
) -> None:
    server = servers(hostile_answers, fault=hostile_errors)
    pytester.makepyfile(test_toy=suite_source(4))
    result = pytester.runpytest_subprocess(*api_args(server, tmp_path, "--mmtrust-retries", "0", "-n", "2"))
    result.assert_outcomes(passed=3, errors=1)
    printed = "\n".join(result.outlines + result.errlines)
    assert printed.count("ERROR-MARK-4242") == 1, printed
