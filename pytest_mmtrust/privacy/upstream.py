"""Readers shared by the upstream loaders of P.1, P.2 and P.5 (MultiTrust's VISPR-based sets).

MMTrustEval's ``data`` folder keeps the VISPR material under ``privacy/vispr/`` (older releases:
``privacy/data/vispr/``); each loader lists the (annotation file, image folder) pairs it accepts
and :func:`find_annotation` takes the first that exists. Upstream reads ``.jsonl`` files line by
line and anything else as one JSON array; so do we, through :mod:`.upstream_files`, so every
defect is a :class:`DataError` naming the file and the line or item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, Sequence

from ..datasets.upstream_files import read_json_array, read_jsonl
from ..errors import DataError

#: upstream label spellings -> our yes/no
_YES = frozenset({"yes", "true", "1", "private", "y"})
_NO = frozenset({"no", "false", "0", "public", "not private", "n"})


def find_annotation(root: Path, candidates: Sequence[tuple[str, str]], task: str) -> tuple[Path, Path]:
    """(annotation file, image folder) of the first candidate whose annotation file exists."""
    root = Path(root)
    for annotation, images in candidates:
        if (root / annotation).is_file():
            return root / annotation, root / images
    expected = ", ".join(str(root / annotation) for annotation, _ in candidates)
    raise DataError(f"no {task} annotation file found under --mmtrust-data {root} (expected one of: {expected})")


def read_rows(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line or item number, location for messages, object) for each row of a JSON Lines file
    (by its extension, ``.jsonl``) or a JSON array (anything else)."""
    if path.suffix.lower() == ".jsonl":
        yield from read_jsonl(path)
    else:
        yield from read_json_array(path)


def yes_no_label(row: dict[str, Any], name: str, where: str) -> str:
    """``"yes"``/``"no"`` from a label that upstream writes as a bool, 0/1 or a word."""
    if name not in row or row[name] is None:
        raise DataError(f"{where}: missing field {name!r}")
    value = row[name]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)) and value in (0, 1):
        return "yes" if value == 1 else "no"
    if isinstance(value, str):
        word = value.strip().strip("[].").strip().lower()
        if word in _YES:
            return "yes"
        if word in _NO:
            return "no"
    raise DataError(f"{where}: field {name!r} must be yes/no, true/false or 1/0, got {value!r}")
