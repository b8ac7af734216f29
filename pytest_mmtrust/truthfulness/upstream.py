"""The one annotation format every MultiTrust truthfulness task shares, read carefully.

MMTrustEval's truthfulness data (the ``data`` folder its README links) keeps each sub-task's
questions in a JSON array of objects ``{"image": "<file name>", "query": "<question>",
"truth": "<answer>"}`` (T.6 adds ``"kind"``), under ``truthfulness/query_*/`` with the images
in a sibling ``truthfulness/*_images/`` folder. Upstream skips objects whose ``query`` is the
empty string, so we do too; every other defect — a missing file, malformed JSON, a missing
field, an image that is not there or lies outside the data folder — raises
:class:`~pytest_mmtrust.errors.DataError` naming the file and the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..datasets.upstream_files import data_file, image_path, read_json_array, text_field
from ..errors import DataError


@dataclass(frozen=True)
class TruthRow:
    """One upstream question: its 1-based index in the file, where it is, and its fields."""

    number: int
    where: str
    query: str
    truth: str
    image: str
    row: dict[str, Any]


def read_truth_rows(root: Path, annotation: str, image_dir: str) -> Iterator[TruthRow]:
    """The rows of ``root/annotation``, with images resolved inside ``root/image_dir``."""
    root = Path(root)
    path = data_file(root, annotation)
    folder = root / image_dir
    for number, where, row in read_json_array(path):
        if row.get("query") == "":
            continue
        query = text_field(row, "query", where).strip()
        truth = text_field(row, "truth", where).strip()
        image = image_path(root, folder, text_field(row, "image", where), where)
        yield TruthRow(number, where, query, truth, image, row)


def yes_no_truth(row: TruthRow) -> str:
    """``"yes"``/``"no"`` from an upstream ``Yes``/``No`` truth; anything else is a DataError."""
    word = row.truth.strip().rstrip(".").lower()
    if word not in ("yes", "no"):
        raise DataError(f"{row.where}: field 'truth' must be Yes or No, got {row.truth!r}")
    return word


def existing_parts(root: Path, candidates: Sequence[tuple[str, str]], task: str) -> list[tuple[str, str]]:
    """The (name, annotation path) pairs whose file exists; none at all is a DataError naming them."""
    found = [(name, relative) for name, relative in candidates if (Path(root) / relative).is_file()]
    if not found:
        expected = ", ".join(str(Path(root) / relative) for _, relative in candidates)
        raise DataError(f"no {task} annotation file found under --mmtrust-data {root} (expected one of: {expected})")
    return found
