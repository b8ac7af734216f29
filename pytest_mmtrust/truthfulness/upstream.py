"""The one annotation format every MultiTrust truthfulness task shares, read carefully.

MMTrustEval's truthfulness data (``thu-ml/MMTrustEval`` ``mmte/configs/datasets/*.yaml``: the
``basic-*``, ``advanced-inference``, ``instruction-enhancement-*``, ``visual-assistance``,
``text-misleading``, ``visual-confusion`` and ``visual-misleading`` configs) keeps each
sub-task's questions in a JSON array of objects ``{"image": "<file name>", "query":
"<question>", "truth": "<answer>"}`` (T.6 adds ``"kind"``), under ``truthfulness/query_*/``
with the images in a sibling ``truthfulness/*_images/`` folder. Upstream's loaders
(``mmte/datasets/*.py``) put the query into a fixed prompt template as it is — leading and
trailing whitespace included — so :class:`TruthRow` keeps the raw ``query`` for the prompt.

Upstream skips objects whose ``query`` is the empty string (T.2–T.4, T.7), so we do too, for
every task. A missing image is that case's error when its request is built (see
:func:`~pytest_mmtrust.datasets.upstream_files.image_path`); upstream skips it with a warning
(T.1, T.5, T.6) or fails later. Every other defect — a missing file, malformed JSON, a missing
field, an image path outside the data folder — raises :class:`~pytest_mmtrust.errors.DataError`
naming the file and the item.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..datasets.conditions import unrelated_kind
from ..datasets.draw import UNRELATED_KINDS
from ..datasets.upstream_files import data_file, image_path, read_json_array, text_field
from ..errors import DataError


@dataclass(frozen=True)
class TruthRow:
    """One upstream question: its 1-based index in the file, where it is, and its fields.

    ``query`` is as written (upstream formats it into the prompt unchanged); ``truth`` is the
    stripped text of the answer, or the raw value when the caller reads it itself.
    """

    number: int
    where: str
    query: str
    truth: Any
    image: str
    row: dict[str, Any]


def read_truth_rows(root: Path, annotation: str, image_dir: str, *, text_truth: bool = True) -> Iterator[TruthRow]:
    """The rows of ``root/annotation``, with images resolved inside ``root/image_dir``.

    ``text_truth=False`` passes ``truth`` through unchecked (T.1's grounding boxes).
    """
    root = Path(root)
    path = data_file(root, annotation)
    folder = root / image_dir
    for number, where, row in read_json_array(path):
        if row.get("query") == "":
            continue
        query = text_field(row, "query", where)
        if text_truth:
            truth: Any = text_field(row, "truth", where).strip()
        elif "truth" in row and row["truth"] is not None:
            truth = row["truth"]
        else:
            raise DataError(f"{where}: missing field 'truth'")
        image = image_path(root, folder, text_field(row, "image", where), where)
        yield TruthRow(number, where, query, truth, image, row)


def yes_no_truth(row: TruthRow) -> str:
    """``"yes"``/``"no"`` from an upstream ``Yes``/``No`` truth; anything else is a DataError.

    Upstream compares with ``'Yes'``/``'No'`` exactly and leaves any other label unscorable; we
    also take ``yes``/``YES``/``Yes.``, and name the item for anything else.
    """
    word = str(row.truth).strip().rstrip(".").lower()
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


def unrelated_picture(unrelated: dict[str, list[str]], index: int) -> tuple[str, str]:
    """(kind, path) of the unrelated picture for the item at ``index`` (0-based): the kinds
    (colour, noise, natural) take turns, and each kind's files in natural order.

    Upstream draws one at random for each of its three ``unrelated-image-*`` runs; one picture
    per item, the kind cycling, keeps reruns asking the same questions.
    """
    kind = unrelated_kind(index)
    pool = unrelated[kind]
    return kind, pool[(index // len(UNRELATED_KINDS)) % len(pool)]
