"""docs/api.md is what the code says: generated from the docstrings, complete, and its links work."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest

import pytest_mmtrust
import pytest_mmtrust.evaluators
from pytest_mmtrust.apidoc import ApiDocError, generate, main
from pytest_mmtrust.apidoc.contents import Constants, Section
from pytest_mmtrust.apidoc.page import Page, anchor

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "api.md"


@pytest.fixture(scope="module")
def page() -> str:
    return generate()


def test_the_committed_page_is_the_generated_one(page: str) -> None:
    assert PAGE.read_text(encoding="utf-8") == page, "run: python -m pytest_mmtrust.apidoc docs/api.md"


def documented(page: str) -> set[str]:
    """Names with an entry: a heading of their own, or a row of a constants table."""
    headings = re.findall(r"^#{3} `([^`]+)`$", page, re.MULTILINE)
    rows = re.findall(r"^\| `([^`]+)` \|", page, re.MULTILINE)
    return set(headings) | set(rows)


@pytest.mark.parametrize("module", [pytest_mmtrust, pytest_mmtrust.evaluators], ids=lambda m: m.__name__)
def test_every_exported_name_has_an_entry(page: str, module: object) -> None:
    missing = sorted(set(module.__all__) - documented(page))  # type: ignore[attr-defined]
    assert not missing, f"add these to pytest_mmtrust/apidoc/contents.py: {missing}"


def test_the_names_an_author_needs_have_entries(page: str) -> None:
    wanted = {"Task", "ASPECTS", "Case", "Dataset", "Request", "GenerationParams", "Response", "Model", "Score",
              "Evaluator", "RunContext", "bind_evaluator", "Metric", "MetricValue", "ScoreRecord", "DataError",
              "InvalidAnswerError", "mmtrust_result", "mmtrust_case", "mmtrust_model", "mmtrust_settings",
              "ItemResult", "Settings"}
    assert wanted <= documented(page)
    assert "| `mmtrust_safety` |" in page and "mmtrust_s4" in page  # the markers


def test_every_import_line_on_the_page_imports() -> None:
    for module, names in re.findall(r"`from ([\w.]+) import ([\w, ]+)`", PAGE.read_text(encoding="utf-8")):
        imported = __import__(module, fromlist=["_"])
        for name in names.split(", "):
            assert hasattr(imported, name), f"from {module} import {name}"


def test_every_link_inside_the_page_has_its_heading(page: str) -> None:
    anchors = {anchor(heading) for heading in re.findall(r"^#{1,4} (.+)$", page, re.MULTILINE)}
    targets = set(re.findall(r"\]\(#([^)]+)\)", page))
    assert targets, "the page links its entries"
    assert targets <= anchors, sorted(targets - anchors)
    assert len(re.findall(r"^#{1,4} (.+)$", page, re.MULTILINE)) == len(anchors), "duplicate headings"


def test_links_out_of_the_page_point_at_files_that_exist(page: str) -> None:
    for target in re.findall(r"\]\((\.\./[^)#]+)", page):
        assert (PAGE.parent / target).resolve().exists(), target


def test_every_fixture_pytest_knows_is_on_the_page(pytester: pytest.Pytester, page: str) -> None:
    listed = pytester.runpytest("--fixtures").stdout.str()
    fixtures = set(re.findall(r"^(mmtrust_\w+)", listed, re.MULTILINE))
    assert fixtures >= {"mmtrust_result", "mmtrust_case", "mmtrust_model", "mmtrust_settings"}
    assert fixtures <= documented(page)


# ---------------------------------------------------------------- strictness


@pytest.fixture
def scratch_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An importable module with an undocumented class and a stale reference."""
    (tmp_path / "apidoc_scratch.py").write_text(textwrap.dedent('''
        """A scratch module."""

        class Bare:
            pass

        class Stale:
            """Refers to :class:`pytest_mmtrust.values.Gone` and :func:`~pytest_mmtrust.Task` (fine)."""

        class Documented:
            """All right."""

            def method(self) -> None:
                pass

        #: A documented constant.
        LIMIT = 3
        UNDOCUMENTED = 4
    '''), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "apidoc_scratch", raising=False)
    return "apidoc_scratch"


@pytest.mark.parametrize(("entry", "problem"), [
    ("Bare", "Bare has no docstring"),
    ("Stale", "reference to 'pytest_mmtrust.values.Gone' names nothing"),
    ("Documented", "Documented.method has no docstring"),
    (Constants("Limits", "apidoc_scratch", ("UNDOCUMENTED",)), "apidoc_scratch.UNDOCUMENTED has no #: comment"),
])
def test_an_undocumented_entry_or_a_dead_reference_stops_the_generator(
    scratch_module: str, entry: object, problem: str
) -> None:
    spec = f"{scratch_module}:{entry}" if isinstance(entry, str) else entry
    with pytest.raises(ApiDocError, match=re.escape(problem)):
        Page([Section("Scratch", "", (spec,))]).render()  # type: ignore[arg-type]


def test_a_documented_entry_renders(scratch_module: str) -> None:
    text = Page([Section("Scratch", "Intro.", (Constants("Limits", scratch_module, ("LIMIT",)),))]).render()
    assert "| `LIMIT` | `3` | A documented constant. |" in text
    assert "- [Scratch](#scratch)" in text and "## Scratch\n\nIntro." in text


# ---------------------------------------------------------------- command line


def test_the_command_writes_checks_and_prints_the_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "docs" / "api.md"
    assert main(["--check", str(target)]) == 1  # missing: out of date
    assert "run python -m pytest_mmtrust.apidoc" in capsys.readouterr().err
    assert main([str(target)]) == 0
    assert main(["--check", str(target)]) == 0
    target.write_text(target.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert main(["--check", str(target)]) == 1
    capsys.readouterr()
    assert main([]) == 0
    assert capsys.readouterr().out == PAGE.read_text(encoding="utf-8")


@pytest.mark.parametrize("argv", [["--check"], ["a.md", "b.md"], ["--bogus"]])
def test_bad_arguments_print_the_usage(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "usage: python -m pytest_mmtrust.apidoc" in capsys.readouterr().err
