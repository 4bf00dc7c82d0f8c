"""Dense vectors in FAISS under ids we control, so deletes and updates are exact.

Small indexes are searched exactly (IndexIDMap2 over IndexFlatIP). From IVF_MIN_VECTORS on, an
IVF index with half-precision codes takes over: it keeps our ids, removes by id, reconstructs a
stored vector (the embedding cache) and, unlike HNSW, supports deletes. Both load memory-mapped.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import faiss
import numpy as np

# Measured (bench/search_scale.py): exact search costs ~0.25 ms per 1,000 vectors per query on
# this machine, so at 100k it starts to eat the latency budget; IVF answers in ~1 ms at 1M.
IVF_MIN_VECTORS = 100_000
# Share of the lists probed per query (at least IVF_MIN_PROBE); recall@10 against exact search
# is measured in bench/search_scale.py.
IVF_PROBE_SHARE = 1 / 16
IVF_MIN_PROBE = 16
_TRAIN_PER_LIST = 40
_RETRAIN_GROWTH = 4  # retrain the coarse quantizer when the index has grown this much since


class VectorIndex:
    """Inner-product search over L2-normalised vectors; ids are int64 chosen by the caller."""

    def __init__(self, dim: int, index: faiss.Index | None = None, trained_on: int = 0) -> None:
        self.dim = dim
        # Any: faiss's stubs type every index as the base class, without nlist, invlists, id_map
        self._index: Any = index if index is not None else faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
        self.trained_on = trained_on or len(self)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    @property
    def approximate(self) -> bool:
        return isinstance(self._index, faiss.IndexIVF)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dim)
        if len(ids) != len(vectors):
            raise ValueError(f"{len(ids)} ids for {len(vectors)} vectors")
        if len(ids):
            self._index.add_with_ids(vectors, ids)

    def remove(self, ids: np.ndarray) -> int:
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if not len(ids):
            return 0
        # IVF's id hashtable only removes by an explicit array; the flat map is faster by batch
        selector = faiss.IDSelectorArray(ids) if self.approximate else faiss.IDSelectorBatch(ids)
        return int(self._index.remove_ids(selector))

    def reconstruct(self, ids: np.ndarray) -> np.ndarray:
        if not len(ids):
            return np.zeros((0, self.dim), dtype=np.float32)
        # one call into faiss, not one per id: a retrain reconstructs every vector of the index
        return np.asarray(self._index.reconstruct_batch(np.ascontiguousarray(ids, dtype=np.int64)),
                          dtype=np.float32).reshape(len(ids), self.dim)

    def search(self, query: np.ndarray, top_k: int,
               allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(ids, scores) best first; `allowed` restricts the search to those ids."""
        if top_k <= 0 or len(self) == 0 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dim)
        k = min(top_k, len(self) if allowed is None else len(allowed))
        selector = None if allowed is None else faiss.IDSelectorBatch(np.ascontiguousarray(allowed, np.int64))
        params: Any = None
        if self.approximate:
            nprobe = max(IVF_MIN_PROBE, int(self._index.nlist * IVF_PROBE_SHARE))
            params = faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)  # type: ignore[call-arg]
        elif selector is not None:
            params = faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]
        scores, ids = self._index.search(q, k, params=params)
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def all_ids(self) -> np.ndarray:
        if self.approximate:
            invlists = self._index.invlists
            parts = [faiss.rev_swig_ptr(invlists.get_ids(i), invlists.list_size(i)).copy()
                     for i in range(self._index.nlist) if invlists.list_size(i)]
            return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def rebalanced(self) -> VectorIndex:
        """The index suited to the current size: exact while small; IVF (re)trained past the
        threshold or after much growth. Returns self when nothing needs to change."""
        n = len(self)
        if n < IVF_MIN_VECTORS:
            return self if not self.approximate else self._rebuilt_flat()
        if self.approximate and n < _RETRAIN_GROWTH * self.trained_on:
            return self
        ids = np.sort(self.all_ids())
        return build_ivf(self.dim, ids, self.reconstruct(ids))

    def _rebuilt_flat(self) -> VectorIndex:
        ids = np.sort(self.all_ids())
        flat = VectorIndex(self.dim)
        flat.add(ids, self.reconstruct(ids))
        return flat

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))
        path.with_suffix(".trained").write_text(str(self.trained_on), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Memory-mapped: the OS keeps what searches touch, and several processes share it."""
        try:
            index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_MMAP_IFC)
        except RuntimeError:  # a faiss build without mmap support for this index type
            index = faiss.read_index(str(path))
        marker = path.with_suffix(".trained")
        trained = int(marker.read_text(encoding="utf-8")) if marker.exists() else 0
        return cls(index.d, index, trained)

    def copy(self) -> VectorIndex:
        """A writable in-memory copy (the loaded index may be memory-mapped, read-only)."""
        return VectorIndex(self.dim, faiss.deserialize_index(faiss.serialize_index(self._index)), self.trained_on)


def build_ivf(dim: int, ids: np.ndarray, vectors: np.ndarray, seed: int = 7) -> VectorIndex:
    """An IVF index with fp16 codes over these vectors; ~4*sqrt(n) lists, trained on a sample.
    fp16 rather than 8-bit codes: with 8 bits, recall@10 stayed at 0.97 whatever nprobe."""
    n = len(ids)
    nlist = max(1, int(4 * math.sqrt(n)))
    index = faiss.IndexIVFScalarQuantizer(faiss.IndexFlatIP(dim), dim, nlist, faiss.ScalarQuantizer.QT_fp16,
                                          faiss.METRIC_INNER_PRODUCT)
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(n, min(n, _TRAIN_PER_LIST * nlist), replace=False)]
    index.train(np.ascontiguousarray(sample, dtype=np.float32))
    index.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]  # reconstruct/remove by id
    out = VectorIndex(dim, index, trained_on=n)
    out.add(ids, vectors)
    return out
