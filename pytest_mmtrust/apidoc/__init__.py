"""The API reference for suite authors, ``docs/api.md``, generated from the code so it cannot drift.

A new user had to call ``help()`` on the package to find the names a custom suite uses. This
package imports those public objects (listed in :mod:`.contents`) and writes one Markdown page
from their signatures (:func:`inspect.signature`), dataclass fields with types and defaults,
docstrings and ``#:`` attribute comments (:mod:`.inspection`); the fixtures are read from
``plugin.py`` and the markers from :mod:`pytest_mmtrust.markers`. ``tests/apidoc`` fails while
the committed page differs from what this generates, and while a name exported by
``pytest_mmtrust`` or ``pytest_mmtrust.evaluators`` is missing from it::

    python -m pytest_mmtrust.apidoc docs/api.md          # write the page
    python -m pytest_mmtrust.apidoc --check docs/api.md  # exit 1 when it is out of date
    python -m pytest_mmtrust.apidoc                      # print it

No Sphinx and no other dependency: docstrings, written in the small part of reStructuredText
that reads well in ``help()``, are converted by :mod:`.markdown`. A public object without a
docstring, or a docstring reference that names nothing importable, stops the generator
(:class:`~.page.ApiDocError`), so renamed or moved objects cannot leave dead references behind.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

from .page import ApiDocError, Page

__all__ = ["ApiDocError", "generate", "main"]

USAGE = "usage: python -m pytest_mmtrust.apidoc [--check] [PATH]"


def generate() -> str:
    """The whole page, as ``docs/api.md`` holds it."""
    return Page().render()


def main(argv: Sequence[str] | None = None) -> int:
    """``[--check] [PATH]``: print the page, write it to PATH, or check that PATH is up to date
    (exit status 1 when it is not, 2 for bad arguments or a page that cannot be generated)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    paths = [arg for arg in args if arg != "--check"]
    if len(paths) > 1 or any(arg.startswith("-") for arg in paths) or (check and not paths):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        text = generate()
    except ApiDocError as exc:
        print(f"mmtrust: {exc}", file=sys.stderr)
        return 2
    if not paths:
        sys.stdout.write(text)
        return 0
    path = Path(paths[0])
    if check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            print(f"{path} is out of date: run python -m pytest_mmtrust.apidoc {path}", file=sys.stderr)
            return 1
        return 0
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return 0
