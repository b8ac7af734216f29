"""``py:`` models: their identity (the store key) follows their module files or what the user declares."""

from __future__ import annotations

import ast
import importlib
import sys
import traceback
from pathlib import Path
from typing import Iterator

import pytest

from pytest_mmtrust.errors import ModelError
from pytest_mmtrust.models.identity import versioned_identity
from pytest_mmtrust.models.python import python_model, user_traceback


@pytest.fixture
def modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on sys.path for throw-away model modules, forgotten again afterwards."""
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # a same-second, same-size edit must not import a stale .pyc
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        del sys.modules[name]


def identity_of(folder: Path, name: str, source: str, spec: str = "answer") -> str:
    (folder / f"{name}.py").write_text(source, encoding="utf-8")
    sys.modules.pop(name, None)
    importlib.invalidate_caches()
    return python_model(f"{name}:{spec}", 1).identity()


def test_a_module_level_change_changes_the_identity(modules: Path) -> None:
    first = identity_of(modules, "m1", "ANSWER = 'yes'\ndef answer(request):\n    return ANSWER\n")
    again = identity_of(modules, "m1", "ANSWER = 'yes'\ndef answer(request):\n    return ANSWER\n")
    edited = identity_of(modules, "m1", "ANSWER = 'no'\ndef answer(request):\n    return ANSWER\n")
    assert first == again and first != edited
    assert first.startswith("py:m1:answer#src=")


def test_a_helper_module_the_function_comes_from_counts_too(modules: Path) -> None:
    (modules / "helper_a.py").write_text("def answer(request):\n    return 'a'\n", encoding="utf-8")
    first = identity_of(modules, "entry", "from helper_a import answer\n")
    (modules / "helper_a.py").write_text("def answer(request):\n    return 'b'  # changed\n", encoding="utf-8")
    sys.modules.pop("helper_a", None)
    assert identity_of(modules, "entry", "from helper_a import answer\n") != first


@pytest.mark.parametrize(
    "declaration, expected",
    [
        ("answer.version = '7'", "py:m2:answer#version=7"),
        ("answer.identity = lambda: 'ckpt-42'", "py:m2:answer#identity=ckpt-42"),
        ("version = '2024-06-01'", "py:m2:answer#version=2024-06-01"),
        ("def identity():\n    return 'weights-sha-abc'", "py:m2:answer#identity=weights-sha-abc"),
    ],
)
def test_a_declared_identity_or_version_replaces_the_source_hash(modules: Path, declaration: str, expected: str) -> None:
    source = f"X = 1\ndef answer(request):\n    return 'yes'\n{declaration}\n"
    assert identity_of(modules, "m2", source) == expected
    edited = source.replace("X = 1", "X = 2  # the author controls the identity now")
    assert identity_of(modules, "m2", edited) == expected


def test_an_imported_name_identity_or_module_version_is_not_a_declaration(modules: Path) -> None:
    source = "from os.path import join as identity\nimport sys as version\ndef answer(request):\n    return 'yes'\n"
    assert "#src=" in identity_of(modules, "m3", source)


def test_a_model_object_keeps_its_own_identity(modules: Path) -> None:
    source = (
        "class Mine:\n    name = 'mine'\n    batch_size = 1\n    max_concurrency = 1\n"
        "    def identity(self):\n        return 'mine@v3'\n    def generate(self, requests):\n        return []\n"
        "    def close(self):\n        pass\n"
    )
    assert identity_of(modules, "m4", source, spec="Mine") == "mine@v3"


def test_an_identity_that_raises_or_is_empty_is_one_clear_line(modules: Path) -> None:
    with pytest.raises(ModelError, match=r"py:m5:answer: identity\(\) raised RuntimeError: no weights"):
        identity_of(modules, "m5", "def answer(request):\n    return 'y'\ndef identity():\n    raise RuntimeError('no weights')\n")
    with pytest.raises(ModelError, match="must return a non-empty string"):
        identity_of(modules, "m6", "def answer(request):\n    return 'y'\nanswer.identity = lambda: ''\n")


def test_the_model_version_is_appended_to_any_identity() -> None:
    assert versioned_identity("openai/x@http://h/v1", None) == "openai/x@http://h/v1"
    assert versioned_identity("openai/x@http://h/v1", "ckpt-9") == "openai/x@http://h/v1|version=ckpt-9"


def _raise_chained() -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        raise ValueError("no such table") from exc


def test_a_users_traceback_has_their_frames_and_chain_in_pythons_layout() -> None:
    try:
        _raise_chained()
    except ValueError as exc:
        text = user_traceback(exc)
        expected_tail = traceback.format_exception_only(type(exc), exc)[-1].rstrip()
    assert text.startswith("Traceback (most recent call last):")
    assert text.index("KeyError: 'missing'") < text.index("The above exception was the direct cause") < text.index(
        "ValueError: no such table")
    assert '{}["missing"]' in text and "in _raise_chained" in text
    assert text.endswith(expected_tail)
    assert "^^^" not in text


def test_a_users_traceback_is_written_without_parsing_source(monkeypatch: pytest.MonkeyPatch) -> None:
    # Python 3.11 finds the ^^^ markers with ast.parse, which is not thread-safe there (the
    # stream's threads format these while pytest's main thread may be parsing): never call it
    parsed: list[object] = []
    real_parse = ast.parse

    def spy(source: object, *args: object, **kwargs: object) -> object:
        parsed.append(source)
        return real_parse(source, *args, **kwargs)  # type: ignore[arg-type]

    try:
        _raise_chained()
    except ValueError as exc:
        monkeypatch.setattr(ast, "parse", spy)
        text = user_traceback(exc)
    assert "ValueError: no such table" in text
    assert parsed == []
