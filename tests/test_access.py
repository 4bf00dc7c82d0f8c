"""Operator sign-in: signed, expiring tokens that any replica sharing the secret accepts, and a
per-client lockout against guessing (kb.access), also through the app's handler."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import SECRET

from kb.access import Operators
from kb.settings import Settings

PASSWORD = "lang-genoeg-wachtwoord"
CREDS = Settings(operator_user="beheerder", operator_password=PASSWORD, secret_key=SECRET,
                 signin_attempts=5, signin_lock_seconds=900)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_sign_in_and_out():
    ops = Operators(CREDS)
    assert ops.sign_in("beheerder", "fout").token is None
    assert ops.sign_in("iemand", PASSWORD, client="other").token is None
    result = ops.sign_in("beheerder", PASSWORD, client="third")
    token = result.token
    assert token and "Ingelogd" in result.message
    assert ops.is_operator(token) and not ops.is_operator("") and not ops.is_operator("x" + token)
    ops.sign_out(token)
    assert not ops.is_operator(token)
    assert not Operators(Settings()).enabled and Operators(Settings()).sign_in("", "").token is None


def test_a_token_from_one_replica_is_accepted_by_another_and_refused_after_it_expires(monkeypatch):
    a, b = Operators(CREDS), Operators(CREDS)  # two processes sharing KB_SECRET_KEY
    token = a.sign_in("beheerder", PASSWORD).token
    assert token and b.is_operator(token)
    other = Operators(Settings(operator_user="beheerder", operator_password=PASSWORD, secret_key="x" * 40))
    assert not other.is_operator(token)  # another secret: forged as far as it knows
    later = time.time() + CREDS.session_seconds + 5
    monkeypatch.setattr("itsdangerous.timed.time.time", lambda: later)
    assert not a.is_operator(token) and not b.is_operator(token)


def test_twenty_wrong_passwords_lock_the_client_for_the_lock_period():
    clock = Clock()
    ops = Operators(CREDS, clock=clock)
    messages = [ops.sign_in("beheerder", f"gok-{i}", client="10.0.0.9").message for i in range(20)]
    assert messages[0] == "Onjuiste gebruikersnaam of wachtwoord."
    assert all("Te veel mislukte pogingen" in m for m in messages[1:])  # slowed from the second try
    refused = ops.sign_in("beheerder", PASSWORD, client="10.0.0.9")
    assert refused.token is None and "minuten" in refused.message
    assert ops.sign_in("beheerder", PASSWORD, client="10.0.0.8").token  # another client is not locked
    clock.now += CREDS.signin_lock_seconds - 10
    assert ops.sign_in("beheerder", PASSWORD, client="10.0.0.9").token is None  # still within the period
    clock.now += 11
    assert ops.sign_in("beheerder", PASSWORD, client="10.0.0.9").token  # after it


def test_failures_are_slowed_before_the_lock():
    clock = Clock()
    ops = Operators(CREDS, clock=clock)
    assert "Onjuiste" in ops.sign_in("beheerder", "a", client="c").message
    clock.now += 1  # past the first wait (0.5 s)
    assert "Onjuiste" in ops.sign_in("beheerder", "b", client="c").message
    assert "Wacht" in ops.sign_in("beheerder", PASSWORD, client="c").message  # within the second wait (1 s)
    clock.now += 3
    assert ops.sign_in("beheerder", PASSWORD, client="c").token


def test_the_app_locks_the_client_it_sees(tmp_path: Path):
    """Through the sign-in handler with the real lock period of the settings (2 s here)."""
    from app import Handlers, KnowledgeBase
    from ingest.pipeline import build_index
    from kb.embed import HashingEmbedder
    from kb.embedded import EmbeddedStore

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "brief.txt").write_text("Brief over de Grenscommissaris.", encoding="utf-8")
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_backend="hashing",
                        operator_user="beheerder", operator_password=PASSWORD, secret_key=SECRET,
                        signin_attempts=5, signin_lock_seconds=2)
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    h = Handlers(KnowledgeBase(settings))
    request = SimpleNamespace(client=SimpleNamespace(host="192.0.2.1"))
    for i in range(20):
        assert h.on_sign_in("beheerder", f"gok-{i}", request)[0] == ""  # type: ignore[arg-type]
    token, _, message, _ = h.on_sign_in("beheerder", PASSWORD, request)  # type: ignore[arg-type]
    assert token == "" and "Te veel mislukte pogingen" in message
    time.sleep(2.5)
    token, _, message, _ = h.on_sign_in("beheerder", PASSWORD, request)  # type: ignore[arg-type]
    assert token and h.kb.operators.is_operator(token) and "Ingelogd" in message
    assert "Alleen een ingelogde beheerder" not in h.on_reindex(token)


@pytest.mark.parametrize("password", ["kort", "elf-tekens!"])
def test_short_passwords_are_refused_at_start(password: str):
    from kb.settings import ConfigError

    with pytest.raises(ConfigError, match="at least 12"):
        Settings(operator_user="a", operator_password=password, secret_key=SECRET).validate()
