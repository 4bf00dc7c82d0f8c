"""Word ids per keyword-index row, kept with each generation, and BM25 built from them in numpy.

Adding one letter to a large index must not re-read and re-analyse every chunk: the rows' words
are stored once, and a build only tokenises the new chunks. Everything that depends on the whole
corpus (compound splits, stems, document frequencies, lengths) is recomputed per distinct word or
with array operations, so an incremental build equals a full build exactly."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np

from kb.lexical import Decompounder, LexicalIndex, stem_words, words

K1, B = 1.2, 0.75


@dataclass(frozen=True)
class RowWords:
    """The words (after stopwords, before stemming) of each row: row i is flat[offsets[i]:offsets[i+1]]."""

    vocab: tuple[str, ...]
    flat: np.ndarray  # int32 word ids
    offsets: np.ndarray  # int64, one more than rows

    @classmethod
    def from_texts(cls, texts: Sequence[str]) -> RowWords:
        index: dict[str, int] = {}
        flat: list[int] = []
        offsets = [0]
        for text in texts:
            flat.extend(index.setdefault(w, len(index)) for w in words(text))
            offsets.append(len(flat))
        return cls(tuple(index), np.asarray(flat, dtype=np.int32), np.asarray(offsets, dtype=np.int64))

    @property
    def rows(self) -> int:
        return len(self.offsets) - 1

    def take(self, rows: np.ndarray) -> RowWords:
        """The given rows (integer positions, repeats allowed), in that order."""
        lens = np.diff(self.offsets)[rows]
        offsets = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
        starts = np.repeat(self.offsets[:-1][rows] - offsets[:-1], lens)
        return RowWords(self.vocab, self.flat[starts + np.arange(offsets[-1])], offsets)

    def extend(self, other: RowWords) -> RowWords:
        """These rows followed by `other`'s, in one vocabulary."""
        index = {w: i for i, w in enumerate(self.vocab)}
        remap = np.fromiter((index.setdefault(w, len(index)) for w in other.vocab), np.int32, len(other.vocab))
        flat = np.concatenate([self.flat, remap[other.flat]]).astype(np.int32)
        offsets = np.concatenate([self.offsets, other.offsets[1:] + self.offsets[-1]])
        return RowWords(tuple(index), flat, offsets)

    def compact(self) -> RowWords:
        """Drops words no row uses any more (deleted documents), so they stop counting as known."""
        used = np.bincount(self.flat, minlength=len(self.vocab)) > 0
        if used.all():
            return self
        remap = (np.cumsum(used) - 1).astype(np.int32)
        return RowWords(tuple(w for w, u in zip(self.vocab, used, strict=True) if u), remap[self.flat], self.offsets)

    def save(self, directory: Path) -> None:
        (directory / "row_words.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        np.save(directory / "row_words.npy", self.flat)
        np.save(directory / "row_offsets.npy", self.offsets)

    @classmethod
    def load(cls, directory: Path) -> RowWords | None:
        """None for a generation written before row words were kept."""
        if not (directory / "row_offsets.npy").exists():
            return None
        vocab = tuple(json.loads((directory / "row_words.json").read_text(encoding="utf-8")))
        return cls(vocab, np.load(directory / "row_words.npy"), np.load(directory / "row_offsets.npy"))


def lexical_from_texts(texts: Sequence[str], ids: np.ndarray) -> LexicalIndex:
    return build_lexical(RowWords.from_texts(texts), ids)


def build_lexical(rows: RowWords, ids: np.ndarray) -> LexicalIndex:
    """The keyword index of `rows` (row i belongs to ids[i]); the same whether the rows were tokenised now or kept."""
    rows = rows.compact()
    dec = Decompounder(rows.vocab)
    terms: dict[str, int] = {}
    word_terms: list[int] = []
    word_ptr = [0]
    for w in rows.vocab:  # once per distinct word, not per token
        word_terms.extend(terms.setdefault(t, len(terms)) for t in stem_words([w, *dec.split(w)]))
        word_ptr.append(len(word_terms))
    ptr, per_word = np.asarray(word_ptr, np.int64), np.asarray(word_terms, np.int32)
    counts = np.diff(ptr)[rows.flat]
    starts = np.repeat(ptr[:-1][rows.flat] - np.cumsum(counts) + counts, counts)
    term_ids = per_word[starts + np.arange(counts.sum())]
    token_rows = np.repeat(np.repeat(np.arange(rows.rows), np.diff(rows.offsets)), counts)
    empty = np.flatnonzero(np.bincount(token_rows, minlength=rows.rows) == 0)
    if len(empty):  # bm25s needs a term in every row
        term_ids = np.concatenate([term_ids, np.full(len(empty), terms.setdefault("", len(terms)), np.int32)])
        token_rows = np.concatenate([token_rows, empty])
    bm25 = bm25s.BM25(k1=K1, b=B)
    bm25.scores = bm25_matrix(token_rows, term_ids, rows.rows, len(terms))
    bm25.vocab_dict = terms
    bm25.unique_token_ids_set = set(terms.values())
    bm25.nonoccurrence_array = None
    return LexicalIndex(bm25, np.asarray(ids, dtype=np.int64), dec)


def bm25_matrix(token_rows: np.ndarray, term_ids: np.ndarray, n_rows: int, n_terms: int) -> dict:
    """bm25s's term-major (CSC) score matrix, Lucene variant, from one (row, term) pair per token."""
    lengths = np.bincount(token_rows, minlength=n_rows).astype(np.float64)
    pairs, tf = np.unique(term_ids.astype(np.int64) * n_rows + token_rows, return_counts=True)
    term, row = np.divmod(pairs, n_rows)  # sorted by term, then row: CSC order
    df = np.bincount(term, minlength=n_terms)
    idf = np.log(1 + (n_rows - df + 0.5) / (df + 0.5)).astype(np.float32)
    tfc = tf / (K1 * ((1 - B) + B * lengths[row] / lengths.mean()) + tf)
    indptr = np.concatenate([[0], np.cumsum(df)])
    return {"data": (idf[term] * tfc).astype(np.float32), "indices": row.astype(np.int32),
            "indptr": indptr.astype(np.int64), "num_docs": n_rows}
