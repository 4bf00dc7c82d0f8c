"""Document metadata from what real government documents carry (vendored PDFs, real HTML
markup): each source of each field, and the fallbacks. Measured on the full set by
bench/metadata_eval.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PDFS

from ingest.layout import html_hints, is_printed, is_template_title, read_hints
from ingest.pipeline import prepare_file
from ingest.printed import parse_any_date
from ingest.sources import SourceFile
from kb.settings import Settings

SETTINGS = Settings(ocr="off")


def _doc(name: str, root: Path = PDFS):  # type: ignore[no-untyped-def]
    return prepare_file(SourceFile(source=name, path=root / name, sha256="-", root=root), {}, SETTINGS).document


def test_a_letter_has_its_betreft_date_and_kind():
    d = _doc("plooi_20110301-draagmoederschap.pdf")
    assert (d.title, d.date, d.doc_type) == ("Draagmoederschap", "2011-03-01", "kamerbrief")
    assert d.metadata_sources["title"] == d.metadata_sources["date"] == "text"


def test_a_motion_has_its_kamerstuk_header_title_number_and_date():
    d = _doc("plooi_kst-32545-143.pdf")
    assert d.title == "MOTIE VAN DE LEDEN INGE VAN DIJK EN GRINWIS"
    assert (d.dossier, d.number, d.doc_type, d.date) == ("32 545", "143", "kamerstuk", "2021-07-06")
    assert d.organisation == "Tweede Kamer der Staten-Generaal"


def test_an_advice_in_a_kamerstuk_is_an_advice():
    d = _doc("advies_raad_van_state_coronamelder.pdf")
    assert d.title.startswith("ADVIES AFDELING ADVISERING RAAD VAN STATE") and d.doc_type == "advies"
    assert (d.dossier, d.number) == ("35 538", "4")


def test_questions_in_the_aanhangsel_are_dated_by_their_answer():
    d = _doc("plooi_ah-tk-20202021-3235.pdf")
    assert d.title.startswith("Vragen van de leden") and d.number == "3235"
    assert (d.date, d.doc_type) == ("2021-06-21", "kamerstuk")


def test_a_decision_list_is_dated_by_its_meeting():
    d = _doc("openkamer_besluitenlijst_example4.pdf")
    assert d.title.startswith("Besluitenlijst") and "commissie" in d.title
    assert (d.date, d.doc_type) == ("2011-03-08", "besluitenlijst")
    d = _doc("ori_Besluitenlijst-raadsvergadering-29-juni-2015.pdf")
    assert (d.date, d.doc_type) == ("2015-06-29", "besluitenlijst")


def test_a_report_cover_gives_its_title_by_layout():
    d = _doc("vws_coronamelder_programma_van_eisen.pdf")
    assert d.title.startswith("Programma van Eisen voor een digitale oplossing")
    assert d.metadata_sources["title"] == "layout" and d.date == "2020-05-19"
    assert _doc("dusi_Controleprotocol-FLO-B3-2023.pdf").date == "2024-01-11"  # 11-01-2024 on the cover


def test_a_subtitle_set_above_body_text_joins_the_title():
    d = _doc("dusi_Controleprotocol-FLO-B3-2023.pdf")
    assert d.title.startswith("Controleprotocol behorend bij de overgangsregeling Functioneel Leeftijdsontslag")
    assert not d.title.endswith("2024")  # the cover's date under it is not subtitle


def test_a_memo_set_as_a_form_gives_the_value_beside_its_subject_label():
    # labels ('datum', 'inzake', 'zaaknr') in one column, values beside them; text order gives
    # the labels after the values, so only their positions pair them
    d = _doc("advies_landsadvocaat_coronamelder.pdf")
    assert d.title == "Juridische analyse - advies Autoriteit Persoonsgegeven inzake de DPIA van de CoronaMelder"
    assert d.metadata_sources["title"] == "layout" and d.date == "2020-08-12"


def test_a_title_in_one_column_of_an_infographic_is_read_whole():
    hints = read_hints(PDFS / "dusi_Infographic-VIS-2023.pdf")
    assert hints.layout_title.startswith("Subsidieregeling virtuele internationale samenwerkings")
    assert "hoger onderwijs" in hints.layout_title


def test_a_pdf_info_title_the_document_does_not_print_is_stale():
    # the fiche's information title is its form template's; its printed heading wins
    assert read_hints(PDFS / "plooi_bnc-fiche-5-mifid.pdf").info_title == ""
    assert _doc("plooi_bnc-fiche-5-mifid.pdf").title.startswith("Fiche 5: Herziening verordening")
    assert is_printed("Evaluatie Wet open overheid", "De evaluatie van de Wet open overheid laat zien …")
    assert not is_printed("Aandachtspuntenlijst raadsvergadering 3 november 2008", "Besluitenlijst raadsvergadering 2015")
    assert is_printed("Any title", "")  # a scan without text cannot tell


def test_a_printed_pdf_info_title_outranks_the_first_line(tmp_path: Path):
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(PDFS / "plooi_Nummer1.pdf"))
    writer.add_metadata({"/Title": "Testbestand nummer 1 voor PLOOI"})
    writer.write(tmp_path / "plooi.pdf")
    d = _doc("plooi.pdf", tmp_path)
    assert (d.title, d.metadata_sources["title"]) == ("Testbestand nummer 1 voor PLOOI", "pdfinfo")


def test_the_pdf_creation_date_is_the_last_resort_and_marked_so():
    d = _doc("bzk_algoritmekader_levenscyclus_vergelijkingstabel.pdf")
    assert d.date and d.metadata_sources["date"] == "pdfinfo"


def test_a_scan_gives_no_layout_title_and_a_template_info_title_is_ignored():
    assert read_hints(PDFS / "plooi_blg-1007826.pdf").layout_title == ""
    for title in ("Microsoft Word - brief aan TK.docx", "Untitled", "Document1", "RO_PUBL_030_A4_Informatieblad",
                  "kst-32545-143"):
        assert is_template_title(title, Path("kst-32545-143.pdf")), title
    assert not is_template_title("Evaluatie van de Wet open overheid")


def test_the_first_heading_when_nothing_else_names_the_document():
    d = _doc("plooi_Nummer1.pdf")
    assert d.title.startswith("Ik ben testbestand nummer 1") and d.metadata_sources["title"] == "firstline"
    assert d.date == "2021-11-11"


@pytest.mark.parametrize(("text", "iso"), [
    ("Den Haag, 6 juli 2021", "2021-07-06"), ("datum 06-07-2021", "2021-07-06"), ("6 jul. 2021", "2021-07-06"),
    ("op 2021-07-06 vastgesteld", "2021-07-06"), ("Received: Mon 9/21/2020 8:12 AM", "2020-09-21"),
    ("6.7.2021", "2021-07-06"), ("31-02-2021", None), ("geen datum", None)])
def test_dates_in_every_form(text: str, iso: str | None):
    assert parse_any_date(text) == iso


def test_an_html_page_gives_its_dcterms_date_publisher_and_heading(tmp_path: Path):
    page = ('<html><head><meta name="DCTERMS.modified" content="2024-04-04">'
            '<meta name="DCTERMS.creator" content="Ministerie van Binnenlandse Zaken en Koninkrijksrelaties">'
            "</head><body><h1>Werken bij de overheid</h1><p>Op 1 januari 2020 begon het. Vacatures staan op "
            "werkenbijdeoverheid.nl.</p></body></html>")
    (tmp_path / "vac-0038f3c3.html").write_text(page, encoding="utf-8")
    d = _doc("vac-0038f3c3.html", tmp_path)
    assert (d.title, d.date) == ("Werken bij de overheid", "2024-04-04")
    assert d.metadata_sources["date"] == "html" and d.organisation.startswith("Ministerie van Binnenlandse")
    assert html_hints(page).meta["dcterms.modified"] == "2024-04-04"


def test_a_page_without_heading_is_titled_by_its_first_sentence(tmp_path: Path):
    (tmp_path / "vac-1.html").write_text("<html><body><p>Alle overheidsorganisaties mogen uw burgerservicenummer "
                                         "gebruiken. Andere niet.</p></body></html>", encoding="utf-8")
    d = _doc("vac-1.html", tmp_path)
    assert d.title.startswith("Alle overheidsorganisaties mogen") and d.metadata_sources["title"] == "firstline"


def test_kamerstuk_numbers_from_a_footer_and_from_an_identifier_in_the_file_name(tmp_path: Path):
    (tmp_path / "motie.txt").write_text("De Kamer,\n\ngehoord de beraadslaging,\n\nverzoekt de regering te "
                                        "rapporteren.\n\nTweede Kamer, vergaderjaar 2020–2021, 32 545, nr. 143\n",
                                        encoding="utf-8")
    d = _doc("motie.txt", tmp_path)
    assert (d.dossier, d.number, d.metadata_sources["dossier"]) == ("32 545", "143", "text")
    (tmp_path / "kst-36000-12.pdf").write_bytes((PDFS / "plooi_Nummer1.pdf").read_bytes())
    d = _doc("kst-36000-12.pdf", tmp_path)
    assert (d.dossier, d.number, d.metadata_sources["number"]) == ("36 000", "12", "filename")


def test_the_file_name_is_the_last_resort_for_title_date_and_kind(tmp_path: Path):
    (tmp_path / "2021-05-03_nota_overleg-grensarbeid.txt").write_text("12 34\n56 78\n", encoding="utf-8")
    d = _doc("2021-05-03_nota_overleg-grensarbeid.txt", tmp_path)
    assert (d.title, d.date, d.doc_type) == ("Overleg grensarbeid", "2021-05-03", "nota")
    assert d.metadata_sources["title"] == d.metadata_sources["date"] == "filename"
