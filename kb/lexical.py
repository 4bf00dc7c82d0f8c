"""Dutch BM25 (bm25s + PyStemmer 'dutch_porter' + Dutch stopwords), with compound splitting."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_DUTCH

# 'dutch_porter' gives the stems PostgreSQL's 'dutch' configuration gives, so both stores agree.
STEMMER_NAME = "dutch_porter"
_EXTRA_STOPWORDS = {"wij", "we", "ons", "onze", "uw", "zo", "zoals", "mede", "waarbij", "hierbij",
                    "daarbij", "wel", "hier", "daar", "zal", "zullen", "kunnen", "worden", "gaat"}
STOPWORDS = frozenset(STOPWORDS_DUTCH) | _EXTRA_STOPWORDS
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")
_MIN_PART = 4  # shorter compound parts ('re', 'ge', 'ver') split words that are no compounds
_LINKS = ("", "s", "e", "en")  # Dutch linking morphemes: grens-regio, rijk-s-overheid, pann-en-koek


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMER_NAME)


def words(text: str) -> list[str]:
    """Lower-cased word forms; a hyphenated word yields its parts and the joined form."""
    out: list[str] = []
    for w in _tokens(text):
        if "-" in w:
            parts = [p for p in w.split("-") if p]
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(w.removesuffix("'s"))
    return [w for w in out if w not in STOPWORDS]


def hyphen_joins(text: str) -> list[str]:
    """The joined forms `words` adds for hyphenated words ('zuidlimburg'); PostgreSQL's parser
    keeps 'zuid-limburg' instead, so kb.pglexical indexes these beside the text."""
    joins = ("".join(p for p in w.split("-") if p) for w in _tokens(text) if "-" in w)
    return [w for w in joins if w not in STOPWORDS]


def _tokens(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).lower().replace("’", "'"))


class Decompounder:
    """Splits a word into two words the corpus itself uses on their own (grenslandagenda ->
    grensland + agenda), so a query for a part finds the compound and the other way round."""

    def __init__(self, known: Iterable[str], links: tuple[str, ...] = _LINKS) -> None:
        self.known = frozenset(w for w in known if len(w) >= _MIN_PART and w.isalpha())
        self.links = links

    def split(self, word: str, depth: int = 2) -> list[str]:
        """Known parts of a compound, longest tail first; [] when it is not one."""
        if depth == 0 or len(word) < 2 * _MIN_PART or not word.isalpha():
            return []
        for cut in range(len(word) - _MIN_PART, _MIN_PART - 1, -1):
            head, tail = word[:cut], word[cut:]
            if tail not in self.known:
                continue
            for link in self.links:
                stem = head[: len(head) - len(link)] if link else head
                if not head.endswith(link) or len(stem) < _MIN_PART:
                    continue
                if stem in self.known:
                    return [stem, tail]
                inner = self.split(stem, depth - 1)
                if inner:
                    return [*inner, tail]
        return []


def substrings(ws: Iterable[str]) -> list[str]:
    """Every piece of the words that could be a compound part: what a Decompounder for just these
    words needs to know, when the vocabulary is too large to hold (PostgreSQL asks its table)."""
    out: set[str] = set()
    for w in ws:
        if len(w) >= 2 * _MIN_PART and w.isalpha():
            out.update(w[i:j] for i in range(len(w)) for j in range(i + _MIN_PART, len(w) + 1))
    return sorted(out)


def analyze(text: str, decompounder: Decompounder | None = None) -> list[str]:
    """Stemmed index terms of a text, compound parts included."""
    ws = words(text)
    return stem_words(with_parts(ws, decompounder) if decompounder is not None else ws)


def with_parts(ws: list[str], decompounder: Decompounder) -> list[str]:
    """The words followed by the compound parts of each, as the keyword indexes hold them."""
    return ws + [p for w in ws for p in decompounder.split(w)]


def stem_words(ws: list[str]) -> list[str]:
    return _stemmer().stemWords(ws)


class LexicalIndex:
    """BM25 over rows; row i belongs to ids[i] (the vector ids of the chunks). Built by kb.terms."""

    def __init__(self, bm25: bm25s.BM25, ids: np.ndarray, decompounder: Decompounder) -> None:
        self._bm25 = bm25
        self.ids = ids
        self.decompounder = decompounder

    def scores(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every row (0 where no term matches); `mask` zeroes rows left out."""
        terms = [t for t in analyze(query, self.decompounder) if t in self._bm25.vocab_dict]
        if not terms or len(self.ids) == 0:
            return np.zeros(len(self.ids), dtype=np.float32)
        s = np.asarray(self._bm25.get_scores(terms), dtype=np.float32)
        return s * mask if mask is not None else s

    def document_frequencies(self, stems: Iterable[str]) -> dict[str, int]:
        """Rows holding each stemmed term; terms the index lacks are left out."""
        vocab = self._bm25.vocab_dict
        indptr = self._bm25.scores["indptr"]  # column (term) pointers of the CSC score matrix
        return {t: int(indptr[vocab[t] + 1] - indptr[vocab[t]]) for t in set(stems) if t in vocab}

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(directory), show_progress=False)
        np.save(directory / "row_ids.npy", self.ids)
        (directory / "known_words.json").write_text(
            json.dumps(sorted(self.decompounder.known), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        bm25 = bm25s.BM25.load(str(directory), mmap=True, show_progress=False)
        ids = np.load(directory / "row_ids.npy")
        known = json.loads((directory / "known_words.json").read_text(encoding="utf-8"))
        return cls(bm25, ids, Decompounder(known))
