"""Readers shared by the upstream loaders of the privacy tasks (P.1–P.6).

MMTrustEval moved its privacy data in June 2024 (``mmte/configs/datasets/*.yaml`` at HEAD):
VISPR now sits under ``privacy/vispr/`` (older releases: ``privacy/data/vispr/``), ConfAIde under
``privacy/confaide/``, the celebrity list under ``privacy/celeb/``, the Enron name list under
``privacy/enron-email/``. Each loader lists its layouts, the current one first, and
:func:`find_layout` takes the first whose key file exists; when none does, the error names
every file that was tried, so a user sees at once which layout the plugin expects.

Upstream reads ``.jsonl`` files line by line and anything else as one JSON array, except for the
VISPR leakage annotations (``image_annotations.json``), which it reads line by line whatever
the extension. :func:`read_rows` tells the two apart by the first character of the file
(``[`` opens an array), so both the current JSON Lines file and an older array are read; every
defect is a :class:`DataError` naming the file and the line or item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from ..datasets.upstream_files import read_json_array, read_jsonl, read_text
from ..errors import DataError

#: upstream label spellings -> our yes/no
_YES = frozenset({"yes", "true", "1", "private", "y"})
_NO = frozenset({"no", "false", "0", "public", "not private", "n"})


@dataclass(frozen=True)
class Layout:
    """One published arrangement of a task's files under ``--mmtrust-data``.

    ``files`` maps a role (``annotations``, ``images`` …) to a path relative to the data folder;
    the first entry is the key file whose presence selects this layout.
    """

    name: str
    files: Mapping[str, str]

    def key_file(self) -> str:
        return next(iter(self.files.values()))

    def resolve(self, root: Path) -> dict[str, Path]:
        return {role: Path(root) / relative for role, relative in self.files.items()}


def find_layout(root: Path, layouts: Sequence[Layout], task: str) -> tuple[Layout, dict[str, Path]]:
    """The first layout whose key file exists under ``root``, with its files resolved.

    None found: a :class:`DataError` naming the task and, per layout, the key file looked for.
    """
    root = Path(root)
    for layout in layouts:
        if (root / layout.key_file()).is_file():
            return layout, layout.resolve(root)
    tried = "; ".join(f"{layout.name}: {root / layout.key_file()}" for layout in layouts)
    raise DataError(f"{task}: no upstream data under --mmtrust-data {root} (tried the {tried})")


def read_rows(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(line or item number, location for messages, object) for each row of a JSON array (the
    file's first character is ``[``) or of a JSON Lines file (anything else)."""
    if read_text(path).lstrip().startswith("["):
        yield from read_json_array(path)
    else:
        yield from read_jsonl(path)


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
