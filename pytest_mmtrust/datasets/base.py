"""A task's dataset: generated on first use (bundled) or read from the user's upstream copy.

Why generate instead of committing images: the generators are the bundled data. They are
deterministic, so the same version always yields byte-identical files, and an installed plugin
carries them without shipping megabytes of PNGs. The output is written once into the cache
folder (``.mmtrust/datasets/<task>-v<version>-<source>/``) and read back from there, so a rerun
pays only for reading a small JSONL manifest.

The folder is keyed by the version *and* a hash of the generator's module file
(:mod:`pytest_mmtrust.sources`): editing a generator without bumping ``version`` generates the
set again instead of reusing what the old code made. (A helper module the generator imports is
not hashed; bump the version when you change one.) A generator with no source file (built in a
REPL) is keyed by its version alone.

The materialisation is safe when several pytest-xdist workers reach it at once: each builds
into its own temporary folder and the first ``os.replace`` wins; the others throw theirs away.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import DataError
from ..sources import source_files, source_fingerprint
from ..values import Case
from .upstream_files import check_inside, image_path, json_type, parse_json_line, reading_data_folder

MANIFEST = "cases.jsonl"


@dataclass(frozen=True)
class Dataset:
    """Where a task's cases come from.

    ``generate(folder)`` writes images into an empty folder and returns the cases with image
    paths *relative* to it. ``upstream(data_dir)`` reads the published upstream layout and
    returns cases with *absolute* image paths; it raises :class:`DataError` naming file and line.
    """

    name: str
    version: str
    generate: Callable[[Path], list[Case]]
    upstream: Callable[[Path], list[Case]] | None = None

    def load(self, data_dir: Path | None, cache_dir: Path) -> list[Case]:
        """The cases to run: upstream when ``data_dir`` is given and this task has a loader."""
        if data_dir is not None and self.upstream is not None:
            with reading_data_folder(Path(data_dir)):  # no annotation file may lead outside it
                cases = self.upstream(Path(data_dir))
        else:
            folder = self.materialise(cache_dir)
            cases = read_manifest(folder / MANIFEST, folder)
        check_unique_keys(cases, self.name)
        return cases

    def materialise(self, cache_dir: Path) -> Path:
        """Generate the bundled set into the cache once per version and generator source; return its folder."""
        source = source_fingerprint(source_files(self.generate))
        suffix = f"-{source[:12]}" if source else ""
        folder = Path(cache_dir) / f"{safe_name(self.name)}-v{self.version}{suffix}"
        if (folder / MANIFEST).is_file():
            return folder
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            cases = self.generate(scratch)
            write_manifest(scratch / MANIFEST, cases)
            try:
                os.replace(scratch, folder)
            except OSError:
                # Another process finished first (the folder exists and is not empty): use theirs.
                if not (folder / MANIFEST).is_file():
                    raise
        finally:
            if scratch.exists():
                shutil.rmtree(scratch, ignore_errors=True)
        return folder


def safe_name(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in name)


def case_to_json(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "prompt": case.prompt,
        "images": list(case.images),
        "target": case.target,
        "metadata": dict(case.metadata),
        "condition": case.condition,
        "system": case.system,
    }


def write_manifest(path: Path, cases: list[Case]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case_to_json(case), ensure_ascii=False, sort_keys=True) + "\n")


def read_manifest(path: Path, image_root: Path) -> list[Case]:
    """Read a cases JSONL file; image paths are relative to ``image_root`` and must stay inside it.

    The file may be a user's (``--mmtrust-data``), so every line is checked and every problem is
    a :class:`DataError` naming ``path:line``: bytes that are not UTF-8, a line that is not a
    JSON object, a missing ``id`` or ``prompt``, a field of the wrong type, an image path that
    is absolute, climbs out with ``..`` or a symlink, or names no file, and a case id (with its
    condition) seen on an earlier line. Lines are split on ``\\n`` only: a prompt may contain
    U+2028 or other characters ``str.splitlines`` would break on.
    """
    check_inside(path)  # inside a dataset load: the manifest must lie in the data folder
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read dataset manifest ({exc.strerror or type(exc).__name__})") from exc
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]  # a UTF-8 byte-order mark, as some editors write
    cases: list[Case] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        where = f"{path}:{number}"
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"{where}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})") from None
        if not line.strip():
            continue
        row = parse_json_line(line, where, "malformed case")
        case = _case_from_row(row, where, image_root)
        if case.key in first_line:
            raise DataError(f"{where}: duplicate case id {case.key!r} (first on line {first_line[case.key]})")
        first_line[case.key] = number
        cases.append(case)
    return cases


def _case_from_row(row: dict[str, Any], where: str, image_root: Path) -> Case:
    if "id" not in row or row["id"] is None:
        raise DataError(f"{where}: malformed case (missing field 'id')")
    case_id = row["id"]
    if isinstance(case_id, bool) or not isinstance(case_id, (str, int)) or not str(case_id).strip():
        raise DataError(f"{where}: malformed case (field 'id' must be a non-empty string or integer, got {json_type(case_id)})")
    if "prompt" not in row:
        raise DataError(f"{where}: malformed case (missing field 'prompt')")
    prompt = row["prompt"]
    if not isinstance(prompt, str):
        raise DataError(f"{where}: malformed case (field 'prompt' must be a string, got {json_type(prompt)})")
    images = row.get("images")
    images = [] if images is None else images
    if not isinstance(images, list) or not all(isinstance(name, str) for name in images):
        raise DataError(f"{where}: malformed case (field 'images' must be a list of relative paths, got {json_type(images)})")
    metadata = row.get("metadata")
    metadata = {} if metadata is None else metadata
    if not isinstance(metadata, dict):
        raise DataError(f"{where}: malformed case (field 'metadata' must be an object, got {json_type(metadata)})")
    for name in ("condition", "system"):
        if row.get(name) is not None and not isinstance(row[name], str):
            raise DataError(f"{where}: malformed case (field {name!r} must be a string or null, got {json_type(row[name])})")
    return Case(
        id=str(case_id),
        prompt=prompt,
        images=tuple(image_path(image_root, image_root, name, where) for name in images),
        target=row.get("target"),
        metadata=metadata,
        condition=row.get("condition"),
        system=row.get("system"),
    )


def check_unique_keys(cases: list[Case], task_id: str) -> None:
    seen: set[str] = set()
    for case in cases:
        if case.key in seen:
            raise DataError(f"task {task_id}: duplicate case id {case.key!r}")
        seen.add(case.key)
