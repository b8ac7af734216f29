"""pytest_mmtrust.safe_text: what a server wrote, made safe for the terminal, Markdown, HTML and XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.redaction import refresh
from pytest_mmtrust.safe_text import for_html, for_markdown, for_markdown_code, for_terminal, for_xml, visible_controls

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mred\x00 \x9b6n \u202eevil\u202c\r\nnext\tcol"
#: Characters a terminal may act on (C0 but tab and newline, DEL, C1) and the bidi overrides.
ACTING = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("SAFE_TEXT_API_KEY", "sk-safe-text-0123456789")
    refresh()
    yield "sk-safe-text-0123456789"
    monkeypatch.undo()
    refresh()


def test_the_terminal_sees_control_sequences_never_obeys_them(secret: str) -> None:
    shown = for_terminal(f"{HOSTILE} {secret}")
    assert not ACTING.search(shown)
    assert shown.startswith("\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mred\\x00 \\x9b6n \\u202eevil\\u202c\\x0d\nnext\tcol")
    assert secret not in shown and shown.endswith("***")


def test_markdown_cells_hold_one_line_and_no_structure(secret: str) -> None:
    cell = for_markdown(f"a | b </details> <img src=x> `code` **bold** [link](http://x) @octocat {secret}\n{HOSTILE}")
    assert "\n" not in cell and not ACTING.search(cell)
    assert re.search(r"(?<!\\)\|", cell) is None  # every pipe escaped: the row keeps its cells
    assert "<" not in cell and ">" not in cell  # no HTML element: &lt; &gt;
    assert "\\`code\\`" in cell and "**bold**" in cell and "[link]\\(http://x)" in cell
    assert "@\u200boctocat" in cell and secret not in cell
    assert for_markdown_code("a`b\x1bc") == "a'b\\x1bc"


def test_html_is_escaped_and_controls_visible(secret: str) -> None:
    shown = for_html(f"<script>alert('x')</script> & {HOSTILE} {secret}")
    assert "<script>" not in shown and "&lt;script&gt;" in shown and "&#x27;" in shown
    assert not ACTING.search(shown) and secret not in shown


def test_xml_text_always_parses(secret: str) -> None:
    text = for_xml(f"{HOSTILE}\ufffe\uffff\ud800 {secret}")
    element = ET.Element("failure", message=text)
    element.text = text
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("message") == text and secret not in text


@given(st.text())
def test_no_output_of_any_medium_carries_a_control_character(text: str) -> None:
    for shown in (for_terminal(text), for_markdown(text), for_html(text), for_xml(text), for_markdown_code(text)):
        assert not ACTING.search(shown)
        shown.encode("utf-8")  # no lone surrogate: every writer can encode it
    ET.fromstring(f"<a>{for_html(text)}</a>")  # and the XML-ish escaping holds


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))))
def test_ordinary_text_reaches_the_terminal_unchanged(text: str) -> None:
    assert for_terminal(text) == text == visible_controls(text)
