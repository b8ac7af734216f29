"""Docstrings → Markdown, for the generated API reference (:mod:`pytest_mmtrust.apidoc`).

Our docstrings are written in the small part of reStructuredText that reads well in ``help()``
too, so this converts exactly that part and nothing more (no Sphinx, no docutils):

* inline literals (````text````) → Markdown code spans;
* cross-references (``:class:`~pytest_mmtrust.errors.DataError```, ``:func:`.normalise```,
  ``:meth:`Task.marker <pytest_mmtrust.Task.marker>```) → a code span of the shown name,
  linked to its entry when ``link`` (given by the page) knows an anchor for it;
* a paragraph ending in ``::`` and the indented block after it → a fenced code block (marked
  ``python`` when the block parses as Python);
* bullet lists (``*`` or ``-``) with indented continuation lines → Markdown lists;
* definition lists (a line, then an indented description) → a list of ``term — description``;
* simple tables (columns under ``====  ====`` rules, closed by a third rule; a row whose
  first cell is empty continues the row above) → Markdown tables.

Everything else is prose: ``<`` outside code becomes ``&lt;`` so a placeholder such as
``<group>`` is not swallowed as HTML, and ``|`` in table cells is escaped.
"""

from __future__ import annotations

import ast
import re
import textwrap
from typing import Callable, Optional

#: Resolves a cross-reference target (``pytest_mmtrust.errors.DataError``) to an anchor on the
#: page (``#dataerror``), or None when it is not documented there.
Linker = Callable[[str], Optional[str]]

_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(?P<body>[^`]+)`")
_LITERAL = re.compile(r"``(?P<body>[^\n](?:.|\n)*?)``(?!`)")
_BULLET = re.compile(r"^(?P<indent> *)[*-] +")
_TABLE_RULE = re.compile(r"^=+(?: +=+)+ *$")


def to_markdown(docstring: str, link: Linker | None = None) -> str:
    """The Markdown of a cleaned docstring (``inspect.cleandoc``'d: no common indentation).

    Prose is converted a paragraph (or list item) at a time, so a literal or a reference that
    wraps onto the next line stays whole.
    """
    lines = docstring.expandtabs().splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            out.append("")
            i += 1
        elif _TABLE_RULE.match(line):
            # a table has two more rules (under its header, at its end); a stray rule is dropped
            closed = sum(1 for later in lines[i + 1:] if _TABLE_RULE.match(later)) >= 2
            i = _table(lines, i, out, link) if closed else i + 1
        elif _is_term(lines, i):
            i = _definition(lines, i, out, link)
        else:
            i = _paragraph(lines, i, out, link)
    text = "\n".join(out).strip("\n")
    return re.sub(r"\n{3,}", "\n\n", text)


def _paragraph(lines: list[str], i: int, out: list[str], link: Linker | None) -> int:
    """Prose or one list item up to a blank line, a new item or a table; a paragraph ending
    in ``::`` is followed by its literal block. Returns the index after what it consumed."""
    bullet = _BULLET.match(lines[i])
    chunk = [lines[i][bullet.end():] if bullet else lines[i]]
    indent = len(lines[i]) - len(lines[i].lstrip())
    i += 1
    while i < len(lines) and lines[i].strip() and not chunk[-1].rstrip().endswith("::"):
        line = lines[i]
        if _BULLET.match(line) or _TABLE_RULE.match(line) or _is_term(lines, i):
            break
        if not bullet and len(line) - len(line.lstrip()) > indent:
            break  # an indented block under a line of prose: a definition or quote, not more prose
        chunk.append(line.strip() if bullet else line)
        i += 1
    literal = chunk[-1].rstrip().endswith("::")
    if literal:
        head = chunk[-1].rstrip()[:-2].rstrip()
        chunk[-1] = head + ":" if head else ""
    text = inline("\n".join(chunk).rstrip(), link)
    if bullet:
        prefix = bullet.group("indent") + "- "
        text = prefix + text.replace("\n", "\n" + " " * len(prefix))
    if text.strip():
        out.append(text)
    if literal:
        i = _literal_block(lines, i, out)
    return i


def inline(text: str, link: Linker | None = None) -> str:
    """One line of prose: literals and cross-references become code spans, ``<`` is escaped."""
    pieces: list[str] = []
    position = 0
    pattern = re.compile(f"{_ROLE.pattern}|{_LITERAL.pattern.replace('?P<body>', '?P<literal>')}")
    for match in pattern.finditer(text):
        pieces.append(_prose(text[position:match.start()]))
        if match.group("literal") is not None:
            pieces.append(code(match.group("literal")))
        else:
            pieces.append(_reference(match.group("body"), link))
        position = match.end()
    pieces.append(_prose(text[position:]))
    return "".join(pieces)


def code(text: str) -> str:
    """A Markdown code span that survives backticks inside ``text`` (a wrapped line is joined)."""
    text = re.sub(r"\s*\n\s*", " ", text)
    if "`" not in text:
        return f"`{text}`"
    return f"`` {text} ``"


def _prose(text: str) -> str:
    return text.replace("<", "&lt;")


def _reference(body: str, link: Linker | None) -> str:
    """``~a.b.C`` shows ``C``; ``Title <a.b.C>`` shows ``Title``; else the target as written."""
    explicit = re.fullmatch(r"(?P<title>.+?)\s*<(?P<target>[^>]+)>", body)
    if explicit:
        title, target = explicit.group("title"), explicit.group("target")
    else:
        target = body.lstrip("~")
        title = target.rsplit(".", 1)[-1] if body.startswith("~") else target.lstrip(".")
    anchor = link(target) if link is not None else None
    return f"[{code(title)}]({anchor})" if anchor else code(title)


def _literal_block(lines: list[str], i: int, out: list[str]) -> int:
    """The indented block from ``lines[i]`` on, fenced; returns the index after the block."""
    block: list[str] = []
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith(" ")):
        block.append(lines[i])
        i += 1
    body = textwrap.dedent("\n".join(block)).strip("\n")
    out += ["", f"```{_language(body)}", *body.splitlines(), "```", ""]
    return i


def _language(body: str) -> str:
    try:
        ast.parse(body)
    except SyntaxError:
        return ""
    return "python"


def _is_term(lines: list[str], i: int) -> bool:
    """A definition-list term: a short unindented line, not a bullet or the end of a sentence
    with ``::``, whose next line is indented and not blank."""
    line = lines[i]
    if not line.strip() or line.startswith(" ") or _BULLET.match(line) or i + 1 >= len(lines):
        return False
    following = lines[i + 1]
    return following.startswith("    ") and bool(following.strip()) and not line.rstrip().endswith("::")


def _definition(lines: list[str], i: int, out: list[str], link: Linker | None) -> int:
    term = inline(lines[i].strip(), link)
    i += 1
    body: list[str] = []
    while i < len(lines) and lines[i].startswith(" ") and lines[i].strip():
        body.append(lines[i].strip())
        i += 1
    out.append(f"- {term} — " + inline(" ".join(body), link))
    return i


def _table(lines: list[str], i: int, out: list[str], link: Linker | None) -> int:
    """A simple table: rule, header row(s), rule, body rows, rule. Returns the index after it."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", lines[i])]
    rows: list[list[str]] = []
    rules = 0
    header_rows = 0  # how many rows came before the rule under the header (merged: 0 or 1)
    i += 1
    while i < len(lines) and rules < 2:
        line = lines[i]
        i += 1
        if _TABLE_RULE.match(line):
            rules += 1
            if rules == 1:
                header_rows = len(rows)
            continue
        if not line.strip():
            continue
        cells = _cells(line, spans)
        first_of_part = len(rows) == (header_rows if rules == 1 else 0)
        if not cells[0] and not first_of_part:  # continues the row above
            rows[-1] = [f"{old} {new}".strip() for old, new in zip(rows[-1], cells)]
        else:
            rows.append(cells)
    if not rows:
        return i  # rules with nothing between them: nothing to show
    header, body = rows[0], rows[1:]  # header rows were merged into one above
    rendered = [" | ".join(_cell(c, link) for c in header)]
    rendered.append(" | ".join("---" for _ in spans))
    rendered += [" | ".join(_cell(c, link) for c in row) for row in body]
    out += ["", *(f"| {row} |" for row in rendered), ""]
    return i


def _cells(line: str, spans: list[tuple[int, int]]) -> list[str]:
    """A row cut at the columns of the rule; the last column takes the rest of the line."""
    cells = []
    for index, (start, end) in enumerate(spans):
        stop = spans[index + 1][0] if index + 1 < len(spans) else len(line)
        cells.append(line[start:stop].strip())
    return cells


def _cell(text: str, link: Linker | None) -> str:
    return inline(text, link).replace("|", "\\|")
