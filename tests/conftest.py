"""Shared test set-up: offline, deterministic, pytester available."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from pathlib import Path
from typing import Callable, ContextManager, Iterator

import pytest

from pytest_mmtrust.datasets.bundled import builtin_datasets
from pytest_mmtrust.testing.cache import session_cache_dir
from pytest_mmtrust.values import Case

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

# pytester's in-process runs forget modules first imported during a run; C extensions such as
# scipy's cannot be loaded twice in one process, so load them before any run.
import scipy.stats  # noqa: E402,F401

pytest_plugins = ["pytester"]

#: A test that hangs (a deadlock) fails after this long with every thread's stack, instead of
#: holding CI until it is killed. Set on this folder's tests only, not as an ini option in
#: pyproject.toml: that would also time out a user's ``pytest suites`` run in this checkout,
#: whose items may wait far longer than this for a slow API.
TEST_TIMEOUT_S = 900


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("timeout"):  # pytest-timeout, from the [test] extra
        return
    for item in items:
        if item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(TEST_TIMEOUT_S))


@pytest.fixture(scope="session")
def mmtrust_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dataset and tiny-model cache for the whole test session (see pytest_mmtrust.testing.cache)."""
    return session_cache_dir(tmp_path_factory)


@pytest.fixture(scope="session")
def bundled(mmtrust_cache_dir: Path) -> Callable[[str], list[Case]]:
    """``bundled("T.1")``: a built-in task's cases, loaded through ``Dataset.load`` from the session cache."""
    loaded: dict[str, list[Case]] = {}

    def load(task: str) -> list[Case]:
        if task not in loaded:
            loaded[task] = builtin_datasets()[task].load(None, mmtrust_cache_dir / "datasets")
        return loaded[task]

    return load


@pytest.fixture
def read_only() -> Callable[[Path], ContextManager[None]]:
    """``with read_only(folder):`` — the folder and its files cannot be written by this process.

    A non-root process gets plain permissions (0555 / 0444). Root ignores those, so as root the
    folder and files are made immutable (``chattr +i``); the test is skipped where that is not
    possible (no chattr, a file system without the attribute).
    """

    @contextlib.contextmanager
    def make(folder: Path) -> Iterator[None]:
        paths = [folder, *folder.iterdir()]
        if os.geteuid() != 0:
            modes = {path: stat.S_IMODE(path.stat().st_mode) for path in paths}
            for path in paths:
                path.chmod(0o555 if path.is_dir() else 0o444)
            try:
                yield
            finally:
                for path, mode in modes.items():
                    path.chmod(mode)
            return
        chattr = shutil.which("chattr")
        targets = [str(path) for path in paths]
        done = subprocess.run([chattr, "+i", *targets], capture_output=True, check=False) if chattr else None
        if done is None or done.returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make a folder read-only here")
        try:
            try:
                (folder / "probe").write_text("x")
            except OSError:
                pass
            else:
                pytest.skip("chattr +i did not make the folder read-only on this file system")
            yield
        finally:
            subprocess.run([chattr, "-i", *targets], capture_output=True, check=False)

    return make
