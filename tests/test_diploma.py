"""Diploma recognition from guides as they really come: the route from prose, steps from any
ordered structure, fields by heading, label or content, on invented guides in five layouts
(tests/fixtures/guides) and the older roadmap fixtures; letters and real PDFs give no guide."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, PDFS, ROOT

from ingest.extract import extract_file, structure_pages
from ingest.pipeline import build_index
from kb.diploma import diploma_lookup
from kb.embed import HashingEmbedder
from kb.embedded import EmbeddedStore
from kb.guide import Guide, read_guide
from kb.professions import profession, professions_named
from kb.routes import detect_route, parse_route
from kb.search import Searcher
from kb.settings import Settings

GUIDES = ROOT / "tests" / "fixtures" / "guides"
ROADMAPS = ROOT / "tests" / "fixtures" / "roadmaps"


def _guide(path: Path) -> Guide | None:
    return read_guide(path.stem, structure_pages(path, extract_file(path)))


@pytest.mark.parametrize(("text", "route"), [
    ("Roadmap fysiotherapeut: van Nederland naar Duitsland", "NL→DE"),
    ("Factsheet (BE → NL) zorgkundige", "BE→NL"),
    ("U bent in Nederland opgeleid en wilt in Noordrijn-Westfalen werken.", "NL→DE"),
    ("Sie haben Ihre Ausbildung in Deutschland abgeschlossen und möchten in den Niederlanden arbeiten.", "DE→NL"),
    ("You trained in the Netherlands and want to work in North Rhine-Westphalia.", "NL→DE"),
    ("Vous avez obtenu votre diplôme en Belgique et souhaitez travailler aux Pays-Bas.", "BE→NL"),
    ("Met een Vlaams diploma in Nederland aan de slag", "BE→NL"),
    ("Erkenning van uw Nederlandse diploma in Vlaanderen", "NL→BE"),
    ("Een brief over samenwerking met Duitsland", None),
])
def test_route_from_codes_and_prose(text: str, route: str | None):
    assert detect_route(text) == route


def test_routes_and_professions_as_users_write_them():
    assert parse_route("NL-DE") == parse_route("nl>de") == parse_route("NL→DE") == "NL→DE"
    with pytest.raises(ValueError, match="onbekende route"):
        parse_route("NL→FR")
    assert profession("Physiotherapeut").key == profession("kinesitherapeut").key == "fysiotherapeut"
    assert profession("Pflegefachkraft").key == "verzorgende-ig"
    with pytest.raises(ValueError, match="onbekend beroep"):
        profession("piloot")
    assert professions_named("als Lehrkraft für die Sekundarstufe oder leraar secundair onderwijs") == ("leraar-vo",)


# name -> route, profession, the steps' first words, (field, words in it, page)
EXPECTED = {
    "testfixture_gids_verpleegkundige_nl-be.html": (
        "NL→BE", "verpleegkundige", ["Maak een account", "Upload uw diploma", "Betaal de", "Wacht op het besluit"],
        {"authority": "Agentschap Zorgberoepen Grens", "documents": "uittreksel uit het BIG-register",
         "duration": "vier maanden", "costs": "90 euro"}),
    "testfixture_merkblatt_pflegefachkraft_de-nl.txt": (
        "DE→NL", "verzorgende-ig", ["Vorbereitung: Lassen Sie", "Antrag: Reichen", "Sprachnachweis", "Registrierung"],
        {"authority": "Anerkennungsbüro Pflege Grens", "documents": "Berufsurkunde; Nachweis der Berufserfahrung",
         "duration": "drei Monate", "costs": "85 Euro"}),
    "testfixture_uitleg_fysiotherapeut_de-nl.txt": (
        "DE→NL", "fysiotherapeut", ["Eerst vraagt u", "Daarna stuurt u", "Vervolgens beoordeelt", "Ten slotte"],
        {"authority": "Grensdienst Diploma's", "documents": "bewijs van werkervaring", "duration": "tien weken",
         "costs": "160 euro"}),
    "testfixture_leitfaden_physiotherapeut_nl-de.pdf": (
        "NL→DE", "fysiotherapeut", ["Antrag auf Anerkennung", "Prüfung der Gleichwertigkeit", "Ausgleichsmaßnahme",
                                    "Erteilung der Erlaubnis"],
        {"authority": "Bezirksregierung Fixturestadt", "documents": "BIG-Registerauszug", "duration": "drei Monate",
         "costs": "400 Euro"}),
    "testfixture_brochure_leraar_be-nl.pdf": (
        "BE→NL", "leraar-vo", ["Verzamel je diploma", "Vul het aanvraagformulier", "Stuur het formulier", "Ontvang"],
        {"authority": "Diplomabureau Grens", "documents": "kopie van je identiteitskaart", "duration": "acht weken",
         "costs": "120 euro"}),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_guide_is_read_whole_in_any_layout(name: str):
    route, prof, steps, fields = EXPECTED[name]
    guide = _guide(GUIDES / name)
    assert guide is not None and guide.route == route and prof in guide.professions
    assert [s.n for s in guide.steps] == [1, 2, 3, 4]
    for step, start in zip(guide.steps, steps, strict=True):
        assert step.text.startswith(start), (step.text, start)
    for key, words in fields.items():
        value = getattr(guide, key)
        assert value is not None and words in value.text, (key, value)


def test_steps_and_fields_keep_their_pages():
    guide = _guide(GUIDES / "testfixture_brochure_leraar_be-nl.pdf")
    assert guide is not None
    assert [s.page for s in guide.steps] == [1, 1, 2, 2]  # the list goes on over the page break
    assert guide.authority and guide.authority.page == 1 and guide.costs and guide.costs.page == 2


def test_letters_and_real_pdfs_are_no_guides():
    for path in [*CORPUS.glob("*.txt"), *PDFS.glob("*.pdf")]:
        assert _guide(path) is None, path.name


@pytest.fixture(scope="module")
def searcher(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    base = tmp_path_factory.mktemp("diploma")
    corpus = base / "corpus"
    shutil.copytree(CORPUS, corpus)
    for f in [*ROADMAPS.glob("testfixture_*"), *GUIDES.glob("testfixture_*")]:
        shutil.copy(f, corpus / f.name)
    settings = Settings(corpus_dir=corpus, index_dir=base / "index", embed_backend="hashing")
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    return Searcher(EmbeddedStore(settings.index_dir), HashingEmbedder())


def test_lookup_finds_every_guide_of_a_profession_and_route_and_only_those(searcher: Searcher):
    result = diploma_lookup(searcher, "fysiotherapeut", "NL-DE")
    assert result.route == "NL→DE"
    assert sorted(g.document.source for g in result.guides) == [
        "testfixture_leitfaden_physiotherapeut_nl-de.pdf", "testfixture_roadmap_fysiotherapeut_nl-de.txt"]
    assert not diploma_lookup(searcher, "verzorgende-ig", "NL→BE").guides
    guide = diploma_lookup(searcher, "zorgkundige", "BE→NL").guides[0]
    assert guide.guide.costs and guide.guide.costs.text.startswith("75 euro")
    data = diploma_lookup(searcher, "leraar-vo", "BE→NL").to_dict()
    assert data["guides"][0]["steps"][2] == {"n": 3, "text": "Stuur het formulier met alle bijlagen naar het bureau.",
                                             "page": 2}
    assert data["guides"][0]["costs"]["page"] == 2 and set(data) == {"profession", "route", "guides", "letters"}


def test_a_guide_survives_the_index_and_a_rebuild(searcher: Searcher):
    doc = next(d for d in searcher.store.documents() if d.source.endswith("merkblatt_pflegefachkraft_de-nl.txt"))
    assert doc.guide == _guide(GUIDES / "testfixture_merkblatt_pflegefachkraft_de-nl.txt")
    assert all(d.guide is None for d in searcher.store.documents() if d.source.startswith("20"))


def test_an_index_read_by_an_older_reader_is_read_again_keeping_its_vectors(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import ingest.pipeline

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = Settings(corpus_dir=corpus, index_dir=tmp_path / "index", embed_backend="hashing")
    build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    shutil.copy(GUIDES / "testfixture_uitleg_fysiotherapeut_de-nl.txt", corpus)
    monkeypatch.setattr(ingest.pipeline, "READER_VERSION", ingest.pipeline.READER_VERSION + 1)
    report = build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    assert (len(report.added), len(report.changed)) == (1, 5) and report.chunks_embedded <= 3  # only the new file
    again = build_index(settings, EmbeddedStore(settings.index_dir), HashingEmbedder())
    assert not again.changed and again.chunks_embedded == 0


ENGLISH = """# Working as a nurse in Germany

TESTFIXTURE: invented text.

You qualified as a nurse in the Netherlands and want to work in Lower Saxony? Then you need
recognition of your professional qualification.

## How to apply

1) Check whether your profession is regulated in Germany.
2) Send your application with certified copies to the competent authority.
3) Take an adaptation period or an aptitude test if differences are found.

## Who decides?

The fictitious Border Recognition Office assesses your application.

## Fees

The fee is between 200 and 500 euros.

## Processing time

You will receive a decision within three months.

## Documents you need

- proof of identity
- your diploma
"""
FRENCH = """Reconnaissance du diplôme de kinésithérapeute aux Pays-Bas (TESTFIXTURE : texte inventé)

Vous avez obtenu votre diplôme de kinésithérapeute en Belgique et souhaitez travailler aux Pays-Bas ?

Étape 1 : Demandez une attestation auprès du Bureau fictif des équivalences.
Étape 2 : Introduisez votre demande avec tous les documents.
Étape 3 : Inscrivez-vous au registre après la décision.

Délai : environ quatre mois.
Frais : 120 euros.
Documents : diplôme, relevé de notes, pièce d'identité.
"""


@pytest.mark.parametrize(("text", "route", "prof", "fields"), [
    (ENGLISH, "NL→DE", "verpleegkundige", {"authority": "Border Recognition Office", "documents": "your diploma",
                                           "duration": "three months", "costs": "500 euros"}),
    (FRENCH, "BE→NL", "fysiotherapeut", {"authority": "Bureau fictif des équivalences", "documents": "relevé de notes",
                                         "duration": "quatre mois", "costs": "120 euros"}),
])
def test_english_and_french_guides(text: str, route: str, prof: str, fields: dict[str, str]):
    from kb.records import Page

    guide = read_guide("", [Page(None, text)])
    assert guide is not None and (guide.route, guide.professions[0]) == (route, prof)
    assert len(guide.steps) == 3 and guide.steps[1].text.startswith(("Send your", "Introduisez"))
    for key, words in fields.items():
        value = getattr(guide, key)
        assert value is not None and words in value.text, (key, value)
