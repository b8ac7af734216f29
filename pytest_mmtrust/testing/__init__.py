"""Tools for testing suites and adapters against a scripted model, shipped with the plugin.

:class:`ScriptedOpenAIServer` is a real OpenAI-compatible HTTP server on 127.0.0.1 whose
answers come from a Python function, with fault injection for rate limits, server errors,
dropped connections and delays. Point ``--mmtrust-api-base`` at its ``base_url``.

:func:`run_suites` runs suite files end to end in a test (pytest's ``pytester``) and reads the
JSON report back, on the ``tiny`` model or any model string, or against that server answering
from an :class:`AnswerScript` of per-case answers (see :mod:`.suite_runs`).
"""

from __future__ import annotations

from .openai_server import ChatCall, Fault, ScriptedOpenAIServer
from .suite_runs import AnswerScript, ScriptedAnswer, SuiteRun, run_suites

__all__ = ["AnswerScript", "ChatCall", "Fault", "ScriptedAnswer", "ScriptedOpenAIServer", "SuiteRun", "run_suites"]
