"""Secrets the run knows, blanked from everything it writes: store, reports, logs, terminal.

A run knows three kinds of secret:

* values of environment variables whose names say they hold one (``OPENAI_API_KEY``,
  ``HF_TOKEN``, ``AWS_SECRET_ACCESS_KEY``, ``DB_PASSWORD`` … see :data:`SECRET_NAME`), at least
  :data:`MIN_ENV_SECRET` characters long (shorter values are flags, not keys), and the password
  or key-like query values of any URL in the environment (``HTTPS_PROXY=http://u:PASS@proxy``);
* credentials written into an option's URL (``--mmtrust-api-base https://u:KEY@host/v1?api-key=K``,
  ``--mmtrust-judge-api-base``), registered by the plugin at configure time;
* keys handed to a model directly (``APIModel(api_key=…)``), registered when it is built.

Two ways of blanking, for two kinds of text:

* :func:`redact` replaces exactly the known secrets (and their JSON-, HTML- and URL-escaped
  spellings, so a serialised document can be redacted whole). It is what answers, stored text
  and reports get: a model's answer is data, and a key-*shaped* string in it (``sk-…`` in a code
  answer) is left alone, so a scored answer reads the same in the first run and every cached one.
* :func:`scrub_secrets` does that and also blanks anything shaped like a credential (``sk-…``,
  ``Bearer …``, ``api_key=…``). Error messages and log lines get it: they come from servers and
  libraries that may quote a key the run never saw.

The known secrets are collected once (:func:`refresh`, which the plugin calls when a run starts;
otherwise on first use) because :func:`redact` runs for every answer and every report cell.
"""

from __future__ import annotations

import html
import json
import logging
import os
import re
import threading
import urllib.parse
from typing import Any, Callable, Iterable, Mapping, Sequence

__all__ = [
    "MASK", "add_secret", "add_url_secrets", "install_log_redaction", "known_secrets", "redact", "redact_url",
    "redact_value", "refresh", "scrub_secrets", "url_secrets",
]

#: What a secret is replaced by.
MASK = "***"
#: Environment values shorter than this are not taken for secrets (``GIT_TOKEN=1``, ``KEY=dev``).
MIN_ENV_SECRET = 8
#: Secrets registered by hand (an option's URL password, a key given to a model) count from here.
MIN_KNOWN_SECRET = 4
#: Names of environment variables that hold a secret: the common suffixes, optionally numbered.
SECRET_NAME = re.compile(
    r"(?i)(?:^|_)(?:KEY|API_?KEY|KEY_ID|TOKEN|SECRET|SECRET_KEY|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH)(?:_?\d+)?$"
)

#: Shapes of credentials in free text (errors and logs only, see the module docstring).
_SECRET_PATTERNS = (
    re.compile(r"\b(?:sk|rk|pk)-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9._\-]{8,}"),
    re.compile(r"(?i)((?:api[_-]?key|token|secret|password)[\"']?\s*[:=]\s*[\"']?)[A-Za-z0-9._\-]{8,}"),
)
#: Query parameters whose values are credentials.
_SECRET_QUERY = re.compile(r"(?i)^(?:.*key.*|.*token.*|.*secret.*|sig|signature|password|auth.*)$")

_lock = threading.Lock()
_environment: tuple[str, ...] | None = None
_added: list[str] = []
_variants: list[tuple[str, str]] | None = None


def known_secrets(environ: Mapping[str, str] | None = None) -> list[str]:
    """The secrets in ``environ`` (default: ``os.environ``), longest first."""
    found: set[str] = set()
    for name, value in (os.environ if environ is None else environ).items():
        if SECRET_NAME.search(name) and len(value.strip()) >= MIN_ENV_SECRET:
            found.add(value.strip())
        if "://" in value:
            found.update(secret for secret in url_secrets(value) if len(secret) >= MIN_KNOWN_SECRET)
    return sorted(found, key=len, reverse=True)


def refresh(extra: Iterable[str] = ()) -> None:
    """Collect the environment's secrets again and forget registered ones (a run starts)."""
    global _environment, _variants
    with _lock:
        _environment = tuple(known_secrets())
        _added.clear()
        _added.extend(s for s in extra if s and len(s) >= MIN_KNOWN_SECRET)
        _variants = None


def add_secret(secret: str | None) -> None:
    """Register one more secret for this run (ignored when empty or shorter than 4 characters)."""
    global _variants
    if not secret or len(secret) < MIN_KNOWN_SECRET:
        return
    with _lock:
        if secret not in _added:
            _added.append(secret)
            _variants = None


def add_url_secrets(url: str | None) -> None:
    """Register the password and key-like query values of ``url`` (an option's API base)."""
    for part in (url or "").split(","):
        for secret in url_secrets(part.strip()):
            add_secret(secret)


def _spellings() -> list[tuple[str, str]]:
    """(text to find, replacement) for every secret and its escaped forms, longest first."""
    global _environment, _variants
    known = _variants  # read once without the lock: this runs for every answer and report cell
    if known is not None:
        return known
    with _lock:
        if _variants is not None:
            return _variants
        if _environment is None:
            _environment = tuple(known_secrets())
        pairs: dict[str, str] = {}
        for secret in {*_environment, *_added}:
            for spelling in _escaped_forms(secret):
                if len(spelling) >= MIN_KNOWN_SECRET:
                    pairs.setdefault(spelling, MASK)
        _variants = sorted(pairs.items(), key=lambda pair: len(pair[0]), reverse=True)
        return _variants


def _escaped_forms(secret: str) -> set[str]:
    """``secret`` as it appears raw, inside a JSON string, in HTML text and in a URL."""
    return {
        secret,
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        html.escape(secret),
        html.escape(secret, quote=False),
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret, safe=""),
    }


def redact(text: str) -> str:
    """``text`` with every known secret (in any of its escaped spellings) replaced by ``***``."""
    if not text:
        return text
    for spelling, mask in _spellings():
        if spelling in text:
            text = text.replace(spelling, mask)
    return text


def redact_value(value: Any) -> Any:
    """A JSON-like value with :func:`redact` applied to every string in it (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Mapping):
        return {redact_value(k) if isinstance(k, str) else k: redact_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [redact_value(v) for v in value]
    if isinstance(value, tuple):
        return tuple(redact_value(v) for v in value)
    return value


def scrub_secrets(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with ``secrets``, the run's known secrets and credential-shaped strings as ``***``.

    For error messages (see the module docstring). The environment is read again on every call:
    errors are few, and a key set after the run started must not slip through.
    """
    known = [s for s in secrets if s and len(s) >= MIN_KNOWN_SECRET]
    known += known_secrets()
    for secret in sorted(set(known), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _blank_shapes(redact(text))


def _blank_shapes(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + MASK, text)
    return text


def url_secrets(url: str) -> list[str]:
    """The password and key-like query values written into ``url`` (what :func:`redact_url` blanks)."""
    try:
        parts = urllib.parse.urlsplit(url)
        found = [parts.password] if parts.password else []
    except ValueError:
        return []
    found += [value for name, value in urllib.parse.parse_qsl(parts.query) if _SECRET_QUERY.match(name) and value]
    return found


def redact_url(url: str) -> str:
    """``url`` with a password in it and the values of key-like query parameters as ``***``."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return scrub_secrets(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:***@{host}" if ":" in userinfo else f"***@{host}"
    query = parts.query
    if query:
        pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
        query = "&".join(f"{name}={'***' if _SECRET_QUERY.match(name) else value}" for name, value in pairs)
    return scrub_secrets(urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment)), url_secrets(url))


# ----- logs ------------------------------------------------------------------------------------


def install_log_redaction() -> Callable[[], None]:
    """Scrub every log record this process creates from now on; returns the undo function.

    Libraries log what they send and receive at DEBUG (litellm logs whole responses), and
    pytest shows captured logs for failing items, prints them live with ``log_cli`` and writes
    them into JUnit XML. A log record factory is the one place every record passes through,
    whichever logger and handler it meets: the message is formatted once, scrubbed, and kept
    with no arguments left to format.
    """
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it for logging's own error report
            return record
        scrubbed = _blank_shapes(redact(message))  # the run's secrets as collected when it started
        if scrubbed != message or record.args:
            record.msg, record.args = scrubbed, None
        return record

    factory.__wrapped__ = previous  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)

    def undo() -> None:
        if logging.getLogRecordFactory() is factory:
            logging.setLogRecordFactory(previous)

    return undo
