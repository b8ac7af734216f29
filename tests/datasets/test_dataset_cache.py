"""The generated-dataset cache is keyed by the generator's source, not only by its version.

Editing a generator without bumping ``Dataset(..., version)`` must not hand back the cases the
old generator made; an unchanged generator must keep its cache (no second generation).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Iterator

import pytest

from pytest_mmtrust.datasets.base import MANIFEST, Dataset

GENERATOR = '''
from pytest_mmtrust import Case

PREFIX = "{prefix}"

def generate(folder):
    return [Case(id=str(i), prompt=f"{{PREFIX}} {{i}}") for i in range(3)]
'''


@pytest.fixture
def generator_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "code"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    # no .pyc: an edit within the same second that keeps the file's size ("old" → "new") would
    # otherwise import the first version's bytecode (the pyc check is mtime in seconds + size)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    yield folder
    sys.modules.pop("my_generator", None)


def dataset(folder: Path, prefix: str) -> Dataset:
    (folder / "my_generator.py").write_text(GENERATOR.format(prefix=prefix), encoding="utf-8")
    sys.modules.pop("my_generator", None)
    importlib.invalidate_caches()
    module = importlib.import_module("my_generator")
    return Dataset("MY.1", "1", module.generate)


def test_an_edited_generator_is_run_again_without_a_version_bump(generator_module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = dataset(generator_module, "old").load(None, cache)
    assert [c.prompt for c in first] == ["old 0", "old 1", "old 2"]
    edited = dataset(generator_module, "new").load(None, cache)
    assert [c.prompt for c in edited] == ["new 0", "new 1", "new 2"]


def test_an_unchanged_generator_keeps_its_cache(generator_module: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folder = dataset(generator_module, "same").materialise(cache)
    written = (folder / MANIFEST).stat().st_mtime_ns
    again = dataset(generator_module, "same").materialise(cache)
    assert again == folder and (again / MANIFEST).stat().st_mtime_ns == written
    assert folder.name.startswith("MY.1-v1-")


def test_a_generator_without_a_source_file_is_keyed_by_its_version(tmp_path: Path) -> None:
    namespace: dict[str, object] = {}
    exec("from pytest_mmtrust import Case\ndef generate(folder):\n    return [Case(id='1', prompt='p')]\n", namespace)
    folder = Dataset("MY.2", "7", namespace["generate"]).materialise(tmp_path)  # type: ignore[arg-type]
    assert folder.name == "MY.2-v7"
