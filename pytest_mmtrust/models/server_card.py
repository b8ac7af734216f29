"""What an OpenAI-compatible server says about the model it serves, as part of its identity.

vLLM (and servers built like it: SGLang, LMDeploy) lists each served model at ``GET
{api_base}/models`` with a card such as::

    {"id": "my-model", "object": "model", "created": 1718000000, "owned_by": "vllm",
     "root": "/checkpoints/run-17/step-4000", "parent": null, "max_model_len": 8192}

``root`` is the weights the name stands for (a path or a hub id), ``parent`` the base model of
a LoRA adapter, ``max_model_len`` the context it was started with. Serving another checkpoint
under the same name changes ``root`` (unless it was copied over the old path), so the card
enters the identity the store keys answers by: read once, when the identity is first asked for,
before any request is sent. ``created`` is left out on purpose: vLLM stamps it with the time of
the ``/models`` call, so it changes every run and would throw the whole store away.

What the card cannot see (new weights written over the old path, a hosted model updated in
place) needs ``--mmtrust-model-version``. A server that answers with an OpenAI-style
``system_fingerprint`` marks its *answers* instead: that cannot key a request before it is
sent, but it is stored with each answer and reports name answers of another fingerprint.

Anything that goes wrong (no ``/models`` route, an error status, a body that is not a model
list, the name not listed) means "no card": the identity is the name and API base alone, as
before. Only the bases the user gave are asked, with the key the calls themselves use.
"""

from __future__ import annotations

import hashlib
import json
import urllib.error
import urllib.request
from typing import Any, Mapping, Sequence

__all__ = ["STABLE_FIELDS", "served_name", "read_model_card", "card_fingerprint"]

#: Card fields that say which weights answer, and stay the same from one start-up to the next.
STABLE_FIELDS = ("root", "parent", "max_model_len")


def served_name(model: str) -> str:
    """The name a server lists for a litellm model string: ``hosted_vllm/org/m`` → ``org/m``."""
    return model.split("/", 1)[1] if "/" in model else model


def read_model_card(api_base: str, name: str, api_key: str | None = None, timeout: float = 5.0) -> dict[str, Any] | None:
    """The server's card for ``name`` at ``api_base`` (its stable fields only), or None."""
    request = urllib.request.Request(f"{api_base.rstrip('/')}/models", method="GET")
    if api_key:
        request.add_header("Authorization", f"Bearer {api_key}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            body = answer.read(1_000_000)
        listing = json.loads(body)
    except (urllib.error.URLError, OSError, ValueError):
        return None
    entries = listing.get("data") if isinstance(listing, Mapping) else None
    if not isinstance(entries, list):
        return None
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("id") == name:
            return {key: entry[key] for key in STABLE_FIELDS if entry.get(key) is not None}
    return None


def card_fingerprint(cards: Sequence[Mapping[str, Any] | None]) -> str | None:
    """A short hash of the cards of every base (None when none has a stable field).

    Several bases are taken to serve one model; if their cards differ, all of them enter the
    hash, so the identity names the mix rather than whichever server answered first.
    """
    useful = sorted({json.dumps(dict(card), sort_keys=True, default=str) for card in cards if card})
    if not useful:
        return None
    return hashlib.sha256("\n".join(useful).encode("utf-8")).hexdigest()[:16]
