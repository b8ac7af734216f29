"""Fixtures shared by the model tests."""

from __future__ import annotations

from typing import Iterator

import pytest

from pytest_mmtrust.testing import ScriptedOpenAIServer


@pytest.fixture
def servers() -> Iterator[list[ScriptedOpenAIServer]]:
    """Servers a test starts with ``servers.append(...)``; all closed afterwards."""
    started: list[ScriptedOpenAIServer] = []
    yield started
    for server in started:
        server.close()
