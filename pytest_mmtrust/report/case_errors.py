"""How a case error (a model call that failed for good, an evaluator that raised) is printed: once.

pytest shows a failed item in up to three places: the ``ERRORS`` section (the failure text,
under a header naming the item), the same text again when the exception was raised while
another was being handled ("During handling of the above exception …"), and the one-line short
test summary (``ERROR test_x[S.4/0012] - Failed: …``). For a case error all three said the same
long line, so every error was printed two or three times.

What a user needs is the item and the reason, once. The reason is shown where pytest puts
failure details — the ``ERRORS`` section, in full, however long — and the short summary names
the item only (it is the index of what failed). With ``--tb=no`` pytest prints no ``ERRORS``
section, so the reason moves to the summary line instead. The plugin raises the item's failure
outside any ``except`` block (no chained repetition) and, on the process that prints (the
controller), swaps the report's failure representation for :func:`case_error_repr`.

Everything shown goes through :func:`pytest_mmtrust.safe_text.for_terminal`: the reason quotes
a server's or a model's words.
"""

from __future__ import annotations

from typing import Any

from ..safe_text import for_terminal

__all__ = ["CaseErrorText", "case_error_repr"]


class CaseErrorText:
    """A failure representation pytest prints in full but leaves out of the short summary line.

    pytest's terminal writes a report's ``longrepr`` with ``toterminal`` and adds
    ``longrepr.reprcrash.message`` (or a plain string ``longrepr``) to the summary line; this
    object has ``toterminal`` and no ``reprcrash``. JUnit XML takes its ``str``.
    """

    def __init__(self, message: str):
        self.message = for_terminal(message)

    def toterminal(self, out: Any) -> None:
        out.line(self.message, red=True)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"CaseErrorText({self.message!r})"


def case_error_repr(message: str, traceback_style: str) -> CaseErrorText | str:
    """The ``longrepr`` for a case error: shown once, in the ``ERRORS`` section, or in the
    summary line under ``--tb=no`` (where pytest prints no ``ERRORS`` section)."""
    if traceback_style == "no":
        return for_terminal(message)
    return CaseErrorText(message)
