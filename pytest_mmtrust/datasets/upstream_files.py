"""Careful readers for the files of an upstream dataset on the user's disk.

Every loader of a published layout goes through these, so every bad input fails the same way:
a :class:`DataError` whose message starts with the file (and the line for JSONL and CSV, the
item index for a JSON array) and says what is wrong in one line. Image references are resolved
inside the data folder only: absolute paths, ``..`` and symlinks that lead out of the folder are
refused, because an annotation file is input we did not write.

Annotation files (CSV, JSON, JSONL, TXT) follow the same rule: one that resolves outside the
data folder (a symlink to ``/etc/…``, a sub-folder linked elsewhere) is refused. :func:`data_file`
checks it against the root it is given; every reader (:func:`read_text` and what builds on it)
checks it against the data folder being read, which :meth:`Dataset.load
<pytest_mmtrust.datasets.base.Dataset.load>` sets with :func:`reading_data_folder` for the
duration of an upstream loader — so readers that build paths themselves get the rule too.
Outside a load (a replayed results file, a test) any file may be read.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from ..errors import DataError

#: The data folder an upstream loader is reading (set by Dataset.load), or None.
_DATA_FOLDER: ContextVar[Path | None] = ContextVar("mmtrust_data_folder", default=None)


@contextmanager
def reading_data_folder(root: Path) -> Iterator[None]:
    """While inside, every reader refuses a file that resolves outside ``root``."""
    token = _DATA_FOLDER.set(Path(root))
    try:
        yield
    finally:
        _DATA_FOLDER.reset(token)


def check_inside(path: Path, root: Path | None = None) -> None:
    """Refuse ``path`` when it resolves (symlinks followed) outside ``root``.

    ``root`` defaults to the data folder being read (:func:`reading_data_folder`); with neither,
    nothing is checked.
    """
    root = root if root is not None else _DATA_FOLDER.get()
    if root is None:
        return
    real_root = _real_folder(str(root)).rstrip(os.sep)
    try:
        resolved = os.path.realpath(path)
    except (OSError, ValueError) as exc:
        raise DataError(f"{_shown(Path(path))}: cannot be used ({type(exc).__name__}: {exc})") from None
    if resolved != real_root and not resolved.startswith(real_root + os.sep):
        raise DataError(
            f"{_shown(Path(path))}: leads outside the data folder {root} (symlink to {_shown(Path(resolved))}?); "
            "annotation files must lie inside --mmtrust-data"
        )


def data_file(root: Path, relative: str) -> Path:
    """``root/relative``, which must be an existing file inside ``root`` (symlinks followed)."""
    path = Path(root) / relative
    if not path.is_file():
        raise DataError(f"{path}: missing (expected under --mmtrust-data {root})")
    check_inside(path, root)
    return path


def read_text(path: Path) -> str:
    """The file as text (UTF-8, a byte-order mark dropped); bytes that are not UTF-8 are named by line.

    Inside a dataset load, a file that resolves outside the data folder is refused (see the
    module docstring).
    """
    check_inside(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read ({exc.strerror or type(exc).__name__})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, offset) + 1
        column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
        raise DataError(
            f"{path}: cannot read (not UTF-8 text: byte 0x{data[offset]:02x} on line {line}, column {column})"
        ) from None


def read_json(path: Path) -> Any:
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{path}:{exc.lineno}: malformed JSON ({exc.msg})") from None
    except RecursionError:
        raise DataError(f"{path}: malformed JSON (nested too deeply)") from None
    check_storable_text(data, text, str(path))
    return data


def read_json_array(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Yield (1-based index, location for messages, item) for a JSON array of objects."""
    data = read_json(path)
    if not isinstance(data, list):
        raise DataError(f"{path}: expected a JSON array of objects, got {type(data).__name__}")
    for index, item in enumerate(data, start=1):
        where = f"{path}: item {index}"
        if not isinstance(item, dict):
            raise DataError(f"{where}: expected an object, got {type(item).__name__}")
        yield index, where, item


def read_jsonl(path: Path) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """Yield (line number, location, object) for each non-blank line of a JSON Lines file."""
    # Split on "\n" only: str.splitlines would also split inside a value holding U+2028 or \x85.
    for number, line in enumerate(read_text(path).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        yield number, where, parse_json_line(line, where)


def read_csv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, str, dict[str, str]]]:
    """Yield (line number, location, row) for a CSV with a header; columns are read by name.

    Blank lines and lines that repeat the header (files concatenated with their headers, as in
    MMTrustEval's jailbreak CSVs, whose loaders skip ``id == "id"`` rows) are skipped.
    """
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise DataError(f"{path}: empty file, expected a header line") from None
    except csv.Error as exc:
        raise DataError(f"{path}:1: malformed CSV ({exc})") from exc
    missing = [name for name in required if name not in header]
    if missing:
        raise DataError(f"{path}:1: missing column(s) {', '.join(missing)}")
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(f"{path}:{reader.line_num}: malformed CSV ({exc})") from exc
        number = reader.line_num
        if not any(value.strip() for value in values):
            continue
        if [value.strip() for value in values] == header:
            continue
        where = f"{path}:{number}"
        if len(values) != len(header):
            raise DataError(f"{where}: expected {len(header)} fields, found {len(values)}")
        yield number, where, dict(zip(header, values))


def text_field(row: dict[str, Any], name: str, where: str) -> str:
    """A required, non-empty text field (numbers are accepted and turned into text)."""
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise DataError(f"{where}: missing field {name!r}")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise DataError(f"{where}: field {name!r} must be text, got {type(value).__name__}")
    return str(value)


def image_path(root: Path, folder: Path, name: str, where: str) -> str:
    """The absolute path of image ``name`` inside ``folder``, which must lie inside ``root``.

    Refused (a :class:`DataError` at ``where``, the row is malformed): an empty name, absolute
    names, names with ``..``, names (or symlinks) that resolve outside ``root``, a symlink loop.
    A name that points at nothing (or at a folder) is *not* refused here: its path is returned,
    and building that one case's request fails with ``image not found: PATH`` (see
    :func:`pytest_mmtrust.values.image_digest`), so one missing picture errors its own case while
    the rest of the task runs — upstream's data releases miss a file now and then.

    Called once per image of every case at collection (30,000 times for a large suite), so the
    folders are resolved once (:func:`_real_folder`) and each image costs one ``lstat``; only
    an image that is itself a symlink is resolved in full.
    """
    if not name.strip():
        raise DataError(f"{where}: image not found: the image path is empty")
    if "\x00" in name:
        raise DataError(f"{where}: image path {name!r} contains a NUL character")
    posix_name = name.replace("\\", "/")
    if posix_name.startswith("/") or _WINDOWS_DRIVE.match(name):
        raise DataError(f"{where}: image path {name!r} is absolute; it must be relative to {folder}")
    parts = [part for part in posix_name.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise DataError(f"{where}: image path {name!r} leaves the data folder")
    candidate = os.path.join(str(folder), *parts)
    try:
        real_root = _real_folder(str(root))
        if parts:
            resolved = os.path.join(_real_folder(os.path.dirname(candidate)), parts[-1])
        else:
            resolved = _real_folder(candidate)
        try:
            info: os.stat_result | None = os.lstat(resolved)
        except (FileNotFoundError, NotADirectoryError):
            info = None
        loop = False
        if info is not None and stat.S_ISLNK(info.st_mode):
            resolved = os.path.realpath(resolved)
            loop = os.path.islink(resolved)
        inside = resolved == real_root or resolved.startswith(real_root.rstrip(os.sep) + os.sep)
    except (OSError, ValueError) as exc:
        raise DataError(f"{where}: image path {name!r} cannot be used ({type(exc).__name__}: {exc})") from None
    if not inside:
        raise DataError(f"{where}: image path {name!r} leads outside the data folder {root} (symlink?)")
    if loop:
        raise DataError(f"{where}: image path {name!r} cannot be used (a symlink loop)")
    return resolved


#: A Windows drive (``C:``, ``C:\\x``, ``C:x``): absolute, or relative to another drive's folder.
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")

_REAL_FOLDERS: dict[str, tuple[tuple[int, int], str]] = {}
_REAL_FOLDERS_LOCK = threading.Lock()


def _real_folder(folder: str) -> str:
    """``os.path.realpath(folder)``, remembered while the folder is the same file system object.

    The entry is keyed by the path and checked against the folder's own ``lstat`` identity
    (device, inode) on every use, so a folder replaced by a symlink (or anything else) at the
    same path is resolved afresh. A folder that does not exist is resolved lexically (its
    images are then simply not found).
    """
    try:
        info = os.lstat(folder)
    except OSError:
        return os.path.realpath(folder)
    identity = (info.st_dev, info.st_ino)
    with _REAL_FOLDERS_LOCK:
        known = _REAL_FOLDERS.get(folder)
    if known is not None and known[0] == identity and not stat.S_ISLNK(info.st_mode):
        return known[1]
    real = os.path.realpath(folder)
    with _REAL_FOLDERS_LOCK:
        if len(_REAL_FOLDERS) > 4096:
            _REAL_FOLDERS.clear()
        _REAL_FOLDERS[folder] = (identity, real)
    return real


def _shown(path: Path) -> str:
    """A path for a one-line message: as it is, or quoted when it holds line breaks or other controls."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def parse_json_line(line: str, where: str, what: str = "malformed JSON line") -> dict[str, Any]:
    """One JSON object from one line, text that UTF-8 can hold, or a DataError at ``where``."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise DataError(f"{where}: {what} ({exc.msg} at column {exc.colno})") from None
    except RecursionError:
        raise DataError(f"{where}: {what} (nested too deeply)") from None
    if not isinstance(row, dict):
        raise DataError(f"{where}: expected a JSON object, got {json_type(row)}")
    check_storable_text(row, line, where)
    return row


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def check_storable_text(value: Any, source: str, where: str) -> None:
    """Refuse JSON text holding a lone surrogate (``\\ud800``): valid JSON, but not Unicode text
    that UTF-8 (the store, the reports, the request hash) can encode. ``source`` is the raw
    JSON, checked first with a cheap pattern so ordinary lines cost nothing more."""
    if not _SURROGATE_ESCAPE.search(source):
        return
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        raise DataError(f"{where}: text holds a lone surrogate \\u{ord(bad):04x}, which is not valid Unicode") from None


def json_type(value: Any) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__
