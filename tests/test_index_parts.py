from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.dates import TimeRef, format_date_nl, parse_time_refs, wants_latest
from kb.fusion import reciprocal_rank_fusion
from kb.glossary import dutch_terms, localize
from kb.lang import detect_language
from kb.lexical import Decompounder, LexicalIndex, analyze
from kb.ranking import Candidate, fuse_scores, standardised
from kb.terms import RowWords, build_lexical, lexical_from_texts
from kb.vectors import VectorIndex


def _unit(rng: np.random.Generator, n: int, d: int) -> np.ndarray:
    v = rng.normal(size=(n, d)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _oracle(store: dict[int, np.ndarray], q: np.ndarray, k: int) -> list[int]:
    ids = sorted(store)
    scores = np.array([store[i] @ q for i in ids])
    return [ids[j] for j in np.argsort(-scores, kind="stable")[:k]]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "update"]), st.integers(0, 40)), max_size=60),
       st.integers(0, 2**31 - 1))
def test_faiss_matches_a_numpy_oracle_under_add_delete_update(ops, seed):
    rng = np.random.default_rng(seed)
    d = 16
    index, oracle = VectorIndex(d), {}
    for op, i in ops:
        if op == "add" and i not in oracle:
            v = _unit(rng, 1, d)
            index.add(np.array([i]), v)
            oracle[i] = v[0]
        elif op == "remove" and i in oracle:
            index.remove(np.array([i]))
            del oracle[i]
        elif op == "update" and i in oracle:
            v = _unit(rng, 1, d)
            index.remove(np.array([i]))
            index.add(np.array([i]), v)
            oracle[i] = v[0]
    assert len(index) == len(oracle)
    q = _unit(rng, 1, d)[0]
    ids, _ = index.search(q, 5)
    assert list(ids) == _oracle(oracle, q, 5)
    if oracle:
        allowed = np.array(sorted(oracle)[::2])
        ids, _ = index.search(q, 3, allowed)
        assert list(ids) == _oracle({i: oracle[i] for i in allowed}, q, 3)


def test_vectors_save_load_round_trip(tmp_path: Path):
    rng = np.random.default_rng(1)
    index = VectorIndex(8)
    vecs = _unit(rng, 10, 8)
    index.add(np.arange(100, 110), vecs)
    index.remove(np.array([103]))
    index.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")
    assert len(loaded) == 9
    np.testing.assert_allclose(loaded.reconstruct(np.array([104])), vecs[4:5], rtol=1e-6)
    assert list(loaded.search(vecs[5], 1)[0]) == [105]


def _clustered(rng: np.random.Generator, n: int, d: int, centres: int = 400) -> np.ndarray:
    base = _unit(rng, centres, d)
    v = base[rng.integers(0, centres, n)] + (0.5 / np.sqrt(d)) * rng.normal(size=(n, d)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_past_the_threshold_ivf_takes_over_and_keeps_deletes_updates_and_recall(tmp_path: Path, monkeypatch):
    from kb import vectors

    monkeypatch.setattr(vectors, "IVF_MIN_VECTORS", 15_000)
    rng = np.random.default_rng(3)
    d, n = 32, 20_000
    data = _clustered(rng, n, d)
    index = VectorIndex(d)
    index.add(np.arange(n), data)
    assert not index.approximate
    ivf = index.rebalanced()
    assert ivf.approximate and len(ivf) == n and ivf.rebalanced() is ivf
    oracle = {i: data[i] for i in range(n)}
    gone = rng.choice(n, 300, replace=False)
    ivf.remove(gone)
    for i in gone:
        del oracle[int(i)]
    for i in rng.choice(sorted(oracle), 200, replace=False):  # updates
        v = _clustered(rng, 1, d)
        ivf.remove(np.array([i]))
        ivf.add(np.array([i]), v)
        oracle[int(i)] = v[0]
    assert len(ivf) == len(oracle)
    np.testing.assert_allclose(ivf.reconstruct(np.array([int(next(iter(oracle)))])),
                               [oracle[next(iter(oracle))]], atol=2e-3)  # fp16 codes
    ivf.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")  # memory-mapped
    queries = _clustered(rng, 100, d)
    recall = np.mean([len(set(loaded.search(q, 10)[0]) & set(_oracle(oracle, q, 10))) / 10 for q in queries])
    assert recall >= 0.98, recall
    allowed = np.array(sorted(oracle)[::3])
    ids, _ = loaded.search(queries[0], 5, allowed)
    assert set(ids) <= set(allowed) and len(ids) == 5
    writable = loaded.copy()
    writable.remove(np.array(sorted(oracle)[:10]))
    assert len(writable) == len(oracle) - 10 and len(VectorIndex.load(tmp_path / "v.faiss")) == len(oracle)
    monkeypatch.setattr(vectors, "IVF_MIN_VECTORS", 30_000)
    assert not writable.rebalanced().approximate  # shrunk below the threshold: exact again


def test_bm25_ranks_and_round_trips(tmp_path: Path):
    texts = ["De grensregio's werken samen met Nedersaksen.", "Het kabinet investeert in woningen.",
             "Een grenslandagenda voor Noordrijn-Westfalen."]
    lex = lexical_from_texts(texts, np.array([7, 8, 9]))
    s = lex.scores("woningbouw woningen kabinet")
    assert int(np.argmax(s)) == 1
    lex.save(tmp_path / "lex")
    again = LexicalIndex.load(tmp_path / "lex")
    np.testing.assert_allclose(again.scores("Nedersaksen"), lex.scores("Nedersaksen"))
    assert list(again.ids) == [7, 8, 9]


_WORDS = ["grens", "regio", "grensregio", "woningen", "kabinet", "de", "het", "agenda", "grenslandagenda",
          "grensland", "werk", "werkgevers", "Nedersaksen", "Noord-Rijn", "diploma", "erkenning", "2023"]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=12).map(" ".join), min_size=1, max_size=25))
def test_numpy_bm25_equals_bm25s_on_the_analysed_terms(texts):
    """The oracle is bm25s's own indexer on analyze()'s terms, the path we replaced."""
    import bm25s

    from kb.lexical import words

    dec = Decompounder({w for t in texts for w in words(t)})
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index([analyze(t, dec) or [""] for t in texts], show_progress=False)
    ours = lexical_from_texts(texts, np.arange(len(texts)))
    assert ours.decompounder.known == dec.known
    for term in ref.vocab_dict:
        if term:
            np.testing.assert_allclose(ours._bm25.get_scores([term]), ref.get_scores([term]), rtol=1e-6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_WORDS), max_size=10).map(" ".join), min_size=2, max_size=20),
       st.data())
def test_kept_row_words_give_the_same_index_as_tokenising_everything(texts, data):
    """An incremental build (keep some rows' words, tokenise only new ones) equals a full build."""
    n_old = data.draw(st.integers(1, len(texts) - 1))
    keep = np.array(sorted(data.draw(st.sets(st.integers(0, n_old - 1)))), dtype=np.int64)
    old = RowWords.from_texts(texts[:n_old])
    incremental = old.take(keep).extend(RowWords.from_texts(texts[n_old:])).compact()
    final = [texts[i] for i in keep] + texts[n_old:]
    full = RowWords.from_texts(final)
    assert [[incremental.vocab[w] for w in incremental.flat[a:b]] for a, b in zip(incremental.offsets,
            incremental.offsets[1:], strict=False)] == [[full.vocab[w] for w in full.flat[a:b]]
                                                        for a, b in zip(full.offsets, full.offsets[1:], strict=False)]
    assert set(incremental.vocab) == set(full.vocab)
    a, b = build_lexical(incremental, np.arange(len(final))), build_lexical(full, np.arange(len(final)))
    for q in ["grens", "agenda", "woningen kabinet", "erkenning diploma"]:
        np.testing.assert_allclose(a.scores(q), b.scores(q), rtol=1e-6)


def test_compound_splitting_matches_parts():
    dec = Decompounder(["grensland", "agenda", "grens", "regio", "informatie", "punten"])
    assert dec.split("grenslandagenda") == ["grensland", "agenda"]
    assert dec.split("grensinformatiepunten") == ["grens", "informatie", "punten"]
    assert dec.split("samenwerking") == []
    texts = ["De grenslandagenda is vastgesteld.", "Een agenda voor de raad.", "Het grensland."]
    lex = lexical_from_texts(texts, np.array([1, 2, 3]))
    assert lex.scores("agenda")[0] > 0  # the compound is found by its part
    assert "grensland" in analyze("grenslandagenda", lex.decompounder)


def test_rrf_is_pure_and_rewards_agreement():
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]], k=60)
    assert [k for k, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    assert reciprocal_rank_fusion([["x"], ["y"]], weights=[1.0, 2.0])[0][0] == "y"


def test_score_fusion_keeps_how_far_a_passage_stands_out():
    # dense: 'a' far ahead; keyword: 'b' barely ahead of 'a'. Rank fusion calls it a tie
    # ('a' 1st + 2nd, 'b' 2nd + 1st); standardised scores give it to the clear dense winner.
    dense = [Candidate("a", "d1", 0.90), Candidate("b", "d1", 0.70), Candidate("c", "d2", 0.69)]
    keyword = [Candidate("b", "d1", 10.0), Candidate("a", "d1", 9.9), Candidate("c", "d2", 2.0)]
    fused = fuse_scores([dense, keyword], [1.0, 1.0], size=3)
    assert [c.chunk_id for c in fused] == ["a", "b", "c"]
    std = float(np.std([0.90, 0.70, 0.69]))
    assert fused[0].score == pytest.approx((0.90 - 0.69) / std + (9.9 - 2.0) / float(np.std([10.0, 9.9, 2.0])))


def test_a_lone_exact_keyword_match_stands_out_in_score_fusion():
    # the keyword list of a rare word has one passage: the other 99 asked for score 0
    dense = [Candidate(f"p{i}", "d", 0.9 - i * 0.001) for i in range(100)]
    fused = fuse_scores([dense, [Candidate("p50", "d", 7.0)]], [1.0, 1.0], size=100)
    assert fused[0].chunk_id == "p50"
    assert standardised([7.0], 100)[0] == pytest.approx(7.0 / float(np.std([7.0] + [0.0] * 99)))
    # a full list whose scores do not vary gives nothing
    assert standardised([5.0, 5.0, 5.0], 3) == [0.0, 0.0, 0.0]


@pytest.mark.parametrize("q,lang", [
    ("Wat zei de brief van maart 2020 over de Benelux?", "nl"),
    ("Hat Knops Ende 2021 gesagt, ob das Gutachten brauchbar ist?", "de"),
    ("When did the Dutch cabinet respond to the European Commission?", "en"),
    ("grenslandagenda NRW themas 2020 vs 2022", "nl"),
])
def test_language_detection(q, lang):
    assert detect_language(q) == lang


def test_time_refs_in_three_languages():
    assert parse_time_refs("de brief van april 2018") == [TimeRef(2018, 4)]
    assert parse_time_refs("der Brief vom Dezember 2021") == [TimeRef(2021, 12)]
    assert parse_time_refs("the 2018 letter and the 2020 one") == [TimeRef(2018), TimeRef(2020)]
    assert parse_time_refs("INTERREG-A 2014–2020 projecten") == []
    assert parse_time_refs("Ende 2021")[0].matches("2021-12")
    assert not parse_time_refs("Ende 2021")[0].matches("2021-03-09")
    assert TimeRef(2022, 5).matches("2022-05-13") and not TimeRef(2022, 5).matches("2022-06-01")
    assert wants_latest("the latest progress letter") and wants_latest("de laatste voortgangsbrief")
    assert format_date_nl("2022-05-13") == "13 mei 2022"


def test_glossary_both_ways():
    assert "Aken" in dutch_terms("Was plant Aachen?", "de")[0]
    assert any("Luik" in t for t in dutch_terms("Liège and Aachen", "en"))
    assert localize("samenwerking met Aken en Nedersaksen", "de") == (
        "samenwerking met Aken [Aachen] en Nedersaksen [Niedersachsen]")
    assert localize("Grensinfopunt Luik, Grensinfopunt Aken", "en").startswith(
        "Grensinfopunt [cross-border information point] Luik [Liège], Grensinfopunt Aken [Aachen]")
    assert localize("samenwerking met Wallonië", "fr") == "samenwerking met Wallonië [Wallonie]"
    assert dutch_terms("Quelles aides à Liège et Aix-la-Chapelle ?", "fr") == ["Aken", "Luik"]


def _passes(doc, f) -> bool:  # type: ignore[no-untyped-def]
    """The filter rule one document at a time: the oracle for DocTable's arrays."""
    from kb.dates import date_bounds

    if (f.doc_types and doc.doc_type not in f.doc_types) or (f.sources and doc.source not in f.sources):
        return False
    if f.doc_ids and doc.doc_id not in f.doc_ids:
        return False
    if f.since or f.until:
        if not doc.date:
            return False
        start, end = date_bounds(doc.date)
        return not ((f.since and end < f.since) or (f.until and start > f.until))
    return True


_DATES = st.one_of(st.none(), st.builds(lambda y, m, d, k: [f"{y}", f"{y}-{m:02d}", f"{y}-{m:02d}-{d:02d}"][k],
                                        st.integers(2015, 2025), st.integers(1, 12), st.integers(1, 28),
                                        st.integers(0, 2)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["kamerbrief", "advies", "other"]), _DATES), min_size=1, max_size=12),
       st.data())
def test_doc_table_filters_and_times_match_the_per_document_rule(rows, data):
    from datetime import date

    from kb.doctable import DocTable
    from kb.records import Document, SearchFilters

    docs = [Document(f"d{i}", f"d{i}.txt", "", doc_type=t, date=d) for i, (t, d) in enumerate(rows)]
    day = st.one_of(st.none(), st.dates(date(2014, 1, 1), date(2026, 12, 31)))
    f = SearchFilters(doc_types=tuple(data.draw(st.sets(st.sampled_from(["kamerbrief", "advies"])))),
                      since=data.draw(day), until=data.draw(day),
                      doc_ids=tuple(data.draw(st.sets(st.sampled_from([d.doc_id for d in docs])))))
    table = DocTable.of(docs)
    assert list(table.mask(f)) == [_passes(d, f) for d in docs]
    ref = TimeRef(data.draw(st.integers(2015, 2025)), data.draw(st.one_of(st.none(), st.integers(1, 12))))
    assert list(table.overlapping(*ref.bounds())) == [ref.matches(d.date) for d in docs]
