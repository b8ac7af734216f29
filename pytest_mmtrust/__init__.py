"""pytest-mmtrust: trustworthiness benchmarks for multimodal LLMs as pytest regression tests.

The public API for writing suites: :class:`Task`, :class:`Dataset`, :class:`Metric`,
:class:`Case`, :class:`Request`, :class:`Response`, :class:`Score`, :class:`GenerationParams`.
Evaluators live in :mod:`pytest_mmtrust.evaluators`, models in :mod:`pytest_mmtrust.models`.
"""

from __future__ import annotations

from .datasets.base import Dataset
from .errors import ConfigError, DataError, InvalidAnswerError, MMTrustError, ModelCallError, ModelError, StoreError
from .metrics import Metric, MetricValue
from .task import Task
from .values import Case, GenerationParams, Request, Response, Score

#: The installed version of pytest-mmtrust (a PEP 440 version string).
__version__ = "0.1.0"

__all__ = [
    "Case", "ConfigError", "DataError", "Dataset", "GenerationParams", "InvalidAnswerError", "MMTrustError", "Metric",
    "MetricValue", "ModelCallError", "ModelError", "Request", "Response", "Score", "StoreError", "Task",
    "__version__",
]
