"""The store contract (kb.store): one suite that the embedded store and a real PostgreSQL must both
pass: writes and generations, snapshots, filters, the ranking spec against its reference, lookups
by id and dossier, model refusal, the writer lock and crash safety."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ingest.pipeline import build_index
from kb.embed import HashingEmbedder
from kb.lexical import words
from kb.ranking import RANK, SCORE, Candidate, RankedList, RankingSpec, reference_rank
from kb.records import SearchFilters
from kb.search import Searcher
from kb.settings import Settings
from kb.store import IndexBusy, ModelMismatch, Store

LETTER_2018 = "2018-04-20_kamerbrief_grensoverschrijdende-samenwerking.txt"
LETTER_2020 = "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt"
ENGINES = ["embedded", "postgres"]
_schemas = itertools.count()


@dataclass
class Engine:
    """One engine over one location: open() gives another handle on it, as another process would."""

    name: str
    settings: Settings
    open: Callable[[], Store]

    def build(self) -> Store:
        store = self.open()
        build_index(self.settings, store, HashingEmbedder())
        return store


def _engine(name: str, request: pytest.FixtureRequest, base: Path) -> Engine:
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=base / "index", embed_backend="hashing")
    if name == "embedded":
        from kb.embedded import EmbeddedStore

        return Engine(name, settings, lambda: EmbeddedStore(settings.index_dir))
    from kb.postgres import PostgresStore

    pg = request.getfixturevalue("postgres")
    settings = replace(settings, database_url=pg.url, database_schema=f"contract{next(_schemas)}")
    return Engine(name, settings, lambda: PostgresStore(settings.database_url, settings.database_schema))


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    return _engine(request.param, request, tmp_path)


@pytest.fixture(scope="module", params=ENGINES)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The shipped letters indexed once per engine, for the read-only tests."""
    yield _engine(request.param, request, tmp_path_factory.mktemp(request.param)).build()


def _ids(store: Store, source: str) -> str:
    return next(d.doc_id for d in store.documents() if d.source == source)


def test_add_change_delete_and_a_build_that_changes_nothing(engine: Engine):
    store = engine.build()
    assert len(store.documents()) == 5 and store.manifest() is not None
    f = engine.settings.corpus_dir / LETTER_2020
    f.write_text(f.read_text(encoding="utf-8") + "\n\nEen nieuwe alinea over de Eems-Dollard.\n", encoding="utf-8")
    (engine.settings.corpus_dir / LETTER_2018).unlink()
    second = build_index(engine.settings, store, HashingEmbedder())
    assert (len(second.changed), len(second.removed), len(second.unchanged)) == (1, 1, 3)
    assert 0 < second.chunks_embedded < second.chunks_total  # unchanged passages from the embedding cache
    searcher = Searcher(store, HashingEmbedder())
    assert LETTER_2018 not in {d.source for d in store.documents()}
    assert all(h.document.source != LETTER_2018 for h in searcher.search("Grensinformatiepunten", top_k=50))
    hits = searcher.search("Eems-Dollard", top_k=3)
    assert hits and hits[0].document.source == LETTER_2020 and "Eems-Dollard" in hits[0].chunk.text
    again = build_index(engine.settings, store, HashingEmbedder())
    assert again.chunks_embedded == 0 and again.generation == second.generation
    assert (store.last_report() or {})["counts"]["unchanged"] == 4


def test_a_snapshot_keeps_its_generation_and_a_reader_moves_on_when_it_refreshes(engine: Engine):
    store = engine.build()
    pinned, reader = store.snapshot(), engine.open()
    old = reader.manifest()
    gone = _ids(store, LETTER_2018)
    old_chunks = pinned.chunks_of(gone)
    (engine.settings.corpus_dir / LETTER_2018).unlink()
    engine.build()  # another writer
    assert reader.manifest() == old and len(reader.documents()) == 5  # still serving the old one
    assert gone in pinned.documents_by_id([gone]) and pinned.chunks_of(gone) == old_chunks
    assert not pinned.refresh() and len(pinned.documents()) == 5
    assert reader.refresh() and len(reader.documents()) == 4 and not reader.documents_by_id([gone])


def test_documents_by_id_and_by_dossier(built: Store):
    docs = built.documents()
    some = [docs[0].doc_id, docs[3].doc_id, "bestaat-niet"]
    assert set(built.documents_by_id(some)) == set(some[:2])
    dossier = built.dossier("32 851")
    assert [d.date for d in dossier] == sorted(d.date or "" for d in docs if d.dossier == "32 851")
    assert len(dossier) == 4 and dossier[-1].date == "2023-12-15"
    assert built.dossier("99 999") == []


FILTERS = [SearchFilters(sources=(LETTER_2020,)), SearchFilters(since=date(2022, 1, 1)),
           SearchFilters(until=date(2020, 12, 31), doc_types=("kamerbrief",)),
           SearchFilters(since=date(2021, 1, 1), until=date(2021, 12, 31))]


@pytest.mark.parametrize("filters", FILTERS, ids=["source", "since", "until+type", "one year"])
def test_every_list_keeps_to_the_filters(built: Store, filters: SearchFilters):
    table = built.doc_table()
    allowed = set(table.doc_ids[table.mask(filters)])
    assert allowed and len(allowed) < 5
    vector = HashingEmbedder().embed_query("grensoverschrijdende samenwerking")
    spec = RankingSpec(vector, "grens samenwerking", 1.0, 50, 10, (RankedList(filters),), 50)
    for found in (built.dense_candidates(vector, 50, filters), built.lexical_candidates("grens", 50, filters),
                  built.rank(spec)):
        assert found and {c.doc_id for c in found} <= allowed


def _vocabulary() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    return [*sorted({w for w in words(text) if len(w) >= 5})[::7], "xyzzyq"]


VOCABULARY = _vocabulary()
YEARS = [date(y, m, 1) for y in range(2017, 2025) for m in (1, 7)]


def _filters(draw: st.DrawFn, doc_ids: list[str]) -> SearchFilters:
    kind = draw(st.sampled_from(["none", "ids", "dates", "type"]))
    if kind == "ids":
        return SearchFilters(doc_ids=tuple(draw(st.sets(st.sampled_from(doc_ids), min_size=1, max_size=3))))
    if kind == "dates":
        lo, hi = sorted(draw(st.lists(st.sampled_from(YEARS), min_size=2, max_size=2)))
        return SearchFilters(since=lo, until=hi)
    return SearchFilters(doc_types=("kamerbrief",)) if kind == "type" else SearchFilters()


@st.composite
def specs(draw: st.DrawFn, doc_ids: list[str]) -> RankingSpec:
    query = " ".join(draw(st.lists(st.sampled_from(VOCABULARY), min_size=1, max_size=4)))
    base = _filters(draw, doc_ids)
    groups = draw(st.lists(st.sets(st.sampled_from(doc_ids), min_size=1, max_size=2), max_size=2))
    scoped = [replace(base, doc_ids=tuple(sorted(g & set(base.doc_ids or g)))) for g in groups]  # as Searcher does
    lists = [RankedList(base)] + [RankedList(f, 1.5) for f in scoped if f.doc_ids]
    return RankingSpec(HashingEmbedder().embed_query(query), query, draw(st.sampled_from([0.0, 0.5, 1.0])),
                       draw(st.sampled_from([5, 20, 100])), draw(st.sampled_from([10, 60])), tuple(lists),
                       draw(st.sampled_from([3, 10, 40])), draw(st.sampled_from([RANK, SCORE])))


def assert_same_ranking(got: list[Candidate], want: list[Candidate]) -> None:
    """Equal lists; passages whose scores tie (to float rounding) may swap places, and a tie at the
    top_k cut may bring in another of the tied passages."""
    assert len(got) == len(want) and len({c.chunk_id for c in got}) == len(got), (got, want)
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert abs(g.score - w.score) <= 1e-9, (i, g, w)
        tied = [c.chunk_id for c in want if abs(c.score - w.score) <= 1e-9]
        at_cut = abs(w.score - want[-1].score) <= 1e-9
        assert g.chunk_id == w.chunk_id or (len(tied) > 1 and (g.chunk_id in tied or at_cut)), (i, g, w)


def test_the_ranking_equals_the_reference_on_random_queries_and_filters(built: Store):
    doc_ids = sorted(d.doc_id for d in built.documents())

    @hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(specs(doc_ids))
    def check(spec: RankingSpec) -> None:
        got = built.rank(spec)
        assert_same_ranking(got, reference_rank(built, spec))
        table = built.doc_table()
        assert {c.doc_id for c in got} <= set(table.doc_ids[table.mask(spec.lists[0].filters)])
        assert len(got) <= spec.top_k

    check()


def test_search_refuses_an_index_of_another_model(built: Store):
    with pytest.raises(ModelMismatch, match="kb ingest --full"):
        Searcher(built, HashingEmbedder(dim=128))


_HOLD_LOCK = """
import sys, time
from pathlib import Path
if sys.argv[1] == "embedded":
    from kb.embedded import EmbeddedStore
    store = EmbeddedStore(Path(sys.argv[2]))
else:
    from kb.postgres import PostgresStore
    store = PostgresStore(sys.argv[2], sys.argv[3])
with store.writer_lock():
    print("locked", flush=True)
    time.sleep(120)
"""


def test_a_second_writer_is_refused_and_a_killed_writer_frees_the_lock(engine: Engine):
    store = engine.build()
    with store.writer_lock(), pytest.raises(IndexBusy, match="wait for it to finish"):
        build_index(engine.settings, engine.open(), HashingEmbedder())
    where = ([str(engine.settings.index_dir)] if engine.name == "embedded"
             else [engine.settings.database_url, engine.settings.database_schema])
    holder = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, engine.name, *where], cwd=ROOT,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusy):
            build_index(engine.settings, engine.open(), HashingEmbedder())
    finally:
        holder.kill()
        holder.wait(30)
    deadline = time.time() + 10  # the server notices the dropped session at once, or nearly
    while True:
        try:
            with engine.open().writer_lock():
                break
        except IndexBusy:
            assert time.time() < deadline, "a killed writer still holds the lock"
            time.sleep(0.2)


def test_a_write_that_fails_halfway_leaves_the_previous_generation(engine: Engine,
                                                                    monkeypatch: pytest.MonkeyPatch):
    store = engine.build()
    before = store.manifest()
    (engine.settings.corpus_dir / LETTER_2018).unlink()

    def boom(*a: object, **k: object) -> None:
        raise OSError("disk full")

    # halfway: the embedded store's generation files, PostgreSQL's rows inserted but not committed
    monkeypatch.setattr("kb.embedded.write_generation" if engine.name == "embedded" else "kb.pgwrite.update_lexemes",
                        boom)
    with pytest.raises(OSError, match="disk full"):
        build_index(engine.settings, engine.open(), HashingEmbedder())
    reopened = engine.open()
    assert reopened.manifest() == before and len(reopened.documents()) == 5
    assert Searcher(reopened, HashingEmbedder()).search("Grensinformatiepunten", top_k=5)
    monkeypatch.undo()
    report = build_index(engine.settings, engine.open(), HashingEmbedder())
    assert len(report.removed) == 1 and len(engine.open().documents()) == 4
    if engine.name == "embedded":
        assert not list(engine.settings.index_dir.glob(".tmp-*"))
