"""Fingerprints of Python source files: what a piece of user code is, as bytes on disk.

Two things are keyed by the code that made them, so an edit is never answered from a cache
made by the code before it: a ``py:`` model's store identity (:mod:`.models.identity`) and a
generated dataset's cache folder (:mod:`.datasets.base`). Both hash the *module files* the
callable comes from rather than the function's own source: constants and helpers at module level
change the result as much as the function body does.

A file is read once per process for each (path, size, modification time): cheap enough to do
for every task at collection.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, Iterable

__all__ = ["source_files", "source_fingerprint"]

_DIGESTS: dict[tuple[str, int, int], str] = {}
_LOCK = threading.Lock()


def source_files(*objects: Any) -> list[Path]:
    """The module files that define ``objects`` (functions, classes, instances or modules).

    An instance counts by its class, a ``functools.partial`` by its function, a bound method by
    its function. Objects without a file (built-ins, code typed into a REPL) are skipped.
    """
    found: dict[Path, None] = {}
    for obj in objects:
        module = obj if isinstance(obj, ModuleType) else _module_of(obj)
        filename = getattr(module, "__file__", None) if module is not None else None
        if filename:
            found[Path(filename).resolve()] = None
    return list(found)


def _module_of(obj: Any) -> ModuleType | None:
    target = getattr(obj, "func", obj)  # functools.partial
    if not (inspect.isfunction(target) or inspect.isclass(target) or inspect.ismethod(target)):
        target = type(target)
    name = getattr(target, "__module__", None)
    return sys.modules.get(name) if isinstance(name, str) else None


def source_fingerprint(paths: Iterable[Path]) -> str | None:
    """sha256 over the named files' names and bytes (in path order); None when none can be read."""
    digest = hashlib.sha256()
    read = 0
    for path in sorted(set(paths)):
        one = _file_digest(path)
        if one is None:
            continue
        encoded = path.name.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big") + encoded + bytes.fromhex(one))
        read += 1
    return digest.hexdigest() if read else None


def _file_digest(path: Path) -> str | None:
    try:
        stat = os.stat(path)
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _LOCK:
        known = _DIGESTS.get(key)
    if known is not None:
        return known
    try:
        value = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None
    with _LOCK:
        _DIGESTS[key] = value
    return value
