"""Scoring answers produced elsewhere: MLLMGuard result rows replayed as the model under test.

Upstream's inference scripts write one JSON Lines file per dimension and model
(``results/{dimension}_{model}.jsonl``), one row per question::

    {"prompt": "...", "img_url": "data/privacy/imgs/0001.jpg", "response": "...", "lan": "en"}

:class:`ResultRowsModel` answers each request with the row of the same dimension whose prompt
(whitespace-normalised) and image file name match the request's, so the suites score those
answers with our evaluators, metrics and reports. A row's dimension is the upstream folder its
``img_url`` runs through (``data/privacy/imgs/0001.jpg`` → ``privacy``), else the start of its
file name (``privacy_mymodel.jsonl``, as ``Carol-gutianle/MLLMGuard scripts/eval.sh`` names
them, its aliases ``non-existent``, ``sequential`` and ``noise-consistency`` included); a
request's is the folder its image lies in. The same question on the same picture can thus sit in
two dimensions' files with different answers. Point the suites at the released data and the
rows::

    MMTRUST_GUARD_RESULTS=results/ pytest suites/mllmguard --mmtrust-data DIR \\
        --mmtrust-model py:pytest_mmtrust.mllmguard.replay:results_model

``MMTRUST_GUARD_RESULTS`` lists JSONL files or folders of them (separated by ``os.pathsep``).
A null or missing ``response`` is replayed as an empty answer (upstream scores it as 1). Two
rows of one dimension with the same prompt and image but different responses are a
:class:`DataError`; a row whose dimension cannot be told answers a request of any dimension. A
request with no row fails its item (a failed response, not retried).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Iterable, Optional, Sequence

from ..datasets.upstream_files import read_jsonl
from ..errors import DataError, ModelError
from ..values import Request, Response

ENV_VAR = "MMTRUST_GUARD_RESULTS"


def _image_name(value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    return PureWindowsPath(text).name if "\\" in text else PurePosixPath(text).name


def _key(prompt: str, image: str) -> tuple[str, str]:
    return " ".join(prompt.split()), image


#: upstream folder names (and the other names upstream's scripts use for them) → the folder
DIMENSION_FOLDERS: dict[str, str] = {
    **{folder: folder for folder in ("privacy", "bias", "toxicity", "legality", "hallucination", "noise-injection",
                                     "position-swapping")},
    "non-existent": "hallucination", "non-exisitent": "hallucination", "sequential": "position-swapping",
    "noise-consistency": "noise-injection",
}


def folder_of_image(path: object) -> str | None:
    """The upstream dimension folder an image path runs through (the nearest one), or None."""
    text = str(path or "").strip()
    if not text:
        return None
    parts = PureWindowsPath(text).parts if "\\" in text else PurePosixPath(text).parts
    for part in reversed(parts[:-1]):
        if part in DIMENSION_FOLDERS:
            return DIMENSION_FOLDERS[part]
    return None


def folder_of_file(path: Path) -> str | None:
    """``privacy_mymodel.jsonl`` → ``privacy``: upstream names result files ``{dimension}_{model}``."""
    return DIMENSION_FOLDERS.get(path.stem.split("_", 1)[0])


def result_files(paths: Iterable[str | Path]) -> list[Path]:
    """The JSONL files named by ``paths`` (folders contribute every ``*.jsonl`` in them, sorted)."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            files.extend(sorted(path.glob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        else:
            raise DataError(f"{ENV_VAR}: {path}: no such file or folder")
    if not files:
        raise DataError(f"{ENV_VAR}: no .jsonl result files in {', '.join(str(p) for p in paths)}")
    return files


#: (dimension folder or None, whitespace-normalised prompt, image file name)
RowKey = tuple[Optional[str], str, str]


def read_result_rows(files: Sequence[Path]) -> dict[RowKey, str]:
    """(dimension, prompt, image file name) → response, over all ``files``; DataError names file and line."""
    rows: dict[RowKey, str] = {}
    where_of: dict[RowKey, str] = {}
    for path in files:
        from_name = folder_of_file(path)
        for _line, where, row in read_jsonl(path):
            prompt = row.get("prompt")
            if not isinstance(prompt, str) or not prompt.strip():
                raise DataError(f"{where}: field 'prompt' must be a non-empty string")
            response = row.get("response")
            if response is not None and not isinstance(response, str):
                raise DataError(f"{where}: field 'response' must be a string or null, got {type(response).__name__}")
            image = row.get("img_url")
            key = (folder_of_image(image) or from_name, *_key(prompt, _image_name(image)))
            text = response or ""
            if key in rows and rows[key] != text:
                raise DataError(f"{where}: same dimension, prompt and image as {where_of[key]} with a different response")
            rows[key] = text
            where_of.setdefault(key, where)
    return rows


class ResultRowsModel:
    """A Model whose answers are upstream result rows (see the module docstring)."""

    batch_size = 64
    max_concurrency = 1

    def __init__(self, paths: Iterable[str | Path]):
        self.files = result_files(list(paths))
        self.rows = read_result_rows(self.files)
        self._any_dimension: dict[tuple[str, str], set[str]] = {}
        for (_dimension, prompt, image), text in self.rows.items():
            self._any_dimension.setdefault((prompt, image), set()).add(text)
        digest = hashlib.sha256()
        for path in self.files:
            digest.update(path.read_bytes())
        self._digest = digest.hexdigest()[:16]
        self.name = f"results:{','.join(p.name for p in self.files[:3])}{'…' if len(self.files) > 3 else ''}"

    def identity(self) -> str:
        return f"mllmguard-results#{self._digest}"

    def answer(self, request: Request) -> Response:
        """The row's response, or a failed Response (that item only) when no row matches.

        Looked up under the request's dimension first, then among rows of no known dimension;
        a request whose image lies in no dimension folder takes the one row of any dimension
        that matches (none when two dimensions answer it differently)."""
        first = request.images[0] if request.images else None
        path = os.fspath(first) if isinstance(first, (str, os.PathLike)) else ""
        image = _image_name(path)
        prompt_key = _key(request.text, image)
        dimension = folder_of_image(path)
        for key in ((dimension, *prompt_key), (None, *prompt_key)):
            if key in self.rows:
                return Response(text=self.rows[key])
        if dimension is None:
            answers = self._any_dimension.get(prompt_key, set())
            if len(answers) == 1:
                return Response(text=next(iter(answers)))
        where = f" in {dimension}" if dimension else ""
        return Response(text=None, error=f"no result row{where} for image {image!r} and prompt {request.text[:60]!r}")

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        return [self.answer(request) for request in requests]

    def close(self) -> None:
        return None


def results_model() -> ResultRowsModel:
    """``--mmtrust-model py:pytest_mmtrust.mllmguard.replay:results_model``: rows from ``MMTRUST_GUARD_RESULTS``."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        raise ModelError(f"{ENV_VAR} is not set: name the MLLMGuard result .jsonl files or folders to replay")
    try:
        return ResultRowsModel([part for part in value.split(os.pathsep) if part.strip()])
    except DataError as exc:
        raise ModelError(str(exc)) from exc
