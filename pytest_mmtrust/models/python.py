"""``py:module:callable`` — a user's own Python function or object as the model under test.

Accepted shapes, checked once when the model is built:

* an object that already speaks the :class:`~pytest_mmtrust.models.base.Model` protocol
  (or a zero-argument factory returning one);
* a function ``f(request) -> str | Response`` answering one request at a time;
* a function marked ``f.batched = True`` taking a list of requests and returning a list.

Identity (the store key): the spec plus a hash of the module file(s) the callable comes from,
so editing a constant or a helper in the wrapper module asks again; or, when the user declares
one, their ``identity()`` or ``version`` (on the function or in the module, see
:func:`~pytest_mmtrust.models.identity.declared_identity`). Weights a wrapper loads from
elsewhere are invisible to the hash: declare a version, or pass ``--mmtrust-model-version``.

A function that raises :class:`~pytest_mmtrust.errors.ModelCallError` controls retries itself;
any other exception becomes an item error with the exception's message, and its traceback (the
user's own frames) is kept (:meth:`PythonModel.traceback_for`) so the first item it fails shows it.

The module is imported from the import path, with the pytest rootdir on it
(:func:`add_rootdir_to_path`): a model file next to ``pyproject.toml`` works under ``pytest`` as
well as ``python -m pytest``; one that cannot be found stops the run once, at start-up
(:func:`check_importable`). Answers may be ``str``,
``bytes`` (decoded as UTF-8, bad bytes replaced) or a ``Response``; ``None`` is an error, never
an empty answer. Lone surrogates in text become U+FFFD: the store and reports are UTF-8.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import sys
import threading
import time
import traceback
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Sequence

from ..errors import ModelCallError, ModelError
from ..safe_text import valid_unicode
from ..values import Request, Response
from .base import Model
from .identity import declared_identity, source_files, source_fingerprint


def load_object(spec: str) -> Any:
    """Import ``module:attribute`` (attribute may be dotted); errors name the spec."""
    return load_with_module(spec)[0]


def load_with_module(spec: str) -> tuple[Any, ModuleType]:
    """``module:attribute`` → (the attribute, the module it was read from)."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ModelError(f"--mmtrust-model py:{spec}: expected py:module:callable")
    try:
        target: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ModelError(f"--mmtrust-model py:{spec}: cannot import {module_name!r} ({exc})") from exc
    module = target
    for part in attr.split("."):
        try:
            target = getattr(target, part)
        except AttributeError as exc:
            raise ModelError(f"--mmtrust-model py:{spec}: {module_name!r} has no {attr!r}") from exc
    return target, module


class PythonModel:
    """Wraps a plain function as a Model."""

    max_concurrency = 8

    def __init__(self, function: Callable[..., Any], name: str, batch_size: int = 1, module: ModuleType | None = None):
        self.function = function
        self.name = name
        self.module = module
        self.batched = bool(getattr(function, "batched", False))
        self.batch_size = batch_size if self.batched else 1
        self._identity: str | None = None
        self._tracebacks: dict[str, str] = {}
        self._lock = threading.Lock()

    def identity(self) -> str:
        """The spec and the user's declared identity, else a hash of the defining module file(s)."""
        if self._identity is None:
            declared = declared_identity(self.function, self.module, self.name)
            if declared is not None:
                self._identity = f"{self.name}#{declared}"
            else:
                found = source_fingerprint(source_files(self.function, *([self.module] if self.module else [])))
                if found is None:  # no file to read (a REPL function): its source, or its repr
                    try:
                        source = inspect.getsource(self.function)
                    except (OSError, TypeError):
                        source = repr(self.function)
                    found = hashlib.sha256(source.encode("utf-8")).hexdigest()
                self._identity = f"{self.name}#src={found[:16]}"
        return self._identity

    def generate(self, requests: Sequence[Request]) -> list[Response]:
        start = time.perf_counter()
        try:
            if self.batched:
                answers = list(self.function(list(requests)))
            else:
                answers = [self.function(request) for request in requests]
        except ModelCallError:
            raise
        except Exception as exc:
            message = f"{self.name} raised {type(exc).__name__}: {exc}"
            with self._lock:
                known = message in self._tracebacks
            if not known:
                text = user_traceback(exc)
                with self._lock:
                    self._tracebacks.setdefault(message, text)
            raise ModelCallError(message, retryable=False) from None
        latency = (time.perf_counter() - start) / max(1, len(requests))
        return [_as_response(answer, latency) for answer in answers]

    def traceback_for(self, error: str | None) -> str | None:
        """The traceback of the exception behind an item's ``error`` text, if it came from here."""
        if not error:
            return None
        with self._lock:
            for message, text in self._tracebacks.items():
                if error.startswith(message):
                    return text
        return None

    def close(self) -> None:
        return None


def user_traceback(exc: BaseException) -> str:
    """The exception's traceback without this module's own frames: what the user's code did.

    Written out here, in the standard layout but without the ``^^^^`` column markers, rather
    than by :func:`traceback.format_exception`: on Python 3.11 those markers are found with
    :func:`ast.parse`, whose C side keeps its recursion depth per interpreter, not per thread.
    This runs on the request stream's threads, and a parse there at the moment pytest's main
    thread parses a failing test's source ends the session with "SystemError: AST constructor
    recursion depth mismatch" (CPython gh-106905; pytest-dev/pytest#10763). Chained exceptions
    are kept, as Python prints them.
    """
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    chain: list[tuple[BaseException, Any, str | None]] = [(exc, tb, None)]
    seen = {id(exc)}
    current: BaseException = exc
    while True:
        if current.__cause__ is not None:
            link, joint = current.__cause__, "The above exception was the direct cause of the following exception:"
        elif current.__context__ is not None and not current.__suppress_context__:
            link, joint = current.__context__, "During handling of the above exception, another exception occurred:"
        else:
            break
        if id(link) in seen:
            break
        seen.add(id(link))
        chain.append((link, link.__traceback__, joint))
        current = link
    blocks: list[str] = []
    for error, error_tb, joint in reversed(chain):  # the oldest first, as Python prints them
        lines = []
        if error_tb is not None:
            lines.append("Traceback (most recent call last):")
            for frame in traceback.extract_tb(error_tb):
                lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
                if frame.line:
                    lines.append(f"    {frame.line.strip()}")
        lines.extend(line.rstrip("\n") for line in traceback.format_exception_only(type(error), error))
        blocks.append("\n".join(lines))
        if joint is not None:
            blocks.append(joint)
    return "\n\n".join(blocks).rstrip()


def add_rootdir_to_path(rootdir: Path) -> None:
    """Put the rootdir first on ``sys.path``, as ``python -m pytest`` does with the current folder.

    Under the ``pytest`` command only test folders are put on the path, so a model module next
    to ``pyproject.toml`` imported under one command and not the other. Only done for ``py:``
    specs; a folder already on the path is left where it is.
    """
    folder = str(Path(rootdir).resolve())
    if not any(_same_folder(entry, folder) for entry in sys.path):
        sys.path.insert(0, folder)
        importlib.invalidate_caches()


def _same_folder(entry: str, folder: str) -> bool:
    try:
        return str(Path(entry or ".").resolve()) == folder
    except OSError:
        return False


def check_importable(spec: str, rootdir: Path, option: str = "--mmtrust-model") -> None:
    """Fail once, at start-up, when a ``py:`` spec's module cannot be found (nothing is run)."""
    module_name = spec.partition(":")[0]
    missing = module_name
    try:
        found = importlib.util.find_spec(module_name)
    except ModuleNotFoundError as exc:  # a parent package is missing
        found, missing = None, exc.name or module_name
    except (ImportError, ValueError) as exc:  # the parent package exists but fails to import
        raise ModelError(f"{option} py:{spec}: cannot import {module_name!r} ({exc})") from None
    if found is None:
        raise ModelError(
            f"{option} py:{spec}: cannot import {module_name!r}: no module {missing!r} on the import path, which has the "
            f"rootdir {Path(rootdir).resolve()} on it; put the module there, install it, or add its folder with "
            "pythonpath = [\"src\"] under [tool.pytest.ini_options]"
        )


def _as_response(answer: Any, latency: float) -> Response:
    """A function's answer as a Response; text is made storable (see :func:`valid_unicode`)."""
    if isinstance(answer, Response):
        if isinstance(answer.text, str) and valid_unicode(answer.text) != answer.text:
            return replace(answer, text=valid_unicode(answer.text))
        return answer
    if answer is None:
        return Response(text=None, error="model function returned None")
    if isinstance(answer, (bytes, bytearray)):
        return Response(text=bytes(answer).decode("utf-8", errors="replace"), latency_s=latency)
    return Response(text=valid_unicode(str(answer)), latency_s=latency)


def python_model(spec: str, batch_size: int) -> Model:
    target, module = load_with_module(spec)
    name = f"py:{spec}"
    if isinstance(target, type) or (callable(target) and _is_factory(target)):
        try:
            built = target()
        except Exception as exc:
            raise ModelError(f"--mmtrust-model {name}: building the model failed ({type(exc).__name__}: {exc})") from exc
        if isinstance(built, Model):
            return built
        if callable(built):
            return PythonModel(built, name, batch_size, module)
        raise ModelError(f"--mmtrust-model {name}: factory returned {type(built).__name__}, not a model or function")
    if isinstance(target, Model):
        return target
    if callable(target):
        return PythonModel(target, name, batch_size, module)
    raise ModelError(f"--mmtrust-model {name}: {type(target).__name__} is not callable")


def _is_factory(function: Any) -> bool:
    """A callable taking no required arguments is a factory; one taking a request is a model."""
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        return False
    required = [
        p for p in signature.parameters.values()
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    return not required and not getattr(function, "batched", False)


__all__ = ["PythonModel", "python_model", "load_object", "add_rootdir_to_path", "check_importable", "user_traceback"]
