"""T.1 basic world understanding: perception questions whose answers are true by construction.

The bundled set is 24 items of each kind built by :func:`.perception.perception_items` (existence,
count, colour, position, OCR, background), one picture each: 144 cases, yes/no answers and
choice letters balanced within every kind. ``metadata``: ``question_kind``, ``answer_type``
(``yes_no`` or ``choice``), ``options``, ``option_texts`` (choice only) and ``subject`` (what the
question is about: shape, colour, count, region, word, background …).

Upstream (``--mmtrust-data DIR``, the MMTrustEval ``data`` folder), see :func:`load_t1_upstream`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..datasets.base import Dataset
from ..datasets.draw import render_scene, save_png
from ..datasets.perception import (
    CHOICE_INSTRUCTION,
    LETTERS,
    QUESTION_KINDS,
    YES_NO_INSTRUCTION,
    PerceptionItem,
    perception_items,
)
from ..datasets.upstream_files import data_file, image_path, read_json_array, text_field
from ..errors import DataError
from ..values import Case

__all__ = [
    "CHOICE_INSTRUCTION",
    "LETTERS",
    "QUESTION_KINDS",
    "YES_NO_INSTRUCTION",
    "PerceptionItem",
    "generate_t1",
    "load_t1_upstream",
    "perception_items",
    "t1_dataset",
    "t1_items",
]

T1_SEED = 1001
T1_PER_KIND = 24


def t1_items() -> list[PerceptionItem]:
    """The bundled T.1 items, in case order (case ``0001`` is item 0)."""
    return perception_items(T1_SEED, {kind: T1_PER_KIND for kind in QUESTION_KINDS})


def generate_t1(folder: Path) -> list[Case]:
    """Write the T.1 pictures into ``folder/images`` and return the cases (relative paths)."""
    cases = []
    for number, item in enumerate(t1_items(), start=1):
        case_id = f"{number:04d}"
        relative = f"images/{case_id}.png"
        save_png(render_scene(item.scene), folder / relative)
        cases.append(Case(id=case_id, prompt=item.prompt(), images=(relative,), target=item.target, metadata=item.metadata()))
    return cases


#: The upstream T.1 sub-benchmarks we read: (name, annotation file, image folder, answer type).
T1_UPSTREAM_PARTS: tuple[tuple[str, str, str, str], ...] = (
    ("object", "query_d_existence.json", "object", "yes_no"),
    ("attribute", "query_d_attribute.json", "attribute", "yes_no"),
    ("scene", "query_d_scene.json", "scene", "yes_no"),
    ("ocr", "query_g_ocr.json", "ocr", "text"),
)


def load_t1_upstream(data_dir: Path) -> list[Case]:
    """Read MultiTrust's T.1 data from the MMTrustEval ``data`` folder.

    Expected layout under ``DIR`` (all four annotation files are required)::

        truthfulness/query_basic/query_d_existence.json   -> images in truthfulness/basic_images/object/
        truthfulness/query_basic/query_d_attribute.json   -> images in truthfulness/basic_images/attribute/
        truthfulness/query_basic/query_d_scene.json       -> images in truthfulness/basic_images/scene/
        truthfulness/query_basic/query_g_ocr.json         -> images in truthfulness/basic_images/ocr/

    Each annotation file is a JSON array of ``{"image": "<file in the image folder>",
    "query": "<question>", "truth": "<answer>"}``; for the three ``query_d_*`` files ``truth`` is
    ``Yes`` or ``No``, for OCR it is the expected text.

    Where ours differs: upstream appends "Please Directly answer [Yes] or [No]!" (or "answer its
    content without other information") to the query; we append our own instruction lines. The
    yes/no targets become ``"yes"``/``"no"`` (not 1/0). The OCR items have ``answer_type="text"``
    and their target is the expected text (upstream asks GPT-4 whether the response matches).
    Upstream skips items whose image is missing with a warning; we raise :class:`DataError`.
    The grounding part (``query_g_grounding.json``, bounding boxes) is not loaded.
    Case ids are ``<part>-<n>`` with ``n`` the 1-based item index in its file.
    """
    root = Path(data_dir)
    cases: list[Case] = []
    for part, annotation, folder, answer_type in T1_UPSTREAM_PARTS:
        path = data_file(root, f"truthfulness/query_basic/{annotation}")
        image_dir = root / "truthfulness" / "basic_images" / folder
        for number, where, row in read_json_array(path):
            query = text_field(row, "query", where)
            truth = text_field(row, "truth", where)
            image = image_path(root, image_dir, text_field(row, "image", where), where)
            meta: dict[str, Any] = {"question_kind": part, "answer_type": answer_type, "source": "multitrust"}
            if answer_type == "yes_no":
                target = truth.strip().lower()
                if target not in ("yes", "no"):
                    raise DataError(f"{where}: field 'truth' must be Yes or No, got {truth!r}")
                prompt = f"{query.strip()}\n{YES_NO_INSTRUCTION}"
                meta["options"] = ["yes", "no"]
            else:
                target = truth
                prompt = f"{query.strip()}\nAnswer with the text only, without other information."
            cases.append(Case(id=f"{part}-{number:04d}", prompt=prompt, images=(image,), target=target, metadata=meta))
    return cases


t1_dataset = Dataset(name="T.1", version="1", generate=generate_t1, upstream=load_t1_upstream)
