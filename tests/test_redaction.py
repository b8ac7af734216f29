"""pytest_mmtrust.redaction: which secrets a run knows, and how they are blanked."""

from __future__ import annotations

import html
import json
import logging
import urllib.parse
from typing import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_mmtrust import redaction
from pytest_mmtrust.redaction import (
    MASK,
    add_secret,
    add_url_secrets,
    install_log_redaction,
    known_secrets,
    redact,
    redact_value,
    refresh,
    scrub_secrets,
)


@pytest.fixture(autouse=True)
def fresh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts from the environment it sets up, and leaves no registered secret behind."""
    yield
    monkeypatch.undo()
    refresh()


@pytest.mark.parametrize("name", [
    "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "AZURE_OPENAI_APIKEY", "HF_TOKEN", "GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN", "DB_PASSWORD", "SMTP_PASSWD", "GPG_PASSPHRASE", "CLIENT_SECRET",
    "GOOGLE_CREDENTIALS", "NPM_AUTH", "OPENAI_API_KEY_2", "KEY", "api_key",
])
def test_environment_variables_named_like_secrets_are_known(name: str) -> None:
    assert known_secrets({name: "s3cr3t-value-123"}) == ["s3cr3t-value-123"]


@pytest.mark.parametrize("name", ["PATH", "PWD", "OLDPWD", "HOME", "SSH_AUTH_SOCK", "MONKEY", "KEYBOARD", "TOKENIZERS_PARALLELISM",
                                  "HF_HUB_OFFLINE", "LITELLM_LOCAL_MODEL_COST_MAP"])
def test_other_environment_variables_are_not(name: str) -> None:
    assert known_secrets({name: "/usr/local/some-long-value"}) == []


def test_short_values_are_flags_not_secrets_and_urls_give_up_their_credentials() -> None:
    found = known_secrets({
        "GIT_TOKEN": "1", "DEBUG_KEY": "yes", "HTTPS_PROXY": "http://me:proxy-pass-42@proxy:3128",
        "OPENAI_API_BASE": "https://h/v1?api-key=query-key-99&x=1", "PLAIN_URL": "https://example.org/a?b=c",
    })
    assert sorted(found) == ["proxy-pass-42", "query-key-99"]


def test_redact_blanks_every_escaped_spelling(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = 'k3y/with "quote" & <angle>+plus'
    monkeypatch.setenv("ODD_API_KEY", secret)
    refresh()
    for spelling in (secret, json.dumps(secret)[1:-1], html.escape(secret), urllib.parse.quote(secret, safe=""),
                     urllib.parse.quote_plus(secret)):
        assert redact(f"before {spelling} after") == f"before {MASK} after"
    assert redact("nothing here") == "nothing here"
    assert redact_value({"a": [secret, 1, (secret,)], secret: None}) == {"a": [MASK, 1, (MASK,)], MASK: None}


def test_registered_secrets_last_until_the_next_run(monkeypatch: pytest.MonkeyPatch) -> None:
    refresh()
    add_secret("abc")  # too short to be told from ordinary text
    add_secret("given-by-hand-77")
    add_url_secrets("https://user:url-pass-88@h/v1,http://other/v1?token=tok-99")
    assert redact("abc given-by-hand-77 url-pass-88 tok-99") == f"abc {MASK} {MASK} {MASK}"
    refresh()
    assert redact("given-by-hand-77") == "given-by-hand-77"


def test_answers_keep_key_shaped_text_but_errors_do_not(monkeypatch: pytest.MonkeyPatch) -> None:
    refresh()
    code = "client = OpenAI(api_key='sk-example-not-a-real-key')"
    assert redact(code) == code  # an answer about keys is data
    assert "sk-example" not in scrub_secrets(code)  # an error message or log line is not


def test_the_environment_is_read_when_a_run_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LATE_TOKEN", raising=False)
    refresh()
    monkeypatch.setenv("LATE_TOKEN", "late-token-value-1")
    assert redact("late-token-value-1") == "late-token-value-1"  # cached for speed: answers and cells
    assert scrub_secrets("late-token-value-1") == MASK  # errors read the environment every time
    refresh()
    assert redact("late-token-value-1") == MASK


def test_log_records_are_scrubbed_wherever_they_go(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("LOGGED_API_KEY", "logged-key-0123456")
    refresh()  # a run starts: the plugin collects the secrets, then installs the factory
    before = logging.getLogRecordFactory()
    undo = install_log_redaction()
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("some.library").debug("sending %s with %r", "Bearer logged-key-0123456", {"k": 1})
            logging.getLogger("other").warning("raw response: {'content': 'logged-key-0123456'}")
    finally:
        undo()
    assert "logged-key-0123456" not in caplog.text
    assert "sending Bearer *** with {'k': 1}" in caplog.text
    assert logging.getLogRecordFactory() is before


@given(st.text(max_size=60), st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FFF), min_size=8, max_size=30))
def test_no_text_keeps_a_known_secret(prefix: str, secret: str) -> None:
    redaction.refresh([secret])
    try:
        for text in (prefix + secret, secret + prefix, prefix + json.dumps(secret) + prefix):
            assert secret not in redact(text)
    finally:
        redaction.refresh()
