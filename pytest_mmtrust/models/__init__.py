"""Models under test: one protocol, four ways in.

``--mmtrust-model`` takes:

* ``tiny`` (default) — the built-in tiny vision-language model, built offline on first use;
* ``hf:PATH`` — a local Hugging Face transformers vision-language model, batched;
* ``py:module:callable`` — a user's own function or Model object;
* anything litellm routes, ``provider/model`` — ``openai/gpt-4o``, ``anthropic/…``,
  ``hosted_vllm/…`` — with ``--mmtrust-api-base`` for OpenAI-compatible servers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError
from .base import Model

__all__ = ["Model", "ModelSpec", "parse_model_spec", "build_model"]


@dataclass(frozen=True)
class ModelSpec:
    """A parsed ``--mmtrust-model`` string."""

    kind: str  # "tiny" | "hf" | "py" | "api"
    target: str
    raw: str


def parse_model_spec(raw: str) -> ModelSpec:
    """Check the model string's shape without importing anything heavy."""
    text = raw.strip()
    if text == "tiny":
        return ModelSpec("tiny", "tiny", raw)
    if text.startswith("hf:"):
        if not text[3:]:
            raise ModelError("--mmtrust-model hf:: needs a folder, e.g. hf:/models/llava-1.5-7b-hf")
        return ModelSpec("hf", text[3:], raw)
    if text.startswith("py:"):
        if ":" not in text[3:]:
            raise ModelError(f"--mmtrust-model {raw}: expected py:module:callable")
        return ModelSpec("py", text[3:], raw)
    provider, slash, name = text.partition("/")
    if slash and provider and name and provider.replace("_", "").replace("-", "").isalnum():
        return ModelSpec("api", text, raw)
    raise ModelError(
        f"--mmtrust-model {raw!r}: unknown model string; use tiny, hf:PATH, py:module:callable "
        "or a litellm model such as openai/gpt-4o or hosted_vllm/NAME"
    )


def check_api_provider(spec: ModelSpec) -> None:
    """An ``api`` spec must name a provider litellm knows.

    Checked without importing litellm (seconds, and a run whose answers are all stored never
    needs it): ``openai`` and ``hosted_vllm`` are known, and the others are read from litellm's
    ``LlmProviders`` enum in its source (:func:`litellm_providers`); only when that cannot be
    read is litellm imported and asked.
    """
    import os

    provider = spec.target.split("/", 1)[0]
    if provider in ("openai", "hosted_vllm"):
        return
    known = litellm_providers()
    if known is None:
        os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
        import litellm

        known = {str(getattr(p, "value", p)) for p in getattr(litellm, "provider_list", [])}
    if known and provider not in known:
        raise ModelError(
            f"--mmtrust-model {spec.raw!r}: litellm has no provider {provider!r} "
            "(for an OpenAI-compatible server use openai/NAME or hosted_vllm/NAME with --mmtrust-api-base)"
        )


def litellm_providers() -> set[str] | None:
    """The provider names of the installed litellm, read from its source; None when unreadable."""
    import importlib.util
    import re

    try:
        found = importlib.util.find_spec("litellm")  # the package's place, without importing it
        folders = list(found.submodule_search_locations or []) if found is not None else []
        for folder in folders:
            text = (Path(folder) / "types" / "utils.py").read_text(encoding="utf-8")
            block = re.search(r"^class LlmProviders\(.*?\):\n(.*?)\n(?=\S)", text, re.S | re.M)
            if block is not None:
                names = set(re.findall(r'^\s+\w+\s*=\s*"([^"]+)"', block.group(1), re.M))
                return names or None
    except (ImportError, ValueError, OSError):
        return None
    return None


def build_model(
    spec: ModelSpec,
    *,
    cache_dir: Path,
    batch_size: int = 8,
    api_base: str | None = None,
    timeout: float = 60.0,
) -> Model:
    """Build the model a spec names. Slow for local models (weights load): call it lazily."""
    if spec.kind == "tiny":
        from .tiny import tiny_model

        return tiny_model(cache_dir, batch_size=batch_size)
    if spec.kind == "hf":
        from .hf import HFModel

        return HFModel(spec.target, batch_size=batch_size)
    if spec.kind == "py":
        from .python import python_model

        return python_model(spec.target, batch_size)
    from .api import APIModel

    return APIModel(spec.target, api_base=api_base, timeout=timeout)
