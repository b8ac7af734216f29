"""One :class:`Settings` object from the command line and ``[tool.mmtrust]`` in pyproject.toml.

Every ``--mmtrust-X`` option has a pyproject twin ``X`` (dashes or underscores) under
``[tool.mmtrust]``; the command line wins. Gates live in ``[tool.mmtrust.gates]``::

    [tool.mmtrust]
    model = "openai/gpt-4o"
    concurrency = 16

    [tool.mmtrust.gates]
    alpha = 0.05                                    # baseline regression tests, Holm-corrected
    mode = "value"                                  # or "confident": the whole 95% CI must clear
    "S.4" = ">=0.95"
    "T.1" = {threshold = ">=0.7", mode = "confident"}

This module knows nothing of pytest: the plugin hands it the option values it parsed.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from .concurrency import parse_concurrency
from .errors import ConfigError
from .gates import GateTable, parse_gate_table
from .hedging import parse_hedge


@dataclass(frozen=True)
class Option:
    """One setting: its option name, default, and how to check a value."""

    name: str
    default: Any
    convert: Callable[[Any], Any]
    help: str


def _positive_int(value: Any) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number


def _non_negative_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 or more")
    return number


def _positive_float(value: Any) -> float:
    number = float(value)
    if not number > 0:
        raise ValueError("must be greater than 0")
    return number


def _fraction(value: Any) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError("must be between 0 and 1")
    return number


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be a non-empty string")
    return value.strip()


def _optional_text(value: Any) -> str | None:
    return None if value in (None, "") else _text(value)


def _scoring(value: Any) -> str:
    from .scoring import check_profile

    return check_profile(value)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("1", "true", "yes", "on"):
        return True
    if str(value).lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


OPTIONS: tuple[Option, ...] = (
    Option("model", "tiny", _text, "model under test: tiny (default), a litellm string (openai/gpt-4o, hosted_vllm/…), hf:PATH or py:module:callable"),
    Option("model-version", None, _optional_text,
           "version of the model under test (a checkpoint, a commit, a date): part of every store key, so "
           "a new version never reuses an older version's answers"),
    Option("api-base", None, _optional_text, "API base URL for litellm models (comma-separated to spread load over several servers)"),
    Option("batch-size", 8, _positive_int, "requests per generate() call for local (hf:, tiny) models"),
    Option("concurrency", 8, parse_concurrency,
           "model calls in flight at once: a number, or auto (adaptive, at most 64) or auto:MAX"),
    Option("hedge", "off", parse_hedge,
           "send a second copy of a straggling call on a slot idle at the end of the run: off, on (copies for at most 2 in 100 of "
           "the requests), a budget (e.g. 0.05), or auto (on only for servers of your own whose model has no known price)"),
    Option("retries", 4, _non_negative_int, "retries of a call that failed with a rate limit, server error or time-out"),
    Option("max-retry-wait", 300.0, _positive_float,
           "longest wait (seconds) a server may ask for with Retry-After; a longer one stops the run"),
    Option("timeout", 60.0, _positive_float, "seconds one model call may take in all before it times out"),
    Option("max-tokens", None, lambda v: None if v is None else _positive_int(v), "override every task's max tokens"),
    Option("seed", 0, int, "generation seed sent with every request"),
    Option("store", None, _optional_text, "response store file (default: .mmtrust/responses.sqlite in the rootdir)"),
    Option("no-store", False, _flag, "keep answers in memory only for this run"),
    Option("data", None, _optional_text, "folder with the upstream datasets (default: the bundled generated data)"),
    Option("cache-dir", None, _optional_text, "folder for generated datasets and the tiny model (default: .mmtrust in the rootdir)"),
    Option("baseline", None, _optional_text, "compare each task against this baseline JSON file"),
    Option("save-baseline", None, _optional_text, "write this run's results as a baseline JSON file"),
    Option("max-drop", 0.02, _fraction, "largest allowed significant drop against the baseline"),
    Option("json", None, _optional_text, "write the JSON report to this file"),
    Option("report-only", False, _flag, "report gates but do not fail the session on them"),
    Option("limit", None, lambda v: None if v is None else _positive_int(v),
           "run only the first N cases of each task (a smoke run: such tasks are reported incomplete)"),
    Option("md", None, _optional_text, "write a Markdown summary (for a pull-request comment) to this file"),
    Option("html", None, _optional_text, "write a self-contained HTML report with plots to this file"),
    Option("plots", None, _optional_text, "write the report's plots as PNG files into this folder"),
    Option("judge", None, _optional_text, "model string of an LLM judge for tasks scored by a judge upstream"),
    Option("judge-api-base", None, _optional_text, "API base URL of the judge model (an OpenAI-compatible server)"),
    Option("toxicity", None, _optional_text,
           "toxicity scorer: lexicon (default, offline), hf:PATH (a local classifier) or py:module:function"),
    Option("guard-evaluator", None, _optional_text,
           "MLLMGuard scorer: rules (default), judge, judge:MODEL or classifier:PATH[,HALLUCINATION_PATH]"),
    Option("epochs", 1, _positive_int, "ask each case this many times and aggregate per case"),
    Option("scoring", "default", _scoring,
           "scoring profile: default (the project's corrected scoring) or upstream (MultiTrust's and MLLMGuard's "
           "own rules, for numbers comparable with the papers; see docs/scoring.md)"),
    Option("rpm", None, lambda v: None if v is None else _positive_float(v), "at most this many requests per minute"),
    Option("tpm", None, lambda v: None if v is None else _positive_float(v), "at most this many tokens per minute"),
)
OPTION_NAMES = {option.name for option in OPTIONS}


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know, resolved and checked.

    Each field is the value of one option: ``max_retry_wait`` is ``--mmtrust-max-retry-wait``,
    or ``max-retry-wait`` under ``[tool.mmtrust]`` in ``pyproject.toml`` (the command line
    wins), parsed and validated. Paths given relative are taken from the current directory;
    ``store`` defaults to ``.mmtrust/responses.sqlite`` and ``cache_dir`` to ``.mmtrust`` in
    ``rootdir`` (pytest's root folder), and ``store`` is None with ``--mmtrust-no-store``.
    ``gates`` holds the thresholds of ``[tool.mmtrust.gates]`` and ``--mmtrust-gate``.
    """

    rootdir: Path
    model: str = "tiny"
    model_version: str | None = None
    api_base: str | None = None
    batch_size: int = 8
    concurrency: int | str = 8
    hedge: str = "off"
    retries: int = 4
    max_retry_wait: float = 300.0
    timeout: float = 60.0
    max_tokens: int | None = None
    seed: int = 0
    store: Path | None = None
    data: Path | None = None
    cache_dir: Path = Path(".mmtrust")
    baseline: Path | None = None
    save_baseline: Path | None = None
    max_drop: float = 0.02
    json: Path | None = None
    report_only: bool = False
    limit: int | None = None
    md: Path | None = None
    html: Path | None = None
    plots: Path | None = None
    judge: str | None = None
    guard_evaluator: str | None = None
    judge_api_base: str | None = None
    toxicity: str | None = None
    epochs: int = 1
    scoring: str = "default"
    rpm: float | None = None
    tpm: float | None = None
    gates: GateTable = field(default_factory=GateTable)

    @classmethod
    def resolve(
        cls,
        rootdir: Path,
        cli: Mapping[str, Any],
        cli_gates: list[str] | None = None,
        pyproject: Path | None = None,
    ) -> "Settings":
        """Merge defaults < ``[tool.mmtrust]`` < command line, checking every value."""
        table, table_gates, where = read_pyproject(pyproject)
        values: dict[str, Any] = {}
        for option in OPTIONS:
            raw, source = option.default, None
            key = option.name
            if key in table:
                raw, source = table[key], f"{where} [tool.mmtrust] {key}"
            if cli.get(key) is not None:
                raw, source = cli[key], f"--mmtrust-{key}"
            try:
                values[key] = option.convert(raw) if raw is not None else None
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"{source or '--mmtrust-' + key}: {raw!r} {exc}") from exc
        gates = parse_gate_table(table_gates, f"{where} [tool.mmtrust.gates]").with_command_line(cli_gates)
        from .multitrust import check_gate_names

        check_gate_names(gates, "--mmtrust-gate / [tool.mmtrust.gates]")
        store = None
        if not values["no-store"]:
            store = _path(rootdir, values["store"]) if values["store"] else rootdir / ".mmtrust" / "responses.sqlite"
        data = _path(rootdir, values["data"]) if values["data"] else None
        if data is not None and not data.is_dir():
            raise ConfigError(f"--mmtrust-data {values['data']}: no such folder")
        return cls(
            rootdir=rootdir,
            model=values["model"],
            model_version=values["model-version"],
            api_base=values["api-base"],
            batch_size=values["batch-size"],
            concurrency=values["concurrency"],
            hedge=values["hedge"],
            retries=values["retries"],
            max_retry_wait=values["max-retry-wait"],
            timeout=values["timeout"],
            max_tokens=values["max-tokens"],
            seed=values["seed"],
            store=store,
            data=data,
            cache_dir=_path(rootdir, values["cache-dir"]) if values["cache-dir"] else rootdir / ".mmtrust",
            baseline=_path(rootdir, values["baseline"]) if values["baseline"] else None,
            save_baseline=_path(rootdir, values["save-baseline"]) if values["save-baseline"] else None,
            max_drop=values["max-drop"],
            json=_path(rootdir, values["json"]) if values["json"] else None,
            report_only=values["report-only"],
            limit=values["limit"],
            md=_path(rootdir, values["md"]) if values["md"] else None,
            html=_path(rootdir, values["html"]) if values["html"] else None,
            plots=_path(rootdir, values["plots"]) if values["plots"] else None,
            judge=values["judge"],
            guard_evaluator=values["guard-evaluator"],
            judge_api_base=values["judge-api-base"],
            toxicity=values["toxicity"],
            epochs=values["epochs"],
            scoring=values["scoring"],
            rpm=values["rpm"],
            tpm=values["tpm"],
            gates=gates,
        )


def _path(rootdir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path)


def read_pyproject(path: Path | None) -> tuple[dict[str, Any], dict[str, Any], str]:
    """``[tool.mmtrust]`` (keys normalised to dashes) and its ``gates`` table."""
    if path is None or not path.is_file():
        return {}, {}, "pyproject.toml"
    where = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{where}: cannot read ({exc})") from exc
    section = data.get("tool", {}).get("mmtrust", {})
    if not isinstance(section, dict):
        raise ConfigError(f"{where}: [tool.mmtrust] must be a table")
    table: dict[str, Any] = {}
    gates: dict[str, Any] = {}
    for key, value in section.items():
        if key == "gates":
            if not isinstance(value, dict):
                raise ConfigError(
                    f"{where}: [tool.mmtrust.gates] must be a table of task id = \">=0.9\" "
                    "(or {threshold = \">=0.9\", mode = \"confident\"}), with optional alpha and mode"
                )
            gates = dict(value)
            continue
        name = key.replace("_", "-")
        if name not in OPTION_NAMES:
            raise ConfigError(f"{where}: unknown key [tool.mmtrust] {key!r} (known: {', '.join(sorted(OPTION_NAMES))}, gates)")
        table[name] = value
    return table, gates, where
