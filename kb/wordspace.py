"""The corpus's Dutch words in the model's multilingual space, to translate a foreign query's
words into words the corpus itself writes (Anerkennung -> erkenning, Ausland -> buitenland).

Kept beside the index (`wordspace.npz`: words and float16 vectors), grown at each build by the
words new to the corpus, so a build embeds only what it adds. No external data: it follows
whatever corpus is loaded."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.embed import Embedder

log = logging.getLogger(__name__)

FILE = "wordspace.npz"
MAX_WORDS = 200_000  # a bound on memory (about 150 MB of float16 at 384 dimensions)
MIN_LETTERS = 4


@dataclass(frozen=True)
class WordSpace:
    model_id: str
    words: tuple[str, ...]
    vectors: np.ndarray  # float16, one row per word, unit length

    def nearest(self, vectors: np.ndarray, k: int = 2) -> list[list[tuple[str, float]]]:
        """The k nearest corpus words of each query vector, with their cosine."""
        if len(self.words) == 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        sims = np.asarray(vectors, dtype=np.float32) @ self.vectors.astype(np.float32).T
        k = min(k, len(self.words))
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        out = []
        for row, idx in zip(sims, top, strict=True):
            best = idx[np.argsort(-row[idx])]
            out.append([(self.words[i], float(row[i])) for i in best])
        return out

    def save(self, directory: Path) -> None:
        tmp = directory / f".{FILE}.tmp.npz"
        np.savez(tmp, words=np.asarray(self.words, dtype=object), vectors=self.vectors,
                 model_id=np.asarray(self.model_id))
        tmp.replace(directory / FILE)


def load_wordspace(directory: Path) -> WordSpace | None:
    path = directory / FILE
    if not path.exists():
        return None
    with np.load(path, allow_pickle=True) as data:
        return WordSpace(str(data["model_id"]), tuple(str(w) for w in data["words"]), data["vectors"])


def grow_wordspace(directory: Path, words: Iterable[str], embedder: Embedder) -> tuple[WordSpace, int]:
    """The saved word space with the words it lacks embedded and added; (space, words added).
    A space built by another model is rebuilt."""
    old = load_wordspace(directory)
    if old is not None and old.model_id != embedder.model_id:
        old = None
    have = set(old.words) if old else set()
    new = sorted({w for w in words if len(w) >= MIN_LETTERS and w.isalpha() and w not in have})
    room = MAX_WORDS - len(have)
    new = new[: max(room, 0)]
    if not new and old is not None:
        return old, 0
    vectors = embedder.embed_passages(new) if new else np.zeros((0, 0), np.float32)
    if old is not None and len(new):
        space = WordSpace(old.model_id, old.words + tuple(new),
                          np.vstack([old.vectors, vectors.astype(np.float16)]))
    elif old is not None:
        space = old
    else:
        space = WordSpace(embedder.model_id, tuple(new), np.asarray(vectors, dtype=np.float16))
    space.save(directory)
    return space, len(new)


class WordSpaceCache:
    """The word space of an index directory, reloaded when a build has replaced the file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._space: WordSpace | None = None

    def get(self) -> WordSpace | None:
        path = self.directory / FILE
        try:
            stamp = path.stat().st_mtime
        except OSError:
            return None
        with self._lock:
            if stamp != self._stamp:
                try:
                    self._space = load_wordspace(self.directory)
                except (OSError, ValueError, KeyError) as exc:
                    log.warning("word space %s unreadable, translating without it: %s", path, exc)
                    self._space = None
                self._stamp = stamp
            return self._space
