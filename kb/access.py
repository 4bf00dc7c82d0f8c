"""Operator sign-in: credentials from the settings, sessions as signed, expiring tokens, and a
per-client lockout that makes guessing the password slow.

A token is signed with KB_SECRET_KEY (itsdangerous), so every replica that shares the secret
accepts it without shared memory; it expires after KB_SESSION_SECONDS. Sign-out revokes the
token in this process (and the page forgets it); other replicas refuse it when it expires.

Guessing: each failed attempt from a client makes it wait before the next (0.5 s, 1 s, 2 s, …);
after KB_SIGNIN_ATTEMPTS failures it is refused for KB_SIGNIN_LOCK_SECONDS, even with the right
password. Failures are logged with the client's address."""

from __future__ import annotations

import hmac
import logging
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from kb.settings import Settings

log = logging.getLogger(__name__)
_SALT = "kb-operator-session"
_MAX_FIELD_CHARS = 256
_MAX_CLIENTS = 10_000  # bounded memory for the failure table


@dataclass(frozen=True)
class SignIn:
    """The outcome of one attempt: a token, or the Dutch message that says why not."""

    token: str | None
    message: str


@dataclass
class _Failures:
    count: int = 0
    last: float = 0.0
    locked_until: float = 0.0


class Operators:
    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self._user = settings.operator_user
        self._password = settings.operator_password
        self._max_age = settings.session_seconds
        self._attempts = settings.signin_attempts
        self._lock_seconds = settings.signin_lock_seconds
        # without an operator there is nothing to sign; a random key keeps every token invalid
        self._secret = settings.secret_key or secrets.token_urlsafe(32)
        self._signer = URLSafeTimedSerializer(self._secret, salt=_SALT)
        self._clock = clock
        self._failures: dict[str, _Failures] = {}
        self._revoked: set[str] = set()
        self._lock = threading.Lock()

    @property
    def browser_secret(self) -> str:
        """The key the page encrypts the stored token with. The browser sees it, so it is derived
        from the signing key, never the key itself; the same on every replica."""
        return hmac.new(self._secret.encode(), b"kb-browser-state", "sha256").hexdigest()[:32]

    @property
    def enabled(self) -> bool:
        return bool(self._user and self._password)

    def sign_in(self, user: str, password: str, client: str = "-") -> SignIn:
        if not self.enabled:
            return SignIn(None, "Beheer is uitgeschakeld: stel KB_OPERATOR_USER en KB_OPERATOR_PASSWORD in.")
        if self._wait_seconds(client):
            self._fail(client, user)  # attempts while told to wait count toward the lock
            return SignIn(None, _wait_message(self._wait_seconds(client)))
        # both fields are always compared, in constant time
        ok_user = hmac.compare_digest(user[:_MAX_FIELD_CHARS].encode(), self._user.encode())
        ok_password = hmac.compare_digest(password[:_MAX_FIELD_CHARS].encode(), self._password.encode())
        if not (ok_user and ok_password):
            self._fail(client, user)
            return SignIn(None, "Onjuiste gebruikersnaam of wachtwoord.")
        with self._lock:
            self._failures.pop(client, None)
        token = self._signer.dumps({"u": self._user, "n": secrets.token_urlsafe(16)})
        log.info("operator %r signed in from %s", self._user, client)
        return SignIn(token, f"Ingelogd als beheerder {self._user}.")

    def is_operator(self, token: str | None) -> bool:
        if not (self.enabled and token) or len(token) > 1024:
            return False
        try:
            data = self._signer.loads(token, max_age=self._max_age)
        except (SignatureExpired, BadSignature):
            return False
        with self._lock:
            revoked = data.get("n") in self._revoked
        return isinstance(data, dict) and data.get("u") == self._user and not revoked

    def sign_out(self, token: str | None) -> None:
        try:
            nonce = self._signer.loads(token or "", max_age=self._max_age).get("n")
        except (SignatureExpired, BadSignature, AttributeError):
            return
        with self._lock:
            self._revoked.add(str(nonce))

    def _wait_seconds(self, client: str) -> int:
        now = self._clock()
        with self._lock:
            f = self._failures.get(client)
            if f is None:
                return 0
            if f.locked_until:
                if now < f.locked_until:
                    return int(f.locked_until - now) + 1
                del self._failures[client]  # the lock period is over: a clean slate
                return 0
            backoff = 0.5 * 2 ** (f.count - 1)
            return int(backoff - (now - f.last)) + 1 if now - f.last < backoff else 0

    def _fail(self, client: str, user: str) -> None:
        now = self._clock()
        with self._lock:
            if client not in self._failures and len(self._failures) >= _MAX_CLIENTS:
                self._failures.pop(next(iter(self._failures)))
            f = self._failures.setdefault(client, _Failures())
            f.count, f.last = f.count + 1, now
            if f.count >= self._attempts and not f.locked_until:
                f.locked_until = now + self._lock_seconds
        log.warning("failed operator sign-in for user %r from %s (%d in a row%s)", user[:40], client, f.count,
                    ", locked" if f.locked_until else "")


def _wait_message(seconds: int) -> str:
    if seconds >= 120:
        return (f"Te veel mislukte pogingen om in te loggen. Probeer het over {seconds // 60 + 1} minuten "
                "opnieuw.")
    return f"Te veel mislukte pogingen om in te loggen. Wacht {seconds} seconden en probeer het opnieuw."
