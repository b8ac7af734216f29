"""What makes two answers comparable: a model's identity, its version and the source it runs.

The response store files every answer under the model's identity (and the request). An identity
that stays the same while the model behind it changes makes a rerun reuse the old model's
answers — and a regression compares the old model with its own baseline. So an identity takes in
everything we can see cheaply and safely:

* ``--mmtrust-model-version`` (``model_version`` in ``[tool.mmtrust]``), for any model: the one
  thing that covers what no file or server shows (new weights served under an old name, a
  remote endpoint updated in place). :func:`versioned_identity` appends it.
* ``py:`` models: the bytes of the module file(s) the callable comes from, not only the
  function's own source — constants, helpers and loaded paths at module level change answers
  too (:func:`~pytest_mmtrust.sources.source_fingerprint`). A user who wants control defines ``identity()`` or
  ``version`` (:func:`declared_identity`); a declared one replaces the source hash, so editing a
  comment does not throw the store away.
* local weights (``hf:``, ``tiny``): a fingerprint of the weight files (:mod:`.hf`).
* OpenAI-compatible servers: the server's own model card, read once at start-up
  (:mod:`.server_card`).
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

from ..errors import ModelError
from ..sources import source_files, source_fingerprint  # noqa: F401 (re-exported)

__all__ = ["versioned_identity", "source_files", "source_fingerprint", "declared_identity"]


def versioned_identity(identity: str, version: str | None) -> str:
    """``identity`` with the user's model version appended (unchanged without one)."""
    return identity if not version else f"{identity}|version={version}"


def declared_identity(function: Any, module: ModuleType | None, name: str) -> str | None:
    """The identity a user declared for a ``py:`` model, or None.

    Looked up on the callable first, then on the module the ``py:`` spec names: ``identity``
    (a function returning a string, or a string) wins over ``version`` (a string or number).
    A module-level ``identity`` counts only when the module defines it (not an imported helper
    that happens to have the name).
    """
    places: list[tuple[Any, bool]] = [(function, False)]
    if module is not None:
        places.append((module, True))
    for place, is_module in places:
        declared = getattr(place, "identity", None)
        if callable(declared) and not (is_module and getattr(declared, "__module__", None) != module.__name__):  # type: ignore[union-attr]
            try:
                value = declared()
            except Exception as exc:
                raise ModelError(f"--mmtrust-model {name}: identity() raised {type(exc).__name__}: {exc}") from exc
            return f"identity={_text(value, name, 'identity()')}"
        if isinstance(declared, str) and declared.strip():
            return f"identity={declared.strip()}"
        version = getattr(place, "version", None)
        if isinstance(version, (str, int, float)) and not isinstance(version, bool) and str(version).strip():
            return f"version={str(version).strip()}"
    return None


def _text(value: Any, name: str, what: str) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool) or not str(value).strip():
        raise ModelError(f"--mmtrust-model {name}: {what} must return a non-empty string, not {value!r}")
    return str(value).strip()
