"""The docstring subset we write converts to Markdown that renders as meant."""

from __future__ import annotations

import inspect

from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.apidoc.markdown import code, inline, to_markdown


def test_literals_and_references_become_code_spans() -> None:
    assert inline("a ``Case`` and :class:`~pytest_mmtrust.values.Case`") == "a `Case` and `Case`"
    assert inline(":func:`.normalise` and :mod:`pytest_mmtrust.context`") == "`normalise` and `pytest_mmtrust.context`"
    assert inline(":meth:`Task.marker <pytest_mmtrust.Task.marker>`") == "`Task.marker`"


def test_a_reference_links_when_the_page_knows_its_target() -> None:
    seen: list[str] = []

    def link(target: str) -> str | None:
        seen.append(target)
        return "#case" if target.endswith("Case") else None

    assert inline(":class:`~pytest_mmtrust.values.Case` :func:`f`", link) == "[`Case`](#case) `f`"
    assert seen == ["pytest_mmtrust.values.Case", "f"]


def test_a_literal_wrapped_over_two_lines_stays_one_code_span() -> None:
    text = to_markdown("Declared as (``Metric(\"accuracy\",\nfunction=f)``) in a suite.")
    assert '`Metric("accuracy", function=f)`' in text


def test_placeholders_in_prose_are_not_html_but_stay_in_code() -> None:
    assert inline("identity attacks such as <group> are vermin") == "identity attacks such as &lt;group> are vermin"
    assert inline("``<group> are vermin``") == "`<group> are vermin`"


def test_a_backtick_inside_a_literal_keeps_the_span_whole() -> None:
    assert code("a`b") == "`` a`b ``"


def test_a_literal_block_becomes_fenced_python_when_it_is_python() -> None:
    doc = inspect.cleandoc('''
        Declare one::

            TASK = Task(id="X.1")

        The fence is::

            <<<BEGIN RESPONSE 9f3c>>>
    ''')
    assert to_markdown(doc) == inspect.cleandoc('''
        Declare one:

        ```python
        TASK = Task(id="X.1")
        ```

        The fence is:

        ```
        <<<BEGIN RESPONSE 9f3c>>>
        ```
    ''')


def test_lists_and_definition_lists() -> None:
    doc = inspect.cleandoc('''
        Reaches:

        ``anywhere``
            wherever it appears
            in the answer.
        ``opening``
            only in the opening.

        * first item that wraps
          onto a second line;
        * second item.
    ''')
    assert to_markdown(doc) == inspect.cleandoc('''
        Reaches:

        - `anywhere` — wherever it appears in the answer.
        - `opening` — only in the opening.

        - first item that wraps
          onto a second line;
        - second item.
    ''')


def test_a_simple_table_becomes_a_markdown_table_with_continuation_rows() -> None:
    doc = inspect.cleandoc('''
        Kinds:

        ==============  ============================
        kind            value
        ==============  ============================
        ``proportion``  share of items with value
                        at least 0.5
        ``mean``        the mean | scaled
        ==============  ============================

        After.
    ''')
    assert to_markdown(doc) == inspect.cleandoc('''
        Kinds:

        | kind | value |
        | --- | --- |
        | `proportion` | share of items with value at least 0.5 |
        | `mean` | the mean \\| scaled |

        After.
    ''')


@given(st.text())
def test_any_text_converts_without_raising(text: str) -> None:
    assert isinstance(to_markdown(text), str)


@given(st.from_regex(r"[A-Za-z0-9 ,.;()]+(\n[A-Za-z0-9 ,.;()]+)*", fullmatch=True))
def test_plain_prose_passes_through(text: str) -> None:
    lines = [line for line in text.splitlines()]
    if any(line.startswith((" ", "-")) or line.rstrip().endswith("::") or not line.strip() for line in lines):
        return  # indentation, list markers and blank lines have meaning; plain prose has none
    assert to_markdown(text) == text.rstrip()


DOCSTRING_LINES = st.sampled_from([
    "", "====  ====", "==  ===  =", "  x", "    y::", "``a``", "text::", "* item", "- it", "    indented", "a",
    ":class:`~a.b`", "``x", "term", "  ==  ==", "ab  cd", "| pipe |",
])


@given(st.lists(DOCSTRING_LINES, max_size=12))
def test_any_mix_of_the_constructs_converts_without_raising(lines: list[str]) -> None:
    assert isinstance(to_markdown("\n".join(lines), lambda target: None), str)


def test_a_table_rule_with_no_rows_is_dropped() -> None:
    assert to_markdown("Before.\n\n====  ====\n\nAfter.") == "Before.\n\nAfter."
