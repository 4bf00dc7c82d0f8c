import re
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

from conftest import CORPUS

from ingest.chunk import chunk_document, context_header, heading_of
from ingest.clean import clean_pages
from ingest.extract import extract_file
from ingest.metadata import load_catalog, merge_metadata, metadata_from_filename, metadata_from_text
from ingest.printed import kind_of
from kb.records import Document

LETTER_2023 = CORPUS / "2023-12-15_kamerbrief_voortgang-programma-regios-aan-de-grens.txt"


def _doc(**kw) -> Document:
    base = dict(doc_id="d", source="d.txt", sha256="", title="Titel", doc_type="kamerbrief", date="2023-12-15")
    base.update(kw)
    return Document(**base)


def test_sections_follow_the_letters_headings():
    chunks = chunk_document(_doc(), clean_pages(extract_file(LETTER_2023)))
    sections = {c.section for c in chunks}
    assert any(s.startswith("Spoor 1") for s in sections)
    assert any(s.startswith("Spoor 2") for s in sections)
    assert all(c.section == "" or len(c.section.split()) <= 14 for c in chunks)


def test_chunks_are_deterministic_sized_and_overlapping():
    pages = clean_pages(extract_file(LETTER_2023))
    a = chunk_document(_doc(), pages, chunk_words=120, overlap_words=30)
    b = chunk_document(_doc(), pages, chunk_words=120, overlap_words=30)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in b]
    assert len({c.chunk_id for c in a}) == len(a)
    assert max(len(c.text.split()) for c in a) <= 120 + 40  # a final tiny chunk may be merged
    same_section = [(x, y) for x, y in pairwise(a) if x.section == y.section]
    assert any(set(x.text.split()[-15:]) & set(y.text.split()[:40]) for x, y in same_section)


def test_no_word_of_the_cleaned_text_is_lost():
    pages = clean_pages(extract_file(LETTER_2023))
    chunks = chunk_document(_doc(), pages, chunk_words=150, overlap_words=30)
    in_chunks = set(re.findall(r"\w+", " ".join(c.text for c in chunks)))
    in_text = set(re.findall(r"\w+", "\n".join(p.text for p in pages)))
    assert in_text <= in_chunks


def test_pdf_chunks_carry_start_pages(pdfs: Path):
    pages = clean_pages(extract_file(pdfs / "plooi_20110301-draagmoederschap.pdf"))
    chunks = chunk_document(_doc(), pages, chunk_words=120, overlap_words=20)
    assert chunks[0].page == 1 and chunks[-1].page == 3
    assert [c.page for c in chunks] == sorted(c.page for c in chunks)
    for c in chunks:  # the passage must really be on (or start on) the page it claims
        first_words = " ".join(c.text.split()[:6])
        assert first_words in re.sub(r"\s+", " ", pages[c.page - 1].text) or c.ordinal > 0


def test_context_header_names_title_type_date_and_section():
    h = context_header(_doc(title="Voortgang", date="2021-12"), "Spoor 3: Benelux")
    assert h == "Voortgang · kamerbrief · december 2021 · Spoor 3: Benelux"


def test_the_header_leaves_out_guessed_titles_and_file_dates():
    d = _doc(title="Niet altijd een reactie", date="2024-04-04")
    assert context_header(d, "") == "Niet altijd een reactie · kamerbrief · 4 april 2024"
    guessed = replace(d, metadata_sources={"title": "firstline", "date": "html"})
    assert context_header(guessed, "Termijnen") == "kamerbrief · Termijnen"
    assert context_header(replace(d, metadata_sources={"date": "pdfinfo"}), "") == "Niet altijd een reactie · kamerbrief"


def test_heading_detection():
    assert heading_of("Spoor 2. Passend rijksbeleid voor grensregio’s", "", "De tekst") is not None
    assert heading_of("### Inzet kabinet", "x.", "") == "Inzet kabinet"
    assert heading_of("1. Grensoverschrijdende initiatieven", "", "Op 26 november") is not None
    assert heading_of("bijvoorbeeld een zin die doorloopt", "Dit is", "en verder") is None


def test_metadata_from_letterhead_and_footer():
    text = (CORPUS / "2022-05-13_kamerbrief_inzet-regios-aan-de-grens.txt").read_text(encoding="utf-8")
    found = metadata_from_text(text, text[-2500:])
    assert found["date"] == "2022-05-13"
    assert found["title"] == "Inzet Regio's aan de grens"
    assert found["kenmerk"] == "2022-0000239089"
    assert kind_of(found["title"], text) == "kamerbrief" and found["language"] == "nl"
    tail = LETTER_2023.read_text(encoding="utf-8")
    found = metadata_from_text(tail, tail[-3000:])
    assert (found["dossier"], found["number"]) == ("32 851", "79")
    assert found["author"].startswith("H.M. de Jonge")


def test_catalogue_wins_and_sources_are_reported():
    catalog = load_catalog(CORPUS)
    entry = catalog["2021-12_kamerbrief_nader-advies-werkgroep-grensbelemmeringen.txt"]
    values, sources = merge_metadata(("catalog", entry), ("text", {"date": "2021-12-01", "language": "nl"}),
                                     ("filename", metadata_from_filename("2021-12_kamerbrief_x.txt")))
    assert values["date"] == "2021-12" and sources["date"] == "catalog"
    assert sources["language"] == "text"


def test_filename_metadata(tmp_path: Path):
    found = metadata_from_filename("plooi_kst-32545-143.pdf")
    assert (found["dossier"], found["number"]) == ("32 545", "143")
    assert metadata_from_filename("2020-03-09_kamerbrief_voortgang.txt")["doc_type"] == "kamerbrief"
