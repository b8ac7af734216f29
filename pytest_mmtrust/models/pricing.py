"""What an answer cost, from litellm's own price table, without importing litellm.

litellm ships its price table as a JSON file inside the package
(``model_prices_and_context_window_backup.json``, the table it uses itself with
``LITELLM_LOCAL_MODEL_COST_MAP=True``). The lean HTTP path (:mod:`.openai_http`) prices its
answers from that file, read once and only when an answer must be priced, so a run through an
OpenAI-compatible server never imports litellm. The price is litellm's for a plain chat
completion: prompt tokens at ``input_cost_per_token`` plus completion tokens at
``output_cost_per_token``, looked up as ``provider/model`` and then ``model`` for an entry of
that provider; ``tests/models/test_api_parity.py`` checks the figures equal litellm's.
"""

from __future__ import annotations

import importlib.util
import json
import threading
from pathlib import Path
from typing import Any, Mapping

__all__ = ["price"]

PRICE_FILE = "model_prices_and_context_window_backup.json"

_table: dict[str, Any] | None = None
_lock = threading.Lock()


def _price_table() -> dict[str, Any]:
    """litellm's price table (empty when litellm or its file is missing), read once."""
    global _table
    with _lock:
        if _table is None:
            _table = {}
            try:
                spec = importlib.util.find_spec("litellm")  # finds the package without importing it
                folders = list(spec.submodule_search_locations or []) if spec is not None else []
                for folder in folders:
                    path = Path(folder) / PRICE_FILE
                    if path.is_file():
                        loaded = json.loads(path.read_text(encoding="utf-8"))
                        _table = loaded if isinstance(loaded, dict) else {}
                        break
            except (ImportError, ValueError, OSError):
                _table = {}
        return _table


def price(provider: str, model: str, usage: Mapping[str, float]) -> float | None:
    """USD for ``usage`` (``prompt_tokens``, ``completion_tokens``) of ``provider/model``; None when unknown or free."""
    table = _price_table()
    entry = table.get(f"{provider}/{model}")
    if not isinstance(entry, dict):
        entry = table.get(model)
        if not isinstance(entry, dict) or entry.get("litellm_provider") != provider:
            return None
    rate_in, rate_out = entry.get("input_cost_per_token"), entry.get("output_cost_per_token")
    if not isinstance(rate_in, (int, float)) or not isinstance(rate_out, (int, float)):
        return None
    cost = float(usage.get("prompt_tokens", 0.0)) * rate_in + float(usage.get("completion_tokens", 0.0)) * rate_out
    return cost if cost > 0 else None
