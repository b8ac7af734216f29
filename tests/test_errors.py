"""errors.one_line: a third-party exception shortened to one line inside an error of ours."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust.errors import one_line


def test_type_and_text_on_one_line() -> None:
    assert one_line(ValueError("bad\n  header\tfield")) == "ValueError: bad header field"
    assert one_line(KeyError()) == "KeyError"
    long = one_line(OSError("x" * 500), limit=300)
    assert long == "OSError: " + "x" * 299 + "…"


@given(st.text(max_size=600), st.integers(min_value=2, max_value=400))
def test_never_a_line_break_and_never_longer_than_the_limit(text: str, limit: int) -> None:
    line = one_line(RuntimeError(text), limit=limit)
    assert "\n" not in line and "\r" not in line
    assert len(line) <= len("RuntimeError: ") + limit
