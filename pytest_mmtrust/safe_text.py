"""Text a model or a server wrote, made safe for the medium it is written to.

Answers, error bodies, judge reasons and dataset prompts are input we did not write. Printed
raw, an error body can set the terminal's window title or clear the screen (``ESC ] 0 ; … BEL``,
``ESC [ 2 J``), a ``|`` or ``</details>`` in an answer breaks the Markdown report's table, and a
NUL makes JUnit XML unreadable. Every writer passes such text through the function for its
medium, and every function also blanks the run's known secrets
(:func:`pytest_mmtrust.redaction.redact`):

* :func:`for_terminal` — the terminal summary, the progress line, item errors, usage errors;
* :func:`for_markdown` — a Markdown table cell or inline text; :func:`for_markdown_code` — text
  inside a code span;
* :func:`for_html` — HTML text and attribute values;
* :func:`for_xml` — JUnit XML text and attribute values;
* :func:`valid_unicode` — any text bound for a UTF-8 file (the response store, every report):
  lone surrogates, which no UTF-8 file can hold, become U+FFFD. Model adapters, the runner and
  the store all call it, so an answer is valid Unicode whichever way it came in.

Control characters are never dropped silently: they are shown as visible escapes (``\\x1b``,
``\\x07``, ``\\x00``, ``\\u202e``) so a reader can see that the server sent them. That covers
C0 controls (except line feed and tab where a medium keeps lines), DEL, C1 controls (``\\x9b``
is a one-byte CSI for some terminals), the bidirectional overrides that can make text read
differently from what it is, line and paragraph separators, and lone surrogates.
"""

from __future__ import annotations

import html
import re

from .redaction import redact

__all__ = ["for_html", "for_markdown", "for_markdown_code", "for_terminal", "for_xml", "valid_unicode", "visible_controls"]

#: Characters no medium should receive raw: C0 (but \t and \n), DEL, C1, bidi controls,
#: line/paragraph separators, BOM/zero-width no-break space, lone surrogates.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff"
_UNSAFE_KEEP_LINES = re.compile(f"[{_UNSAFE}]")
_UNSAFE_ONE_LINE = re.compile(f"[{_UNSAFE}\t\n]")
#: What XML 1.0 cannot hold at all (plus the controls the other media escape as well).
_NOT_XML = re.compile(f"[{_UNSAFE}\ufffe\uffff]")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`|])")
_LINK_TARGET = re.compile(r"\]\(")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_SPACE = re.compile(r"[ \t\n\r\f\v\u00a0\u2028\u2029]+")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD: what UTF-8 (the store, the reports) can hold.

    A JSON body can carry them as ``\\udXXX`` escapes and a Python function can return them;
    text without any comes back unchanged (the same object, so a caller can compare cheaply).
    """
    return _LONE_SURROGATE.sub("\ufffd", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible_controls(text: str, *, keep_lines: bool = True) -> str:
    """``text`` with every unsafe character (see the module docstring) as a visible escape."""
    return (_UNSAFE_KEEP_LINES if keep_lines else _UNSAFE_ONE_LINE).sub(_escape, text)


def for_terminal(text: object) -> str:
    """Text for the terminal: secrets blanked, control sequences shown, not obeyed. Lines are kept."""
    return visible_controls(redact(str(text)))


def for_markdown(text: object) -> str:
    """Text for a Markdown table cell or paragraph, as GitHub renders it.

    One line (runs of white space become one space); secrets blanked; controls visible;
    ``& < >`` as HTML entities (GitHub renders inline HTML, so ``<details>`` or ``<img>`` in an
    answer would otherwise be markup); the Markdown punctuation that could end a table cell or
    open a code span swallowing the rest of the row (``\\ ` |``) backslash-escaped, and so is the
    ``(`` of ``[text](url)``, so an answer makes no link and loads no image; emphasis is left
    alone (it cannot break anything, and ``refusal_rate`` or ``[0.58, 0.92]`` stay readable in
    the raw file); and an ``@`` before a name followed by a zero-width space, so an answer in a
    pull-request comment cannot notify anyone.
    """
    flat = _SPACE.sub(" ", redact(str(text))).strip()
    escaped = _LINK_TARGET.sub("]\\(", _MARKDOWN_PUNCTUATION.sub(r"\\\1", flat))
    escaped = html.escape(visible_controls(escaped, keep_lines=False), quote=False)
    return _MENTION.sub("@\u200b", escaped)


def for_markdown_code(text: object) -> str:
    """Text for inside a Markdown code span: secrets blanked, controls visible, no backtick to close it."""
    return visible_controls(redact(str(text)), keep_lines=False).replace("`", "'")


def for_html(text: object) -> str:
    """Text for HTML (element text or a quoted attribute value): secrets blanked, controls visible, escaped."""
    return html.escape(visible_controls(redact(str(text))), quote=True)


def for_xml(text: object) -> str:
    """Text for XML 1.0 (JUnit): secrets blanked; what XML cannot hold, and other controls, as escapes.

    Markup characters are left to the XML writer (ElementTree escapes ``& < >`` and quotes).
    """
    return _NOT_XML.sub(_escape, redact(str(text)))
