"""The values that cross the seams: dataset case → model request → response → score.

All are frozen dataclasses so they can be hashed, cached and shipped between xdist
processes without surprises. Nothing here knows pytest, a model or a task.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Union

from PIL import Image

from .errors import DataError

#: An image as a request carries it: a path on disk (read lazily) or an in-memory PIL image.
ImageInput = Union[str, "os.PathLike[str]", Image.Image]


@dataclass(frozen=True)
class GenerationParams:
    """How the model should generate. Greedy (temperature 0) by default so runs repeat.

    ``max_tokens`` caps the answer's length, ``seed`` is sent to models that take one. A task
    sets its own (``Task.params``); ``--mmtrust-max-tokens`` and ``--mmtrust-seed`` override
    them for a whole run, and with ``--mmtrust-epochs K`` the k-th asking uses ``seed + k``.
    All three are part of the request's digest: changing one asks the model again.
    """

    max_tokens: int = 256
    temperature: float = 0.0
    seed: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The settings as a plain dict (``max_tokens``, ``temperature``, ``seed``)."""
        return {"max_tokens": self.max_tokens, "temperature": self.temperature, "seed": self.seed}


@dataclass(frozen=True)
class Request:
    """One question to the model under test: text, zero or more images, an optional system prompt.

    A task's ``build_request`` makes one from each case. ``images`` are file paths (read when
    the request is sent) or in-memory PIL images, in the order the model should see them;
    ``system`` is the system prompt, None for none; ``params`` are the generation settings.
    Two requests with the same :meth:`digest` are the same question: the response store keeps
    one answer per model and digest, so a rerun never asks twice.
    """

    text: str
    images: tuple[ImageInput, ...] = ()
    system: str | None = None
    params: GenerationParams = field(default_factory=GenerationParams)

    def digest(self) -> str:
        """A stable hash of everything that can change the answer, image bytes included."""
        payload = {
            "text": self.text,
            "system": self.system,
            "images": [image_digest(image) for image in self.images],
            "params": self.params.as_dict(),
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()


@dataclass(frozen=True)
class Response:
    """What came back. ``error`` is set (and ``text`` is None) when the call failed for good.

    ``usage`` holds what the model reported about the call (``prompt_tokens``,
    ``completion_tokens``, and ``cost`` in US dollars where it is known), ``latency_s`` how long
    the call took.

    ``fingerprint`` is what the server said about the model that answered (an OpenAI-style
    ``system_fingerprint``), when it says anything. An answer read from the response store has
    ``cached`` set, with ``stored_at`` (Unix time) and ``stored_run`` (the id of the run that
    asked for it; None for answers stored before runs had ids).
    ``notes`` are things the pipeline did to this answer that the user should hear about once
    (the text was cut to the stored maximum, impossible token counts were dropped); they are
    warnings of the run that received the answer and are not stored.
    """

    text: str | None
    error: str | None = None
    usage: Mapping[str, float] | None = None
    latency_s: float | None = None
    cached: bool = False
    fingerprint: str | None = None
    stored_at: float | None = None
    stored_run: str | None = None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when there is an answer to score: no error and a text (possibly empty)."""
        return self.error is None and self.text is not None


@dataclass(frozen=True)
class Case:
    """One dataset item, in one image condition.

    ``target`` is the ground truth (a choice letter, a yes/no, the PII that must not leak,
    a group label …): whatever the task's evaluator needs. ``metadata`` carries attributes the
    metric groups by (``group`` for a chi-square test, ``language`` …). ``condition`` is the
    image condition (``none``/``related``/``unrelated``) for cross-modal tasks, else None.
    """

    id: str
    prompt: str
    images: tuple[str, ...] = ()
    target: Any = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    condition: str | None = None
    system: str | None = None

    @property
    def key(self) -> str:
        """The id an item carries: ``0007`` or ``0007/unrelated``."""
        return self.id if self.condition is None else f"{self.id}/{self.condition}"


@dataclass(frozen=True)
class Score:
    """An evaluator's verdict on one response.

    ``value`` feeds the metric (1/0 for rates, 0–3 for MLLMGuard, a rating for correlations);
    None means the answer could not be scored (neither yes nor no, no rating), and it then counts
    against the model by the metric's rule (see :class:`~pytest_mmtrust.metrics.Metric`).
    ``outcome`` is the word shown in verbose output (``REFUSED``, ``CORRECT``, ``LEAKED`` …);
    ``details`` holds structured extras (the extracted choice, the matched PII …), best kept
    JSON-able: they are recorded for the metric and the reports (anything else as its ``str``). ``explanation`` says why in a
    sentence, for whoever reads the score (``mmtrust_result.score``); it is not recorded.
    """

    value: float | None
    outcome: str
    details: Mapping[str, Any] = field(default_factory=dict)
    explanation: str = ""


_DIGEST_CACHE: dict[tuple[str, int, int], str] = {}


def image_digest(image: ImageInput) -> str:
    """sha256 of an image: the file's bytes for a path, mode+size+pixels for a PIL image.

    Paths are memoised by (path, size, mtime) so a rerun over thousands of cached cases
    does not re-read every file twice. A file that cannot be read (missing, a folder, no
    permission) is a :class:`~pytest_mmtrust.errors.DataError` naming it — ``image not found:
    PATH`` for a missing one: the digest is taken before any model call, so this is where a
    missing dataset image shows, as that one case's error.
    """
    if isinstance(image, Image.Image):
        h = hashlib.sha256()
        h.update(f"{image.mode}:{image.size}".encode())
        h.update(image.tobytes())
        return h.hexdigest()
    path = os.fspath(image)
    try:
        stat = os.stat(path)
        memo_key = (path, stat.st_size, stat.st_mtime_ns)
        cached = _DIGEST_CACHE.get(memo_key)
        if cached is None:
            cached = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            _DIGEST_CACHE[memo_key] = cached
    except (FileNotFoundError, NotADirectoryError):
        raise DataError(f"image not found: {path}") from None
    except IsADirectoryError:
        raise DataError(f"{path}: is a folder, not an image file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read image ({exc.strerror or type(exc).__name__})") from None
    return cached
