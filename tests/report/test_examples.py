"""The examples in ``examples/`` stay true: they parse, name only options that exist, and the
custom suite runs offline under the plugin."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from pytest_mmtrust.config import OPTION_NAMES, Settings
from pytest_mmtrust.gates import Threshold

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
WORKFLOW = EXAMPLES / "github-actions" / "mmtrust.yml"
OPTION = re.compile(r"--mmtrust-([a-z][a-z-]*[a-z])")


def mmtrust_options(text: str) -> set[str]:
    return set(OPTION.findall(text))


def unknown_options(text: str) -> set[str]:
    return mmtrust_options(text) - OPTION_NAMES - {"gate"}


def test_workflow_parses_and_does_what_the_readme_says() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert workflow["permissions"]["pull-requests"] == "write"
    (job,) = workflow["jobs"].values()
    steps = job["steps"]
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    for action in ("actions/checkout", "actions/setup-python", "actions/cache", "actions/upload-artifact",
                   "actions/github-script"):
        assert action in uses, action
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".mmtrust" and cache["with"]["restore-keys"].strip()
    run = next(step for step in steps if step.get("id") == "mmtrust")
    assert run["continue-on-error"] is True
    for option in ("model", "md", "html", "plots", "json"):
        assert f"--mmtrust-{option} " in run["run"], option
    assert "--junitxml" in run["run"]
    comment = next(step for step in steps if step.get("uses", "").startswith("actions/github-script"))
    assert "<!-- pytest-mmtrust report -->" in comment["with"]["script"]  # finds and updates its comment
    assert steps[-1]["if"] == "steps.mmtrust.outcome == 'failure'"


def test_workflow_keys_answers_and_cache_by_model_version() -> None:
    """A pull request that changes the model must not restore (or reuse) the old model's answers."""
    steps = next(iter(yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()))["steps"]
    names = [step.get("id") for step in steps]
    assert names.index("version") < names.index("mmtrust")
    version = "${{ steps.version.outputs.version }}"
    cache = next(step for step in steps if step.get("uses", "").startswith("actions/cache"))
    assert version in cache["with"]["key"]
    assert all(version in line for line in cache["with"]["restore-keys"].strip().splitlines())
    run = next(step for step in steps if step.get("id") == "mmtrust")
    assert f'--mmtrust-model-version "{version}"' in run["run"]


def _version(step: dict, folder: Path, **env: str) -> str:
    bash = shutil.which("bash")
    assert bash is not None
    output = folder / "github_output"
    output.write_text("")
    full = {"PATH": "/usr/bin:/bin", "GITHUB_OUTPUT": str(output), "GITHUB_SHA": "abc123",
            "MMTRUST_MODEL_VERSION": "", "MMTRUST_MODEL_FILES": "model/ serving/", **env}
    subprocess.run([bash, "-e", "-c", step["run"]], cwd=folder, env=full, check=True, capture_output=True, text=True)
    (line,) = output.read_text().splitlines()
    assert line.startswith("version=")
    return line[len("version="):]


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("bash") is None, reason="needs git and bash")
def test_the_workflow_version_changes_when_the_model_files_do(tmp_path: Path) -> None:
    steps = next(iter(yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"].values()))["steps"]
    step = next(step for step in steps if step.get("id") == "version")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(git + ["init", "-q"], cwd=tmp_path, check=True)
    assert _version(step, tmp_path) == "commit-abc123"  # no model files: every commit is a version
    (tmp_path / "model").mkdir()
    (tmp_path / "model" / "weights.txt").write_text("checkpoint step 1000\n")
    subprocess.run(git + ["add", "model"], cwd=tmp_path, check=True)
    first = _version(step, tmp_path)
    assert first.startswith("files-") and _version(step, tmp_path) == first
    (tmp_path / "model" / "weights.txt").write_text("checkpoint step 2000\n")
    subprocess.run(git + ["add", "model"], cwd=tmp_path, check=True)
    assert _version(step, tmp_path) not in (first, "")
    assert _version(step, tmp_path, MMTRUST_MODEL_VERSION="ckpt-7") == "ckpt-7"  # the variable wins


def test_workflow_names_only_existing_options() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert mmtrust_options(text) >= {"model", "md", "html", "plots", "json", "baseline"}
    assert unknown_options(text) == set()


def test_workflow_marker_is_what_the_markdown_report_writes() -> None:
    from pytest_mmtrust.report.markdown import MARKER

    assert f"'{MARKER}'" in WORKFLOW.read_text(encoding="utf-8")


def test_option_check_catches_a_typo() -> None:
    assert unknown_options("pytest --mmtrust-modle x --mmtrust-gate 'S.4>=0.9' --mmtrust-md a.md") == {"modle"}


def test_pyproject_example_resolves_to_settings_and_gates(tmp_path: Path) -> None:
    pyproject = EXAMPLES / "pyproject-gates" / "pyproject.toml"
    settings = Settings.resolve(tmp_path, {}, None, pyproject)
    assert settings.model == "hosted_vllm/my-vlm" and settings.concurrency == 32
    assert settings.html is not None and settings.html.name == "report.html"
    assert settings.gates["S.4"] == Threshold(">=", 0.95)
    assert settings.gates["P.6"] == Threshold("<=", 0.05)
    assert len(settings.gates) == 9
    cli = Settings.resolve(tmp_path, {"model": "tiny"}, ["S.4>=0.99"], pyproject)
    assert cli.model == "tiny" and cli.gates["S.4"] == Threshold(">=", 0.99)  # the command line wins


def test_vllm_example_is_valid_bash_with_existing_options() -> None:
    script = EXAMPLES / "vllm" / "run.sh"
    bash = shutil.which("bash")
    if bash is not None:
        checked = subprocess.run([bash, "-n", str(script)], capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stderr
    for path in (script, EXAMPLES / "vllm" / "README.md", EXAMPLES / "README.md"):
        assert unknown_options(path.read_text(encoding="utf-8")) == set(), path.name
    assert "hosted_vllm/" in script.read_text(encoding="utf-8")


def test_custom_suite_runs_offline_as_a_user_would(pytester: pytest.Pytester) -> None:
    for name in ("test_my_suite.py", "my_model.py"):
        shutil.copy(EXAMPLES / "custom_suite" / name, pytester.path / name)
    pytester.syspathinsert()
    result = pytester.runpytest("--mmtrust-model=py:my_model:answer", "-v", "--mmtrust-md", "summary.md")
    result.assert_outcomes(passed=16)
    result.stdout.fnmatch_lines([
        "*test_colour_naming[[]MY.1/circle-red[]] CORRECT*",
        "*test_colour_naming[[]MY.1/circle-orange[]] WRONG*",
        "MY.1*colour naming*accuracy ↑*0.750*16/16*≥ 0.6*pass",
    ])
    assert result.ret == pytest.ExitCode.OK
    summary = (pytester.path / "summary.md").read_text(encoding="utf-8") if (pytester.path / "summary.md").exists() else None
    if summary is not None:  # written once the plugin wires --mmtrust-md
        assert "✅ mmtrust: all 1 gates passed" in summary and "circle-orange" in summary
