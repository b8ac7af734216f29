"""Renders the API page from :data:`~pytest_mmtrust.apidoc.contents.SECTIONS`.

The page is strict about what it is given: a public object or method without a docstring, and
a docstring reference that names nothing importable, are errors (:class:`ApiDocError`, all of
them in one message), so a thin or stale entry cannot slip onto the page unnoticed.
"""

from __future__ import annotations

import dataclasses
import html
import importlib
import inspect
import re
from types import ModuleType
from typing import Any, Sequence

from ..errors import MMTrustError
from . import inspection
from .contents import FIXTURES, MARKERS, SECTIONS, Constants, Section
from .markdown import Linker, code, to_markdown

TITLE = "API reference for suite authors"
INTRO = (
    "Everything a suite of your own uses, with the import it comes from. A suite declares a task "
    "(dataset → request → response → score → metric → gate) and the plugin runs one test item per case. "
    "The README's [Write your own suite](../README.md#write-your-own-suite) shows a whole suite, and "
    "[`examples/custom_suite/`](../examples/custom_suite/test_my_suite.py) is one that runs offline."
)
GENERATED = "<!-- Generated from the docstrings by `python -m pytest_mmtrust.apidoc docs/api.md`; do not edit by hand. -->"


class ApiDocError(MMTrustError):
    """The page cannot be generated as it should read: an entry has no docstring, or a docstring
    refers to something that does not exist (any more)."""


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


class Page:
    """One rendering of the page; knows which objects have an entry, to link references to them."""

    def __init__(self, sections: Sequence[Section] = SECTIONS) -> None:
        self.sections = tuple(sections)
        self.anchors: dict[int, str] = {}
        #: Constants by name: the value and the anchor of their table (strings have no identity).
        self.constants: dict[str, tuple[Any, str]] = {}
        for section in self.sections:
            for entry in section.entries:
                if isinstance(entry, str) and ":" in entry:
                    self.anchors[id(inspection.load(entry))] = "#" + anchor(entry.split(":")[1])
                elif isinstance(entry, Constants) and entry.title:
                    module = importlib.import_module(entry.module)
                    for name in entry.names:
                        self.constants[name] = (getattr(module, name), "#" + anchor(entry.title))
        self.problems: list[str] = []

    def render(self) -> str:
        lines = [f"# {TITLE}", "", GENERATED, "", INTRO, ""]
        lines += [f"- [{section.title}](#{anchor(section.title)})" for section in self.sections]
        for section in self.sections:
            lines += ["", f"## {section.title}", ""]
            if section.intro:
                lines += [section.intro, ""]
            for entry in section.entries:
                lines += [*self._entry(entry), ""]
            for module in section.modules:
                lines += [*self._module_notes(module), ""]
        if self.problems:
            raise ApiDocError("docs/api.md cannot be generated: " + "; ".join(dict.fromkeys(self.problems)))
        text = "\n".join(lines)
        return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"

    # ------------------------------------------------------------ entries

    def _entry(self, entry: str | Constants) -> list[str]:
        if isinstance(entry, Constants):
            return self._constants(entry)
        if entry == FIXTURES:
            return self._fixtures()
        if entry == MARKERS:
            return self._markers()
        module_name, name = entry.split(":")
        obj = inspection.load(entry)
        lines = [f"### {code(name)}", "", f"*{inspection.kind(obj)}* · `from {module_name} import {name}`", ""]
        signature = self._signature(obj, name)
        if signature:
            lines += ["```python", *signature.splitlines(), "```", ""]
        lines += self._doc(obj, name)
        if inspect.isclass(obj):
            lines += self._attributes(obj)
            for member, value in inspection.public_members(obj):
                lines += ["", *self._member(obj, name, member, value)]
        return lines

    def _signature(self, obj: Any, name: str) -> str:
        if not inspect.isclass(obj):
            return inspection.wrap(name, inspection.signature(obj))
        if dataclasses.is_dataclass(obj):
            return inspection.wrap(name, inspection.dataclass_signature(obj))
        if inspection.is_protocol(obj) or "__init__" not in vars(obj):
            return ""
        return inspection.wrap(name, inspection.signature(obj, returns=False))

    def _attributes(self, cls: type) -> list[str]:
        """Dataclass fields and protocol attributes with a ``#:`` comment; plain class attributes
        (an evaluator's ``name``) with their value."""
        comments = inspection.attribute_comments(cls)
        module = inspect.getmodule(cls)

        def note(name: str) -> str:
            return f" — {self._inline(comments[name], module, cls)}" if name in comments else ""

        fields = [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []
        annotations = {k: v for k, v in inspect.get_annotations(cls).items() if k not in fields}
        rows = [f"- {code(name)}{note(name)}" for name in fields if name in comments]
        rows += [f"- {code(f'{name}: {inspection.annotation(annotation)}')}{note(name)}"
                 for name, annotation in annotations.items() if not name.startswith("_")]
        rows += [f"- {code(f'{name} = {inspection.value(value)}')}{note(name)}"
                 for name, value in vars(cls).items()
                 if not name.startswith("_") and name not in annotations and name not in fields
                 and isinstance(value, (str, int, float, bool))]
        return ["", *rows] if rows else []

    def _member(self, cls: type, owner: str, member: str, obj: Any) -> list[str]:
        function = inspection.member_function(obj)
        qualified = f"{owner}.{member}"
        if isinstance(obj, property):
            head = [f"**{code(qualified)}** *(property)*"]
        else:
            signature = inspection.signature(function, skip_first=not isinstance(obj, staticmethod))
            shown = inspection.wrap(qualified, signature)
            note = " *(classmethod)*" if isinstance(obj, classmethod) else ""
            head = [f"**{code(shown)}**{note}"] if "\n" not in shown else ["```python", *shown.splitlines(), "```"]
        return [*head, "", *self._doc(function, qualified, cls)]

    def _constants(self, table: Constants) -> list[str]:
        module = importlib.import_module(table.module)
        lines = [f"### {table.title}", ""] if table.title else []
        lines += [f"`from {table.module} import {', '.join(table.names)}`", ""]
        lines += ["| name | value | meaning |", "|---|---|---|"] if table.show_values else ["| name | meaning |", "|---|---|"]
        for name in table.names:
            home = inspection.defining_module(module, name)
            comment = inspection.attribute_comments(home).get(name, "")
            if not comment:
                self.problems.append(f"{table.module}.{name} has no #: comment")
            meaning = self._inline(comment, home).replace("|", "\\|")
            shown = code(inspection.value(getattr(module, name))).replace("|", "\\|")
            lines.append(f"| {code(name)} | {shown} | {meaning} |" if table.show_values else f"| {code(name)} | {meaning} |")
        return lines

    def _fixtures(self) -> list[str]:
        plugin = importlib.import_module("pytest_mmtrust.plugin")
        lines: list[str] = []
        for fixture in inspection.plugin_fixtures():
            gives = self._reference(fixture.returns, plugin)
            lines += [f"### {code(fixture.name)}", "", f"*fixture* · scope `{fixture.scope}` · gives {gives}", ""]
            if not fixture.doc:
                self.problems.append(f"fixture {fixture.name} has no docstring")
            lines += [*self._markdown(fixture.doc, plugin), ""]
        return lines

    def _markers(self) -> list[str]:
        from .. import markers

        lines = [f"`from {markers.__name__} import run_markers, task_markers, item_markers`", "",
                 "| marker | selects |", "|---|---|"]
        lines += [f"| {code(name)} | {description} |" for name, description in markers.run_markers()]
        for function in (markers.task_markers, markers.item_markers):
            lines += ["", f"**{code(function.__name__ + inspection.signature(function))}**", "",
                      *self._doc(function, function.__name__)]
        return lines

    def _module_notes(self, name: str) -> list[str]:
        module = importlib.import_module(name)
        first, _, rest = inspection.own_doc(module).partition("\n")
        summary = f"<code>{name}</code> — {html.escape(first.strip().rstrip('.'), quote=False)}"
        return [f"<details><summary>{summary}</summary>", "", *self._markdown(rest.strip(), module), "", "</details>"]

    # ------------------------------------------------------------ docstrings and references

    def _doc(self, obj: Any, what: str, owner: type | None = None) -> list[str]:
        doc = inspection.own_doc(obj)
        if not doc:
            self.problems.append(f"{what} has no docstring")
        module = inspect.getmodule(obj)
        return self._markdown(doc, module, owner or (obj if inspect.isclass(obj) else None))

    def _markdown(self, doc: str, module: ModuleType | None, owner: type | None = None) -> list[str]:
        return to_markdown(doc, self._linker(module, owner)).splitlines() if doc else []

    def _inline(self, text: str, module: ModuleType | None, owner: type | None = None) -> str:
        return " ".join(self._markdown(text, module, owner))

    def _reference(self, target: str, module: ModuleType) -> str:
        """A code span of ``target``, linked when it names an entry of the page."""
        found = self._linker(module, None)(target)
        return f"[{code(target)}]({found})" if found else code(target)

    def _linker(self, module: ModuleType | None, owner: type | None) -> Linker:
        where = module.__name__ if module is not None else "pytest_mmtrust"

        def link(target: str) -> str | None:
            found = inspection.resolve(target, where, owner)
            if found is inspection.MISSING:
                self.problems.append(f"{where}: reference to {target!r} names nothing")
                return None
            for candidate in (found, inspection.owner_of(found)):
                if candidate is not None and id(candidate) in self.anchors:
                    return self.anchors[id(candidate)]
            constant = self.constants.get(target.rsplit(".", 1)[-1])
            return constant[1] if constant is not None and constant[0] is found else None

        return link
