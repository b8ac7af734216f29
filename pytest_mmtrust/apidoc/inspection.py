"""What the API page reads from the code: signatures, defaults, docstrings, ``#:`` comments,
the fixtures of ``plugin.py``, and what a docstring's cross-reference names.

Everything here is rendered deterministically (no memory addresses, no platform-specific
reprs such as ``PosixPath``), so the page is the same on every machine and Python version the
project supports.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import inspect
import os
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Sequence

#: Longest signature written on one line; longer ones get one parameter per line.
LINE_WIDTH = 88

#: What :func:`resolve` returns for a reference that names nothing importable.
MISSING: Any = object()


# ---------------------------------------------------------------- objects and their docs


def load(entry: str) -> Any:
    """The object of a ``"module:name"`` entry, imported from the module a user imports it from."""
    module_name, name = entry.split(":")
    return getattr(importlib.import_module(module_name), name)


def kind(obj: Any) -> str:
    """How the page labels an object: exception, protocol, dataclass, class or function."""
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return "exception"
        if is_protocol(obj):
            return "protocol"
        return "dataclass" if dataclasses.is_dataclass(obj) else "class"
    return "function"


def is_protocol(cls: type) -> bool:
    return bool(getattr(cls, "_is_protocol", False))


def own_doc(obj: Any) -> str:
    """The object's own docstring, cleaned; never one inherited or the one ``dataclass`` makes up."""
    if inspect.isclass(obj):
        doc = vars(obj).get("__doc__")
        if dataclasses.is_dataclass(obj) and isinstance(doc, str) and doc.startswith(f"{obj.__name__}("):
            return ""
    else:
        doc = getattr(obj, "__doc__", None)
    return inspect.cleandoc(doc) if isinstance(doc, str) else ""


def public_members(cls: type) -> Iterator[tuple[str, Any]]:
    """Methods and properties defined on the class itself, in source order, and ``__call__``
    when it has a docstring of its own (an evaluator's ``__call__`` is the protocol's)."""
    fields = {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    for name, obj in vars(cls).items():
        if name in fields or (name.startswith("_") and name != "__call__"):
            continue  # a dataclass field whose default is a function (Task.build_request) is no method
        if name == "__call__" and not own_doc(obj):
            continue
        if isinstance(obj, (property, classmethod, staticmethod)) or inspect.isfunction(obj):
            yield name, obj


def member_function(obj: Any) -> Any:
    """The function behind a method, classmethod, staticmethod or property."""
    if isinstance(obj, property):
        return obj.fget
    if isinstance(obj, (classmethod, staticmethod)):
        return obj.__func__
    return obj


def owner_of(obj: Any) -> Any:
    """The class a function or property is defined in (``Task.marker`` → ``Task``), or None."""
    obj = member_function(obj)
    qualname = getattr(obj, "__qualname__", "")
    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    if "." not in qualname or module is None:
        return None
    return getattr(module, qualname.split(".")[0], None)


def defining_module(module: ModuleType, name: str) -> ModuleType:
    """The module whose source assigns ``name``, following ``from .x import name`` re-exports
    (so ``pytest_mmtrust.evaluators.REFUSED`` finds its comment in ``evaluators/base.py``)."""
    try:
        tree = ast.parse(inspect.getsource(module))
    except (OSError, TypeError):
        return module
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(alias.name == name and alias.asname is None for alias in node.names):
            package = module.__name__ if hasattr(module, "__path__") else module.__name__.rpartition(".")[0]
            source = importlib.import_module("." * node.level + (node.module or ""), package) if node.level else (
                importlib.import_module(node.module or ""))
            return defining_module(source, name)
    return module


def attribute_comments(owner: type | ModuleType) -> dict[str, str]:
    """``#: text`` comment lines right above ``name: type`` or ``name = value`` in a class body
    or at a module's top level (the convention Sphinx reads too), joined into one line each."""
    try:
        source = textwrap.dedent(inspect.getsource(owner))
    except (OSError, TypeError):
        return {}
    lines = source.splitlines()
    tree = ast.parse(source)
    body: list[ast.stmt] = tree.body
    if inspect.isclass(owner) and body and isinstance(body[0], ast.ClassDef):
        body = body[0].body
    found: dict[str, str] = {}
    for node in body:
        names: list[str] = []
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names = [node.target.id]
        elif isinstance(node, ast.Assign):
            names = [target.id for target in node.targets if isinstance(target, ast.Name)]
        comment: list[str] = []
        row = node.lineno - 2
        while names and row >= 0 and lines[row].strip().startswith("#:"):
            comment.insert(0, lines[row].strip()[2:].strip())
            row -= 1
        for name in names if comment else ():
            found[name] = " ".join(comment)
    return found


# ---------------------------------------------------------------- cross-references


def resolve(target: str, module: str, owner: type | None = None) -> Any:
    """What a docstring reference names, or :data:`MISSING`: absolute
    (``pytest_mmtrust.values.Case``), relative to the docstring's module and its packages
    (``.text.normalise``), a name in that module (``Metric.from_json``, ``BOOTSTRAP_SEED``) or
    in the class the docstring belongs to (``bind``)."""
    target = target.lstrip("~")
    parts = module.split(".")
    if target.startswith("."):
        candidates = [".".join(parts[:i]) + target for i in range(len(parts), 0, -1)]
    else:
        candidates = [target, *(".".join(parts[:i]) + "." + target for i in range(len(parts), 0, -1))]
    for candidate in candidates:
        found = _import_dotted(candidate)
        if found is not MISSING:
            return found
    if owner is not None and not target.startswith("."):
        return _getattr_path(owner, target.split("."))
    return MISSING


def _import_dotted(path: str) -> Any:
    parts = path.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        return _getattr_path(module, parts[cut:])
    return MISSING


def _getattr_path(obj: Any, names: Sequence[str]) -> Any:
    for name in names:
        if inspect.isclass(obj) and (name in getattr(obj, "__dataclass_fields__", {})
                                     or name in inspect.get_annotations(obj)):
            return obj  # a field or annotated attribute: documented with its class
        obj = getattr(obj, name, MISSING)
        if obj is MISSING:
            return MISSING
    return obj


# ---------------------------------------------------------------- fixtures


@dataclass(frozen=True)
class FixtureDoc:
    """One ``@pytest.fixture`` of ``plugin.py``, as read from its source."""

    name: str
    scope: str
    returns: str
    doc: str


def plugin_fixtures() -> list[FixtureDoc]:
    """The fixtures ``plugin.py`` defines: name, scope, return annotation and docstring, read
    with :mod:`ast` — no pytest internals, which change between pytest versions."""
    spec = importlib.util.find_spec("pytest_mmtrust.plugin")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    found = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            if ast.unparse(call.func if call is not None else decorator) not in ("pytest.fixture", "fixture"):
                continue
            scope = "function"
            for keyword in call.keywords if call is not None else ():
                if keyword.arg == "scope" and isinstance(keyword.value, ast.Constant):
                    scope = str(keyword.value.value)
            returns = ast.unparse(node.returns).strip("'\"") if node.returns is not None else "Any"
            found.append(FixtureDoc(node.name, scope, returns, inspect.cleandoc(ast.get_docstring(node) or "")))
    return found


# ---------------------------------------------------------------- signatures and values


class _Shown(str):
    """Text that ``inspect`` prints as it is (annotations and defaults, already rendered)."""

    def __repr__(self) -> str:
        return str(self)


def signature(obj: Any, *, skip_first: bool = False, returns: bool = True) -> str:
    """``(a: int, b: str = 'x') -> R`` with annotations as the source writes them, defaults as
    :func:`value` shows them; without the first parameter for a method (``self``/``cls``)."""
    sig = inspect.signature(obj)
    parameters = list(sig.parameters.values())
    if skip_first and parameters and parameters[0].kind in (parameters[0].POSITIONAL_ONLY, parameters[0].POSITIONAL_OR_KEYWORD):
        parameters = parameters[1:]
    shown = [
        p.replace(
            annotation=p.empty if p.annotation is p.empty else _Shown(annotation(p.annotation)),
            default=p.empty if p.default is p.empty else _Shown(value(p.default)),
        )
        for p in parameters
    ]
    result = sig.return_annotation
    rendered = sig.replace(
        parameters=shown,
        return_annotation=sig.empty if result is sig.empty or not returns else _Shown(annotation(result)),
    )
    return str(rendered)


def dataclass_signature(cls: type) -> str:
    """The constructor of a dataclass: its init fields with types and defaults."""
    parts = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.init:
            default = field_default(f)
            parts.append(f"{f.name}: {annotation(f.type)}" + (f" = {default}" if default is not None else ""))
    return "(" + ", ".join(parts) + ")"


def wrap(name: str, sig: str) -> str:
    """``name(a, b) -> R`` on one line when it fits in :data:`LINE_WIDTH`, else one parameter a line."""
    if len(name) + len(sig) <= LINE_WIDTH:
        return name + sig
    close = _matching_paren(sig)
    parts = _split_top_level(sig[1:close])
    return name + "(\n" + "".join(f"    {part},\n" for part in parts) + ")" + sig[close + 1:]


def _matching_paren(text: str) -> int:
    depth = 0
    for index, char in enumerate(text):
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0:
            return index
    return len(text) - 1


def _split_top_level(text: str) -> list[str]:
    """Split on commas outside brackets and quotes."""
    parts, depth, start, quote = [], 0, 0, ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
    parts.append(text[start:].strip())
    return [part for part in parts if part]


def annotation(value: Any) -> str:
    """An annotation as the source writes it (``from __future__ import annotations`` keeps it a string)."""
    if isinstance(value, str):
        return value.replace('"', "").replace("'", "")  # a quoted forward reference: the name
    return inspect.formatannotation(value)


def field_default(f: dataclasses.Field) -> str | None:  # type: ignore[type-arg]
    """A field's default as source would write it (``GenerationParams()`` for a factory), or None."""
    if f.default is not dataclasses.MISSING:
        return value(f.default)
    factory = f.default_factory
    if factory is not dataclasses.MISSING:
        empty = {dict: "{}", list: "[]", tuple: "()", set: "set()"}
        return empty.get(factory) or f"{getattr(factory, '__qualname__', repr(factory))}()"  # type: ignore[call-overload]
    return None


def value(obj: Any) -> str:
    """A default or constant as source would write it; never a memory address."""
    if inspect.isfunction(obj) or inspect.isclass(obj):
        return str(obj.__qualname__)
    if isinstance(obj, os.PathLike):
        return f"Path({os.fspath(obj)!r})"
    if isinstance(obj, tuple):
        inner = ", ".join(value(v) for v in obj)
        return f"({inner},)" if len(obj) == 1 else f"({inner})"
    text = repr(obj)
    if " at 0x" in text:
        raise ValueError(f"cannot show {text} on the API page: give its type a repr")
    return text
